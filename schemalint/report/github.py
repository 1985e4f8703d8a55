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


def _where(finding: Finding) -> list[str]:
    """A live source (an MCP server, a Python object) has a file only when a config or a
    source line names it; an annotation without one is shown on the run, not in a file."""
    origin = finding.origin
    if origin is None:
        return [f"file={_escape_property(finding.path)}", *_span(finding)]
    if origin.file is None:
        return []
    return [f"file={_escape_property(origin.file)}", f"line={origin.line or 1}"]


def render(report: Report, stream: TextIO) -> None:
    """Against a baseline, only new findings: a pull request annotates what it adds."""
    for finding in report.findings:
        if finding.baseline_state not in (None, BaselineState.NEW):
            continue
        properties = _where(finding)
        properties.append(f"title={_escape_property(f'schemalint ({finding.code})')}")
        where = f"{finding.path} tool {finding.tool}" if finding.origin and finding.tool else ""
        message = (
            f"{finding.name} [{finding.severity.label}] at '{where}{finding.pointer}': "
            f"{finding.message}"
        )
        stream.write(
            f"::{_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}\n"
        )
