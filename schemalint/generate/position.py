"""Where a cut-off generation stopped: the JSON Pointer of the value it was writing.

A cancelled generation leaves a JSON *prefix*, which no parser accepts, so a small tolerant
scanner tracks the open containers and their current key or index; the instance path it
gives is then mapped to the schema nodes that may describe it (every union branch declaring
the key: before a discriminator is written, the enforcer keeps them all alive too).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.walk import UNIONS, Node


@dataclass
class _Frame:
    is_object: bool
    state: str = "key"
    """Objects: key, colon, value, done; arrays: value, done."""
    key: str | None = None
    index: int = 0


def prefix_path(text: str) -> list[str | int]:
    """The instance path of the value being written at the end of the JSON prefix ``text``."""
    stack: list[_Frame] = []
    in_string = escaped = False
    key_chars: list[str] | None = None
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if key_chars is not None:
                    stack[-1].key, stack[-1].state, key_chars = "".join(key_chars), "colon", None
            elif key_chars is not None:
                key_chars.append(char)
            continue
        top = stack[-1] if stack else None
        if char in "{[":
            stack.append(_Frame(char == "{", "key" if char == "{" else "value"))
        elif char in "}]":
            if stack:
                stack.pop()
            if stack:
                stack[-1].state = "done"
        elif char == '"':
            in_string = True
            if top is not None and top.is_object and top.state == "key":
                key_chars = []
        elif char == ":" and top is not None:
            top.state = "value"
        elif char == "," and top is not None and top.is_object:
            top.state, top.key = "key", None
        elif char == "," and top is not None:
            top.state, top.index = "value", top.index + 1
    path: list[str | int] = []
    for depth, frame in enumerate(stack):
        inner = depth < len(stack) - 1
        if frame.is_object and frame.key is not None and (inner or frame.state == "value"):
            path.append(frame.key)
        elif not frame.is_object and (inner or frame.state == "value"):
            path.append(frame.index)
        else:
            break
    return path


def schema_pointers(analysis: Analysis, path: list[str | int]) -> list[str]:
    """Pointers of the subschemas that may describe the instance at ``path``."""
    nodes = [analysis.nodes[0]]
    for token in path:
        nodes = [child for node in _alternatives(analysis, nodes) for child in _member(node, token)]
        nodes = [analysis.by_pointer.get(node.pointer, node) for node in nodes]
    return list(dict.fromkeys(node.pointer for node in nodes))


def _alternatives(analysis: Analysis, nodes: list[Node]) -> list[Node]:
    """``nodes`` with their ``$ref`` targets and every ``allOf``/``anyOf``/``oneOf`` branch."""
    found: list[Node] = []
    seen: set[str] = set()
    todo = list(nodes)
    while todo:
        node = analysis.deref(todo.pop(0))
        if node.pointer in seen or not isinstance(node.schema, dict):
            continue
        seen.add(node.pointer)
        found.append(node)
        for keyword in ("allOf", *UNIONS):
            branches = node.schema.get(keyword)
            if isinstance(branches, list):
                todo += [n for i in range(len(branches)) if (n := analysis.child(node, keyword, i))]
    return found


def _member(node: Node, token: str | int) -> list[Node]:
    schema = node.schema
    if isinstance(token, str):
        declared = schema.get("properties")
        if isinstance(declared, dict) and token in declared:
            return [Node(jp.join(node.pointer, "properties", token), declared[token])]
        extra = schema.get("additionalProperties")
        return [Node(jp.join(node.pointer, "additionalProperties"), extra)] if extra else []
    positional = schema.get("prefixItems")
    if isinstance(positional, list) and token < len(positional):
        return [Node(jp.join(node.pointer, "prefixItems", token), positional[token])]
    items = schema.get("items")
    return [Node(jp.join(node.pointer, "items"), items)] if isinstance(items, dict) else []
