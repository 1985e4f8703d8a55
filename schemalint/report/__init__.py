"""One renderer per output format, picked by name; each imports only what it needs."""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from schemalint.engine import Report

FORMATS = {
    "text": "schemalint.report.text",
    "json": "schemalint.report.json_format",
    "sarif": "schemalint.report.sarif",
    "github": "schemalint.report.github",
}


class Renderer(Protocol):
    def __call__(self, report: Report, stream: TextIO) -> None: ...


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
