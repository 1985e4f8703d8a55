"""Where a JSON prefix is: the JSON Pointer of the value being written at its end.

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


class _Scanner:
    """Reads a JSON prefix character by character, keeping the open containers."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.in_string = self.escaped = False
        self.key_chars: list[str] | None = None

    def feed(self, text: str) -> None:
        for char in text:
            self._char(char)

    def _char(self, char: str) -> None:
        stack = self.stack
        if self.in_string:
            if self.escaped:
                self.escaped = False
            elif char == "\\":
                self.escaped = True
            elif char == '"':
                self.in_string = False
                if self.key_chars is not None:
                    stack[-1].key, stack[-1].state = "".join(self.key_chars), "colon"
                    self.key_chars = None
            elif self.key_chars is not None:
                self.key_chars.append(char)
            return
        top = stack[-1] if stack else None
        if char in "{[":
            stack.append(_Frame(char == "{", "key" if char == "{" else "value"))
        elif char in "}]":
            if stack:
                stack.pop()
            if stack:
                stack[-1].state = "done"
        elif char == '"':
            self.in_string = True
            if top is not None and top.is_object and top.state == "key":
                self.key_chars = []
        elif char == ":" and top is not None:
            top.state = "value"
        elif char == "," and top is not None and top.is_object:
            top.state, top.key = "key", None
        elif char == "," and top is not None:
            top.state, top.index = "value", top.index + 1

    def path(self) -> list[str | int]:
        path: list[str | int] = []
        for depth, frame in enumerate(self.stack):
            inner = depth < len(self.stack) - 1
            if frame.is_object and frame.key is not None and (inner or frame.state == "value"):
                path.append(frame.key)
            elif not frame.is_object and (inner or frame.state == "value"):
                path.append(frame.index)
            else:
                break
        return path


def prefix_path(text: str) -> list[str | int]:
    """The instance path of the value being written at the end of the JSON prefix ``text``."""
    scanner = _Scanner()
    scanner.feed(text)
    return scanner.path()


def paths_at(text: str, offsets: list[int]) -> list[tuple[list[str | int], bool]]:
    """For each of the ascending ``offsets``: the instance path being written there, and
    whether the text so far ends in a string's lone backslash (an escape begun: ``\\"``,
    ``\\n``), in one pass over ``text``."""
    scanner, read, found = _Scanner(), 0, []
    for offset in offsets:
        scanner.feed(text[read:offset])
        read = max(read, offset)
        found.append((scanner.path(), scanner.in_string and scanner.escaped))
    return found


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
