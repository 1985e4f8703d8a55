"""A self-contained HTML report (``check --report FILE.html``): findings, the measured
per-pointer table, and an SVG chart of every walk. No scripts, fonts or other network assets."""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from schemalint import __version__
from schemalint.engine import FileReport, Report

if TYPE_CHECKING:
    from schemalint.measure.compare import Comparison
    from schemalint.measure.probe import MeasuredWalk, Measurement

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; max-width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .2em .6em; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
code { font-size: 12px; word-break: break-all; }
.critical { color: #b00020; font-weight: bold; } .high { color: #d32f2f; }
.medium { color: #b26a00; } .low { color: #00796b; } .info { color: #777; }
svg { background: #fafafa; border: 1px solid #eee; }
"""
_WIDTH, _HEIGHT, _PAD = 820, 140, 36


def write_html(report: Report, path: Path) -> None:
    """Write the report to ``path`` (and nowhere else), atomically."""
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>schemalint report</title><style>{_STYLE}</style></head><body>",
        f"<h1>schemalint {escape(__version__)} report</h1>",
    ]
    for file in report.files:
        parts.append(_file_section(file))
    parts.append("</body></html>\n")
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(parts), encoding="utf-8")
    temporary.replace(path)


def _file_section(file: FileReport) -> str:
    level = file.risk.level.label
    rows = "".join(
        f"<tr><td><code>{escape(f.code)}</code></td><td class={f.severity.label}>"
        f"{f.severity.label}</td><td><code>{escape(f.pointer or '/')}</code></td>"
        f"<td class=num>{f.line or ''}</td><td>{escape(f.message)}</td></tr>"
        for f in file.findings
    )
    html = (
        f"<h2>{escape(file.path)}</h2><p>{escape(file.kind or 'unreadable')} · risk "
        f"<span class={level}>{file.risk.score} {level}</span></p>"
        "<table><tr><th>code</th><th>severity</th><th>pointer</th><th class=num>line</th>"
        f"<th>message</th></tr>{rows}</table>"
    )
    if file.measurement is not None:
        html += _measurement_section(file.measurement)
    return html


def _measurement_section(measurement: Measurement) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(measurement.source_pointer(row.pointer) or '/')}</code></td>"
        f"<td class=num>{row.steps}</td><td class=num>{row.median_allowed:,.0f}</td>"
        f"<td class=num>{row.max_allowed:,}</td><td class=num>{row.median_ms:.2f}</td>"
        f"<td class=num>{row.p95_ms:.2f}</td><td class=num>{row.max_ms:,.1f}</td></tr>"
        for row in measurement.pointer_table()
    )
    charts = "".join(_walk_chart(walk, measurement.vocab_size) for walk in measurement.walks)
    engines = "" if measurement.engines is None else _engines_section(measurement.engines)
    covered = f"<p>{escape(measurement.coverage.line())}.</p>" if measurement.coverage else ""
    if note := measurement.random_note():
        covered += f"<p>{escape(note)}.</p>"
    return (
        f"<p>Measured with {escape(measurement.tokenizer)} ({measurement.vocab_size:,} tokens), "
        f"LMFE {escape(measurement.lmfe_version)}.</p>{covered}"
        "<table><tr><th>pointer</th><th class=num>steps</th><th class=num>allowed median</th>"
        "<th class=num>allowed max</th><th class=num>ms median</th><th class=num>ms p95</th>"
        f"<th class=num>ms max</th></tr>{rows}</table>{engines}{charts}"
    )


def _engines_section(comparison: Comparison) -> str:
    """``--engine``: every engine on the same walks, the pointers side by side, the verdict."""
    from schemalint.report.engines import ENGINE_COLUMNS, engine_row, pointer_rows

    head = _engine_row(list(ENGINE_COLUMNS), "th")
    runs = "".join(_engine_row(engine_row(run)) for run in comparison.runs)
    names, pointers = pointer_rows(comparison)
    by_pointer = ""
    if pointers:
        names_head = "".join(f"<th class=num>{escape(name)}</th>" for name in names)
        body = "".join(
            f"<tr><td><code>{escape(cells[0])}</code></td>"
            + "".join(f"<td class=num>{escape(cell)}</td>" for cell in cells[1:])
            + "</tr>"
            for cells in pointers
        )
        by_pointer = (
            "<h3>Worst step per pointer, ms</h3>"
            f"<table><tr><th>pointer</th>{names_head}</tr>{body}</table>"
        )
    return (
        "<h3>Engines, same walks</h3>"
        f"<table>{head}{runs}</table>{by_pointer}"
        f"<p><strong>Recommendation:</strong> {escape(comparison.recommendation())}</p>"
    )


def _engine_row(cells: list[str], cell: str = "td") -> str:
    """Text columns (engine, correct, outcome) left, numbers right."""
    numeric = range(1, len(cells) - 2)
    return (
        "<tr>"
        + "".join(
            f"<{cell}{' class=num' if index in numeric else ''}>{escape(text)}</{cell}>"
            for index, text in enumerate(cells)
        )
        + "</tr>"
    )


def _walk_chart(walk: MeasuredWalk, vocab_size: int) -> str:
    times = [max(step.step.seconds * 1000, 1e-3) for step in walk.steps]
    allowed = [step.step.allowed for step in walk.steps]
    if not times:
        return ""
    top = math.log10(max(max(times), 10.0))
    bottom = -2.0  # 0.01 ms

    def x(index: int) -> float:
        return _PAD + index * (_WIDTH - 2 * _PAD) / max(len(times) - 1, 1)

    def y_time(ms: float) -> float:
        share = (math.log10(ms) - bottom) / (top - bottom)
        return _HEIGHT - _PAD / 2 - share * (_HEIGHT - _PAD)

    def y_allowed(count: int) -> float:
        return _HEIGHT - _PAD / 2 - count / vocab_size * (_HEIGHT - _PAD)

    time_line = " ".join(f"{x(i):.1f},{y_time(ms):.1f}" for i, ms in enumerate(times))
    allowed_line = " ".join(f"{x(i):.1f},{y_allowed(n):.1f}" for i, n in enumerate(allowed))
    return (
        f"<h3>{escape(walk.label)}: {len(times)} steps, {walk.seconds:.2f} s, "
        f"{escape(walk.outcome)}</h3>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'role="img" aria-label="step time and allowed tokens for {escape(walk.label)}">'
        f'<polyline fill="none" stroke="#90caf9" stroke-width="1.5" points="{allowed_line}"/>'
        f'<polyline fill="none" stroke="#d32f2f" stroke-width="1.5" points="{time_line}"/>'
        f'<text x="4" y="14" font-size="11" fill="#d32f2f">step ms (log, max '
        f"{max(times):,.1f})</text>"
        f'<text x="{_WIDTH - 230}" y="14" font-size="11" fill="#1976d2">allowed tokens '
        f"(of {vocab_size:,})</text></svg>"
    )
