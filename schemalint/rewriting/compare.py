"""Measure a schema before and after its rewrite on the same content: the rewritten schema
walks the original's instance mapped forward (per-call reasons moved into the thought)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.load.reader import Document
from schemalint.measure.generator import generate_instance
from schemalint.measure.probe import MeasuredWalk, Prober, percentile
from schemalint.rewriting.document import DocumentRewrite
from schemalint.rewriting.restore import forward


@dataclass(frozen=True)
class Row:
    label: str
    p95_ms: float
    max_ms: float
    median_allowed: int
    walk_seconds: float
    risk: str
    walks: str
    """How the walks ended: "complete", or a count per ending ("2 complete, 1 rejected")."""


def before_and_after(
    document: Document, rewritten: DocumentRewrite, settings: Settings, prober: Prober
) -> list[Row]:
    """Walk the prober's ``--instance`` instances (else one generated for the original) through
    the original, and the same instances mapped forward through the rewrite."""
    original = normalise(document.data).schema
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    instances = prober.user_instances or [
        ("generated", generate_instance(analyse(original, enforcer), prober.settings.seed))
    ]
    mapped = [(label, forward(original, instance, settings)) for label, instance in instances]
    rows = []
    for label, data, walked in (
        ("before", document.data, instances),
        ("after", rewritten.data, mapped),
    ):
        prober.fixed_instances = walked
        report = check_data(data, settings, document.path, prober)
        measured = report.measurement
        walks = [w for w in (measured.walks if measured else []) if w.kind == "instance"]
        steps = [s.step for w in walks for s in w.steps]
        # An abandoned step counts with the time it had run when the budget stopped it.
        stuck = [w.stuck_seconds * 1000 for w in walks if w.stuck]
        times = [s.seconds * 1000 for s in steps] + stuck
        allowed = sorted(s.allowed for s in steps)
        rows.append(
            Row(
                label,
                percentile(times, 95),
                max(times, default=0.0),
                allowed[len(allowed) // 2] if allowed else 0,
                sum(times) / 1000,
                f"{report.risk.score} {report.risk.level.label}",
                _endings(walks),
            )
        )
    prober.fixed_instances = None
    return rows


def _endings(walks: list[MeasuredWalk]) -> str:
    counts = Counter(walk.outcome for walk in walks)
    if set(counts) == {"complete"} and len(walks) == 1:
        return "complete"
    return ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
