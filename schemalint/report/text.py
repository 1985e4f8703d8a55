"""Rich text for people: findings grouped by file, then a summary line."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape

from schemalint.engine import FileBaseline, FileReport, Report
from schemalint.model import Applicability, BaselineState, Finding, Severity
from schemalint.report import Options
from schemalint.report.tables import print_table
from schemalint.risk import Risk
from schemalint.targets import DEFAULT as DEFAULT_TARGETS

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


def make_console(stream: TextIO, options: Options) -> Console:
    """A console that never wraps a line (a terminal folds it, a file keeps it whole), coloured
    as ``options.color`` says; an explicit choice beats NO_COLOR."""
    if options.color is None:
        return Console(file=stream, highlight=False, soft_wrap=True)
    if options.color:
        return Console(
            file=stream,
            highlight=False,
            soft_wrap=True,
            force_terminal=True,
            no_color=False,
            color_system="standard",
        )
    return Console(file=stream, highlight=False, soft_wrap=True, color_system=None)


_MEASURED_COLUMNS = ("pointer", "steps", "allowed med", "allowed max", "ms med", "ms p95", "ms max")


def render_measurement(console: Console, measurement: Measurement) -> None:
    rows = [
        (
            measurement.source_pointer(row.pointer) or "/",
            str(row.steps),
            f"{row.median_allowed:,.0f}",
            f"{row.max_allowed:,}",
            f"{row.median_ms:.2f}",
            f"{row.p95_ms:.2f}",
            f"{row.max_ms:,.1f}",
        )
        for row in measurement.pointer_table()[:_TABLE_ROWS]
    ]
    title = (
        f"measured with {escape(measurement.tokenizer)} ({measurement.vocab_size:,} tokens), "
        f"LMFE {escape(measurement.lmfe_version)}"
    )
    print_table(console, title, _MEASURED_COLUMNS, rows)
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


def _print_finding(
    console: Console, finding: Finding, detail: bool = True, show_fixes: bool = False
) -> None:
    """``[*]`` marks a finding ``schemalint rewrite`` fixes by default, as ruff marks what
    ``--fix`` fixes; the fix itself only with ``show_fixes``."""
    where = f"{finding.line}:{finding.column}" if finding.line else "-"
    safe = finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    console.print(
        f"  {where:>7}  {'[*]' if safe else '   '} [bold]{finding.code}[/] "
        f"[{STYLE[finding.severity]}]{finding.severity.label:<8}[/] "
        f"[dim]{escape(finding.pointer or '/')}[/]"
        + (f"  tool {escape(finding.tool)}" if finding.tool else "")
    )
    if not detail:
        return
    console.print(f"               {escape(finding.message)}")
    if show_fixes and finding.fix:
        console.print(
            f"               [dim]fix ({finding.fix.applicability.value}): "
            f"{escape(finding.fix.description)}[/]"
        )


_TARGET_COLUMNS = ("target", "accepted", "refused for", "dropped", "limits", "risk")


def render_targets(console: Console, file: FileReport) -> None:
    """The matrix: per target, accepted?, what refuses it, what it drops silently, the
    limits passed, and the risk of its own findings."""
    rows = [
        (
            verdict.target,
            "yes" if verdict.accepted else "no",
            ", ".join(sorted({f.code for f in verdict.refused})) or "-",
            str(len(verdict.dropped)) if verdict.dropped else "-",
            str(len(verdict.limits)) if verdict.limits else "-",
            f"{verdict.risk.score} {verdict.risk.level.label}",
        )
        for verdict in file.verdicts()
    ]
    print_table(console, "  targets", _TARGET_COLUMNS, rows)


def _origin(file: FileReport) -> str:
    """Where a source that is no file is edited, when known: a config's entry, a source line."""
    origin = file.origin
    if origin is None or origin.file is None:
        return ""
    return escape(f"  ({origin.file}" + (f":{origin.line})" if origin.line else ")"))


def _print_against_baseline(console: Console, file: FileReport, show_fixes: bool) -> None:
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
        _print_finding(console, finding, show_fixes=show_fixes)
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


def fixes_line(findings: list[Finding], show_fixes: bool) -> str | None:
    """What ``schemalint rewrite`` would fix, as ruff's ``[*] N fixable`` line says it."""
    counts = Counter(finding.fix.applicability for finding in findings if finding.fix)
    if not counts:
        return None
    parts = []
    if safe := counts[Applicability.SAFE]:
        parts.append(f"[*] {safe} fixable with `schemalint rewrite`")
    if unsafe := counts[Applicability.UNSAFE]:
        parts.append(f"{unsafe} with `schemalint rewrite --unsafe-fixes`")
    if advice := counts[Applicability.DISPLAY_ONLY]:
        parts.append(f"{advice} to fix by hand")
    hint = "" if show_fixes else " (--show-fixes shows how)"
    return "; ".join(parts) + hint + "."


def render(report: Report, stream: TextIO, options: Options | None = None) -> None:
    options = options or Options()
    console = make_console(stream, options)
    against = report.baseline is not None
    for file in _first_what_is_new(report) if against else report.files:
        if against:
            _print_against_baseline(console, file, options.show_fixes)
        else:
            kind = f"  {file.kind}" if file.kind else ""
            console.print(
                f"[bold]{escape(file.path)}[/]{kind}  risk {_risk(file.risk)}{_origin(file)}"
            )
            for finding in file.findings:
                _print_finding(console, finding, show_fixes=options.show_fixes)
        if file.targets != DEFAULT_TARGETS:
            render_targets(console, file)
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
        shown = [f for f in report.findings if f.baseline_state in (None, BaselineState.NEW)]
        if line := fixes_line(shown, options.show_fixes):
            console.print(escape(line))
        console.print(
            f"Found {total} finding{'s' if total != 1 else ''} in {files} {noun}: {counts}."
        )
    else:
        console.print(f"All clear: {files} {noun} checked, no findings.")
    if notes := report.notes():
        console.print(escape(notes))
