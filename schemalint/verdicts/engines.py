"""SM5xx: how the other engines compared by ``check --measure --engine`` fare with the schema.

Read off the same walks LMFE's SM1xx-SM4xx rules read, run through every other engine
(xgrammar, llguidance, outlines; LMFE's own failures are SM202, SM302, SM304, SM305 and SM401).
Each rule is silent unless engines were compared, and each message names the engine and its
version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from schemalint.analysis import Analysis
from schemalint.checks.base import Option, Options
from schemalint.engines import LMFE_SLOW_MS
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.verdicts.base import measured_rule
from schemalint.verdicts.measured import invalid_output_by_keyword, walks_text

if TYPE_CHECKING:
    from schemalint.measure.compare import EngineRun
    from schemalint.measure.probe import MeasuredWalk, Measurement

_ANOTHER_ENGINE = Fix(
    "Use an engine that handles this schema (see the recommendation line and SM505), or change "
    "the keyword the engine names.",
    Applicability.DISPLAY_ONLY,
)


def _other_engines(measurement: Measurement) -> Iterator[EngineRun]:
    """The measured runs of every compared engine but LMFE."""
    comparison = measurement.engines
    if comparison is None:
        return
    for run in comparison.runs:
        if run.name != "lmfe" and not run.skipped and run.measurement is not None:
            yield run


def _label(run: EngineRun) -> str:
    return f"{run.name} {run.version}".strip()


def _where(analysis: Analysis, walk: MeasuredWalk) -> str:
    """The pointer of the node being written where the walk ended."""
    where = walk.stuck or (walk.steps[-1] if walk.steps else None)
    return where.pointer if where and where.pointer in analysis.by_pointer else ""


@measured_rule(
    "SM501",
    "engine-rejects-schema",
    Severity.HIGH,
    "A compared engine refuses to compile the schema.",
)
def engine_rejects_schema(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for run in _other_engines(measurement):
        if run.compile_error:
            error = run.compile_error.removeprefix(f"{run.name} cannot compile the schema: ")
            yield Violation(
                "",
                f"{_label(run)} cannot compile the schema: {error}",
                _ANOTHER_ENGINE,
                {"engine": run.name, "version": run.version, "error": error},
            )


@measured_rule(
    "SM502",
    "engine-rejects-valid-instance",
    Severity.HIGH,
    "A compared engine cannot write a valid instance: it refuses its text or stops early.",
)
def engine_rejects_valid_instance(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for run in _other_engines(measurement):
        if run.compile_error:
            continue  # SM501 says why every walk failed
        for walk in run.dead_end_walks():
            where = walk.steps[-1].step.offset if walk.steps else 0
            yield Violation(
                _where(analysis, walk),
                f"{_label(run)} cannot write {walk.label}: {walk.outcome} after "
                f"{walk.text[max(0, where - 40) : where]!r}: {walk.detail}",
                _ANOTHER_ENGINE,
                {"engine": run.name, "walk": walk.label, "outcome": walk.outcome},
            )


_VALIDATE_OUTPUT = Fix(
    "Validate the output with jsonschema after generation, or use an engine that enforces the "
    "keyword.",
    Applicability.DISPLAY_ONLY,
)


@measured_rule(
    "SM503",
    "engine-accepts-invalid-output",
    Severity.MEDIUM,
    "A compared engine ignores a keyword: it says so when compiling, or a random walk finishes "
    "with output jsonschema rejects.",
)
def engine_accepts_invalid_output(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for run in _other_engines(measurement):
        for warning in run.compile_warnings:
            places = _warned_at(analysis, warning) or [""]
            more = f" (and {len(places) - 1} more places)" if len(places) > 1 else ""
            yield Violation(
                places[0],
                f"{_label(run)} ignores part of the schema{more}; its compiler says: {warning}",
                _VALIDATE_OUTPUT,
                {"engine": run.name, "warning": warning},
            )
        for where, walks in invalid_output_by_keyword(analysis, run.invalid_output_walks()):
            yield Violation(
                where,
                f"{_label(run)} let {walks_text(walks)} end with output the schema rejects "
                f"({walks[0].problem}): {walks[0].shown_text!r}",
                _VALIDATE_OUTPUT,
                {
                    "engine": run.name,
                    "walks": [walk.label for walk in walks],
                    "problem": walks[0].problem,
                },
            )


def _warned_at(analysis: Analysis, warning: str) -> list[str]:
    """Where an engine's warning points: the subschemas whose ``pattern`` it quotes (xgrammar
    ends its regex warnings with the regex), else those holding the first keyword it names
    together with another it names ("format combined with minLength/maxLength")."""
    schemas = [(n.pointer, n.schema) for n in analysis.used_nodes if isinstance(n.schema, dict)]
    quoted = [
        pointer
        for pointer, schema in schemas
        if isinstance(schema.get("pattern"), str)
        and schema["pattern"]
        and warning.endswith(schema["pattern"])
    ]
    if quoted:
        return quoted
    used = {keyword for _, schema in schemas for keyword in schema}
    named = list(dict.fromkeys(w for w in re.findall(r"[$A-Za-z]+", warning) if w in used))
    if len(named) < 2:
        return []
    lead, others = named[0], set(named[1:])
    return [pointer for pointer, schema in schemas if lead in schema and others & set(schema)]


@measured_rule(
    "SM504",
    "engine-over-budget",
    Severity.HIGH,
    "A compared engine's compile or step ran past the same budget LMFE's steps are held to.",
)
def engine_over_budget(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    for run in _other_engines(measurement):
        assert run.measurement is not None
        stalls: dict[tuple[str, bool], list[MeasuredWalk]] = {}
        for walk in run.measurement.walks:
            compiling = walk.compile_abandoned
            if walk.outcome == "step-budget" or compiling:
                stalls.setdefault((_where(analysis, walk), compiling), []).append(walk)
        # One finding per stall: a compile over budget stalls every walk the same way.
        for (where, compiling), walks in stalls.items():
            waited = max(walk.stuck_seconds for walk in walks)
            labels = ", ".join(walk.label for walk in walks)
            what = "compile" if compiling else "step"
            yield Violation(
                where,
                f"{_label(run)}: {what} abandoned after {waited:.2f} s ({labels})",
                _ANOTHER_ENGINE,
                {"engine": run.name, "walks": [w.label for w in walks], "waited_s": waited},
            )


@measured_rule(
    "SM505",
    "faster-engine-available",
    Severity.INFO,
    "Another compared engine writes this schema correctly where LMFE fails or is slow.",
    options=(Option("lmfe-worst-ms", LMFE_SLOW_MS, "LMFE's worst step (ms) that counts as slow."),),
)
def faster_engine_available(
    analysis: Analysis, measurement: Measurement, options: Options
) -> Iterator[Violation]:
    comparison = measurement.engines
    lmfe = comparison.run("lmfe") if comparison else None
    if comparison is None or lmfe is None or lmfe.skipped:
        return
    best = next((run for run in comparison.correct() if run.name != "lmfe"), None)
    if best is None or best.worst_ms is None:
        return
    lmfe_worst = lmfe.worst_ms or 0.0
    if lmfe.correct and (lmfe_worst < options["lmfe-worst-ms"] or lmfe_worst < 2 * best.worst_ms):
        return
    from schemalint.measure.compare import worst_label

    state = f"worst step {worst_label(lmfe)}" + ("" if lmfe.correct else f", {lmfe.fault()}")
    yield Violation(
        "",
        f"{_label(best)} writes every walked instance correctly with a worst step of "
        f"{worst_label(best)} where LMFE {lmfe.version} has {state}: {comparison.recommendation()}",
        Fix(
            f"Constrain generation with {best.name} (rules/SM505.md shows how to plug it into "
            "exllamav2), or stay on LMFE with `schemalint rewrite --measure --unsafe-fixes`.",
            Applicability.DISPLAY_ONLY,
        ),
        {
            "engine": best.name,
            "version": best.version,
            "worst_ms": round(best.worst_ms, 3),
            "lmfe_worst_ms": round(lmfe_worst, 3),
            "lmfe_correct": lmfe.correct,
        },
    )
