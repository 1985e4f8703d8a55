"""Rich text for people: findings grouped by file, then a summary line."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from schemalint.engine import FileBaseline, FileReport, Report
from schemalint.model import BaselineState, Finding, Severity
from schemalint.risk import Risk

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


def _risk(risk: Risk) -> str:
    return f"[{STYLE[risk.level]}]{risk.score} {risk.level.label}[/]"


def _print_finding(console: Console, finding: Finding, detail: bool = True) -> None:
    where = f"{finding.line}:{finding.column}" if finding.line else "-"
    console.print(
        f"  {where:>7}  [bold]{finding.code}[/] [{STYLE[finding.severity]}]"
        f"{finding.severity.label:<8}[/] [dim]{escape(finding.pointer or '/')}[/]"
    )
    if not detail:
        return
    console.print(f"           {escape(finding.message)}")
    if finding.fix:
        console.print(
            f"           [dim]fix ({finding.fix.applicability.value}): "
            f"{escape(finding.fix.description)}[/]"
        )


def _print_against_baseline(console: Console, file: FileReport) -> None:
    """New findings in full, fixed ones in a line each, unchanged ones only counted."""
    assert file.baseline is not None
    was = file.baseline
    kind = f"  {file.kind}" if file.kind else ""
    moved = f"  (was {escape(was.path)})" if was.path and was.path != file.path else ""
    status = "  removed" if was.removed else "  new file" if was.path is None else moved
    console.print(
        f"[bold]{escape(file.path)}[/]{kind}{status}  risk {_risk(was.risk)} → {_risk(file.risk)}"
        + ("  [bold red]risk rose[/]" if file.risk_rose else "")
    )
    if was.measured:
        _print_worst_steps(console, was)
    new = [f for f in file.findings if f.baseline_state is BaselineState.NEW]
    if new:
        console.print(f"  [bold]new ({len(new)})[/]")
    for finding in new:
        _print_finding(console, finding)
    if was.fixed:
        console.print(f"  [green]fixed ({len(was.fixed)})[/]")
    for finding in was.fixed:
        _print_finding(console, finding, detail=False)
    if unchanged := file.count(BaselineState.UNCHANGED):
        console.print(f"  [dim]unchanged: {unchanged}[/]")


def _ms(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def _print_worst_steps(console: Console, was: FileBaseline) -> None:
    """The worst measured step before → after, then each tool's where it changed as shown."""
    console.print(f"  worst step {_ms(was.worst_ms_before)} → {_ms(was.worst_ms_after)}")
    for name, (before, after) in was.worst_ms_by_tool.items():
        if _ms(before) != _ms(after):
            console.print(f"    tool {escape(name)}: {_ms(before)} → {_ms(after)}")


def _first_what_is_new(report: Report) -> list[FileReport]:
    """Files with new findings or a risk rise first, each group in its own order."""
    return sorted(
        report.files,
        key=lambda file: not (file.count(BaselineState.NEW) or file.risk_rose),
    )


def render(report: Report, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=True)
    against = report.baseline is not None
    for file in _first_what_is_new(report) if against else report.files:
        if against:
            _print_against_baseline(console, file)
        else:
            kind = f"  {file.kind}" if file.kind else ""
            console.print(f"[bold]{escape(file.path)}[/]{kind}  risk {_risk(file.risk)}")
            for finding in file.findings:
                _print_finding(console, finding)
        if file.measurement is not None:
            render_measurement(console, file.measurement)
            if file.measurement.engines is not None:
                from schemalint.report.engines import render_comparison

                render_comparison(console, file.measurement.engines)
    if report.baseline is not None:
        states = report.baseline_summary()
        rose = sum(file.risk_rose for file in report.files)
        console.print(
            f"Against {escape(report.baseline)}: {states['new']} new, {states['fixed']} fixed, "
            f"{states['unchanged']} unchanged"
            + (f"; risk rose in {rose} file{'s' if rose != 1 else ''}." if rose else ".")
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
