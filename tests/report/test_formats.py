"""Each output format: the JSON contract (golden), SARIF 2.1.0, GitHub annotations, text."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from schemalint.config import Settings
from schemalint.engine import FileReport, Report, check_file
from schemalint.model import Finding, Severity
from schemalint.report import FORMATS, renderer
from schemalint.rules import RULES
from tests.conftest import ROOT, SAMPLES, SEED

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "function_calling_seed.json"
PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)


def rendered(fmt: str, report: Report) -> str:
    stream = io.StringIO()
    renderer(fmt)(report, stream)
    return stream.getvalue()


def seed_report() -> Report:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return Report([check_file(SEED.relative_to(ROOT), PINNED)])
    finally:
        os.chdir(cwd)


def test_json_output_of_the_seed_matches_the_golden_file() -> None:
    data = json.loads(rendered("json", seed_report()))
    data["version"] = "<version>"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    assert data == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_json_contract_fields() -> None:
    data = json.loads(rendered("json", seed_report()))
    assert set(data) == {"version", "files", "summary"}
    file = data["files"][0]
    assert set(file) == {"path", "kind", "risk", "metrics", "findings", "suppressed"}
    assert {
        "max_depth",
        "ref_fanout",
        "expanded_nodes",
        "free_text_fields",
        "max_union_width",
    } <= set(file["metrics"])
    finding = file["findings"][0]
    assert {"code", "name", "severity", "pointer", "line", "column", "message", "fix"} <= set(
        finding
    )
    assert data["summary"]["findings"] == len(file["findings"])
    assert sum(data["summary"]["by_severity"].values()) == len(file["findings"])


def test_sarif_is_2_1_0_with_rule_metadata_and_locations() -> None:
    sarif = json.loads(rendered("sarif", seed_report()))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert all(r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] for r in rules)
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "samples/function_calling_seed.json"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_github_annotations_escape_their_properties_and_message() -> None:
    finding = Finding(
        "SL000", "invalid-input", Severity.CRITICAL, "a,b:c.json", "/x", "50%\nbad", 3, 4
    )
    text = rendered("github", Report([FileReport(finding.path, "json-schema", [finding])]))
    assert text == (
        "::error file=a%2Cb%3Ac.json,line=3,col=4,title=schemalint (SL000)::"
        "invalid-input [critical] at '/x': 50%25%0Abad\n"
    )


def test_github_levels_follow_severity() -> None:
    lines = rendered(
        "github", Report([check_file(SAMPLES / "openai_tools.json", PINNED)])
    ).splitlines()
    assert lines and all(line.startswith(("::warning ", "::notice ")) for line in lines)


def test_text_groups_by_file_and_ends_with_a_summary() -> None:
    text = rendered("text", seed_report())
    lines = text.splitlines()
    assert lines[0].startswith("samples/function_calling_seed.json  function-calling  risk ")
    assert lines[-1].startswith("Found ") and "high" in lines[-1]


def test_text_says_all_clear_without_findings(tmp_path: Path) -> None:
    clean = tmp_path / "clean.json"
    clean.write_text('{"type": "integer"}')
    assert rendered("text", Report([check_file(clean, PINNED)])).endswith("no findings.\n")


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"text", "concise", "json", "sarif", "github", "markdown"}
