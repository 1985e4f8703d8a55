"""Classify each finding against a baseline: new, unchanged or fixed, matched by fingerprint."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from schemalint import risk
from schemalint.engine import FileBaseline, FileReport, Report, WorstStep
from schemalint.model import BaselineState, Finding


@dataclass
class Baseline:
    """What the files were: a report per current path (absent for a file new since), and the
    reports of files the baseline has under the checked paths that are gone now."""

    label: str
    files: dict[str, FileReport] = field(default_factory=dict)
    removed: list[FileReport] = field(default_factory=list)


def compare(report: Report, baseline: Baseline) -> Report:
    """``report`` with every finding and file set against ``baseline``."""
    matched, removed = _follow_moves(report, baseline)
    files = [_compare_file(file, matched.get(file.path)) for file in report.files]
    files += [_removed(before) for before in removed]
    return Report(files, baseline.label, skipped=report.skipped)


def _follow_moves(
    report: Report, baseline: Baseline
) -> tuple[dict[str, FileReport], list[FileReport]]:
    """Pair each file new since the baseline with a removed file of the same kind that had at
    least half of its findings, by fingerprint: a file moved where git cannot see it (a JSON
    baseline, an untracked move) is still the same file."""
    matched = dict(baseline.files)
    removed = list(baseline.removed)
    for file in report.files:
        if file.path in matched or not file.findings:
            continue
        now = Counter(f.fingerprint for f in file.findings)
        best, shared = None, 0
        for before in removed:
            common = sum((now & Counter(f.fingerprint for f in before.findings)).values())
            larger = max(len(file.findings), len(before.findings))
            if before.kind == file.kind and 2 * common >= larger and common > shared:
                best, shared = before, common
        if best is not None:
            matched[file.path] = best
            removed.remove(best)
    return matched, removed


def classify(current: list[Finding], before: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The current findings marked new or unchanged, and the baseline's fixed ones. A
    fingerprint pairs one to one: two alike now against one before are one unchanged, one new."""
    left = Counter(finding.fingerprint for finding in before)
    marked = []
    for finding in current:
        state = BaselineState.UNCHANGED if left[finding.fingerprint] else BaselineState.NEW
        left[finding.fingerprint] -= state is BaselineState.UNCHANGED
        marked.append(dataclasses.replace(finding, baseline_state=state))
    fixed = []
    for finding in before:
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
            fixed.append(dataclasses.replace(finding, baseline_state=BaselineState.FIXED))
    return marked, fixed


def _compare_file(file: FileReport, before: FileReport | None) -> FileReport:
    findings, fixed = classify(file.findings, before.findings if before else [])
    was = FileBaseline(
        before.risk if before else risk.score([]),
        fixed,
        before.path if before else None,
        **_worst_steps(before.worst if before else None, file.worst),
    )
    return FileReport(
        file.path,
        file.kind,
        findings,
        file.metrics,
        file.measurement,
        was,
        worst=file.worst,
        suppressed=file.suppressed,
    )


def _worst_steps(before: WorstStep | None, after: WorstStep | None) -> dict[str, Any]:
    """FileBaseline's worst-step fields, when the file is measured now: before → after,
    overall and for every tool either side has (None where a side does not know it)."""
    if after is None:
        return {}
    was = before.by_tool if before else {}
    names = list(dict.fromkeys([*was, *after.by_tool]))
    return {
        "worst_ms_before": before.ms if before else None,
        "worst_ms_after": after.ms,
        "worst_ms_by_tool": {name: (was.get(name), after.by_tool.get(name)) for name in names},
    }


def _removed(before: FileReport) -> FileReport:
    _, fixed = classify([], before.findings)
    return FileReport(
        before.path, before.kind, [], baseline=FileBaseline(before.risk, fixed, before.path, True)
    )
