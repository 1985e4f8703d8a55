"""`check --measure` on the samples, with the real enforcer and the real Mistral tokenizer:
the measured table and findings reproduce what LMFE was measured to do, within budget."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.engine import FileReport, check_data, check_file
from schemalint.lmfe import EnforcerConfig
from schemalint.measure.probe import (
    MeasuredStep,
    MeasuredWalk,
    Measurement,
    MeasureSettings,
    Prober,
)
from schemalint.measure.walk import Step
from tests.conftest import SAMPLES, SEED

runner = CliRunner()
PATHOLOGICAL = SAMPLES / "pathological"
INSTANCES = SAMPLES / "instances"


def measured(path: Path, **options: Any) -> tuple[FileReport, float]:
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False)
    started = time.perf_counter()
    report = check_file(path, settings, Prober(MeasureSettings(**options)))
    return report, time.perf_counter() - started


def codes(report: FileReport) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report.findings:
        if finding.code.startswith("SM"):
            found.setdefault(finding.code, set()).add(finding.severity.label)
    return found


def test_seed_reason_region_allows_almost_the_whole_vocabulary() -> None:
    report, _ = measured(SEED)
    assert report.measurement is not None
    rows = {row.pointer: row for row in report.measurement.pointer_table()}
    reasons = [row for pointer, row in rows.items() if pointer.endswith("/properties/reason")]
    assert reasons and all(row.median_allowed > 0.99 * 32_000 for row in reasons)
    assert any(walk.outcome == "complete" for walk in report.measurement.walks)


def test_reason_with_max_length_in_one_branch_is_critical_within_budget() -> None:
    report, elapsed = measured(PATHOLOGICAL / "reason_maxlength_one_branch.json", budget=6.0)
    assert "critical" in codes(report).get("SM201", set()) | codes(report).get("SM202", set())
    assert elapsed < 6.0 * 1.1


def test_prose_patterns_are_critical_within_budget() -> None:
    report, elapsed = measured(PATHOLOGICAL / "pattern_strings.json", budget=6.0)
    assert "critical" in codes(report).get("SM201", set())
    assert elapsed < 6.0 * 1.1


def test_enum_or_free_string_is_critical_within_budget() -> None:
    path = PATHOLOGICAL / "enum_or_free_string.json"
    report, elapsed = measured(path, budget=8.0, instances=INSTANCES / "enum_or_free_string.jsonl")
    assert "critical" in codes(report).get("SM201", set())
    assert elapsed < 8.0 * 1.1


def test_free_dict_silent_stop_is_reported() -> None:
    report, _ = measured(PATHOLOGICAL / "free_dict.json")
    assert codes(report)["SM304"] == {"critical"}
    finding = next(f for f in report.findings if f.code == "SM304")
    assert "Unknown LMFormatEnforcer Problem" in finding.message
    assert finding.pointer.startswith("/properties/args")


def test_a_step_over_its_budget_is_abandoned_and_reported() -> None:
    report, elapsed = measured(
        PATHOLOGICAL / "reason_maxlength_one_branch.json", budget=10.0, step_budget=0.3
    )
    assert codes(report)["SM202"] == {"critical"}
    assert elapsed < 10.0 + 1.0  # the file's budget holds, however many steps are abandoned
    assert report.measurement is not None
    stuck = [walk.stuck_seconds for walk in report.measurement.walks if walk.stuck]
    assert stuck and all(seconds < 0.3 * 1.5 for seconds in stuck)
    finding = next(f for f in report.findings if f.code == "SM202")
    assert "abandoned after 0.3" in finding.message


def test_escape_inside_a_pattern_string_is_a_rejected_valid_instance(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"quote": {"type": "string", "pattern": '^[a-z "]+$'}},
        "required": ["quote"],
    }
    lines = tmp_path / "instance.jsonl"
    lines.write_text(json.dumps({"quote": 'say "hi"'}) + "\n")
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False)
    prober = Prober(MeasureSettings(instances=lines, budget=8.0, random_walks=0))
    report = check_data(schema, settings, prober=prober)
    assert {f.code: f.severity.label for f in report.findings}.get("SM302") == "critical"


def test_a_keyword_lmfe_ignores_is_one_finding_at_the_subschema_that_holds_it() -> None:
    schema = {
        "type": "object",
        "properties": {"count": {"$ref": "#/$defs/big"}},
        "required": ["count"],
        "$defs": {"big": {"type": "integer", "minimum": 1_000_000_000}},
    }
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False, select=("SM401",))
    report = check_data(schema, settings, prober=Prober(MeasureSettings(budget=8.0)))
    assert {finding.pointer for finding in report.findings} == {"/$defs/big"}
    below = [f for f in report.findings if "less than the minimum" in f.message]
    assert len(below) == 1  # every walk that writes a small integer, in one finding
    assert "walks" in below[0].message or "random (seed" in below[0].message


def test_json_output_carries_the_measurement() -> None:
    result = runner.invoke(
        app, ["check", str(SAMPLES / "mcp_tools.json"), "--measure", "-f", "json"]
    )
    file = json.loads(result.stdout)["files"][0]
    measurement = file["measurement"]
    assert measurement["tokenizer"] == {"name": "mistral-v1", "vocab_size": 32_000}
    assert measurement["lmfe_version"] == "0.11.3"
    assert measurement["lmfe_settings"]["max_consecutive_whitespaces"] == 12
    instances = [w for w in measurement["walks"] if w["kind"] == "instance"]
    assert all(w["outcome"] == "complete" and w["valid_instance"] for w in instances)
    walked = sum(w["tokens"] for w in measurement["walks"])
    tabled = sum(row["steps"] for row in measurement["pointers"])
    assert tabled == walked - measurement["random_steps_left_out"]
    kinds = [w["kind"] for w in measurement["walks"]]
    assert kinds == ["instance"] * 3 + ["random"] * 3  # one planned walk per tool
    coverage = measurement["coverage"]
    assert coverage["tools"] == {"walked": 3, "total": 3}
    assert coverage["subschemas"]["walked"] == coverage["subschemas"]["total"] > 10
    pointers = {row["pointer"] for row in measurement["pointers"]}
    assert any(p.startswith("/tools/") and "/inputSchema/properties/" in p for p in pointers)


def test_text_output_shows_the_table_and_charts() -> None:
    result = runner.invoke(app, ["check", str(SAMPLES / "openai_tools.json"), "--measure"])
    assert "measured with mistral-v1 (32,000 tokens), LMFE 0.11.3" in result.stdout
    assert "step ms" in result.stdout and "allowed" in result.stdout
    assert re.search(r"measured 4/4 tools, (\d+)/\1 subschemas", result.stdout)


def test_bad_instance_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{oops\n')
    result = runner.invoke(app, ["check", str(SEED), "--measure", "--instance", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2:2: invalid JSON" in result.stderr


def test_bad_tokenizer_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", str(SEED), "--measure", "--tokenizer", "nope"])
    assert result.exit_code == 2 and "nope: not a tokenizer" in result.stderr


@pytest.mark.parametrize("flag", ["--max-consecutive-whitespaces", "--max-json-array-length"])
def test_lmfe_options_reach_the_enforcer(flag: str) -> None:
    result = runner.invoke(
        app, ["check", str(SAMPLES / "mcp_tools.json"), "--measure", "-f", "json", flag, "3"]
    )
    settings = json.loads(result.stdout)["files"][0]["measurement"]["lmfe_settings"]
    assert 3 in settings.values()


def test_random_walk_steps_land_on_the_field_they_were_writing() -> None:
    from schemalint.analysis import analyse
    from schemalint.lmfe import detect_settings
    from schemalint.measure.probe import random_steps
    from schemalint.measure.walk import Step

    schema = {
        "type": "object",
        "properties": {"note": {"type": "string"}, "n": {"type": "integer"}},
    }
    analysis = analyse(schema, detect_settings("0.11.3", False))
    text = '{"note": "say \\"hi\\"", "n": 4}'
    offsets = [0, 10, 15, 16, 28]  # the object, free text, a lone backslash, after it, the number
    steps = [Step(offset, 1, 1, 10, 0.001, True, 0.001) for offset in offsets]
    attributed = [(s.pointer, s.path, s.role) for s in random_steps(analysis, text, steps)]
    assert attributed == [
        ("", "", "random"),
        ("/properties/note", "/note", "random"),
        ("/properties/note", "/note", "escape"),
        ("/properties/note", "/note", "random"),
        ("/properties/n", "/n", "random"),
    ]


def test_only_random_steps_a_model_would_take_reach_the_table_and_the_note_says_why() -> None:
    report, _ = measured(SAMPLES / "openai_tools.json", budget=30.0)
    assert report.measurement is not None
    random = [w for w in report.measurement.walks if w.kind == "random"]
    assert random and all(s.pointer != "(random walk)" for w in random for s in w.steps)
    tabled = sum(row.steps for row in report.measurement.pointer_table())
    walked = sum(len(w.steps) for w in report.measurement.walks)
    left = report.measurement.unrealistic_steps()
    assert left > 0 and tabled == walked - left
    assert f"{left:,} steps of text no model writes" in report.measurement.random_note()


def abandoned(pointer: str, seconds: float, detail: str = "step abandoned") -> MeasuredWalk:
    """An instance walk abandoned at ``pointer`` after ``seconds``, before any step ended."""
    stuck = MeasuredStep(pointer, pointer, "value", Step(0, None, 0, 0, seconds, False))
    return MeasuredWalk(
        "given", "", True, [], "step-budget", detail, seconds, stuck, stuck_seconds=seconds
    )


def test_each_abandoned_step_counts_once_in_the_table_and_the_longest_is_the_worst() -> None:
    measurement = Measurement("mistral-v1", 32_000, "0.11.3", EnforcerConfig(), 0.0)
    measurement.walks = [abandoned("/properties/a", 1.0), abandoned("/properties/a", 2.0)]
    (row,) = measurement.pointer_table()
    assert (row.steps, row.max_ms, row.total_ms) == (0, 2000.0, 3000.0)


def test_an_abandoned_compile_is_no_step_of_the_schema_it_compiled() -> None:
    measurement = Measurement("mistral-v1", 32_000, "0.11.3", EnforcerConfig(), 0.0)
    measurement.walks = [abandoned("", 2.5, "compile abandoned after 2.50 s")]
    assert measurement.walks[0].compile_abandoned and measurement.pointer_table() == []
