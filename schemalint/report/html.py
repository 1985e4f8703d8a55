"""A self-contained HTML report (``check --report FILE.html``): a summary, findings worst first,
the measured per-pointer table, and an SVG chart of every walk. No scripts, fonts or other
network assets; the only links are to rule pages."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from schemalint import __version__
from schemalint.atomic import write_atomically
from schemalint.engine import FileReport, Report
from schemalint.model import Finding
from schemalint.report.sarif import help_uri
from schemalint.risk import score

if TYPE_CHECKING:
    from schemalint.measure.compare import Comparison
    from schemalint.measure.probe import MeasuredStep, MeasuredWalk, Measurement

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
.summary { background: #f5f5f5; padding: .6em 1em; border-radius: 4px; }
.summary h2 { margin-top: .3em; }
"""
_WIDTH, _HEIGHT = 820, 200
#: Plot area inside the SVG: room for the tick labels of both axes.
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 64, 24, 32
#: Findings the summary names.
WORST = 3


def write_html(report: Report, path: Path) -> None:
    """Write the report to ``path`` (and nowhere else), atomically."""
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>schemalint report</title><style>{_STYLE}</style></head><body>",
        f"<h1>schemalint {escape(__version__)} report</h1>",
        _summary(report),
    ]
    for file in report.files:
        parts.append(_file_section(file))
    parts.append("</body></html>\n")
    write_atomically(path, "".join(parts))


def _worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity, f.path, f.line or 0, f.code))


def _code_link(code: str) -> str:
    return f'<a href="{escape(help_uri(code))}"><code>{escape(code)}</code></a>'


def _summary(report: Report) -> str:
    """What a reader needs before scrolling: overall risk, counts, and what to fix first."""
    risk = score(report.findings)
    counts = ", ".join(f"{n} {label}" for label, n in report.by_severity().items() if n)
    worst = "".join(
        f"<li><span class={f.severity.label}>{f.severity.label}</span> {_code_link(f.code)} "
        f"<code>{escape(f.path)}</code> <code>{escape(f.pointer or '/')}</code>: "
        f"{escape(f.message)}<br>Fix: {escape(f.fix.description if f.fix else 'none offered')}"
        "</li>"
        for f in _worst_first(report.findings)[:WORST]
    )
    return (
        f"<section class=summary><h2>Summary</h2><p>{len(report.files)} file(s), risk "
        f"<span class={risk.level.label}>{risk.score} {risk.level.label}</span>; "
        f"{len(report.findings)} finding(s){': ' + counts if counts else ''}.</p>"
        + (f"<p>Worst first:</p><ol>{worst}</ol>" if worst else "")
        + "</section>"
    )


def _file_section(file: FileReport) -> str:
    level = file.risk.level.label
    rows = "".join(
        f"<tr><td>{_code_link(f.code)}</td><td class={f.severity.label}>"
        f"{f.severity.label}</td><td><code>{escape(f.pointer or '/')}</code></td>"
        f"<td class=num>{f.line or ''}</td><td>{escape(f.message)}</td>"
        f"<td>{escape(f.fix.description) if f.fix else ''}</td></tr>"
        for f in _worst_first(file.findings)
    )
    html = (
        f"<h2>{escape(file.path)}</h2><p>{escape(file.kind or 'unreadable')} · risk "
        f"<span class={level}>{file.risk.score} {level}</span></p>"
        "<table><tr><th>code</th><th>severity</th><th>pointer</th><th class=num>line</th>"
        f"<th>message</th><th>fix</th></tr>{rows}</table>"
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
    charts = "".join(_walk_chart(walk, measurement) for walk in measurement.walks)
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


def _walk_chart(walk: MeasuredWalk, measurement: Measurement) -> str:
    """Step time (log scale, left axis) and allowed tokens (right axis) per step. A step
    abandoned at the budget is drawn last, hollow, at the time it had run: it is usually the
    worst one."""
    steps: list[MeasuredStep] = list(walk.steps)
    times = [max(step.step.seconds * 1000, 1e-3) for step in steps]
    if walk.stuck is not None:
        steps.append(walk.stuck)
        times.append(max(walk.stuck_seconds * 1000, 1e-3))
    if not times:
        return ""
    vocab_size = measurement.vocab_size
    allowed = [step.step.allowed for step in walk.steps]
    worst = max(range(len(times)), key=times.__getitem__)
    bottom, top = -2, max(math.ceil(math.log10(max(times))), 1)  # 0.01 ms .. a power of ten
    width, height = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def x(index: int) -> float:
        return _LEFT + index * width / max(len(times) - 1, 1)

    def y_time(ms: float) -> float:
        return _TOP + height - (math.log10(ms) - bottom) / (top - bottom) * height

    def y_allowed(count: float) -> float:
        return _TOP + height - count / vocab_size * height

    time_line = " ".join(f"{x(i):.1f},{y_time(ms):.1f}" for i, ms in enumerate(times))
    allowed_line = " ".join(f"{x(i):.1f},{y_allowed(n):.1f}" for i, n in enumerate(allowed))
    worst_pointer = measurement.source_pointer(steps[worst].pointer) or "/"
    abandoned = walk.stuck is not None and worst == len(times) - 1
    title = (
        f"{escape(walk.label)}: {len(walk.steps)} steps"
        f"{' + 1 abandoned' if walk.stuck is not None else ''}, {walk.seconds:.2f} s, "
        f"{escape(walk.outcome)}; worst step {times[worst]:,.1f} ms"
        f"{' (abandoned at the budget)' if abandoned else ''} at "
        f"<code>{escape(worst_pointer)}</code>"
    )
    marker = ""
    if walk.stuck is not None:
        sx, sy = x(len(times) - 1), y_time(times[-1])
        marker = (
            f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="4" fill="#fff" stroke="#d32f2f" '
            f'stroke-width="2"><title>abandoned at the budget after {times[-1]:,.1f} ms'
            f"</title></circle>"
            f'<text x="{sx - 4:.1f}" y="{sy - 7:.1f}" font-size="10" text-anchor="end" '
            'fill="#d32f2f">abandoned</text>'
        )
    return (
        f"<h3>{title}</h3>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'role="img" aria-label="step time and allowed tokens for {escape(walk.label)}">'
        + _axes(len(times), bottom, top, vocab_size, x, y_time, y_allowed)
        + f'<polyline fill="none" stroke="#90caf9" stroke-width="1.5" points="{allowed_line}"/>'
        f'<polyline fill="none" stroke="#d32f2f" stroke-width="1.5" points="{time_line}"/>'
        f"{marker}"
        f'<text x="{_LEFT}" y="14" font-size="11" fill="#d32f2f">step ms (log, max '
        f"{max(times):,.1f})</text>"
        f'<text x="{_WIDTH - _RIGHT}" y="14" font-size="11" fill="#1976d2" text-anchor="end">'
        f"allowed tokens (of {vocab_size:,})</text></svg>"
    )


def _axes(
    count: int,
    bottom: int,
    top: int,
    vocab_size: int,
    x: Callable[[int], float],
    y_time: Callable[[float], float],
    y_allowed: Callable[[float], float],
) -> str:
    """Both y axes with ticks (ms at each power of ten, tokens at quarters) and the step axis."""
    left, right, base = _LEFT, _WIDTH - _RIGHT, _HEIGHT - _BOTTOM
    parts = [
        f'<g stroke="#999" stroke-width="1"><line x1="{left}" y1="{_TOP}" x2="{left}" '
        f'y2="{base}"/><line x1="{right}" y1="{_TOP}" x2="{right}" y2="{base}"/>'
        f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}"/></g>'
    ]
    for power in range(bottom, top + 1):
        ty = y_time(10.0**power)
        label = f"{10.0**power:g}"
        parts.append(
            f'<line x1="{left - 4}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{ty + 3:.1f}" font-size="10" text-anchor="end" '
            f'fill="#d32f2f">{label}</text>'
        )
    for quarter in range(5):
        ty = y_allowed(vocab_size * quarter / 4)
        parts.append(
            f'<line x1="{right}" y1="{ty:.1f}" x2="{right + 4}" y2="{ty:.1f}" stroke="#999"/>'
            f'<text x="{right + 6}" y="{ty + 3:.1f}" font-size="10" fill="#1976d2">'
            f"{round(vocab_size * quarter / 4):,}</text>"
        )
    every = max(1, math.ceil(count / 10))
    ticks = list(range(0, count, every))
    if ticks[-1] != count - 1:  # the last step always, in place of a crowding neighbour
        ticks[-1 if count - 1 - ticks[-1] < every / 2 and len(ticks) > 1 else len(ticks) :] = [
            count - 1
        ]
    for index in ticks:
        tx = x(index)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{base}" x2="{tx:.1f}" y2="{base + 4}" stroke="#999"/>'
            f'<text x="{tx:.1f}" y="{base + 15}" font-size="10" text-anchor="middle">'
            f"{index + 1}</text>"
        )
    parts.append(
        f'<text x="{(left + right) / 2:.0f}" y="{_HEIGHT - 3}" font-size="10" '
        'text-anchor="middle" fill="#555">step</text>'
    )
    return "".join(parts)
