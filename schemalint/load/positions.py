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


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    expecting_key: bool = True
    key: str = ""
    key_offset: int = 0
    index: int = 0


def index_json(text: str) -> dict[str, SourcePosition]:
    """Map every pointer of a well-formed JSON text to where it starts (for members: the key)."""
    starts = line_starts(text)
    offsets: dict[str, int] = {}
    stack: list[_Frame] = []
    for match in _JSON_TOKEN.finditer(text):
        token, offset = match.group(), match.start()
        top = stack[-1] if stack else None
        if token in "}]":
            stack.pop()
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
            pointer, value_offset = "", offset
        elif top.is_object:
            pointer, value_offset = jp.join(top.pointer, top.key), top.key_offset
        else:
            pointer, value_offset = jp.join(top.pointer, top.index), offset
        offsets[pointer] = value_offset
        if token in "{[":
            stack.append(_Frame(pointer, is_object=token == "{", expecting_key=token == "{"))
    return {pointer: offset_to_position(starts, offset) for pointer, offset in offsets.items()}


def index_yaml(root: yaml.Node) -> dict[str, SourcePosition]:
    """Map pointers to YAML node marks; an aliased node is indexed at its first occurrence."""
    positions: dict[str, SourcePosition] = {}
    seen: set[int] = set()
    todo: list[tuple[str, yaml.Node, yaml.Node]] = [("", root, root)]
    while todo:
        pointer, node, anchor = todo.pop()
        mark = anchor.start_mark
        positions.setdefault(pointer, SourcePosition(mark.line + 1, mark.column + 1))
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
