"""`schemalint rewrite` refuses an input it cannot rewrite safely (it fails its meta-schema, or
nests too deeply to check) in one line, with exit code 2, and leaves the file alone; a change
rolled back beside others that apply is not a refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.model import Applicability
from schemalint.rewriting import rewrites
from schemalint.rewriting.engine import rewrite_schema

runner = CliRunner()
SETTINGS = Settings(lmfe_version="0.11.3", strict_field_order=False)


def nested(levels: int, make: Any, inner: Any = "x") -> Any:
    for _ in range(levels):
        inner = make(inner)
    return inner


TOO_DEEP = {
    "lists in a title": {"type": "object", "title": nested(500, lambda v: [v])},
    "objects in a title": {"type": "object", "title": nested(600, lambda v: {"a": v})},
    "items in items": nested(140, lambda v: {"type": "array", "items": v}, {"type": "string"}),
}


def write(tmp_path: Path, schema: Any) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(TOO_DEEP))
def test_a_schema_nested_past_the_limit_is_refused_and_left_untouched(
    name: str, tmp_path: Path
) -> None:
    path = write(tmp_path, TOO_DEEP[name])
    before = path.read_bytes()
    result = runner.invoke(app, ["rewrite", str(path), "--in-place", "--unsafe-fixes"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"schemalint: error: {path}: not rewritten: the input is nested more than 80 levels deep\n"
    )
    assert path.read_bytes() == before
    refused = rewrite_schema(TOO_DEEP[name], SETTINGS).refused
    assert refused is not None and refused.startswith("the input is nested more than 80 levels")


def test_a_schema_failing_its_meta_schema_is_refused_even_under_check(tmp_path: Path) -> None:
    path = write(tmp_path, {"type": "object", "properties": {"a": {"type": "strng"}}})
    result = runner.invoke(app, ["rewrite", str(path), "--check"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"schemalint: error: {path}: not rewritten: the input fails ")
    assert result.stderr.count("\n") == 1


def test_the_refusal_is_a_field_of_the_result_not_a_rolled_back_change() -> None:
    result = rewrite_schema({"type": "strng", "$defs": {"a": {}}}, SETTINGS)
    assert result.refused is not None and "fails its meta-schema" in result.refused
    assert result.rolled_back == [] and result.changes == []


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [("^\\p{Letter}+$", True), ("^\\cC$", True), ("(", False), ("[a-", False)],
)
def test_check_and_rewrite_judge_a_pattern_by_the_same_ecma_262_rules(
    pattern: str, valid: bool, tmp_path: Path
) -> None:
    schema = {"type": "object", "properties": {"p": {"type": "string", "pattern": pattern}}}
    sl001 = [f for f in check_data(schema, SETTINGS).findings if f.code == "SL001"]
    assert (sl001 == []) is valid
    result = runner.invoke(app, ["rewrite", str(write(tmp_path, schema))])
    assert result.exit_code == (0 if valid else 2)
    assert ("is not a 'regex'" in result.stderr) is not valid


def test_a_tools_list_with_one_broken_tool_is_not_rewritten_at_all(tmp_path: Path) -> None:
    tools = [
        {
            "name": "fine",
            "input_schema": {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/A"}},
                "$defs": {"A": {"type": "string"}},
            },
        },
        {"name": "broken", "input_schema": {"type": "object", "required": "a"}},
    ]
    path = write(tmp_path, tools)
    result = runner.invoke(app, ["rewrite", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "not rewritten: tool 'broken': the input fails its meta-schema" in result.stderr


def test_a_change_rolled_back_beside_applied_ones_is_not_a_refusal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def breaks(analysis: Any, cap: int) -> Any:
        yield rewrites.Change("set type to 42", [rewrites.replace("/type", 42)])

    broken = rewrites.Rewrite("breaks", ("SL101",), Applicability.SAFE, breaks)
    inline = next(rewrite for rewrite in rewrites.REWRITES if rewrite.name == "inline-refs")
    monkeypatch.setattr("schemalint.rewriting.engine.REWRITES", (broken, inline))
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}},
        "$defs": {"A": {"type": "string"}},
    }
    result = runner.invoke(app, ["rewrite", str(write(tmp_path, schema))])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["properties"]["a"] == {"type": "string"}
    assert "rolled back: breaks: set type to 42: the result fails its meta-schema" in result.stderr
