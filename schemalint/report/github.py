"""GitHub Actions workflow commands: one annotation per finding (per new one, against a
baseline)."""

from __future__ import annotations

from typing import TextIO

from schemalint.engine import Report
from schemalint.model import BaselineState, Finding, Severity

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
    Severity.INFO: "notice",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _span(finding: Finding) -> list[str]:
    """``line``, ``endLine``, and columns only on one line: GitHub ignores columns on an
    annotation that spans lines. GitHub's ``endColumn`` is the last character's, not past it."""
    if finding.line is None:
        return []
    span = [f"line={finding.line}"]
    end_line = finding.end_line or finding.line
    if end_line != finding.line:
        return [*span, f"endLine={end_line}"]
    if finding.column is not None:
        span.append(f"col={finding.column}")
    if finding.end_line is not None and finding.end_column is not None:
        span += [f"endLine={end_line}", f"endColumn={max(finding.end_column - 1, 1)}"]
    return span


def render(report: Report, stream: TextIO) -> None:
    """Against a baseline, only new findings: a pull request annotates what it adds."""
    for finding in report.findings:
        if finding.baseline_state not in (None, BaselineState.NEW):
            continue
        properties = [f"file={_escape_property(finding.path)}", *_span(finding)]
        properties.append(f"title={_escape_property(f'schemalint ({finding.code})')}")
        message = (
            f"{finding.name} [{finding.severity.label}] at '{finding.pointer}': {finding.message}"
        )
        stream.write(
            f"::{_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}\n"
        )
