"""The same walks through every engine, side by side, and which engine to use.

Each engine is measured by an :class:`EngineProber`: the probe's own instance and random walks
(same instances, same seeds, same budgets, same per-pointer attribution), with the engine's
matcher in the worker instead of LMFE. LMFE's row is the probe's own measurement.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from schemalint.analysis import Analysis, analyse
from schemalint.engines import LMFE_SLOW_MS, EngineUnavailable, load_engine
from schemalint.engines.base import Engine, vocabulary
from schemalint.measure.plan import Goal
from schemalint.measure.probe import (
    MeasuredWalk,
    Measurement,
    MeasureSettings,
    Prober,
    percentile,
)
from schemalint.measure.walk import Subject, timed_ms
from schemalint.tokenizers import Tokenizer

#: Walk outcomes that mean the engine cannot produce this valid instance.
DEAD_ENDS = ("rejected", "silent-stop", "error")


class EngineProber(Prober):
    """The probe, driving ``engine`` instead of LMFE: each token's text and the instance's
    tokens come from the engine-neutral vocabulary (:func:`~schemalint.engines.base.vocabulary`)."""

    def __init__(
        self,
        settings: MeasureSettings,
        engine: Engine,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        super().__init__(settings, progress)
        self.engine = engine
        self.compile_budget = settings.compile_budget
        self._strings: dict[int, str] = {}
        self._eos: list[int] = []
        self._encoder: Callable[[str], list[int]] | None = None

    def _prepare_engine(self, tokenizer: Tokenizer) -> Any:
        words = vocabulary(tokenizer)
        self._strings = {t: p.decode("utf-8", "replace") for t, p in enumerate(words.tokens) if p}
        self._eos, self._encoder = words.eos_ids, words.encode
        return super()._prepare_engine(tokenizer)

    def _encode(self, text: str) -> list[int]:
        assert self._encoder is not None
        return self._encoder(text)

    def _subject(self, schema: Any) -> Subject:
        assert self._tokenizer is not None
        decode = self._tokenizer.decode
        return Subject(self.engine, self._data, schema, self._strings, self._eos, decode)


@dataclass
class EngineRun:
    """One engine's measurement of one schema, or why it was skipped."""

    name: str
    version: str = ""
    skipped: str = ""
    setup_seconds: float = 0.0
    compile_seconds: float | None = None
    """Median compile time over the walks (None for LMFE, which compiles lazily per step)."""
    compile_warnings: tuple[str, ...] = ()
    """What the engine printed while compiling: parts of the schema it says it ignores."""
    measurement: Measurement | None = None

    @property
    def compile_error(self) -> str:
        walks = self.measurement.walks if self.measurement else []
        if self.compile_seconds is not None or self.name == "lmfe":
            return ""
        failed = [w.detail for w in walks if w.outcome == "error" and not w.steps]
        return failed[0] if failed else ""

    def step_ms(self) -> list[float]:
        """Step times of the instance walks, in ms, abandoned steps counted as their wait (an
        abandoned compile is not a step: see :meth:`compile_over_budget`), pre-empted steps at
        their CPU time (see :meth:`preempted`)."""
        if self.measurement is None:
            return []
        walks = [w for w in self.measurement.walks if w.kind == "instance"]
        times = timed_ms(s.step for w in walks for s in w.steps)
        stuck = [w for w in walks if w.stuck_seconds and not w.compile_abandoned]
        return times + [w.stuck_seconds * 1000 for w in stuck]

    def preempted(self) -> int:
        """Steps of the instance walks whose wall time was partly the machine's (another
        process ran): timed at their CPU time."""
        walks = self.measurement.walks if self.measurement else []
        return sum(s.step.preempted for w in walks if w.kind == "instance" for s in w.steps)

    @property
    def worst_ms(self) -> float | None:
        times = self.step_ms()
        return max(times) if times else None

    def allowed_counts(self) -> list[int]:
        """Allowed-token counts of every step of the instance walks."""
        walks = self.measurement.walks if self.measurement else []
        return [s.step.allowed for w in walks if w.kind == "instance" for s in w.steps]

    def dead_end_walks(self) -> list[MeasuredWalk]:
        """Walks of valid instances the engine could not write (rejections, silent stops,
        errors)."""
        walks = self.measurement.walks if self.measurement else []
        return [w for w in walks if w.kind == "instance" and w.valid and w.outcome in DEAD_ENDS]

    def dead_ends(self) -> list[str]:
        """Why valid instances could not be written."""
        return [f"{w.label}: {w.outcome}: {w.detail}" for w in self.dead_end_walks()]

    def over_budget(self) -> list[str]:
        """Walks abandoned at a step (or compile) that ran past its budget."""
        walks = self.measurement.walks if self.measurement else []
        return [f"{w.label}: {w.detail}" for w in walks if w.outcome == "step-budget"]

    def compile_over_budget(self) -> bool:
        walks = self.measurement.walks if self.measurement else []
        return any(w.compile_abandoned for w in walks)

    def invalid_output_walks(self) -> list[MeasuredWalk]:
        """Random walks the engine let finish with output jsonschema rejects: a keyword the
        engine does not enforce."""
        walks = self.measurement.walks if self.measurement else []
        return [w for w in walks if w.let_invalid_through]

    def accepted_invalid(self) -> list[str]:
        return [f"{w.label}: {w.problem}" for w in self.invalid_output_walks()]

    def splits(self) -> int:
        """Tokens of valid instances the engine refused, forcing a shorter token."""
        walks = self.measurement.walks if self.measurement else []
        return sum(
            1
            for w in walks
            if w.kind == "instance"
            for s in w.steps
            if not s.step.accepted and s.step.token is not None
        )

    def fault(self) -> str:
        """What keeps this engine from being correct, in a few words ("" when it is)."""
        if self.compile_error:
            return "rejects the schema"
        if self.dead_ends():
            return "rejects a valid instance"
        if self.accepted_invalid():
            return "lets invalid output through"
        if self.compile_warnings:
            return "ignores part of the schema"
        if self.over_budget():
            return "runs over budget"
        return "" if self.correct else "was not measured"

    @property
    def correct(self) -> bool:
        """Measured, compiled, wrote every valid instance and let no invalid output through."""
        return (
            self.measurement is not None
            and not self.skipped
            and not self.compile_error
            and not self.dead_ends()
            and not self.over_budget()
            and not self.accepted_invalid()
            and not self.compile_warnings
            and any(
                w.kind == "instance" and w.outcome == "complete" for w in self.measurement.walks
            )
        )

    def to_json(self) -> dict[str, Any]:
        if self.skipped:
            return {"engine": self.name, "skipped": self.skipped}
        times = self.step_ms()
        measured = self.measurement
        allowed = self.allowed_counts()
        return {
            "engine": self.name,
            "version": self.version,
            "setup_seconds": round(self.setup_seconds, 3),
            "compile_ms": None
            if self.compile_seconds is None
            else round(self.compile_seconds * 1000, 3),
            "median_ms": round(statistics.median(times), 4) if times else None,
            "p95_ms": round(percentile(times, 95), 4) if times else None,
            "max_ms": round(max(times), 4) if times else None,
            "preempted_steps": self.preempted(),
            "median_allowed": statistics.median(allowed) if allowed else None,
            "forced_splits": self.splits(),
            "correct": self.correct,
            "compile_error": self.compile_error,
            "compile_over_budget": self.compile_over_budget(),
            "compile_warnings": list(self.compile_warnings),
            "dead_ends": self.dead_ends(),
            "over_budget": self.over_budget(),
            "accepted_invalid": self.accepted_invalid(),
            "walks": [walk.to_json() for walk in measured.walks] if measured else [],
            "pointers": [
                row.to_json() | {"pointer": measured.source_pointer(row.pointer)}
                for row in measured.pointer_table()
            ]
            if measured
            else [],
        }


@dataclass(frozen=True)
class LmfeRewritten:
    """LMFE measured again on the schema ``schemalint rewrite --unsafe-fixes`` makes of it."""

    rewrites: tuple[str, ...]
    """The rewrite behind each change made, in the order applied."""
    run: EngineRun

    def counts(self) -> dict[str, int]:
        """How many changes each rewrite made, in the order first applied."""
        return dict(Counter(self.rewrites))

    def changes(self) -> str:
        """``"3 changes: inline-refs x2, thought-first"``."""
        counts = self.counts()
        names = ", ".join(name + (f" x{n}" if n > 1 else "") for name, n in counts.items())
        total = len(self.rewrites)
        return f"{total} change{'' if total == 1 else 's'}: {names}"


@dataclass
class Comparison:
    runs: list[EngineRun] = field(default_factory=list)
    lmfe_rewritten: LmfeRewritten | None = None

    def run(self, name: str) -> EngineRun | None:
        return next((run for run in self.runs if run.name == name), None)

    def correct(self) -> list[EngineRun]:
        """The engines that were correct, fastest (by worst, then median step) first."""
        measured = [run for run in self.runs if run.correct and run.worst_ms is not None]
        return sorted(
            measured, key=lambda run: (run.worst_ms or 0.0, statistics.median(run.step_ms()))
        )

    def recommendation(self) -> str:
        """Which engine to use for this schema and tokenizer, and what to do on LMFE."""
        correct = self.correct()
        lmfe = self.run("lmfe")
        lmfe_note = ""
        rewritten = self.lmfe_rewritten
        if lmfe is not None and rewritten is not None:
            after = rewritten.run
            state = "correct" if after.correct else f"still {after.fault()}"
            lmfe_note = (
                f"; to stay on LMFE (exllamav2), `schemalint rewrite --unsafe-fixes` "
                f"({rewritten.changes()}) takes its "
                f"worst step from {worst_label(lmfe)} "
                f"to {worst_label(after)} ({state}; add --measure to keep only the changes "
                "that measure faster)"
            )
        elif lmfe is not None and not lmfe.skipped and not lmfe.correct:
            lmfe_note = (
                "; to stay on LMFE (exllamav2), run `schemalint rewrite --measure --unsafe-fixes` "
                "and keep the rewrites that measure faster"
            )
        if not correct:
            measured = [run.name for run in self.runs if not run.skipped]
            return (
                f"no engine measured ({', '.join(measured) or 'none installed'}) wrote every "
                f"valid instance within budget{lmfe_note}"
            )
        best = correct[0]
        others = ", ".join(
            f"{run.name} {worst_label(run)}{'' if run.correct else ' but ' + run.fault()}"
            for run in self.runs
            if run is not best and not run.skipped
        )
        versus = (
            f" (worst step {worst_label(best)}; {others})" if others else f" ({worst_label(best)})"
        )
        # Machine noise is up to ~1.6x between runs: a rival within 2x is as good a choice.
        close = [
            run.name
            for run in correct
            if run is not best and (run.worst_ms or 0.0) <= 2 * (best.worst_ms or 0.0) + 0.1
        ]
        also = f"; {' and '.join(close)} within noise" if close else ""
        return f"use {best.name}: fastest of the engines that were correct{versus}{also}{lmfe_note}"

    def to_json(self) -> dict[str, Any]:
        lmfe = self.run("lmfe")
        for run in self.runs:  # report every engine's pointers in the user's file, as LMFE's
            if run.measurement is not None and lmfe is not None and lmfe.measurement is not None:
                run.measurement.to_source = lmfe.measurement.to_source
        rewritten = self.lmfe_rewritten
        return {
            "engines": [run.to_json() for run in self.runs],
            "lmfe_rewritten": None
            if rewritten is None
            else {
                "changes": len(rewritten.rewrites),
                "rewrites": rewritten.counts(),
                **rewritten.run.to_json(),
            },
            "recommendation": self.recommendation(),
        }


def worst_label(run: EngineRun) -> str:
    worst = run.worst_ms
    if run.compile_over_budget():
        stalls = run.measurement.walks if run.measurement else []
        waited = max(w.stuck_seconds for w in stalls if w.compile_abandoned)
        return f"compile ≥ {waited:,.0f} s (budget)"
    if worst is None:
        return "not measured"
    if run.over_budget():
        return f"≥ {worst:,.0f} ms (step budget)"
    return f"{worst:,.2f} ms" if worst < 100 else f"{worst:,.0f} ms"


def in_schema_order(goals: list[Goal] | None) -> list[Goal] | None:
    """The goals without their key-order conditions: a key written before the discriminator
    is LMFE's loose order; llguidance and xgrammar hold a model to the schema's order, so a
    reordered instance would test the order, not the engine."""
    if goals is None:
        return None
    return [replace(goal, key_first=False, first_in_object=False) for goal in goals]


class Comparer:
    """Prepares each requested engine once, then compares schema after schema."""

    def __init__(
        self,
        settings: MeasureSettings,
        names: list[str],
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.names = names
        self.probers: dict[str, EngineProber] = {}
        self.skipped: dict[str, tuple[str, str]] = {}
        """Engine name -> (version or "", why it is skipped)."""
        for name in names:
            if name == "lmfe":
                continue
            engine = load_engine(name)
            try:
                version = engine.version()
            except EngineUnavailable as error:
                self.skipped[name] = ("", str(error))
                continue
            # Each engine gets a budget of its own, from when its measurement starts.
            own_clock = replace(settings, started=None)
            self.probers[name] = EngineProber(own_clock, engine, progress)
            self.skipped[name] = (version, "")
        self.setup_seconds: dict[str, float] = {}

    def close(self) -> None:
        for prober in self.probers.values():
            prober.close()

    def prepare(self) -> None:
        for name, prober in list(self.probers.items()):
            if name in self.setup_seconds:
                continue
            started = time.perf_counter()
            try:
                prober.prepare()
            except EngineUnavailable as error:
                del self.probers[name]
                self.skipped[name] = ("", str(error))
                continue
            self.setup_seconds[name] = time.perf_counter() - started

    def compare(
        self,
        analysis: Analysis,
        lmfe: Measurement | None,
        tools: list[tuple[str, str]] | None = None,
        goals: list[Goal] | None = None,
    ) -> Comparison:
        """Every engine's measurement: the same planned walks as LMFE's."""
        comparison = Comparison()
        for name in self.names:
            if name == "lmfe":
                if lmfe is not None:
                    version = lmfe.lmfe_version
                    run = EngineRun("lmfe", version, setup_seconds=lmfe.setup_seconds)
                    run.measurement = lmfe
                    comparison.runs.append(run)
                continue
            version, skipped = self.skipped[name]
            prober = self.probers.get(name)
            if prober is None:
                comparison.runs.append(EngineRun(name, version, skipped=skipped))
                continue
            measurement = prober.measure(analysis, tools, in_schema_order(goals))
            compiled = measurement.compile_seconds
            comparison.runs.append(
                EngineRun(
                    name,
                    version,
                    setup_seconds=self.setup_seconds.get(name, 0.0),
                    compile_seconds=statistics.median(compiled) if compiled else None,
                    compile_warnings=measurement.compile_warnings,
                    measurement=measurement,
                )
            )
        return comparison


UnsafeRewrite = Callable[[Any, bool], tuple[Any, tuple[str, ...]]]
"""Schema and strict field order -> the schema ``rewrite --unsafe-fixes`` makes of it and the
rewrite behind each change (:func:`schemalint.rewriting.engine.unsafe_rewrite`)."""


class ComparingProber(Prober):
    """``check --measure --engine ...``: LMFE's measurement, with the comparison attached.
    Given ``rewrite``, a slow or failing LMFE is also measured on the schema it rewrites to."""

    def __init__(
        self,
        settings: MeasureSettings,
        engines: list[str],
        progress: Callable[[str, int], None] | None = None,
        rewrite: UnsafeRewrite | None = None,
    ) -> None:
        super().__init__(settings, progress)
        self.comparer = Comparer(settings, engines, progress)
        self.rewrite = rewrite

    def prepare(self, wait: bool = True) -> float:
        seconds = super().prepare(wait)
        self.comparer.prepare()
        return seconds

    def close(self) -> None:
        super().close()
        self.comparer.close()

    def measure(
        self,
        analysis: Analysis,
        tools: list[tuple[str, str]] | None = None,
        goals: list[Goal] | None = None,
    ) -> Measurement:
        measurement = super().measure(analysis, tools, goals)
        comparison = self.comparer.compare(analysis, measurement, tools, goals)
        lmfe = comparison.run("lmfe")
        if lmfe is not None and (not lmfe.correct or (lmfe.worst_ms or 0.0) >= LMFE_SLOW_MS):
            comparison.lmfe_rewritten = self._measure_rewrite(analysis)
        measurement.engines = comparison
        return measurement

    def _measure_rewrite(self, analysis: Analysis) -> LmfeRewritten | None:
        """LMFE on the unsafe rewrite (static choice: one more measurement, within its own
        budget), walking an instance generated for the rewrite; None when nothing changes or
        the user's own instances are walked (they fit the original only)."""
        if self.rewrite is None:
            return None
        if self.fixed_instances is not None or self.user_instances is not None:
            return None
        schema, rewrites = self.rewrite(
            analysis.schema, self.settings.config.force_json_field_order
        )
        if not rewrites:
            return None
        measurement = super().measure(analyse(schema, analysis.enforcer))
        run = EngineRun("lmfe", measurement.lmfe_version, measurement=measurement)
        return LmfeRewritten(rewrites, run)
