"""GitHub Actions workflow commands: one annotation per finding (per new one, against a
baseline)."""

from __future__ import annotations

from typing import TextIO

from schemalint.engine import Report
from schemalint.model import BaselineState, Severity

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


def render(report: Report, stream: TextIO) -> None:
    """Against a baseline, only new findings: a pull request annotates what it adds."""
    for finding in report.findings:
        if finding.baseline_state not in (None, BaselineState.NEW):
            continue
        properties = [f"file={_escape_property(finding.path)}"]
        if finding.line is not None:
            properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
        properties.append(f"title={_escape_property(f'schemalint ({finding.code})')}")
        message = (
            f"{finding.name} [{finding.severity.label}] at '{finding.pointer}': {finding.message}"
        )
        stream.write(
            f"::{_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}\n"
        )
