"""The engine comparison as rich text: one row per engine, the costliest pointers side by
side, and the recommendation."""

from __future__ import annotations

import statistics

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from schemalint.engines.compare import Comparison, EngineRun, worst_label
from schemalint.measure.probe import percentile

_POINTER_ROWS = 8


def _outcome(run: EngineRun) -> str:
    if run.compile_error:
        return f"schema rejected: {run.compile_error}"
    problems = run.dead_ends() + run.over_budget() + run.accepted_invalid()
    return problems[0] if problems else "ok"


def render_comparison(console: Console, comparison: Comparison) -> None:
    table = Table(title="engines, same walks", title_justify="left", box=None)
    columns = ("engine", "compile ms", "ms med", "ms p95", "worst", "splits", "outcome")
    for column in columns[:-1]:
        table.add_column(column, justify="left" if column == "engine" else "right", no_wrap=True)
    table.add_column("outcome", max_width=60, no_wrap=True, overflow="ellipsis")
    for run in comparison.runs:
        label = f"{run.name} {run.version}".strip()
        if run.skipped:
            table.add_row(escape(label), "", "", "", "", "", escape(f"skipped: {run.skipped}"))
            continue
        times = run.step_ms()
        table.add_row(
            escape(label),
            "-" if run.compile_seconds is None else f"{run.compile_seconds * 1000:,.1f}",
            f"{statistics.median(times):.3f}" if times else "",
            f"{percentile(times, 95):.3f}" if times else "",
            escape(worst_label(run)),
            str(run.splits()),
            escape(_outcome(run)),
        )
    console.print(table)
    _render_pointers(console, comparison)
    console.print(f"[bold]recommendation:[/] {escape(comparison.recommendation())}")


def _render_pointers(console: Console, comparison: Comparison) -> None:
    """Worst step per pointer and engine, for the pointers costliest under the first engine."""
    measured = [run for run in comparison.runs if run.measurement is not None]
    if not measured:
        return
    tables = {
        run.name: {row.pointer: row for row in run.measurement.pointer_table("instance")}
        for run in measured
        if run.measurement is not None
    }
    first = measured[0]
    assert first.measurement is not None
    table = Table(title="worst step per pointer, ms", title_justify="left", box=None)
    table.add_column("pointer")
    for run in measured:
        table.add_column(run.name, justify="right")
    for row in first.measurement.pointer_table("instance")[:_POINTER_ROWS]:
        cells = [
            f"{tables[run.name][row.pointer].max_ms:,.2f}"
            if row.pointer in tables[run.name]
            else "-"
            for run in measured
        ]
        table.add_row(escape(first.measurement.source_pointer(row.pointer) or "/"), *cells)
    console.print(table)
