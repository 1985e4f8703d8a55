"""Rich text for people: findings grouped by file, then a summary line."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from schemalint.engine import Report
from schemalint.model import Severity

if TYPE_CHECKING:
    from schemalint.measure.probe import Measurement

STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


_BARS = " ▁▂▃▄▅▆▇█"
_TABLE_ROWS = 15
_CHART_WIDTH = 72


def sparkline(values: list[float], width: int = _CHART_WIDTH) -> str:
    """Values squeezed into ``width`` columns (max per column), on a log scale."""
    if not values:
        return ""
    size = max(1, -(-len(values) // width))
    columns = [max(values[i : i + size]) for i in range(0, len(values), size)]
    logs = [math.log10(max(v, 1e-6)) for v in columns]
    low, high = min(logs), max(logs)
    span = (high - low) or 1.0
    return "".join(_BARS[1 + int((v - low) / span * (len(_BARS) - 2))] for v in logs)


def _tail(pointer: str, width: int = 48) -> str:
    """The end of a long pointer, where the field names are."""
    return pointer if len(pointer) <= width else "…" + pointer[-(width - 1) :]


def render_measurement(console: Console, measurement: Measurement) -> None:
    table = Table(
        title=f"measured with {measurement.tokenizer} ({measurement.vocab_size:,} tokens), "
        f"LMFE {measurement.lmfe_version}",
        title_justify="left",
        box=None,
    )
    for column in ("pointer", "steps", "allowed med", "allowed max", "ms med", "ms p95", "ms max"):
        table.add_column(column, justify="left" if column == "pointer" else "right", no_wrap=True)
    for row in measurement.pointer_table()[:_TABLE_ROWS]:
        table.add_row(
            escape(_tail(measurement.source_pointer(row.pointer) or "/")),
            str(row.steps),
            f"{row.median_allowed:,.0f}",
            f"{row.max_allowed:,}",
            f"{row.median_ms:.2f}",
            f"{row.p95_ms:.2f}",
            f"{row.max_ms:,.1f}",
        )
    console.print(table)
    if measurement.coverage is not None:
        console.print(f"  {escape(measurement.coverage.line())}")
    if note := measurement.random_note():
        console.print(f"  {note}")
    for walk in measurement.walks:
        times = [s.step.seconds * 1000 for s in walk.steps]
        allowed = [float(s.step.allowed) for s in walk.steps]
        console.print(
            f"  walk {escape(walk.label)}: {len(walk.steps)} steps, {walk.seconds:.2f} s, "
            f"{walk.outcome}{': ' + escape(walk.detail) if walk.detail else ''}"
        )
        console.print(f"    step ms  {sparkline(times)}  max {max(times, default=0):,.1f}")
        console.print(f"    allowed  {sparkline(allowed)}  max {max(allowed, default=0):,.0f}")


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
        if file.measurement is not None:
            render_measurement(console, file.measurement)
            if file.measurement.engines is not None:
                from schemalint.report.engines import render_comparison

                render_comparison(console, file.measurement.engines)
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
