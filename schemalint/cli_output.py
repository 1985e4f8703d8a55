"""Where ``check`` reads from and writes to: stdin as one named document, and the report,
statistics or not, to stdout or atomically to ``--output-file``. Kept out of ``cli`` so the
commands stay thin; nothing heavy is imported before it is needed."""

from __future__ import annotations

import io
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from typer.core import TyperGroup

from schemalint.atomic import write_atomically

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter  # Typer's own copy of Click

    from schemalint.config import Settings
    from schemalint.engine import FileReport, Report
    from schemalint.measure.probe import Prober
    from schemalint.report import Options

STDIN = Path("-")


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"

    @property
    def forced(self) -> bool | None:
        """None leaves it to the stream (a terminal, and NO_COLOR unset)."""
        return {Color.auto: None, Color.always: True, Color.never: False}[self]


class Group(TyperGroup):
    """Each command's first sentence whole in ``--help``, wrapped: Click cuts it to one line."""

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class OutputError(Exception):
    """A usage error, said in one line."""


def check_stdin_use(paths: list[Path], stdin_filename: str | None) -> bool:
    """Whether the document comes from stdin: ``-`` as the only path."""
    if STDIN not in paths:
        if stdin_filename is not None:
            raise OutputError("--stdin-filename names the document read from `-`: pass `-`")
        return False
    if len(paths) > 1:
        raise OutputError("read stdin (`-`) alone, not with other paths")
    return True


def check_stdin(
    name: str | None, settings: Settings, prober: Prober | None, stdin: TextIO | None = None
) -> FileReport:
    """The document on stdin, reported under ``name`` (default ``-``, as ruff does), whose
    suffix picks JSON or YAML; the file-size limit holds as for files."""
    from schemalint.engine import check_loaded
    from schemalint.load.reader import parse_document

    label = name or "-"
    raw = (stdin or sys.stdin).buffer.read(settings.max_file_size + 1)
    return check_loaded(
        parse_document(label, raw, Path(label).suffix, settings.max_file_size), settings, prober
    )


def writable(target: Path) -> None:
    """Fail before checking, not after a long measurement, when the report cannot be written."""
    folder = target.parent
    if target.is_dir():
        raise OutputError(f"{target}: cannot write report: is a folder")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise OutputError(f"{target}: cannot write report: {folder} is not a writable folder")


def emit(report: Report, fmt: str, options: Options, statistics: bool, target: Path | None) -> None:
    """The report in ``fmt`` (with ``statistics``: the counts per rule, JSON for ``json``,
    text otherwise) on stdout or into ``target``."""
    from schemalint.report import renderer
    from schemalint.report.statistics import render_json, render_text

    stream = io.StringIO() if target is not None else sys.stdout
    if statistics:
        (render_json if fmt == "json" else render_text)(report, stream)
    else:
        renderer(fmt, options)(report, stream)
    if target is not None:
        assert isinstance(stream, io.StringIO)
        try:
            write_atomically(target, stream.getvalue())
        except OSError as error:
            raise OutputError(f"{target}: cannot write report: {error.strerror or error}") from None
