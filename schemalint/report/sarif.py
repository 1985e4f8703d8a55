"""SARIF 2.1.0 for GitHub code scanning, with rule metadata from the registry."""

from __future__ import annotations

import json
from typing import Any, TextIO

from schemalint import __version__
from schemalint.engine import Report
from schemalint.model import Severity
from schemalint.rules import RULES

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
    Severity.INFO: "note",
}
#: GitHub orders code-scanning alerts by this 0-10 number.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def to_sarif(report: Report) -> dict[str, Any]:
    codes = list(RULES)
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": f"Run `schemalint rule {rule.code}` for the full page."},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {
                "tags": ["schemalint", rule.code[:3]],
                "problem.severity": _LEVEL[rule.severity],
                "security-severity": _SECURITY_SEVERITY[rule.severity],
            },
        }
        for rule in RULES.values()
    ]
    results = []
    for finding in report.findings:
        physical: dict[str, Any] = {"artifactLocation": {"uri": finding.path}}
        if finding.line is not None:
            physical["region"] = {"startLine": finding.line, "startColumn": finding.column or 1}
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": codes.index(finding.code),
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": physical,
                        "logicalLocations": [{"fullyQualifiedName": finding.pointer or "/"}],
                    }
                ],
                "properties": {"severity": finding.severity.label, "pointer": finding.pointer},
            }
        )
    return {
        "version": "2.1.0",
        "$schema": SCHEMA_URI,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schemalint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def render(report: Report, stream: TextIO) -> None:
    json.dump(to_sarif(report), stream, indent=2)
    stream.write("\n")
