"""Suppressing one finding where it sits: a ``$comment`` directive on the subschema, or a
``glob#/pointer`` entry in per-file-ignores. Suppressed findings are reported apart, with
why, and never fail the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import ConfigError, Settings, load_settings
from schemalint.engine import check_data, check_file
from schemalint.model import Severity
from schemalint.suppress import directive

runner = CliRunner()
PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)

#: SL107 (no maxItems) on /properties/events, SL201 (free text) on its items.
EVENTS = {"type": "array", "items": {"type": "string"}}


def schema(events: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"events": events}, "required": ["events"]}


def found(report: Any) -> set[tuple[str, str]]:
    return {(f.code, f.pointer) for f in report.findings}


def test_the_directive_names_codes_or_nothing_for_all() -> None:
    assert directive("schemalint: ignore SL108, SL406") == frozenset({"SL108", "SL406"})
    assert directive("schemalint: ignore") == frozenset({""})
    assert directive("  schemalint:ignore sl1") == frozenset({"SL1"})
    assert directive("ignore SL108") is None
    assert directive("a note about schemalint: ignore") is None
    assert directive(3) is None


def test_a_comment_suppresses_the_named_codes_on_its_own_subschema() -> None:
    plain = check_data(schema(EVENTS), PINNED)
    assert ("SL107", "/properties/events") in found(plain)
    quiet = check_data(schema({**EVENTS, "$comment": "schemalint: ignore SL107"}), PINNED)
    assert ("SL107", "/properties/events") not in found(quiet)
    assert [(f.code, f.pointer, f.suppressed_by) for f in quiet.suppressed] == [
        ("SL107", "/properties/events", "$comment")
    ]


def test_a_comment_does_not_reach_the_subschemas_inside_it() -> None:
    """As ruff's noqa covers its own line: silencing a node never hides a new problem below."""
    quiet = check_data(schema({**EVENTS, "$comment": "schemalint: ignore"}), PINNED)
    assert ("SL201", "/properties/events/items") in found(quiet)
    assert ("SL107", "/properties/events") not in found(quiet)


def test_a_comment_covers_findings_on_its_subschemas_keywords() -> None:
    """A finding that points at a keyword (``.../limit/minimum``) is about its subschema."""
    limit = {"type": "integer", "minimum": 1, "maximum": 5}
    plain = check_data(schema(limit), PINNED)
    assert {p for c, p in found(plain) if c == "SL301"} == {
        "/properties/events/minimum",
        "/properties/events/maximum",
    }
    quiet = check_data(schema({**limit, "$comment": "schemalint: ignore SL301"}), PINNED)
    assert not any(code == "SL301" for code, _ in found(quiet))
    assert len(quiet.suppressed) == 2


def test_suppressed_findings_count_neither_for_risk_nor_for_the_exit_code(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_text(json.dumps(schema({**EVENTS, "$comment": "schemalint: ignore SL107"})))
    result = runner.invoke(app, ["check", str(target), "--fail-on", "low", "-f", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    [file] = report["files"]
    assert [(f["code"], f["reason"]) for f in file["suppressed"]] == [("SL107", "$comment")]
    assert report["summary"]["suppressed"] == 1
    assert "SL107" not in {f["code"] for f in file["findings"]}


def test_the_text_summary_says_how_many_were_suppressed(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_text(json.dumps(schema({**EVENTS, "$comment": "schemalint: ignore"})))
    result = runner.invoke(app, ["check", str(target)])
    assert "1 suppressed." in result.stdout


def test_on_a_tool_list_the_comment_sits_in_the_tools_own_parameters(tmp_path: Path) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "log",
                "parameters": schema({**EVENTS, "$comment": "schemalint: ignore SL107"}),
            },
        }
    ]
    target = tmp_path / "tools.json"
    target.write_text(json.dumps(tools, indent=2))
    report = check_file(target, PINNED)
    assert report.kind == "openai-tools"
    assert [(f.code, f.pointer) for f in report.suppressed] == [
        ("SL107", "/0/function/parameters/properties/events")
    ]


def project(tmp_path: Path, ignores: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.schemalint]\nlmfe-version = '0.11.3'\n[tool.schemalint.per-file-ignores]\n{ignores}"
    )
    (tmp_path / "tools").mkdir()
    target = tmp_path / "tools" / "a.json"
    target.write_text(json.dumps(schema(EVENTS), indent=2))
    return target


def test_a_pointer_entry_in_per_file_ignores_suppresses_there_only(tmp_path: Path) -> None:
    target = project(tmp_path, '"tools/a.json#/properties/events" = ["SL1"]\n')
    report = check_file(target, load_settings(start=tmp_path))
    assert [(f.code, f.suppressed_by) for f in report.suppressed] == [("SL107", "per-file-ignores")]
    assert ("SL201", "/properties/events/items") in found(report)


def test_a_pointer_entry_is_matched_like_a_glob_entry(tmp_path: Path) -> None:
    target = project(tmp_path, '"*.json#/properties/events" = ["SL107"]\n')
    assert len(check_file(target, load_settings(start=tmp_path)).suppressed) == 1


@pytest.mark.parametrize("key", ['"#/properties"', '"a.json#properties"'])
def test_a_pointer_entry_must_be_a_glob_and_a_json_pointer(tmp_path: Path, key: str) -> None:
    project(tmp_path, f"{key} = ['SL107']\n")
    with pytest.raises(ConfigError, match="glob#/json/pointer"):
        load_settings(start=tmp_path)


def test_suppressed_findings_keep_their_severity_but_leave_the_risk() -> None:
    plain = check_data(schema(EVENTS), PINNED)
    quiet = check_data(schema({**EVENTS, "$comment": "schemalint: ignore SL107"}), PINNED)
    assert quiet.suppressed[0].severity is Severity.LOW
    assert quiet.risk.score < plain.risk.score
