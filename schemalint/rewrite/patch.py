"""JSON Patch (RFC 6902) operations — the record of what a rewrite changed — and applying them."""

from __future__ import annotations

import copy
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
        result = _apply_one(result, operation)
    return result


def _apply_one(document: Any, operation: Operation) -> Any:
    tokens = jp.split(operation["path"])
    if not tokens:
        if operation["op"] == "remove":
            raise ValueError("cannot remove the whole document")
        return copy.deepcopy(operation["value"])
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if operation["op"] == "add":
            parent.insert(index, copy.deepcopy(operation["value"]))
        elif operation["op"] == "remove":
            del parent[index]
        else:
            parent[index] = copy.deepcopy(operation["value"])
    elif operation["op"] == "remove":
        del parent[last]
    else:
        parent[last] = copy.deepcopy(operation["value"])
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
