"""Rich text for people: findings grouped by file, then a summary line."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape

from schemalint.engine import Report
from schemalint.model import Severity

STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render(report: Report, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=True)
    for file in report.files:
        level = file.risk.level
        kind = f"  {file.kind}" if file.kind else ""
        console.print(
            f"[bold]{escape(file.path)}[/]{kind}  risk [{STYLE[level]}]{file.risk.score} "
            f"{level.label}[/]"
        )
        for finding in file.findings:
            where = f"{finding.line}:{finding.column}" if finding.line else "-"
            console.print(
                f"  {where:>7}  [bold]{finding.code}[/] [{STYLE[finding.severity]}]"
                f"{finding.severity.label:<8}[/] [dim]{escape(finding.pointer or '/')}[/]"
            )
            console.print(f"           {escape(finding.message)}")
            if finding.fix:
                console.print(
                    f"           [dim]fix ({finding.fix.applicability.value}): "
                    f"{escape(finding.fix.description)}[/]"
                )
    counts = ", ".join(f"{n} {label}" for label, n in report.by_severity().items() if n)
    total = len(report.findings)
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    if total:
        console.print(
            f"Found {total} finding{'s' if total != 1 else ''} in {files} {noun}: {counts}."
        )
    else:
        console.print(f"All clear: {files} {noun} checked, no findings.")
