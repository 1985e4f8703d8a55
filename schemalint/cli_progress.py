"""What a measuring command shows on stderr: a progress line per walk, and the before / after
table of ``rewrite --measure``."""

from __future__ import annotations

import contextlib
from typing import Any


class WalkProgress:
    """A rich progress line per walk on stderr, shown only when stderr is a terminal. A walk's
    line stops (its timer too) when the next walk reports or the bar closes: the prober says
    only "this walk has walked so many steps", so a report that does not continue the current
    walk (another label, or a count that starts again) begins a new one."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("measuring {task.description}"),
            TextColumn("{task.completed} steps"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self.current: tuple[str, int, Any] | None = None
        """The walk being shown: its label, its steps so far and its task."""

    def __call__(self, label: str, steps: int) -> None:
        if self.current is None or self.current[0] != label or steps <= self.current[1]:
            self.finish()
            self.current = (label, steps, self.bar.add_task(label, total=None))
        self.current = (label, steps, self.current[2])
        self.bar.update(self.current[2], completed=steps)

    def finish(self) -> None:
        """Mark the current walk done: its line keeps its step count and its time."""
        if self.current is not None:
            _, steps, task = self.current
            self.bar.update(task, total=steps, completed=steps)
            self.bar.stop_task(task)
            self.current = None

    def __enter__(self) -> WalkProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()
        self.bar.stop()


def progress_bar() -> WalkProgress | None:
    from rich.console import Console

    return WalkProgress() if Console(stderr=True).is_terminal else None


def live(progress: WalkProgress | None) -> Any:
    return progress if progress is not None else contextlib.nullcontext()


def print_before_after(
    document: Any, result: Any, *, settings: Any, prober: Any, named: bool
) -> None:
    """One table per file; with several files, titled with the file's name."""
    from rich.console import Console
    from rich.table import Table

    from schemalint.rewriting.compare import before_and_after

    table = Table(
        "",
        "p95 ms",
        "max ms",
        "allowed median",
        "walk s",
        "risk",
        "walks",
        box=None,
        title=document.path if named else None,
    )
    for row in before_and_after(document, result, settings, prober):
        table.add_row(
            row.label,
            f"{row.p95_ms:.2f}",
            f"{row.max_ms:,.1f}",
            f"{row.median_allowed:,}",
            f"{row.walk_seconds:.2f}",
            row.risk,
            row.walks,
        )
    Console(stderr=True).print(table)
