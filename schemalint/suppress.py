"""Suppressing single findings where they sit: ``"$comment": "schemalint: ignore SL108"`` on
the subschema, or a ``glob#/pointer`` entry in per-file-ignores.

Like ruff's ``# noqa``, which covers one line, a suppression covers one subschema: findings
whose pointer is that subschema, or one of its keywords (``/properties/x/anyOf``), but not
findings on the subschemas nested inside it, so that silencing a tool's root never hides a
new problem deep in its arguments. Pointers are the user's file's own (a tools list's
findings point into the tool's ``parameters``), as the findings report them. A suppressed
finding is kept, marked with why, and reported apart: it never counts for the exit code.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from schemalint import pointer as jp
from schemalint.model import Finding

COMMENT = "$comment"
PER_FILE_IGNORES = "per-file-ignores"

_DIRECTIVE = re.compile(r"^\s*schemalint\s*:\s*ignore\b(?P<codes>[\s,A-Z0-9]*)$", re.IGNORECASE)
#: Keywords whose value maps names to schemas: a finding there belongs to that map, whose
#: owner holds the ``$comment``.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_ALL: frozenset[str] = frozenset({""})


def directive(comment: Any) -> frozenset[str] | None:
    """The code prefixes a ``$comment`` silences (``{""}``: all), or None if it is not a
    ``schemalint: ignore`` directive."""
    match = _DIRECTIVE.match(comment) if isinstance(comment, str) else None
    if match is None:
        return None
    codes = frozenset(code.upper() for code in re.split(r"[\s,]+", match["codes"]) if code)
    return codes or _ALL


def split_suppressed(
    findings: list[Finding], data: Any, ignored: dict[str, frozenset[str]]
) -> tuple[list[Finding], list[Finding]]:
    """``findings`` as (kept, suppressed), from the directives in ``data`` (the file's own
    document) and the pointer entries ``ignored`` (pointer -> code prefixes) of the config."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        reason = _reason(finding, data, ignored)
        if reason is None:
            kept.append(finding)
        else:
            suppressed.append(replace(finding, suppressed_by=reason))
    return kept, suppressed


def _reason(finding: Finding, data: Any, ignored: dict[str, frozenset[str]]) -> str | None:
    owner = owning_subschema(data, finding.pointer)
    if owner is not None:
        codes = directive(jp.resolve(data, owner).get(COMMENT))
        if codes is not None and _covers(codes, finding.code):
            return COMMENT
    for pointer in {finding.pointer, owner}:
        if pointer in ignored and _covers(ignored[pointer], finding.code):
            return PER_FILE_IGNORES
    return None


def _covers(prefixes: frozenset[str], code: str) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def owning_subschema(data: Any, pointer: str) -> str | None:
    """The pointer of the subschema a finding at ``pointer`` is about: the object there, or
    the object whose keyword it names; None where ``pointer`` leads nowhere in ``data``."""
    tokens = jp.split(pointer)
    value = jp.resolve(data, pointer)
    if value is jp.MISSING:
        return None
    if isinstance(value, dict) and not (tokens and tokens[-1] in _SCHEMA_MAPS):
        return pointer
    if tokens and isinstance(jp.resolve(data, jp.join("", *tokens[:-1])), dict):
        return jp.join("", *tokens[:-1])
    return None
