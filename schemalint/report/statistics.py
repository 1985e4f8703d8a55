"""``--statistics``: how often each rule fired, most frequent first, in place of the report
(ruff's ``--statistics``); suppressed findings are counted apart, so a silenced rule shows."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from schemalint.engine import Report
from schemalint.model import Finding


@dataclass(frozen=True)
class RuleCount:
    code: str
    name: str
    count: int
    suppressed: int
    fix: str | None
    """The applicability of the rule's fixes, when its findings carry one."""


def rule_counts(report: Report) -> list[RuleCount]:
    """Every rule with a finding or a suppressed one, by count, then by code."""
    shown = report.findings
    suppressed = [finding for file in report.files for finding in file.suppressed]
    counts = Counter(finding.code for finding in shown)
    silenced = Counter(finding.code for finding in suppressed)
    first: dict[str, Finding] = {}
    for finding in shown + suppressed:
        if finding.code not in first or (finding.fix and not first[finding.code].fix):
            first[finding.code] = finding
    return sorted(
        (
            RuleCount(
                code,
                finding.name,
                counts[code],
                silenced[code],
                finding.fix.applicability.value if finding.fix else None,
            )
            for code, finding in first.items()
        ),
        key=lambda row: (-row.count, -row.suppressed, row.code),
    )


def render_text(report: Report, stream: TextIO) -> None:
    """``count  CODE  [*] name``, ``[*]`` where the fix is safe, as ruff prints it."""
    rows = rule_counts(report)
    width = max((len(str(row.count)) for row in rows), default=1)
    for row in rows:
        mark = "[*]" if row.fix == "safe" else "   "
        silenced = f"  ({row.suppressed} suppressed)" if row.suppressed else ""
        stream.write(f"{row.count:>{width}}  {row.code}  {mark} {row.name}{silenced}\n")


def render_json(report: Report, stream: TextIO) -> None:
    rows = [
        {
            "code": row.code,
            "name": row.name,
            "count": row.count,
            "suppressed": row.suppressed,
            "fix": row.fix,
        }
        for row in rule_counts(report)
    ]
    json.dump(rows, stream, indent=2)
    stream.write("\n")
