"""SARIF that GitHub code scanning renders well: valid 2.1.0, locations relative to the
repository root as URI references, rule help, and regions with their ends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.docs import PROJECT_URL, rule_page
from schemalint.load.positions import line_starts
from schemalint.rules import RULES
from tests.conftest import SAMPLES

runner = CliRunner()
SARIF_SCHEMA = (
    Path(__file__).resolve().parent.parent / "data" / "sarif" / "sarif-schema-2.1.0-rtm.5.json"
)
REPOSITORY = Path(__file__).resolve().parent.parent.parent
SCHEMA = """{
  "type": "object",
  "properties": {
    "reason": {"type": "string"}
  }
}
"""


def sarif_of(*arguments: str) -> dict[str, Any]:
    result = runner.invoke(app, ["check", *arguments, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def physical(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]]


def test_every_sample_gives_valid_sarif_2_1_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPOSITORY)
    sarif = sarif_of(str(SAMPLES))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    uris = {location["artifactLocation"]["uri"] for location in physical(sarif)}
    assert "samples/anthropic_tools.yaml" in uris and "samples/pathological/free_dict.json" in uris


def test_locations_are_encoded_uri_references_below_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "my schemas 100%"
    folder.mkdir()
    (folder / "tool.json").write_text(SCHEMA, encoding="utf-8")
    monkeypatch.chdir(folder)  # the root is found above the working folder
    sarif = sarif_of("tool.json")
    (location,) = physical(sarif)
    assert location["artifactLocation"] == {
        "uri": "my%20schemas%20100%25/tool.json",
        "uriBaseId": "%SRCROOT%",
    }
    root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == tmp_path.resolve().as_uri() + "/" and root.startswith("file:///")


def test_outside_any_repository_locations_are_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any((folder / ".git").exists() for folder in tmp_path.resolve().parents):
        pytest.skip("the temporary folder lies inside a git repository")
    (tmp_path / "tool.json").write_text(SCHEMA, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sarif = sarif_of("tool.json")
    assert physical(sarif)[0]["artifactLocation"]["uri"] == "tool.json"
    root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == tmp_path.resolve().as_uri() + "/"


def test_a_file_outside_the_root_gets_an_absolute_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tool.json").write_text(SCHEMA, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "repo")
    (location,) = physical(sarif_of(str(tmp_path / "elsewhere" / "tool.json")))
    assert location["artifactLocation"] == {
        "uri": (tmp_path / "elsewhere" / "tool.json").resolve().as_uri()
    }


def test_the_tool_and_every_rule_link_their_pages_and_carry_the_rule_page() -> None:
    driver = sarif_of(str(SAMPLES / "openai_tools.json"))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == PROJECT_URL
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"{PROJECT_URL}/blob/main/rules/{rule['id']}.md"
        assert rule["help"]["markdown"] == rule_page(rule["id"]) == rule["help"]["text"]
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)


def test_the_rules_url_variable_points_help_at_another_commit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHEMALINT_RULES_URL", "https://example.org/acme/schemalint/abc/rules/")
    driver = sarif_of(str(SAMPLES / "openai_tools.json"))["runs"][0]["tool"]["driver"]
    help_uris = {rule["id"]: rule["helpUri"] for rule in driver["rules"]}
    assert help_uris["SL000"] == "https://example.org/acme/schemalint/abc/rules/SL000.md"


def test_a_region_spans_the_member_from_its_key_to_the_end_of_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tool.json").write_text(SCHEMA, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sarif = sarif_of("tool.json")
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SL201"]
    region = result["locations"][0]["physicalLocation"]["region"]
    starts = line_starts(SCHEMA)
    first = starts[region["startLine"] - 1] + region["startColumn"] - 1
    last = starts[region["endLine"] - 1] + region["endColumn"] - 1
    assert SCHEMA[first:last] == '"reason": {"type": "string"}'


def test_yaml_regions_have_ends_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPOSITORY)
    regions = [p["region"] for p in physical(sarif_of(str(SAMPLES / "anthropic_tools.yaml")))]
    assert regions and all(
        (r["endLine"], r["endColumn"]) > (r["startLine"], r["startColumn"]) for r in regions
    )


def test_measured_findings_give_valid_sarif_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPOSITORY)
    path = str(SAMPLES / "pathological" / "free_dict.json")
    sarif = sarif_of(path, "--measure", "--budget", "1", "--step-budget", "0.2")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert any(r["ruleId"].startswith("SM") for r in sarif["runs"][0]["results"])
