"""SARIF 2.1.0 for GitHub code scanning, with rule metadata from the registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urljoin

from schemalint import __version__
from schemalint.docs import PAGES_BASE_URL, PROJECT_URL, rule_page
from schemalint.engine import Report
from schemalint.fingerprint import SCHEME
from schemalint.model import BaselineState, Finding, Severity
from schemalint.report.markdown import rule_url
from schemalint.rules import RULES

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: Result locations are relative to this base, which the run maps to the repository root:
#: GitHub code scanning matches them to files in the checkout.
SRCROOT = "%SRCROOT%"
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


def help_uri(code: str) -> str:
    """The rule's page, absolute: ``SCHEMALINT_RULES_URL`` when set, else the repository's."""
    return urljoin(PAGES_BASE_URL, rule_url(code))


def repository_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a ``.git`` (a folder, or a file in a
    worktree or submodule); ``start`` itself outside a repository."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), start)


def to_sarif(report: Report, root: Path | None = None) -> dict[str, Any]:
    """``root``: what locations are relative to; by default the repository of the working
    folder."""
    root = repository_root(Path.cwd()) if root is None else root.resolve()
    codes = list(RULES)
    rules = [_rule(code) for code in codes]
    fixed = [f for file in report.files if file.baseline for f in file.baseline.fixed]
    results = [_result(finding, codes, root) for finding in [*report.findings, *fixed]]
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
                        "informationUri": PROJECT_URL,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    page = rule_page(code) or f"{rule.summary}\n\nRun `schemalint rule {code}` for more."
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": help_uri(code),
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["schemalint", code[:3]],
            "problem.severity": _LEVEL[rule.severity],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _artifact(path: str, root: Path) -> dict[str, str]:
    """A percent-encoded URI reference relative to ``root``; an absolute ``file:`` URI for a
    file outside it."""
    absolute = Path(path).resolve()
    if not absolute.is_relative_to(root):
        return {"uri": absolute.as_uri()}
    return {"uri": quote(absolute.relative_to(root).as_posix()), "uriBaseId": SRCROOT}


def _region(finding: Finding) -> dict[str, int] | None:
    if finding.line is None:
        return None
    region = {"startLine": finding.line, "startColumn": finding.column or 1}
    if finding.end_line is not None and finding.end_column is not None:
        region |= {"endLine": finding.end_line, "endColumn": finding.end_column}
    return region


def _location(finding: Finding, root: Path) -> dict[str, Any]:
    """A file's finding at its region; a live source's (an MCP server, a Python object) as a
    logical location, ``source#pointer`` with the tool's name, at the line of the config
    entry or source that defines it when there is one."""
    origin = finding.origin
    if origin is None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(finding.path, root)}
        if (region := _region(finding)) is not None:
            physical["region"] = region
        return {
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": finding.pointer or "/"}],
        }
    logical: dict[str, Any] = {"fullyQualifiedName": f"{finding.path}#{finding.pointer}"}
    if finding.tool is not None:
        logical |= {"name": finding.tool, "kind": "function"}
    location: dict[str, Any] = {"logicalLocations": [logical]}
    if origin.file is not None:
        location["physicalLocation"] = {
            "artifactLocation": _artifact(origin.file, root),
            "region": {"startLine": origin.line or 1},
        }
    return location


def _result(finding: Finding, codes: list[str], root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": codes.index(finding.code),
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding, root)],
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
