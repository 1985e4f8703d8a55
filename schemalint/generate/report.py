"""How ``schemalint generate`` shows what each variant did: a rich table, or JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from typing import Any, TextIO

from schemalint.generate.run import GenerateReport, PhaseReport
from schemalint.measure.probe import percentile


def _spread(times: list[float]) -> dict[str, float] | None:
    if not times:
        return None
    return {
        "p50": round(statistics.median(times), 3),
        "p95": round(percentile(times, 95), 3),
        "max": round(max(times), 3),
    }


def phase_json(phase: PhaseReport) -> dict[str, Any]:
    generation = phase.generation
    return {
        "variant": phase.variant,
        "phase": phase.phase,
        "tokens": len(generation.token_ids),
        "seconds": round(generation.seconds, 4),
        "tokens_per_second": round(generation.tokens_per_second, 2),
        "token_ms": _spread(generation.token_ms),
        "model_ms": _spread(generation.model_ms),
        "filter_ms": _spread(generation.filter_ms),
        "stop": generation.stop,
        "detail": generation.detail,
        "stuck_ms": round(generation.stuck_ms, 1) if generation.stuck_ms else None,
        "parses": phase.parses,
        "validates": phase.validates,
        "problem": phase.problem,
        "pointer": phase.pointer,
        "schema_pointers": phase.schema_pointers,
        "text": generation.text,
    }


def report_json(report: GenerateReport) -> dict[str, Any]:
    return {
        "backend": report.backend,
        "device": report.device,
        "tokenizer": report.model,
        "phases": [phase_json(phase) for phase in report.phases],
    }


def render_json(report: GenerateReport, out: TextIO) -> None:
    out.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")


def render_text(report: GenerateReport, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)  # a pipe or a file: don't squeeze the table
    console.print(f"backend {report.backend} on {report.device}, tokenizer {report.model}")
    table = Table(box=None)
    for column in ("variant", "phase", "tokens", "tok/s", "model ms", "filter ms", "valid", "stop"):
        table.add_column(column, no_wrap=True, justify="right" if "tok" in column else "left")
    for phase in report.phases:
        row = phase_json(phase)
        table.add_row(
            phase.variant,
            phase.phase,
            str(row["tokens"]),
            f"{row['tokens_per_second']:.1f}",
            _cell(row["model_ms"]),
            _cell(row["filter_ms"]),
            {None: "-", True: "yes", False: "no"}[phase.validates],
            phase.generation.stop,
        )
    console.print(table)
    console.print("[dim]ms columns: p50 / p95 / max per token[/dim]")
    for phase in report.phases:
        generation = phase.generation
        console.print(f"\n[bold]{phase.variant} ({phase.phase})[/bold]: {generation.text!r}")
        if generation.detail:
            console.print(f"  stopped: {generation.stop}: {generation.detail}")
        if phase.pointer is not None:
            where = ", ".join(phase.schema_pointers) or "(no schema node)"
            console.print(f"  was writing {phase.pointer or '(root)'} -> schema {where}")
        if phase.problem:
            console.print(f"  invalid: {phase.problem}")


def _cell(spread: dict[str, float] | None) -> str:
    if spread is None:
        return "-"
    return f"{spread['p50']:.1f} / {spread['p95']:.1f} / {spread['max']:.1f}"


RENDERERS: dict[str, Callable[[GenerateReport, TextIO], None]] = {
    "text": render_text,
    "json": render_json,
}


class Streamer:
    """Writes each generation's new text as it arrives, one labelled line per generation."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.label: str | None = None
        self.shown = ""

    def __call__(self, label: str, text: str) -> None:
        if label != self.label:
            self.out.write(("\n" if self.label is not None else "") + f"[{label}] ")
            self.label, self.shown = label, ""
        fresh = text[len(self.shown) :] if text.startswith(self.shown) else text
        self.out.write(fresh.replace("\n", "\\n"))
        self.out.flush()
        self.shown = text

    def end(self) -> None:
        if self.label is not None:
            self.out.write("\n")
