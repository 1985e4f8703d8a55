"""A finding's identity across edits, so that a baseline can tell new findings from old ones.

A fingerprint hashes four things: the rule code; the anchor — the tool's name in a tools list
(its position is not part of it), ``tools`` for a finding about the list itself, ``schema``
for a plain schema; the pointer inside the anchor, as written in the file; and the canonical
JSON (sorted keys) of the finding's own subschema, less the annotations no rule reads. So
reordering tools, moving the file, reformatting it or adding fields elsewhere keeps it;
changing the subschema the finding is about changes it. A finding about the whole tools list
hashes the sorted tool names instead: it changes when a tool is added, removed or renamed.
A finding about a union of several tools (its rule names the ``union`` in its evidence) is
reported at one tool's field, picked by list order: it is anchored to the list, keeping the
pointer inside the tool, so that reordering the tools does not make it new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from schemalint import pointer as jp
from schemalint.load.kinds import NormalisedSchema, Tool

#: The scheme's name in SARIF's ``partialFingerprints``; a new scheme gets a new version.
SCHEME = "schemalint/v1"

#: Keywords that change no instance and that no rule reads: editing them is not a change.
ANNOTATIONS = frozenset(
    "title description $comment examples default deprecated readOnly writeOnly".split()
)
#: Keywords whose values map names to subschemas: their keys are names, never annotations.
_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: Keywords whose values are instances, hashed as they are.
_INSTANCES = frozenset({"enum", "const", "default", "examples"})
_LENGTH = 16


def fingerprint(
    code: str,
    pointer: str,
    data: Any,
    normalised: NormalisedSchema | None,
    union: str | None = None,
) -> str:
    """The fingerprint of a ``code`` finding at ``pointer`` of the file's ``data``; ``union``
    is where (in the file) the union the finding is about sits, if it names one."""
    tools = normalised.tools if normalised else []
    tool = tool_at(pointer, tools)
    if tool is not None:
        across = union is not None and not jp.within(union, tool.pointer)
        anchor = "tools" if across else f"tool:{tool.name}"
        inner = pointer[len(tool.pointer) :]
        subject = canonical(_value(data, pointer), _role(pointer))
    elif tools:
        anchor, inner = "tools", pointer
        subject = sorted(t.name for t in tools)
    else:
        anchor, inner = "schema", pointer
        subject = canonical(_value(data, pointer), _role(pointer))
    key = json.dumps([SCHEME, code, anchor, inner, subject], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_LENGTH]


def tool_at(pointer: str, tools: Iterable[Tool]) -> Tool | None:
    """The tool whose entry holds ``pointer`` (a pointer in the file), None outside every tool."""
    return next((tool for tool in tools if jp.within(pointer, tool.pointer)), None)


def canonical(value: Any, role: str = "schema") -> Any:
    """``value`` without annotations, where ``role`` says what it is: a ``schema``, a ``map``
    of names to schemas, or an ``instance`` (kept as it is)."""
    if role == "instance":
        return value
    if isinstance(value, dict):
        if role == "map":
            return {key: canonical(item) for key, item in value.items()}
        return {
            key: canonical(item, _child_role(key))
            for key, item in value.items()
            if key not in ANNOTATIONS
        }
    if isinstance(value, list):
        return [canonical(item, role) for item in value]
    return value


def _child_role(key: str) -> str:
    if key in _NAME_MAPS:
        return "map"
    return "instance" if key in _INSTANCES else "schema"


def _role(pointer: str) -> str:
    """What the value at ``pointer`` is, judged by the keywords on the way to it."""
    role = "schema"
    for token in jp.split(pointer):
        if role == "map":
            role = "schema"
        elif role == "schema":
            role = _child_role(token)
    return role


def _value(data: Any, pointer: str) -> Any:
    """The value at ``pointer``; None where the file has none (a finding on a missing key)."""
    value = jp.resolve(data, pointer)
    return None if value is jp.MISSING else value
