"""Tables that are never cut: a number or a JSON Pointer cut to fit the terminal is a wrong
number or a pointer to somewhere else, so a table too wide for the console is stacked instead."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

_UNBOUNDED = 1_000_000


def print_table(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """``rows`` as one line each when they fit the console's width; otherwise each row's first
    cell on a line of its own and the others below it as ``column value`` pairs. Cells are plain
    text (escaped here); the title is rich markup."""
    console.print(title)
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=True)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    unbounded = console.options.update_width(_UNBOUNDED)  # console.measure clamps to the width
    if Measurement.get(console, unbounded, table).maximum <= console.width:
        console.print(table)
        return
    for first, *cells in rows:
        console.print(f"  {escape(first)}")
        pairs = (
            f"{escape(name)} {escape(cell)}" for name, cell in zip(columns[1:], cells, strict=True)
        )
        console.print(f"      {'  '.join(pairs)}")
