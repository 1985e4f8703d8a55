"""One renderer per output format, picked by name; each imports only what it needs."""

from __future__ import annotations

import functools
import importlib
import inspect
from dataclasses import dataclass
from typing import Protocol, TextIO

from schemalint.engine import Report

FORMATS = {
    "text": "schemalint.report.text",
    "concise": "schemalint.report.concise",
    "json": "schemalint.report.json_format",
    "sarif": "schemalint.report.sarif",
    "github": "schemalint.report.github",
    "markdown": "schemalint.report.markdown",
}


class Renderer(Protocol):
    def __call__(self, report: Report, stream: TextIO) -> None: ...


@dataclass(frozen=True)
class Options:
    """What a person chooses about a report for people; machine formats have no such choices."""

    show_fixes: bool = False
    color: bool | None = None
    """None: colour when writing to a terminal and NO_COLOR is unset."""


def renderer(name: str, options: Options | None = None) -> Renderer:
    """The renderer of format ``name``; one whose ``render`` takes ``options`` gets them."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    if options is not None and "options" in inspect.signature(module.render).parameters:
        return functools.partial(module.render, options=options)
    return render
