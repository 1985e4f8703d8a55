"""`schemalint rewrite` over many files and folders (as pre-commit calls it): --check, --diff and
--in-place take any number of files, each handled on its own; stdout and -o take one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app

runner = CliRunner()

CLEAN = {
    "type": "object",
    "properties": {"city": {"type": "string", "enum": ["Paris", "Rome"]}},
    "required": ["city"],
    "additionalProperties": False,
}
"""Nothing to rewrite."""

SLOW = {
    "type": "object",
    "properties": {"city": {"$ref": "#/$defs/city"}},
    "required": ["city"],
    "additionalProperties": False,
    "$defs": {"city": {"type": "string", "enum": ["Paris", "Rome"]}},
}
"""A safe rewrite inlines the `$ref` and drops `$defs`: it becomes CLEAN."""


def folder(tmp_path: Path) -> Path:
    """clean.json, clean.yaml (nothing to do), slow.json and tools/slow.yaml (to rewrite)."""
    schemas = tmp_path / "schemas"
    (schemas / "tools").mkdir(parents=True)
    (schemas / "clean.json").write_text(json.dumps(CLEAN, indent=2) + "\n")
    (schemas / "clean.yaml").write_text("type: object\nproperties:\n  n: {type: integer}\n")
    (schemas / "slow.json").write_text(json.dumps(SLOW, indent=2) + "\n")
    tools = [{"name": "weather", "input_schema": SLOW}]
    (schemas / "tools" / "slow.yaml").write_text(json.dumps(tools))  # JSON is YAML too
    return schemas


def contents(schemas: Path) -> dict[str, bytes]:
    files = sorted(p for p in schemas.rglob("*") if p.is_file())
    return {str(p.relative_to(schemas)): p.read_bytes() for p in files}


def test_check_exits_1_and_names_each_file_a_rewrite_would_change(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    before = contents(schemas)
    result = runner.invoke(app, ["rewrite", str(schemas), "--check"])
    assert result.exit_code == 1 and result.stdout == ""
    would = [line for line in result.stderr.splitlines() if line.startswith("would rewrite")]
    assert would == [
        f"would rewrite {schemas / 'slow.json'}",
        f"would rewrite {schemas / 'tools' / 'slow.yaml'}",
    ]
    assert contents(schemas) == before


def test_check_passes_when_no_file_would_change(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    result = runner.invoke(
        app, ["rewrite", str(schemas / "clean.json"), str(schemas / "clean.yaml"), "--check"]
    )
    assert result.exit_code == 0 and result.output == ""


def test_with_several_files_every_change_line_names_its_file(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    result = runner.invoke(app, ["rewrite", str(schemas), "--check"])
    changes = [line for line in result.stderr.splitlines() if " SL103 " in line]
    assert changes == [
        f"{schemas / 'slow.json'}: SL103 safe inline-refs: inlined $ref '#/$defs/city'",
        f"{schemas / 'slow.json'}: SL103 safe drop-unused-definitions: "
        "dropped $defs (nothing references them any more)",
        f"{schemas / 'tools' / 'slow.yaml'}: SL103 safe inline-refs: inlined $ref "
        "'#/$defs/city' (in /0/input_schema)",
        f"{schemas / 'tools' / 'slow.yaml'}: SL103 safe drop-unused-definitions: "
        "dropped $defs (nothing references them any more) (in /0/input_schema)",
    ]


def test_settings_hints_come_once_however_many_files_change(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rewrite", str(folder(tmp_path)), "--check"])
    assert result.stderr.count("hint: set LMFE_STRICT_JSON_FIELD_ORDER=true") == 1


def test_in_place_rewrites_each_file_that_changes_and_leaves_the_others(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    before = contents(schemas)
    result = runner.invoke(app, ["rewrite", str(schemas), "--in-place"])
    assert result.exit_code == 0 and result.stdout == ""
    after = contents(schemas)
    assert sorted(after) == sorted(before)  # no temporary file left behind
    assert json.loads(after["slow.json"]) == CLEAN
    assert after["tools/slow.yaml"] != before["tools/slow.yaml"]
    assert after["clean.json"] == before["clean.json"]
    assert after["clean.yaml"] == before["clean.yaml"]
    assert runner.invoke(app, ["rewrite", str(schemas), "--check"]).exit_code == 0


def test_diff_prints_one_diff_per_file_that_changes(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    result = runner.invoke(app, ["rewrite", str(schemas), "--diff"])
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("--- ")]
    assert headers == [f"--- {schemas / 'slow.json'}", f"--- {schemas / 'tools' / 'slow.yaml'}"]


def test_several_files_to_stdout_or_one_output_file_are_refused(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    before = contents(schemas)
    to_stdout = runner.invoke(app, ["rewrite", str(schemas)])
    assert to_stdout.exit_code == 2 and to_stdout.stdout == ""
    assert to_stdout.stderr == (
        "schemalint: error: 4 files cannot all go to stdout: use --in-place, --diff or --check\n"
    )
    out = tmp_path / "out.json"
    to_file = runner.invoke(
        app, ["rewrite", str(schemas / "slow.json"), str(schemas / "clean.json"), "-o", str(out)]
    )
    assert to_file.exit_code == 2 and to_file.stderr.count("\n") == 1
    assert "2 files cannot all go to --output" in to_file.stderr
    assert not out.exists() and contents(schemas) == before


def test_a_folder_holding_one_schema_still_goes_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "slow.json").write_text(json.dumps(SLOW))
    result = runner.invoke(app, ["rewrite", str(tmp_path)])
    assert result.exit_code == 0 and json.loads(result.stdout) == CLEAN


def test_an_unreadable_file_is_named_and_the_others_are_still_rewritten(tmp_path: Path) -> None:
    schemas = folder(tmp_path)
    broken = schemas / "broken.json"
    broken.write_bytes(b'{"type": "object",\n  "properties": {,}\n')
    (schemas / "list.json").write_text("[1, 2]")  # parses, but is no schema: skipped
    result = runner.invoke(app, ["rewrite", str(schemas), "--in-place"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("schemalint:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"schemalint: error: {broken}:2:")
    assert "note: skipped 1 file that is not a schema" in result.stderr
    assert json.loads((schemas / "slow.json").read_text()) == CLEAN
    assert broken.read_bytes() == b'{"type": "object",\n  "properties": {,}\n'


def test_an_error_outweighs_a_file_that_would_change(tmp_path: Path) -> None:
    """2 (schemalint could not do its job) wins over 1 (a file would change), as in ruff."""
    schemas = folder(tmp_path)
    (schemas / "broken.json").write_text("{")
    result = runner.invoke(app, ["rewrite", str(schemas), "--check"])
    assert result.exit_code == 2
    assert f"would rewrite {schemas / 'slow.json'}" in result.stderr


def test_measure_gives_each_file_its_own_table_titled_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Supported rather than refused: one prober, each file measured before and after."""
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)  # short names: a title wider than the table would wrap
    files = ["schemas/slow.json", "schemas/clean.json"]
    result = runner.invoke(app, ["rewrite", *files, "--check", "--measure", "--budget", "5"])
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert lines.count("p95 ms  max ms  allowed median  walk s  risk   walks") == 2
    assert files[0] in lines and files[1] in lines  # each table's title
