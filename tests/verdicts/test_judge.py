"""Every static finding that predicts what LMFE does gets a measured verdict: the walks put it
to the test in the rule's condition, on the real LMFE and the bundled tokenizer."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.engine import FileReport, check_data
from schemalint.lmfe import EnforcerConfig, detect_settings
from schemalint.measure.plan import FINDING, Goal
from schemalint.measure.probe import (
    MeasuredStep,
    MeasuredWalk,
    Measurement,
    MeasureSettings,
    Prober,
)
from schemalint.measure.walk import Step
from schemalint.model import Severity, Violation
from schemalint.rules import RULES
from schemalint.verdicts.judge import judge
from tests.conftest import SAMPLES

ORDER_ID = "/0/function/parameters/properties/order_id"


def measured(data: Any, strict: bool = False, budget: float = 30.0) -> FileReport:
    prober = Prober(MeasureSettings(budget=budget))
    return check_data(data, Settings(strict_field_order=strict), prober=prober)


def verdicts(report: FileReport) -> dict[tuple[str, str], str]:
    return {
        (finding.code, finding.pointer): finding.measured["verdict"]
        for finding in report.findings
        if finding.measured
    }


def tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": list(properties)}
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def six_tools_with_breakers() -> list[dict[str, Any]]:
    """Tools 0 and 5 hold what LMFE cannot write: an untyped value and a free-form object."""
    plain = {"city": {"type": "string", "maxLength": 40}, "days": {"type": "integer"}}
    tools = [tool(f"tool_{number}", copy.deepcopy(plain)) for number in range(6)]
    tools[0]["function"]["parameters"]["properties"]["value"] = {"description": "anything"}
    tools[0]["function"]["parameters"]["required"].append("value")
    free_form = {"type": "object", "additionalProperties": True}
    tools[5]["function"]["parameters"]["properties"]["metadata"] = free_form
    tools[5]["function"]["parameters"]["required"].append("metadata")
    return tools


def order_tools() -> list[dict[str, Any]]:
    """Two tools that constrain the same field differently: one with a pattern, one free."""
    return [
        tool("get_order", {"order_id": {"type": "string", "pattern": "^ORD-[0-9]{6}$"}}),
        tool("cancel_order", {"order_id": {"type": "string", "description": "Which order"}}),
    ]


def test_a_six_tool_list_is_measured_in_every_tool_and_both_breakers_are_confirmed() -> None:
    report = measured(six_tools_with_breakers())
    assert report.measurement is not None and report.measurement.coverage is not None
    assert report.measurement.coverage.tools == (6, 6)
    found = verdicts(report)
    assert found[("SL406", "/0/function/parameters/properties/value")] == "confirmed"
    assert found[("SL108", "/5/function/parameters/properties/metadata")] == "confirmed"


def test_the_field_two_tools_constrain_differently_is_confirmed_when_written_first() -> None:
    report = measured(order_tools())
    (finding,) = [f for f in report.findings if f.code == "SL202"]
    assert finding.pointer == ORDER_ID and finding.severity is Severity.CRITICAL
    assert finding.measured and finding.measured["verdict"] == "confirmed"
    assert "measured: confirmed" in finding.message
    assert '{"arguments": {"order_id": "' in finding.measured["evidence"]


def test_under_strict_field_order_the_same_field_is_not_reported() -> None:
    report = measured(order_tools(), strict=True)
    assert not [f for f in report.findings if f.code == "SL202"]


def test_an_enum_or_free_string_is_tested_on_a_prefix_of_an_enum_value() -> None:
    schema = json.loads((SAMPLES / "pathological" / "enum_or_free_string.json").read_text())
    report = measured(schema, budget=15.0)
    (finding,) = [f for f in report.findings if f.code == "SL205"]
    assert finding.measured and finding.measured["verdict"] == "confirmed"


def test_each_prose_pattern_gets_a_walk_of_its_own_so_an_earlier_stall_hides_none() -> None:
    schema = json.loads((SAMPLES / "pathological" / "pattern_strings.json").read_text())
    report = measured(schema, budget=20.0)
    judged = {p: v for (code, p), v in verdicts(report).items() if code == "SL203"}
    assert len(judged) == 3 and set(judged.values()) == {"confirmed"}


def test_the_json_report_carries_the_verdict_and_its_evidence() -> None:
    finding = next(f for f in measured(order_tools()).findings if f.code == "SL202")
    data = finding.to_json()
    assert data["measured"]["verdict"] == "confirmed" and data["measured"]["evidence"]


# The verdict rules themselves, on walks written out by hand (what a measurement records).

SCHEMA = {
    "type": "object",
    "properties": {"note": {"type": "string", "pattern": "^[A-Za-z ,.]+$"}},
    "required": ["note"],
}
NOTE = "/properties/note"


def walk(ms: list[float], goals: tuple[Goal, ...], outcome: str = "complete") -> MeasuredWalk:
    steps = [
        MeasuredStep(NOTE, "/note", "value", Step(i, i, 1, 30_000, t / 1000, True, t / 1000))
        for i, t in enumerate(ms)
    ]
    return MeasuredWalk(
        label="plan 1: for SL203",
        text='{"note": "' + "x" * len(ms),
        valid=True,
        steps=steps,
        outcome=outcome,  # type: ignore[arg-type]
        detail="",
        seconds=sum(ms) / 1000,
        reached=frozenset({"", NOTE}),
        goals=goals,
    )


def judged(walks: list[MeasuredWalk], left_out: tuple[str, ...] = ()) -> Violation:
    analysis = analyse(SCHEMA, detect_settings("0.11.3", False))
    measurement = Measurement("mistral-v1", 32_000, "0.11.3", EnforcerConfig(), 0.0, walks)
    measurement.left_out = left_out
    violation = Violation(NOTE, "pattern admits prose", severity=Severity.HIGH)
    ((_, result),) = judge([("SL203", violation)], RULES, analysis, measurement, 100.0)
    return result


GOAL = (Goal(NOTE, FINDING, "SL203"),)


@pytest.mark.parametrize(("slowest", "verdict"), [(250.0, "confirmed"), (4.0, "not-observed")])
def test_a_slow_prediction_is_confirmed_by_a_slow_step_and_else_not_observed(
    slowest: float, verdict: str
) -> None:
    result = judged([walk([1.0, slowest, 2.0], GOAL)])
    assert result.measured is not None and result.measured["verdict"] == verdict
    assert f"worst step {slowest:,.1f} ms with 30,000 of 32,000 tokens allowed" in result.message


def test_not_observed_is_downgraded_to_low_and_confirmed_keeps_its_severity() -> None:
    assert judged([walk([4.0], GOAL)]).severity is Severity.LOW
    assert judged([walk([400.0], GOAL)]).severity is Severity.HIGH


def test_a_finding_no_walk_reached_in_its_condition_is_not_reached_and_keeps_severity() -> None:
    result = judged([], left_out=("plan 1: for SL203",))
    assert result.measured == {
        "verdict": "not-reached",
        "evidence": "the budget ran out before the walk planned for it: raise --budget",
    }
    assert result.severity is Severity.HIGH


def test_a_rule_without_a_testable_prediction_gets_no_verdict() -> None:
    analysis = analyse(SCHEMA, detect_settings("0.11.3", False))
    measurement = Measurement("mistral-v1", 32_000, "0.11.3", EnforcerConfig(), 0.0, [])
    violation = Violation(NOTE, "free text")
    ((_, result),) = judge([("SL201", violation)], RULES, analysis, measurement, 100.0)
    assert result is violation
