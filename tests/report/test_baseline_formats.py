"""Each format against a baseline: fingerprints everywhere, states where there is a baseline."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema

from schemalint.baseline.compare import Baseline, compare
from schemalint.config import Settings
from schemalint.engine import Report, check_data
from schemalint.fingerprint import SCHEME
from schemalint.report import renderer
from tests.conftest import SAMPLES

SARIF_SCHEMA = (
    Path(__file__).resolve().parent.parent / "data" / "sarif" / "sarif-schema-2.1.0-rtm.5.json"
)
PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)
TRIAGE = json.loads((SAMPLES / "pathological" / "enum_or_free_string.json").read_text())


def rendered(fmt: str, report: Report) -> str:
    stream = io.StringIO()
    renderer(fmt)(report, stream)
    return stream.getvalue()


def against_baseline() -> Report:
    """The triage schema with its enum-or-free-string union replaced by a new open object:
    SL205 and one SL201 are fixed, the ticket_id SL201 is unchanged, SL406 is new."""
    edited: dict[str, Any] = copy.deepcopy(TRIAGE)
    edited["properties"]["priority"] = {"type": "string", "enum": ["low", "high"]}
    edited["properties"]["extra"] = {}
    before = check_data(TRIAGE, PINNED, "triage.json")
    return compare(
        Report([check_data(edited, PINNED, "triage.json")]),
        Baseline("git ref main", {"triage.json": before}),
    )


def test_sarif_carries_partial_fingerprints_without_a_baseline() -> None:
    sarif = json.loads(rendered("sarif", Report([check_data(TRIAGE, PINNED, "t.json")])))
    results = sarif["runs"][0]["results"]
    assert results and all(set(r["partialFingerprints"]) == {SCHEME} for r in results)
    assert all("baselineState" not in r for r in results)


def test_sarif_sets_baseline_state_and_lists_fixed_results_as_absent() -> None:
    sarif = json.loads(rendered("sarif", against_baseline()))
    states = sorted((r["ruleId"], r["baselineState"]) for r in sarif["runs"][0]["results"])
    assert states == [
        ("SL201", "absent"),
        ("SL201", "unchanged"),
        ("SL205", "absent"),
        ("SL406", "new"),
    ]


def test_sarif_against_a_baseline_is_valid_sarif_2_1_0() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(rendered("sarif", against_baseline())))


def test_json_adds_states_per_finding_a_baseline_per_file_and_a_summary() -> None:
    data = json.loads(rendered("json", against_baseline()))
    (file,) = data["files"]
    assert [(f["code"], f["baseline_state"]) for f in file["findings"]] == [
        ("SL201", "unchanged"),
        ("SL406", "new"),
    ]
    baseline = file["baseline"]
    assert (baseline["risk_before"], baseline["level_before"]) == (80, "critical")
    assert (baseline["new"], baseline["unchanged"], baseline["removed"]) == (1, 1, False)
    assert sorted(f["code"] for f in baseline["fixed"]) == ["SL201", "SL205"]
    assert data["summary"]["baseline"] == {
        "against": "git ref main",
        "new": 1,
        "unchanged": 1,
        "fixed": 2,
        "risk_rose": [],
    }


def test_github_annotates_only_new_findings_against_a_baseline() -> None:
    lines = rendered("github", against_baseline()).splitlines()
    assert len(lines) == 1 and "(SL406)" in lines[0]
