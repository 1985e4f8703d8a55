"""`check --format markdown`: a pull-request summary. Against a baseline, what the change did;
without one, every finding. Table cells survive any pipe or backtick a schema puts in them."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint import risk
from schemalint.cli import app
from schemalint.engine import FileBaseline, FileReport, Report
from schemalint.report import renderer
from schemalint.report.markdown import RULES_URL, RULES_URL_VARIABLE, code, text
from tests.baseline.test_gate import (
    ENUM_OR_FREE,
    TOOLS,
    commit,
    git,
    new_repository,
    tool,
    write,
)
from tests.conftest import SAMPLES

PINNED = ("--lmfe-version", "0.11.3", "--no-strict-field-order")


def markdown(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args, *PINNED, "-f", "markdown"])
    return result.exit_code, result.stdout


def cells(row: str) -> list[str]:
    """A table row split where GFM splits it: at pipes without a backslash."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Base: the OpenAI tools and the MCP sample. Head: one tool gains an enum-or-free-string
    priority, another tool is dropped; the MCP file is untouched."""
    new_repository(tmp_path)
    (tmp_path / "tools").mkdir()
    write(tmp_path / "tools" / "openai.json", TOOLS)
    write(tmp_path / "tools" / "mcp.json", json.loads((SAMPLES / "mcp_tools.json").read_text()))
    commit(tmp_path, "base")
    edited: list[dict[str, Any]] = copy.deepcopy(TOOLS)
    tool(edited, "lookup_order")["function"]["parameters"]["properties"]["priority"] = ENUM_OR_FREE
    edited.remove(tool(edited, "escalate_ticket"))
    write(tmp_path / "tools" / "openai.json", edited)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(RULES_URL_VARIABLE, raising=False)
    return tmp_path


def test_without_a_baseline_it_counts_by_severity_and_lists_every_finding() -> None:
    exit_code, out = markdown(str(SAMPLES / "pathological" / "enum_or_free_string.json"))
    assert exit_code == 1
    assert out.startswith("## schemalint\n\nFound 3 findings in 1 file.\n")
    assert "| critical | 1 |" in out and "| info | 2 |" in out
    (sl205,) = [row for row in out.splitlines() if "[SL205]" in row]
    severity, rule, _, where, message, fix = cells(sl205)
    assert (severity, rule) == ("critical", f"[SL205]({RULES_URL}SL205.md)")
    assert where == "`/properties/priority/anyOf` (line 12)"
    assert message.startswith("anyOf mixes a string enum with a free string")
    assert fix.endswith("(unsafe)")


def test_a_clean_file_is_all_clear() -> None:
    exit_code, out = markdown(str(SAMPLES / "function_calling_rewritten.json"), "--select", "SL205")
    assert exit_code == 0
    assert out == "## schemalint\n\nAll clear: 1 file checked, no findings.\n"


def test_against_a_baseline_it_shows_changed_files_new_findings_and_a_fixed_count(
    repo: Path,
) -> None:
    exit_code, out = markdown("tools", "--baseline-ref", "HEAD")
    assert exit_code == 1
    lines = out.splitlines()
    assert lines[2].startswith("Against git ref HEAD: **2 new**, ")
    assert "| `tools/openai.json` | 32 medium → 84 critical **rose** |" in lines
    assert not any("mcp.json" in line for line in lines), "unchanged files stay out"
    assert "### New findings (2)" in lines
    new = [cells(row)[1] for row in lines if row.startswith("| ") and f"]({RULES_URL}" in row]
    assert new == [f"[SL205]({RULES_URL}SL205.md)", f"[SL201]({RULES_URL}SL201.md)"]
    assert lines[-1] == "Fixed: 1 finding."  # escalate_ticket's free-text ticket_id


def test_rule_links_follow_the_configured_base_url(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RULES_URL_VARIABLE, "https://github.com/o/schemalint/blob/abc/rules/")
    _, out = markdown("tools", "--baseline-ref", "HEAD")
    assert "[SL205](https://github.com/o/schemalint/blob/abc/rules/SL205.md)" in out


def test_nothing_changed_says_so(repo: Path) -> None:
    git(repo, "checkout", "-q", "--", "tools")
    exit_code, out = markdown("tools", "--baseline-ref", "HEAD", "--fail-on", "info")
    assert exit_code == 0
    assert out.splitlines()[-1] == "No changes to findings or risk in 2 files checked."


def test_measured_files_show_their_worst_step_before_and_after() -> None:
    slower = FileBaseline(risk.score([]), [], "a.json", worst_ms_before=12.0, worst_ms_after=3400.5)
    same = FileBaseline(risk.score([]), [], "b.json", worst_ms_before=5.0, worst_ms_after=5.0)
    files = [
        FileReport(path, "openai", [], baseline=was)
        for path, was in (("a.json", slower), ("b.json", same))
    ]
    report = Report(files, "git ref main")
    stream = io.StringIO()
    renderer("markdown")(report, stream)
    lines = stream.getvalue().splitlines()
    assert "| file | risk before → after | worst step before → after |" in lines
    assert "| `a.json` | 0 low → 0 low | 12.0 ms → 3,400.5 ms |" in lines
    assert not any("b.json" in line for line in lines)


def test_pipes_and_backticks_in_a_schema_stay_inside_their_cells(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"a|b`c": ENUM_OR_FREE}}
    path = tmp_path / "odd.json"
    write(path, schema)
    _, out = markdown(str(path))
    (row,) = [row for row in out.splitlines() if "[SL205]" in row]
    assert len(cells(row)) == 6
    assert cells(row)[3] == "``/properties/a\\|b`c/anyOf`` (line 5)"


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("a|b", "`a\\|b`"),
        ("a`b", "``a`b``"),
        ("`x`", "`` `x` ``"),
        ("two\nlines", "`two lines`"),
    ],
)
def test_code_spans_hold_any_text(raw: str, cell: str) -> None:
    assert code(raw) == cell


def test_text_escapes_markup() -> None:
    assert text("use `x` | *y* <b>_z_</b>") == r"use \`x\` \| \*y\* \<b\>\_z\_\</b\>"
