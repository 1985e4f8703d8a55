"""Each static finding that predicts what the enforcer does, judged by the walks that put it to
the test: ``confirmed`` keeps its severity, ``not-observed`` (reached in the rule's condition,
and fast or correct there) is downgraded to low, ``not-reached`` says so.

A rule states its condition (``Rule.test``) and its prediction (``Rule.predicts``); the walk
plan writes a walk for each finding in that condition (:mod:`schemalint.measure.plan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.checks.base import Rule
from schemalint.model import Severity, Violation, shorten
from schemalint.walk import UNIONS

if TYPE_CHECKING:
    from schemalint.measure.probe import MeasuredStep, MeasuredWalk, Measurement

Verdict = Literal["confirmed", "not-observed", "not-reached"]

#: Walk outcomes in which the enforcer wrote no valid value.
_FAILED = {
    "rejected": "rejected the valid value",
    "silent-stop": "stopped silently, allowing only end-of-sequence",
    "error": "raised",
}


def scope_of(analysis: Analysis, pointer: str) -> str:
    """The subschema a finding's prediction is about: its pointer, or for a pointer at a
    keyword (``/x/anyOf``) the subschema holding it."""
    while pointer and pointer not in analysis.by_pointer:
        pointer = jp.join("", *jp.split(pointer)[:-1])
    return pointer


def judge(
    violations: Iterable[tuple[str, Violation]],
    rules: dict[str, Rule],
    analysis: Analysis,
    measurement: Measurement,
    slow_ms: float,
) -> Iterator[tuple[str, Violation]]:
    """``violations`` with a measured verdict on each whose rule makes a testable prediction;
    a step of ``slow_ms`` or more confirms a prediction of slowness."""
    for code, violation in violations:
        rule = rules[code]
        if not rule.predicts or not rule.test:
            yield code, violation
            continue
        verdict, evidence = _verdict(rule, violation, analysis, measurement, slow_ms)
        measured = {"verdict": verdict, "evidence": evidence}
        message = f"{violation.message} (measured: {verdict}: {evidence})"
        severity = Severity.LOW if verdict == "not-observed" else violation.severity
        yield code, replace(violation, message=message, severity=severity, measured=measured)


def _verdict(
    rule: Rule,
    violation: Violation,
    analysis: Analysis,
    measurement: Measurement,
    slow_ms: float,
) -> tuple[Verdict, str]:
    scope = scope_of(analysis, violation.pointer)
    walks = _testing_walks(rule, scope, measurement)
    if not walks:
        return "not-reached", _why_not_reached(rule, violation.pointer, measurement)
    if rule.predicts == "fails":
        return _judge_failure(walks, scope, analysis)
    return _judge_speed(walks, scope, measurement, slow_ms)


def _testing_walks(rule: Rule, scope: str, measurement: Measurement) -> list[MeasuredWalk]:
    """The instance walks that reached the finding in its rule's condition: those planned for
    it, else (the user's own instances) any that wrote a step inside its scope, which tests
    a condition-free prediction only."""
    planned = [
        walk
        for walk in measurement.walks
        if any(goal.label == rule.code and jp.within(goal.pointer, scope) for goal in walk.goals)
        and (
            any(jp.within(reached, scope) for reached in walk.reached)
            or (not walk.steps and walk.outcome in _FAILED)  # refused before the first token
        )
    ]
    if planned or rule.test != "reach":
        return planned
    return [
        walk
        for walk in measurement.walks
        if walk.kind == "instance" and any(jp.within(r, scope) for r in walk.reached)
    ]


def _why_not_reached(rule: Rule, pointer: str, measurement: Measurement) -> str:
    planned = f"for {rule.code}"
    if any(planned in label for label in measurement.left_out):
        return "the budget ran out before the walk planned for it: raise --budget"
    if any(w.outcome != "complete" and w.kind == "instance" for w in measurement.walks):
        return "the walks planned for it ended before they wrote it (see the SM findings)"
    return "no instance the generator writes reaches it in the rule's condition"


def _judge_failure(
    walks: list[MeasuredWalk], scope: str, analysis: Analysis
) -> tuple[Verdict, str]:
    for walk in walks:
        what = _FAILED.get(walk.outcome)
        end = walk.stuck or (walk.steps[-1] if walk.steps else None)
        if what and (end is None or _near(analysis, end.pointer, scope)):
            written = walk.text[: end.step.offset] if end else ""
            where = f"after {shorten(written[-40:])!r}" if end else "before the first token"
            return "confirmed", f"LMFE {what} {where} ({walk.label}): {shorten(walk.detail)}"
    walk = walks[0]
    return "not-observed", f"LMFE wrote the value correctly ({walk.label}, {walk.outcome})"


def _near(analysis: Analysis, step: str, scope: str) -> bool:
    """Whether a step writing ``step`` writes the finding's value: inside its scope, or at the
    union above it before a branch is chosen."""
    if jp.within(step, scope):
        return True
    node = analysis.by_pointer.get(step)
    return (
        node is not None
        and isinstance(node.schema, dict)
        and any(k in node.schema for k in UNIONS)
        and jp.within(scope, step)
    )


def _judge_speed(
    walks: list[MeasuredWalk], scope: str, measurement: Measurement, slow_ms: float
) -> tuple[Verdict, str]:
    worst: tuple[float, MeasuredStep, MeasuredWalk] | None = None
    for walk in walks:  # the value's own steps: writing its key says nothing of its text
        if walk.stuck is not None and _in_value(walk.stuck, scope):
            seconds = walk.stuck_seconds
            return "confirmed", (
                f"a step abandoned after {seconds:.1f} s "
                f"after {shorten(_before(walk, walk.stuck))!r} ({walk.label})"
            )
        for step in walk.steps:
            if _in_value(step, scope):
                ms = step.step.engine_seconds * 1000
                if worst is None or ms > worst[0]:
                    worst = (ms, step, walk)
    if worst is None:
        return "not-reached", "the walks planned for it never wrote its value"
    ms, step, walk = worst
    figure = (
        f"worst step {ms:,.1f} ms with {step.step.allowed:,} of {measurement.vocab_size:,} "
        f"tokens allowed, after {shorten(_before(walk, step))!r} ({walk.label})"
    )
    return ("confirmed" if ms >= slow_ms else "not-observed"), figure


def _in_value(step: MeasuredStep, scope: str) -> bool:
    return step.role == "value" and jp.within(step.pointer, scope)


def _before(walk: MeasuredWalk, step: MeasuredStep) -> str:
    """The last 40 characters the walk wrote before ``step``."""
    return walk.text[max(0, step.step.offset - 40) : step.step.offset]
