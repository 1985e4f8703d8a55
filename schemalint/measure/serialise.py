"""The text a model writes for an instance, with the instance pointer of every character.

The probe feeds the enforcer this text one character at a time and must know, at each
step, which value is being written. :func:`serialise` writes exactly what ``json.dumps``
writes and tiles it with :class:`Span`s; :func:`span_at` finds the span under an offset.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any, Literal

from schemalint import pointer as jp

Role = Literal["key", "value", "punctuation"]


@dataclass(frozen=True)
class Span:
    """Characters ``[start, end)`` of the serialised text and the instance value they write."""

    start: int
    end: int
    path: str
    """Instance JSON Pointer of the value being written (RFC 6901)."""
    role: Role
    """``key``: a member name with its quotes; ``value``: a scalar; ``punctuation``: braces,
    brackets, commas, colons and separator spaces, charged to the enclosing container."""


class _Writer:
    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.spans: list[Span] = []
        self.offset = 0

    def emit(self, text: str, path: str, role: Role) -> None:
        end = self.offset + len(text)
        last = self.spans[-1] if self.spans else None
        if (
            last is not None
            and role == "punctuation"
            and last.role == role
            and last.path == path
            and last.end == self.offset
        ):
            self.spans[-1] = Span(last.start, end, path, role)
        else:
            self.spans.append(Span(self.offset, end, path, role))
        self.pieces.append(text)
        self.offset = end

    def write(self, value: Any, path: str) -> None:
        if isinstance(value, dict):
            self.emit("{", path, "punctuation")
            for index, (key, item) in enumerate(value.items()):
                if index:
                    self.emit(", ", path, "punctuation")
                name = key_text(key)
                child = jp.join(path, name)
                self.emit(json.dumps(name, ensure_ascii=False), child, "key")
                self.emit(": ", path, "punctuation")
                self.write(item, child)
            self.emit("}", path, "punctuation")
        elif isinstance(value, list | tuple):
            self.emit("[", path, "punctuation")
            for index, item in enumerate(value):
                if index:
                    self.emit(", ", path, "punctuation")
                self.write(item, jp.join(path, index))
            self.emit("]", path, "punctuation")
        else:
            self.emit(json.dumps(value, ensure_ascii=False), path, "value")


def key_text(key: Any) -> str:
    """A dict key as ``json.dumps`` writes it."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return json.dumps(key)
    if isinstance(key, int | float):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def serialise(instance: Any) -> tuple[str, list[Span]]:
    """The text a model writes for ``instance`` — exactly ``json.dumps(instance,
    ensure_ascii=False)`` — and spans that tile it, in order, with no gaps."""
    writer = _Writer()
    writer.write(instance, "")
    return "".join(writer.pieces), writer.spans


def span_at(spans: list[Span], offset: int) -> Span:
    """The span holding character ``offset``; IndexError past either end."""
    index = bisect.bisect_right(spans, offset, key=lambda span: span.start) - 1
    if index < 0 or offset >= spans[index].end:
        raise IndexError(f"offset {offset} is outside the serialised text")
    return spans[index]
