"""The Python API, through its public names only: schemalint.check, schemalint.rewriting and
schemalint.testing.assert_schema_ok."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, Literal

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

import schemalint
from schemalint.cli import app
from schemalint.testing import assert_schema_ok
from tests.conftest import ROOT, SAMPLES, SEED, TWIN

FREE_DICT = {
    "type": "object",
    "properties": {"extra": {"type": "object", "additionalProperties": True}},
}


class StoreArgs(BaseModel):
    key: str
    value: dict[str, Any]


class OrderArgs(BaseModel):
    order_id: str
    quantity: int


def search(query: str, mode: Literal["fast", "deep"] | str = "fast") -> list[str]:
    """Search the catalogue."""
    return []


def codes(result: schemalint.CheckResult) -> set[tuple[str, str]]:
    return {(finding.code, finding.pointer) for finding in result.findings}


def test_a_dict_is_checked_in_memory() -> None:
    result = schemalint.check(FREE_DICT)
    assert ("SL108", "/properties/extra") in codes(result)
    assert result.exit_code == 1 and not result.ok


def test_json_and_yaml_text_keep_their_line_numbers() -> None:
    text = json.dumps(FREE_DICT, indent=2)
    (finding,) = [f for f in schemalint.check(text).findings if f.code == "SL108"]
    assert (finding.line, finding.column) == (4, 5)
    yaml_text = (
        "type: object\nproperties:\n  extra:\n    type: object\n    additionalProperties: true\n"
    )
    (finding,) = [f for f in schemalint.check(yaml_text).findings if f.code == "SL108"]
    assert finding.line == 3


def test_a_path_gives_exactly_the_cli_s_json() -> None:
    path = str(SAMPLES / "openai_tools.json")
    cli = CliRunner().invoke(app, ["check", path, "--output-format", "json"])
    assert schemalint.check(path).to_dict() == json.loads(cli.stdout)


def test_a_folder_is_checked_file_by_file() -> None:
    result = schemalint.check(SAMPLES / "pathological")
    assert len(result.files) >= 4


def test_a_pydantic_model_and_a_typed_function() -> None:
    model = schemalint.check(StoreArgs)
    assert ("SL108", "/properties/value") in codes(model)
    assert model.files[0].path == "python:StoreArgs"
    function = schemalint.check(search)
    assert any(f.code == "SL205" and f.tool == "search" for f in function.findings)
    tools = schemalint.check([StoreArgs, search])
    assert {f.tool for f in tools.findings} >= {"StoreArgs", "search"}


def test_settings_are_the_cli_s() -> None:
    assert schemalint.check(TWIN).exit_code == 0
    assert schemalint.check(TWIN, fail_on="low").exit_code == 1
    only = schemalint.check(SEED, select=["SL206"])
    assert {f.code for f in only.findings} == {"SL206"}
    assert "SL206" not in {f.code for f in schemalint.check(SEED, ignore="SL2").findings}


def test_what_cannot_be_a_schema_raises_one_clear_error() -> None:
    with pytest.raises(schemalint.InvalidSource, match="is a object, not a Pydantic model"):
        schemalint.check(object())


def test_rewrite_returns_the_document_and_its_changes() -> None:
    done = schemalint.rewrite({"oneOf": [{"type": "string"}]})
    assert done.data == {"type": "string"} and done.changed
    assert [change.rewrite for change in done.changes] == ["flatten-single-branch"]
    unchanged = schemalint.rewrite(SAMPLES / "function_calling_rewritten.json")
    assert unchanged.text == TWIN.read_text()


def test_rewrite_takes_one_document() -> None:
    with pytest.raises(schemalint.InvalidSource, match="one document, not a folder"):
        schemalint.rewrite(SAMPLES)


def test_assert_schema_ok_passes_a_healthy_model() -> None:
    assert_schema_ok(OrderArgs, fail_on="high")


def test_assert_schema_ok_lists_what_fails() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_schema_ok(StoreArgs, fail_on="high")
    message = str(raised.value)
    assert message.startswith("1 schemalint finding(s) at or above high in python:StoreArgs:")
    assert "SL108 [critical] /properties/value: free-form object" in message


def test_measure_runs_the_real_probe() -> None:
    pytest.importorskip("lmformatenforcer")
    report = schemalint.check(FREE_DICT, measure=True, budget=15).to_dict()
    assert report["files"][0]["measurement"]["coverage"]["subschemas"]["total"] > 0


def test_importing_the_package_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import schemalint"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = {"torch", "lmformatenforcer", "mcp", "transformers", "exllamav2", "xgrammar"}
    heavy |= {"llguidance", "outlines_core", "pydantic"}
    assert not {name.split(".")[0] for name in imported} & heavy
    assert "schemalint.api" not in imported  # until schemalint.check or .rewrite is used


def _readme_python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n```", 1)[0] for block in section.split("```python\n")[1:]]


def test_the_readme_s_api_examples_run_as_written() -> None:
    blocks = _readme_python_blocks()
    assert len(blocks) == 3
    for block in blocks:
        done = subprocess.run(
            [sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
