"""SMxxx: findings from ``check --measure``, read off what the real enforcer did.

Each rule is silent without a measurement, so the static check never pays for it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from schemalint.analysis import Analysis
from schemalint.checks.base import Option, Options
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.verdicts.base import measured_rule

if TYPE_CHECKING:
    from schemalint.measure.probe import MeasuredWalk, Measurement

_SEE_STATIC = Fix(
    "See the static findings at the same pointer (SL2xx) for the shape that causes it.",
    Applicability.DISPLAY_ONLY,
)


def _where(analysis: Analysis, pointer: str) -> str:
    return pointer if pointer in analysis.by_pointer else ""


@measured_rule(
    "SM101",
    "wide-allowed-region",
    Severity.INFO,
    "For many steps in a row the enforcer allows almost the whole vocabulary.",
    options=(
        Option("min-share", 90, "Percent of the vocabulary that counts as almost all of it."),
        Option("min-steps", 20, "Consecutive steps that make a region."),
    ),
)
def wide_allowed_region(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    threshold = measurement.vocab_size * options["min-share"] / 100
    for walk in measurement.walks:
        run: list[float] = []
        pointer = ""
        for step in [*walk.steps, None]:
            if step is not None and step.step.allowed >= threshold:
                if not run:
                    pointer = step.pointer
                run.append(step.step.allowed)
                continue
            if len(run) >= options["min-steps"]:
                share = statistics.median(run) / measurement.vocab_size
                yield Violation(
                    _where(analysis, pointer),
                    f"{len(run)} steps in a row with {share:.1%} of the {measurement.vocab_size:,} "
                    "tokens allowed: cheap while LMFE's free-text shortcut holds, costly when not",
                    evidence={"steps": len(run), "median_allowed": statistics.median(run)},
                )
            run = []


@measured_rule(
    "SM201",
    "slow-steps",
    Severity.HIGH,
    "Enforcer steps at this pointer are slow (graded by p95 and worst step).",
    options=(
        Option("p95-ms", 50, "p95 step time (ms) that makes a finding (medium)."),
        Option("high-ms", 100, "Worst step time (ms) graded high."),
        Option("critical-ms", 1000, "Worst step time (ms) graded critical."),
        Option("critical-p95-ms", 250, "p95 step time (ms) graded critical: sustained."),
    ),
)
def slow_steps(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    prefixes = _worst_prefixes(measurement)
    graded: set[str] = set()
    for row in measurement.pointer_table(kind="instance"):
        if row.max_ms >= options["critical-ms"] or row.p95_ms >= options["critical-p95-ms"]:
            severity = Severity.CRITICAL
        elif row.max_ms >= options["high-ms"]:
            severity = Severity.HIGH
        elif row.p95_ms >= options["p95-ms"]:
            severity = Severity.MEDIUM
        else:
            continue
        yield Violation(
            _where(analysis, row.pointer),
            f"{row.steps} steps here: p95 {row.p95_ms:.1f} ms, worst {row.max_ms:,.1f} ms "
            f"(median {row.median_ms:.2f} ms, {row.median_allowed:,.0f} tokens allowed); "
            f"worst step after {prefixes.get(row.pointer, '')!r}",
            _SEE_STATIC,
            {
                "steps": row.steps,
                "p95_ms": round(row.p95_ms, 3),
                "max_ms": round(row.max_ms, 3),
                "median_allowed": row.median_allowed,
            },
            severity,
        )
        graded.add(row.pointer)
    # A random walk's text is no model's, but an escape begun in free text is any model's: a
    # stall there is one. One live branch's escape costs ~0.14 s everywhere (LMFE's baseline),
    # so only a stall of critical-ms counts: several branches alive, or a pattern, behind it.
    for pointer, (ms, walk, step) in measurement.escape_stalls(options["critical-ms"]).items():
        if pointer in graded:
            continue
        written = walk.text[max(0, step.step.offset - 40) : step.step.offset]
        yield Violation(
            _where(analysis, pointer),
            f"a step right after an escape began in free text took {ms:,.0f} ms "
            f"(after {written!r}, {walk.label}): a model that writes a quote or a newline "
            "here stalls the same way",
            _SEE_STATIC,
            {"max_ms": round(ms, 3), "walk": walk.label, "escape": True},
            Severity.CRITICAL,
        )


def _worst_prefixes(measurement: Measurement) -> dict[str, str]:
    """The last 40 characters written before the slowest step at each pointer."""
    worst: dict[str, tuple[float, str]] = {}
    for walk in measurement.walks:
        candidates = list(walk.steps) + ([walk.stuck] if walk.stuck else [])
        for step in candidates:
            seconds = walk.stuck_seconds if step is walk.stuck else step.step.engine_seconds
            if seconds > worst.get(step.pointer, (-1.0, ""))[0]:
                worst[step.pointer] = (
                    seconds,
                    walk.text[max(0, step.step.offset - 40) : step.step.offset],
                )
    return {pointer: prefix for pointer, (_, prefix) in worst.items()}


_OUTCOMES = {
    "step-budget": ("SM202", "a single enforcer step ran past the step budget and was abandoned"),
    "rejected": ("SM302", "the enforcer rejects this valid instance"),
    "silent-stop": ("SM304", "the enforcer failed internally and from then on allows only EOS"),
    "error": ("SM305", "the enforcer raised an exception"),
}


def _outcome_findings(
    analysis: Analysis, measurement: Measurement, code: str
) -> Iterator[Violation]:
    for walk in measurement.walks:
        found = _OUTCOMES.get(walk.outcome)
        if found is None or found[0] != code:
            continue
        if (
            code == "SM202"
            and walk.kind == "random"
            and not (walk.stuck and walk.stuck.role == "escape")
        ):
            continue  # a stall in random text counts only where a model's text stalls too
        if walk.outcome == "rejected" and not walk.valid:
            continue  # a user instance that the schema rejects too proves nothing
        where = walk.stuck or (walk.steps[-1] if walk.steps else None)
        offset = where.step.offset if where else 0
        yield Violation(
            _where(analysis, where.pointer) if where else "",
            f"{found[1]} after {walk.text[max(0, offset - 40) : offset]!r} "
            f"({walk.label}): {walk.detail}",
            _SEE_STATIC,
            {"walk": walk.label, "offset": offset, "elapsed_s": round(walk.seconds, 3)},
        )


@measured_rule(
    "SM102",
    "measurement-incomplete",
    Severity.INFO,
    "The measurement budget ran out before a walk was complete; the numbers cover a prefix.",
)
def measurement_incomplete(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for walk in measurement.walks:
        if walk.outcome == "walk-budget" and walk.kind == "instance":
            done = walk.stuck.step.offset if walk.stuck else 0
            yield Violation(
                _where(analysis, walk.stuck.pointer) if walk.stuck else "",
                f"budget spent after {len(walk.steps)} steps, {done} of {len(walk.text)} "
                f"characters of {walk.label}: raise --budget to measure the rest",
                evidence={"steps": len(walk.steps), "characters": done},
            )


@measured_rule(
    "SM103",
    "coverage-incomplete",
    Severity.INFO,
    "The walks did not reach every tool or subschema: what was not walked is not measured.",
)
def coverage_incomplete(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    if measurement.coverage is None or measurement.coverage.complete:
        return
    covered = measurement.coverage
    left = len(measurement.left_out)
    why = (
        f"the budget ran out before {left} planned walk{'s' if left != 1 else ''}: raise --budget"
        if left
        else "no walk wrote a valid value there (the walked instances, or all the generator "
        "could write)"
    )
    yield Violation(
        "",
        f"{covered.line()} ({why})",
        evidence=covered.to_json(),
        severity=Severity.LOW if covered.missed_tools else None,
    )


@measured_rule(
    "SM202", "step-over-budget", Severity.CRITICAL, "An enforcer step ran past its time budget."
)
def step_over_budget(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    return _outcome_findings(analysis, measurement, "SM202")


@measured_rule(
    "SM301",
    "forced-token-split",
    Severity.LOW,
    "The enforcer refuses the natural token of a valid instance and forces a split.",
)
def forced_token_split(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    splits: dict[str, int] = defaultdict(int)
    for walk in measurement.walks:
        for step in walk.steps:
            if not step.step.accepted and step.step.token is not None:
                splits[step.pointer] += 1
    for pointer, count in sorted(splits.items()):
        yield Violation(
            _where(analysis, pointer),
            f"{count} token{'s' if count > 1 else ''} of a valid instance refused here; the walk "
            "continued with a shorter allowed token, pushing a model off its usual tokenization",
            evidence={"refused_tokens": count},
        )


@measured_rule(
    "SM401",
    "accepted-invalid-output",
    Severity.MEDIUM,
    "A random walk finished with output the enforcer allowed but jsonschema rejects.",
)
def accepted_invalid_output(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for where, walks in invalid_output_by_keyword(analysis, measurement.walks):
        yield Violation(
            where,
            f"the enforcer let {walks_text(walks)} end with output the schema rejects "
            f"({walks[0].problem}): {walks[0].shown_text!r}",
            Fix(
                "Validate generated output with jsonschema; see SL3xx for keywords LMFE "
                "does not enforce.",
                Applicability.DISPLAY_ONLY,
            ),
            {"walks": [walk.label for walk in walks], "problem": walks[0].problem},
        )


def invalid_output_by_keyword(
    analysis: Analysis, walks: list[MeasuredWalk]
) -> list[tuple[str, list[MeasuredWalk]]]:
    """The random walks an engine let finish with invalid output, grouped by the subschema of
    the keyword they fail: one finding per ignored keyword, however many walks show it."""
    groups: dict[tuple[str, str | int], list[MeasuredWalk]] = {}
    for walk in walks:
        if walk.let_invalid_through:
            keyword = walk.problem_at[-1] if walk.problem_at else ""
            groups.setdefault((analysis.keyword_holder(walk.problem_at), keyword), []).append(walk)
    return [(where, grouped) for (where, _), grouped in groups.items()]


def walks_text(walks: list[MeasuredWalk]) -> str:
    """``random (seed 1)``, or ``2 walks (random (seed 1), random (seed 2); the first shown)``."""
    if len(walks) == 1:
        return walks[0].label
    return f"{len(walks)} walks ({', '.join(walk.label for walk in walks)}; the first shown)"


@measured_rule(
    "SM302", "valid-instance-rejected", Severity.CRITICAL, "The enforcer rejects a valid instance."
)
def valid_instance_rejected(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    return _outcome_findings(analysis, measurement, "SM302")


@measured_rule(
    "SM304",
    "silent-stop",
    Severity.CRITICAL,
    "Before the instance was complete the enforcer allowed only end-of-sequence (or nothing): "
    "it swallowed an internal error.",
)
def silent_stop(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    return _outcome_findings(analysis, measurement, "SM304")


@measured_rule("SM305", "enforcer-error", Severity.CRITICAL, "The enforcer raised on this schema.")
def enforcer_error(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    return _outcome_findings(analysis, measurement, "SM305")
