"""The engine comparison as rows of text, rendered by rich (``check`` text output) and by the
HTML report: one row per engine, the costliest pointers side by side, and the recommendation."""

from __future__ import annotations

import statistics

from rich.console import Console
from rich.markup import escape

from schemalint.measure.compare import Comparison, EngineRun, worst_label
from schemalint.measure.probe import percentile
from schemalint.report.tables import print_table

_POINTER_ROWS = 8
ENGINE_COLUMNS = (
    "engine",
    "compile ms",
    "ms med",
    "ms p95",
    "worst",
    "allowed",
    "splits",
    "correct",
    "outcome",
)


def outcome(run: EngineRun) -> str:
    """What went wrong first ("ok" when nothing did)."""
    if run.skipped:
        return f"skipped: {run.skipped}"
    if run.compile_error:
        return f"schema rejected: {run.compile_error}"
    problems = run.dead_ends() + run.over_budget() + run.accepted_invalid()
    preempted = run.preempted()
    plural = "s" if preempted > 1 else ""
    timed = f" ({preempted} pre-empted step{plural} timed by CPU time)" if preempted else ""
    return (problems[0] if problems else "ok") + timed


def engine_row(run: EngineRun) -> list[str]:
    """The cells of ``ENGINE_COLUMNS`` for one engine."""
    label = f"{run.name} {run.version}".strip()
    if run.skipped:
        return [label, "", "", "", "", "", "", "", outcome(run)]
    times = run.step_ms()
    allowed = run.allowed_counts()
    return [
        label,
        "-" if run.compile_seconds is None else f"{run.compile_seconds * 1000:,.1f}",
        f"{statistics.median(times):.3f}" if times else "",
        f"{percentile(times, 95):.3f}" if times else "",
        worst_label(run),
        f"{statistics.median(allowed):,.0f}" if allowed else "",
        str(run.splits()),
        "yes" if run.correct else "no",
        outcome(run),
    ]


def pointer_rows(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    """Engine names, and per pointer (the costliest under the first measured engine) the worst
    step under each engine in ms, "-" where an engine never wrote it."""
    measured = [run for run in comparison.runs if run.measurement is not None]
    tables = {
        run.name: {row.pointer: row for row in run.measurement.pointer_table("instance")}
        for run in measured
        if run.measurement is not None
    }
    if not measured or measured[0].measurement is None:
        return [], []
    first = measured[0].measurement
    rows = [
        [first.source_pointer(row.pointer) or "/"]
        + [
            f"{tables[run.name][row.pointer].max_ms:,.2f}"
            if row.pointer in tables[run.name]
            else "-"
            for run in measured
        ]
        for row in first.pointer_table("instance")[:_POINTER_ROWS]
    ]
    return [run.name for run in measured], rows


def render_comparison(console: Console, comparison: Comparison) -> None:
    """The numbers as a table; each engine's outcome on a line of its own below it, so the
    table fits 80 columns."""
    rows = [engine_row(run)[:-1] for run in comparison.runs]
    print_table(console, "engines, same walks", ENGINE_COLUMNS[:-1], rows)
    for run in comparison.runs:
        console.print(f" {escape(run.name)}: {escape(outcome(run))}")
    names, pointers = pointer_rows(comparison)
    if pointers:
        print_table(console, "worst step per pointer, ms", ["pointer", *names], pointers)
    console.print(f"[bold]recommendation:[/] {escape(comparison.recommendation())}")
