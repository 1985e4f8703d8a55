"""`schemalint rewrite FOLDER` skips the JSON and YAML files it finds that are neither schemas
nor tool lists (package.json, docker-compose.yml), as `check` does; a file named on the
command line is always rewritten, and is an error when it is no schema."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from schemalint.cli import app

runner = CliRunner()


def project(tmp_path: Path) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "type": "module"}))
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "schema.yaml").write_text("type: object\nadditionalProperties: true\n")
    return tmp_path


def test_a_folder_walk_skips_files_that_are_not_schemas(tmp_path: Path) -> None:
    folder = project(tmp_path)
    result = runner.invoke(app, ["rewrite", str(folder), "--check"])
    assert result.exit_code == 1
    assert f"would rewrite {folder / 'schema.yaml'}" in result.stderr
    assert "note: skipped 2 files that are not schemas" in result.stderr
    assert "error" not in result.stderr


def test_a_file_named_explicitly_is_still_read_as_a_schema(tmp_path: Path) -> None:
    folder = project(tmp_path)
    result = runner.invoke(app, ["rewrite", str(folder / "package.json"), "--check"])
    assert result.exit_code == 2
    assert f"schemalint: error: {folder / 'package.json'}" in result.stderr
    assert "skipped" not in result.stderr
