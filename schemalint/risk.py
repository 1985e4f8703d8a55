"""One number per file: how likely the schema is to make constrained decoding slow or wrong.

The most severe finding sets the base — info 0, low 10, medium 30, high 55, critical 80 — and
every other finding adds a little — info 0, low 0.4, medium 2, high 4, critical 5 — up to 100.
Levels: score < 25 low, < 50 medium, < 75 high, else critical. So the level follows the worst
finding, and only many findings of one level lift a file into the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemalint.model import Finding, Severity

BASE = {
    Severity.INFO: 0.0,
    Severity.LOW: 10.0,
    Severity.MEDIUM: 30.0,
    Severity.HIGH: 55.0,
    Severity.CRITICAL: 80.0,
}
EXTRA = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.4,
    Severity.MEDIUM: 2.0,
    Severity.HIGH: 4.0,
    Severity.CRITICAL: 5.0,
}
LEVELS = ((25, Severity.LOW), (50, Severity.MEDIUM), (75, Severity.HIGH))


@dataclass(frozen=True)
class Risk:
    score: int
    level: Severity

    def to_json(self) -> dict[str, object]:
        return {"score": self.score, "level": self.level.label}


def score(findings: Iterable[Finding]) -> Risk:
    severities = sorted((finding.severity for finding in findings), reverse=True)
    if not severities:
        return Risk(0, Severity.LOW)
    total = BASE[severities[0]] + sum(EXTRA[severity] for severity in severities[1:])
    value = min(100, round(total))
    level = next((lvl for limit, lvl in LEVELS if value < limit), Severity.CRITICAL)
    return Risk(value, level)
