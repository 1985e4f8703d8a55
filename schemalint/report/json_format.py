"""The stable JSON contract: later versions add fields but never rename these."""

from __future__ import annotations

import json
from typing import Any, TextIO

from schemalint import __version__
from schemalint.engine import Report


def to_json(report: Report) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "files": len(report.files),
        "findings": len(report.findings),
        "by_severity": report.by_severity(),
        "suppressed": len(report.suppressed),
        "skipped": report.skipped,
        "errors": [error.to_json() for error in report.errors],
    }
    if report.baseline is not None:
        summary["baseline"] = {
            "against": report.baseline,
            **report.baseline_summary(),
            "risk_rose": [file.path for file in report.files if file.risk_rose],
        }
    return {
        "version": __version__,
        "files": [file.to_json() for file in report.files],
        "summary": summary,
    }


def render(report: Report, stream: TextIO) -> None:
    json.dump(to_json(report), stream, indent=2)
    stream.write("\n")
