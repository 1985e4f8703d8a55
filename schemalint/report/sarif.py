"""SARIF 2.1.0 for GitHub code scanning, with rule metadata from the registry."""

from __future__ import annotations

import json
from typing import Any, TextIO

from schemalint import __version__
from schemalint.engine import Report
from schemalint.fingerprint import SCHEME
from schemalint.model import BaselineState, Finding, Severity
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

_BASELINE_STATE = {
    BaselineState.NEW: "new",
    BaselineState.UNCHANGED: "unchanged",
    BaselineState.FIXED: "absent",
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
    fixed = [f for file in report.files if file.baseline for f in file.baseline.fixed]
    results = [_result(finding, codes) for finding in [*report.findings, *fixed]]
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


def _result(finding: Finding, codes: list[str]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": finding.path}}
    if finding.line is not None:
        physical["region"] = {"startLine": finding.line, "startColumn": finding.column or 1}
    result: dict[str, Any] = {
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
    if finding.fingerprint is not None:
        result["partialFingerprints"] = {SCHEME: finding.fingerprint}
    if finding.baseline_state is not None:
        result["baselineState"] = _BASELINE_STATE[finding.baseline_state]
    return result


def render(report: Report, stream: TextIO) -> None:
    json.dump(to_sarif(report), stream, indent=2)
    stream.write("\n")
