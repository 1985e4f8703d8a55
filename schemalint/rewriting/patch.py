"""JSON Patch (RFC 6902) operations — the record of what a rewrite changed — and applying them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Literal, TypedDict

from schemalint import pointer as jp


class Operation(TypedDict):
    op: Literal["add", "remove", "replace"]
    path: str
    value: Any


def replace(path: str, value: Any) -> Operation:
    return {"op": "replace", "path": path, "value": value}


def remove(path: str) -> Operation:
    return {"op": "remove", "path": path, "value": None}


def add(path: str, value: Any) -> Operation:
    return {"op": "add", "path": path, "value": value}


def apply(document: Any, operations: list[Operation]) -> Any:
    """A new document with ``operations`` applied in order; ``document`` is not changed."""
    result = copy.deepcopy(document)
    for operation in operations:
        result = apply_operation(result, operation)
    return result


def _copied(old: Any, new: Any) -> Any:
    return copy.deepcopy(new)


def apply_operation(
    document: Any,
    operation: Operation,
    added: Callable[[Any], Any] = copy.deepcopy,
    replaced: Callable[[Any, Any], Any] = _copied,
) -> Any:
    """``document`` with one operation applied in place (the new root when the root is
    replaced): a new value goes in as ``added(value)``, one that replaces a value as
    ``replaced(old, value)`` (a round-trip YAML tree keeps the old value's comments so)."""
    tokens = jp.split(operation["path"])
    if not tokens:
        if operation["op"] == "remove":
            raise ValueError("cannot remove the whole document")
        return replaced(document, operation["value"])
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if operation["op"] == "add":
            parent.insert(index, added(operation["value"]))
        elif operation["op"] == "remove":
            del parent[index]
        else:
            parent[index] = replaced(parent[index], operation["value"])
    elif operation["op"] == "remove":
        del parent[last]
    elif last in parent:
        parent[last] = replaced(parent[last], operation["value"])
    else:
        parent[last] = added(operation["value"])
    return document


def overlaps(first: str, second: str) -> bool:
    """Whether two pointers touch the same part of a document (one contains the other)."""
    return jp.within(first, second) or jp.within(second, first)


def to_json(operations: list[Operation]) -> list[dict[str, Any]]:
    return [
        {"op": op["op"], "path": op["path"]}
        | ({} if op["op"] == "remove" else {"value": op["value"]})
        for op in operations
    ]
