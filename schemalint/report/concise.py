"""One line per finding, ``path:line:col: CODE [severity] message``: the shape editors and
terminals turn into a link to the place (1:1 when the position is unknown)."""

from __future__ import annotations

from typing import TextIO

from rich.markup import escape

from schemalint.engine import Report
from schemalint.model import BaselineState, Finding
from schemalint.report import Options
from schemalint.report.text import STYLE, fixes_line, make_console


def location(finding: Finding) -> str:
    """A source that is no file points at where it is edited (a config's entry for the
    server, a model's source line) when known, else names itself and the tool."""
    origin = finding.origin
    if origin is not None:
        if origin.file is not None:
            return f"{origin.file}:{origin.line or 1}:1"
        return finding.path + (f" tool {finding.tool}" if finding.tool else "")
    return f"{finding.path}:{finding.line or 1}:{finding.column or 1}"


def render(report: Report, stream: TextIO, options: Options | None = None) -> None:
    """Against a baseline only the new findings, as the github format does; with
    ``show_fixes`` the fixes follow, one clickable line each."""
    options = options or Options()
    console = make_console(stream, options)
    shown = [f for f in report.findings if f.baseline_state in (None, BaselineState.NEW)]
    for finding in shown:
        console.print(
            f"{escape(location(finding))}: [bold]{finding.code}[/] "
            f"[{STYLE[finding.severity]}]\\[{finding.severity.label}][/] {escape(finding.message)}"
        )
    fixed = [finding for finding in shown if finding.fix is not None]
    if options.show_fixes and fixed:
        console.print("Fixes:")
        for finding in fixed:
            assert finding.fix is not None
            console.print(
                f"{escape(location(finding))}: {finding.code} fix "
                f"({finding.fix.applicability.value}): {escape(finding.fix.description)}"
            )
    if line := fixes_line(shown, options.show_fixes):
        console.print(escape(line))
    files = len(report.files)
    console.print(
        f"Found {len(shown)} finding{'s' if len(shown) != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}."
    )
    if notes := report.notes():  # suppressed findings and skipped files are never silent
        console.print(escape(notes))
