"""check --python reads Pydantic models, typed functions and lists of them from a package the
test writes, importing it in a child process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app

pytest.importorskip("pydantic")
runner = CliRunner()

MODELS = '''
from typing import Any, Literal

from pydantic import BaseModel


class StoreArgs(BaseModel):
    """Store a record."""

    key: str
    value: dict[str, Any]


def search(query: str, mode: Literal["fast", "deep"] | str = "fast") -> list[str]:
    """Search the catalogue."""
    return []


TOOLS = [StoreArgs, search]
BY_NAME = {"store": StoreArgs, "find": search}
RAW = [{"type": "function", "function": {"name": "raw", "parameters": {"type": "object"}}}]
NUMBER = 42
print("importing models prints this, which must not reach the report")
'''


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A folder holding the package ``mytools``."""
    root = tmp_path / "src"
    (root / "mytools").mkdir(parents=True)
    (root / "mytools" / "__init__.py").write_text("")
    (root / "mytools" / "models.py").write_text(MODELS)
    (root / "mytools" / "broken.py").write_text("import no_such_dependency_here\n")
    (root / "mytools" / "slow.py").write_text("import time\ntime.sleep(60)\n")
    return root


def check(package: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["check", "-f", "json", "--python-path", str(package), *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


def found(report: dict[str, object]) -> set[tuple[str, str, str | None]]:
    (file,) = report["files"]  # type: ignore[misc]
    return {(f["code"], f["pointer"], f.get("tool")) for f in file["findings"]}


def test_a_pydantic_model_is_checked_as_its_validation_schema(package: Path) -> None:
    code, report, err = check(package, "--python", "mytools.models:StoreArgs")
    assert code == 1, err
    (file,) = report["files"]  # type: ignore[misc]
    assert file["kind"] == "json-schema" and file["path"] == "python:mytools.models:StoreArgs"
    assert file["source"] == {
        "kind": "python",
        "name": "mytools.models:StoreArgs",
        "file": str(package / "mytools" / "models.py"),
        "line": 7,
    }
    assert ("SL108", "/properties/value", None) in found(report)


def test_a_typed_function_is_one_tool_with_its_docstring(package: Path) -> None:
    code, report, _ = check(package, "--python", "mytools.models:search")
    assert code == 1
    (file,) = report["files"]  # type: ignore[misc]
    assert file["kind"] == "openai-tools"
    assert ("SL205", "/0/function/parameters/properties/mode/anyOf", "search") in found(report)


def test_a_list_and_a_dict_of_them_are_tool_lists(package: Path) -> None:
    _, listed, _ = check(package, "--python", "mytools.models:TOOLS")
    assert {tool for _, _, tool in found(listed)} >= {"StoreArgs", "search"}
    _, named, _ = check(package, "--python", "mytools.models:BY_NAME")
    assert {tool for _, _, tool in found(named)} >= {"store", "find"}


def test_an_already_built_tool_list_is_taken_as_it_is(package: Path) -> None:
    code, report, _ = check(package, "--python", "mytools.models:RAW")
    assert code == 0
    assert report["files"][0]["kind"] == "openai-tools"  # type: ignore[index]


def test_an_object_of_the_wrong_kind_is_one_line_and_exit_2(package: Path) -> None:
    code, report, err = check(package, "--python", "mytools.models:NUMBER")
    assert code == 2
    assert err.strip() == (
        "schemalint: error: python:mytools.models:NUMBER: NUMBER is a int, not a Pydantic "
        "model, a typed function, a list or dict of them, or a schema or tool list"
    )
    assert report["files"] == []


def test_an_import_error_names_the_module(package: Path) -> None:
    code, _, err = check(package, "--python", "mytools.broken:X")
    assert code == 2
    assert err.strip() == (
        "schemalint: error: python:mytools.broken:X: cannot import mytools.broken: "
        "No module named 'no_such_dependency_here'"
    )


def test_the_working_folder_is_not_on_the_path_unless_named(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(package)
    result = runner.invoke(app, ["check", "--python", "mytools.models:StoreArgs"])
    assert result.exit_code == 2
    assert "cannot import mytools.models: No module named 'mytools'" in result.stderr
    named = runner.invoke(
        app, ["check", "--python", "mytools.models:StoreArgs", "--python-path", "."]
    )
    assert named.exit_code == 1


def test_an_import_that_hangs_is_stopped_at_the_timeout(package: Path) -> None:
    code, _, err = check(package, "--python", "mytools.slow:X", "--source-timeout", "1")
    assert code == 2
    assert "python:mytools.slow:X: import did not finish within 1 s" in err


def test_a_spec_without_an_object_is_refused(package: Path) -> None:
    code, _, err = check(package, "--python", "mytools.models")
    assert code == 2 and "expected module:OBJECT" in err


def test_the_text_report_shows_the_model_s_source_line(package: Path) -> None:
    result = runner.invoke(
        app, ["check", "--python-path", str(package), "--python", "mytools.models:StoreArgs"]
    )
    header = result.stdout.splitlines()[0]
    assert header.startswith("python:mytools.models:StoreArgs  json-schema  risk")
    assert header.endswith(f"({package / 'mytools' / 'models.py'}:7)")


def test_python_path_without_python_is_a_usage_error(package: Path) -> None:
    result = runner.invoke(app, ["check", "--python-path", str(package), "x.json"])
    assert result.exit_code == 2 and "--python-path goes with --python" in result.stderr


def test_help_says_that_python_runs_user_code() -> None:
    result = runner.invoke(app, ["check", "--help"], terminal_width=200)
    assert "IMPORTS AND RUNS" in " ".join(result.stdout.split())
