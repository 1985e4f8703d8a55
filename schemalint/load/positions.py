"""Line and column of each JSON Pointer in a source file, computed only when a finding needs one."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from schemalint import pointer as jp
from schemalint.model import SourcePosition

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer("\n", text)]


def offset_to_position(starts: list[int], offset: int) -> SourcePosition:
    line = bisect.bisect_right(starts, offset)
    return SourcePosition(line=line, column=offset - starts[line - 1] + 1)


def span(starts: list[int], offset: int, end: int | None) -> SourcePosition:
    """From ``offset`` to ``end`` (exclusive), both character offsets into the text."""
    first = offset_to_position(starts, offset)
    if end is None:
        return first
    last = offset_to_position(starts, end)
    return SourcePosition(first.line, first.column, last.line, last.column)


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    expecting_key: bool = True
    key: str = ""
    key_offset: int = 0
    index: int = 0


def index_json(text: str) -> dict[str, SourcePosition]:
    """Map every pointer of a well-formed JSON text to where it starts (for members: the key)
    and where its value ends, so that a report can underline the whole member."""
    starts = line_starts(text)
    return {
        pointer: span(starts, where.start if where.key is None else where.key, where.end)
        for pointer, where in json_spans(text).items()
    }


def index_yaml(root: yaml.Node) -> dict[str, SourcePosition]:
    """Map pointers to YAML node marks; an aliased node is indexed at its first occurrence, and
    an alias (a value that sits before its key) gets no end."""
    positions: dict[str, SourcePosition] = {}
    seen: set[int] = set()
    todo: list[tuple[str, yaml.Node, yaml.Node]] = [("", root, root)]
    while todo:
        pointer, node, anchor = todo.pop()
        start, end = anchor.start_mark, _yaml_end(node)
        here = node.start_mark.index >= start.index and end.index > start.index
        positions.setdefault(
            pointer,
            SourcePosition(
                start.line + 1,
                start.column + 1,
                end.line + 1 if here else None,
                end.column + 1 if here else None,
            ),
        )
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo.append((jp.join(pointer, str(key.value)), value, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                todo.append((jp.join(pointer, index), item, item))
    return positions


def _yaml_end(node: yaml.Node) -> yaml.Mark:
    """Where a node's text ends: a block collection's own end mark lies at the next token,
    past blank lines and comments, so it ends where its last value does."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    mark: yaml.Mark = node.end_mark
    return mark


@dataclass
class PositionIndex:
    """Builds its index on first use: most files have no finding that needs one."""

    build: Callable[[], dict[str, SourcePosition]]
    _index: dict[str, SourcePosition] | None = field(default=None, init=False)

    def find(self, pointer: str) -> SourcePosition | None:
        if self._index is None:
            self._index = self.build()
        while True:
            if pointer in self._index:
                return self._index[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Span:
    """Where a JSON value lies in its source text, as offsets: what a text edit replaces."""

    start: int
    end: int
    key: int | None = None
    """Where the member's key starts (None for array items and the root)."""


def json_spans(text: str) -> dict[str, Span]:
    """Map every pointer of a well-formed JSON text to its value's span (duplicate keys: the
    last, as ``json.loads`` keeps it)."""
    spans: dict[str, Span] = {}
    stack: list[tuple[_Frame, int, int | None]] = []  # frame, value start, key start
    for match in _JSON_TOKEN.finditer(text):
        token, offset = match.group(), match.start()
        top = stack[-1][0] if stack else None
        if token in "}]":
            frame, start, key = stack.pop()
            spans[frame.pointer] = Span(start, match.end(), key)
            continue
        if token == ":":
            continue
        if token == ",":
            if top is not None:
                top.expecting_key = top.is_object
                top.index += 1
            continue
        if top is not None and top.is_object and top.expecting_key:
            top.key, top.key_offset, top.expecting_key = json.loads(token), offset, False
            continue
        if top is None:
            pointer, key_offset = "", None
        elif top.is_object:
            pointer, key_offset = jp.join(top.pointer, top.key), top.key_offset
        else:
            pointer, key_offset = jp.join(top.pointer, top.index), None
        if token in "{[":
            frame = _Frame(pointer, is_object=token == "{", expecting_key=token == "{")
            stack.append((frame, offset, key_offset))
        else:
            spans[pointer] = Span(offset, match.end(), key_offset)
    return spans
