"""Per target, what a file's findings add up to: will the target accept the schema, what will it
silently drop, which limits does it pass, and what is the risk score of its findings alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schemalint import risk
from schemalint.model import Finding, Severity
from schemalint.rules import RULES
from schemalint.targets import ALL


@dataclass(frozen=True)
class TargetVerdict:
    target: str
    refused: list[Finding]
    """Findings the target refuses the schema for (an error before generation)."""
    dropped: list[Finding]
    limits: list[Finding]
    risk: risk.Risk

    @property
    def accepted(self) -> bool:
        return not self.refused and not self.limits

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "refused": sorted({finding.code for finding in self.refused}),
            "dropped": [_where(finding) for finding in self.dropped],
            "limits": [finding.message for finding in self.limits],
            "risk": self.risk.to_json(),
        }


def _where(finding: Finding) -> str:
    return f"{finding.code} {finding.pointer or '/'}"


def verdicts(findings: Iterable[Finding], targets: Iterable[str]) -> list[TargetVerdict]:
    """One verdict per target; a finding of every target (``all``) counts for each. Findings
    below medium never refuse a schema (a configured downgrade says it does not matter)."""
    findings = list(findings)
    result = []
    for target in targets:
        own = [finding for finding in findings if finding.target in (target, ALL)]

        def having(effect: str, own: list[Finding] = own, target: str = target) -> list[Finding]:
            return [
                finding
                for finding in own
                if RULES[finding.code].effect_for(target) == effect
                and finding.severity >= Severity.MEDIUM
            ]

        result.append(
            TargetVerdict(
                target, having("refused"), having("dropped"), having("limit"), risk.score(own)
            )
        )
    return result
