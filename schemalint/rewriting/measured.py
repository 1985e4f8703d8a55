"""Choose the unsafe free-text rewrites by measurement: walk one instance through the real
enforcer before and after a change and keep the change only when it removes slow steps.

Every measured rewrite relaxes the schema (drops a pattern, a limit, an enum), so the instance
generated (with every optional property) for the schema before the first change is valid for
every later one, and both walks write the same text. A change is judged by the slow steps
written under its scope (the union or field it rewrites): a walk stops at the first step over
budget, so slow time elsewhere would compare walks that got to different places. A change
after which LMFE writes the instance it failed (an error, a rejection, a silent stop), or
writes further before failing, is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import analyse
from schemalint.lmfe import EnforcerSettings
from schemalint.measure.generator import generate_instance
from schemalint.measure.probe import Prober
from schemalint.rewriting.engine import Verdict

SLOW_STEP_MS = 20.0
"""A step at least this slow counts towards a schema's slow time."""
MIN_GAIN_MS = 50.0
"""Slow time a change must remove to be worth changing what the schema accepts."""
BROKEN = frozenset({"error", "rejected", "silent-stop"})
"""Walk ends where LMFE failed the valid instance: a change that cures one is kept."""


class MeasuredJudge:
    """A :data:`~schemalint.rewriting.engine.Judge` that measures with ``prober``."""

    def __init__(self, prober: Prober, enforcer: EnforcerSettings) -> None:
        self.prober = prober
        self.enforcer = enforcer
        self._instance: Any = None
        self._walked: dict[str, Walked] = {}

    def __call__(self, before: Any, after: Any, scope: tuple[str, ...]) -> Verdict:
        if self._instance is None:
            self._instance = generate_instance(analyse(before, self.enforcer), 0, full=True)
        walked = self.walk(before)
        if walked.outcome in BROKEN:
            fixed = self.walk(after)
            if fixed.outcome not in BROKEN:
                ended = f"the walk ended '{walked.outcome}' before and '{fixed.outcome}' after"
                return Verdict(True, f"{ended}: applied")
            if fixed.steps > walked.steps:  # another failure further on: this one is cured
                progress = f"the walk got {walked.steps} -> {fixed.steps} steps before failing"
                return Verdict(True, f"{progress}: applied")
        if not any(_under(pointer, scope) for pointer in walked.slow_ms):
            where = f" (it stopped at {walked.stopped_at})" if walked.stopped_at else ""
            ended = f" (it ended '{walked.outcome}')" if walked.outcome in BROKEN else ""
            return Verdict(False, f"the measured walk never writes it{where}{ended}: not applied")
        slow_before, slow_after = walked.slow_at(scope), self.walk(after).slow_at(scope)
        measured = f"measured slow steps here {slow_before:,.0f} -> {slow_after:,.0f} ms"
        if slow_before - slow_after >= max(MIN_GAIN_MS, 0.1 * slow_before):
            return Verdict(True, f"{measured}: applied")
        return Verdict(False, f"{measured}: no gain worth the change, not applied")

    def walk(self, schema: Any) -> Walked:
        """The judged instance walked through ``schema`` (measured once per schema)."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._walked:
            self.prober.fixed_instances = [("judged", self._instance)]
            try:
                measurement = self.prober.measure(analyse(schema, self.enforcer))
            finally:
                self.prober.fixed_instances = None
            walked = Walked()
            for walk in (w for w in measurement.walks if w.kind == "instance"):
                walked.outcome = walk.outcome
                walked.steps += len(walk.steps)
                for step in walk.steps:
                    ms = step.step.seconds * 1000
                    walked.add(step.pointer, ms if ms >= SLOW_STEP_MS else 0.0)
                if walk.stuck is not None:
                    walked.add(walk.stuck.pointer, walk.stuck_seconds * 1000)
                    walked.stopped_at = walk.stuck.pointer
            self._walked[key] = walked
        return self._walked[key]


@dataclass
class Walked:
    slow_ms: dict[str, float] = field(default_factory=dict)
    """Per schema pointer written: milliseconds in slow steps, an abandoned step included."""
    stopped_at: str = ""
    """Where a step over budget stopped the walk."""
    outcome: str = "complete"
    steps: int = 0

    def add(self, pointer: str, ms: float) -> None:
        self.slow_ms[pointer] = self.slow_ms.get(pointer, 0.0) + ms

    def slow_at(self, scope: tuple[str, ...]) -> float:
        return sum(ms for pointer, ms in self.slow_ms.items() if _under(pointer, scope))


def _under(pointer: str, roots: tuple[str, ...]) -> bool:
    return any(jp.within(pointer, root) for root in roots)
