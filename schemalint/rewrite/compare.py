"""Measure a schema before and after its rewrite on the same content: the rewritten schema
walks the original's instance mapped forward (per-call reasons moved into the thought)."""

from __future__ import annotations

from dataclasses import dataclass

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.load.reader import Document
from schemalint.measure.instances import generate_instance
from schemalint.measure.probe import Prober, percentile
from schemalint.rewrite.document import DocumentRewrite
from schemalint.rewrite.restore import forward


@dataclass(frozen=True)
class Row:
    label: str
    p95_ms: float
    max_ms: float
    median_allowed: int
    walk_seconds: float
    risk: str


def before_and_after(
    document: Document, rewritten: DocumentRewrite, settings: Settings, prober: Prober
) -> list[Row]:
    original = normalise(document.data).schema
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    instance = generate_instance(analyse(original, enforcer), prober.settings.seed)
    rows = []
    for label, data, walked in (
        ("before", document.data, instance),
        ("after", rewritten.data, forward(original, instance, settings)),
    ):
        prober.fixed_instances = [(label, walked)]
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
            )
        )
    prober.fixed_instances = None
    return rows
