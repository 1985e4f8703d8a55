"""Apply JSON Patch operations to JSON source text as edits of the spans they touch, so that a
rewritten file differs from the original only in the lines the rewrite changed: a review of an
``--in-place`` commit then shows the change, not a re-indented file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from schemalint import pointer as jp
from schemalint.load.positions import Span, json_spans
from schemalint.rewriting.patch import Operation, apply

MAX_EDIT_WORK = 5_000_000
"""Characters re-indexed in all (text length times operations; about a microsecond each) past
which the document is written out whole instead: each edit re-indexes the whole text."""

_INNER_ARRAY = re.compile(r"\[[^\[\]{}]*\]")


@dataclass(frozen=True)
class Style:
    """How the original text writes JSON, so that new values look like their neighbours."""

    indent: str | None
    """One level of indentation; None for JSON on a single line."""
    newline: str = "\n"
    key_separator: str = ": "
    item_separator: str = ", "
    inline_scalar_arrays: bool = False
    """Whether arrays of scalars such as ``enum`` and ``required`` sit on one line."""


def detect_style(text: str) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    indent_match = re.search(r"\n([ \t]+)\S", text) if "\n" in text.strip() else None
    key = re.search(r'":([ ]?)', text)
    inline, expanded, item_separator = 0, 0, ", "
    for match in _INNER_ARRAY.finditer(text):
        array = match.group()
        if not array[1:-1].strip():
            continue  # an empty array looks the same either way
        if "\n" in array:
            expanded += 1
        else:
            inline += 1
            if "," in array:
                item_separator = ", " if ", " in array else ","
    return Style(
        indent=indent_match.group(1) if indent_match else None,
        newline=newline,
        key_separator=": " if key is None or key.group(1) else ":",
        item_separator=item_separator,
        inline_scalar_arrays=inline > expanded,
    )


def dump(value: Any, style: Style, pad: str = "") -> str:
    """``value`` as JSON in ``style``, its continuation lines indented from ``pad``."""
    if style.indent is None:
        separators = (style.item_separator, style.key_separator)
        return json.dumps(value, ensure_ascii=False, separators=separators)
    if isinstance(value, list) and value:
        if style.inline_scalar_arrays and not any(isinstance(v, dict | list) for v in value):
            return "[" + style.item_separator.join(dump(v, style) for v in value) + "]"
        inner = pad + style.indent
        items = [inner + dump(item, style, inner) for item in value]
        return "[" + style.newline + ("," + style.newline).join(items) + style.newline + pad + "]"
    if isinstance(value, dict) and value:
        inner = pad + style.indent
        members = [
            inner
            + json.dumps(key, ensure_ascii=False)
            + style.key_separator
            + dump(v, style, inner)
            for key, v in value.items()
        ]
        return "{" + style.newline + ("," + style.newline).join(members) + style.newline + pad + "}"
    return json.dumps(value, ensure_ascii=False)


def edit_json(text: str, data: Any, operations: list[Operation], expected: Any) -> str | None:
    """``text`` (which parses to ``data``) with ``operations`` applied as text edits; None when
    an operation cannot be placed or the edited text does not parse to exactly ``expected``
    (the caller then re-serialises the whole document)."""
    if len(text) * len(operations) > MAX_EDIT_WORK:
        return None
    style = detect_style(text)
    for operation in operations:
        edited = _edit(text, data, operation, style)
        if edited is None:
            return None
        text, data = edited, apply(data, [operation])
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return text if same(parsed, expected) else None


def _edit(text: str, data: Any, operation: Operation, style: Style) -> str | None:
    spans = json_spans(text)
    path = operation["path"]
    if not path:
        return _splice(
            text, spans[""], _Source(text, spans, style).dump(operation["value"], data, "", "")
        )
    tokens = jp.split(path)
    parent_pointer = jp.join("", *tokens[:-1])
    parent = _value(data, tokens[:-1])
    parent_span = spans.get(parent_pointer)
    if parent_span is None or not isinstance(parent, dict | list):
        return None
    if operation["op"] == "replace" or (
        operation["op"] == "add" and isinstance(parent, dict) and tokens[-1] in parent
    ):
        span = spans.get(path)
        if span is None:
            return None
        pad = _pad(text, span.start if span.key is None else span.key)
        old = _Source(text, spans, style)
        return _splice(text, span, old.dump(operation["value"], _value(data, tokens), path, pad))
    siblings = sorted(
        (spans[child] for child in _children(parent_pointer, parent) if child in spans),
        key=lambda span: span.start,
    )
    if len(siblings) != len(parent):
        return None
    if operation["op"] == "remove":
        return _remove(text, spans.get(path), siblings, parent_span)
    if isinstance(parent, list) or not siblings:
        new_parent = apply(parent, [{**operation, "path": jp.join("", tokens[-1])}])
        pad = _pad(text, parent_span.start if parent_span.key is None else parent_span.key)
        return _splice(text, parent_span, dump(new_parent, style, pad))
    last = siblings[-1]
    begin = last.start if last.key is None else last.key
    gap = text[:begin][len(text[:begin].rstrip(" \t\r\n")) :]
    member = json.dumps(tokens[-1], ensure_ascii=False) + style.key_separator
    added = "," + gap + member + dump(operation["value"], style, _pad(text, begin))
    return text[: last.end] + added + text[last.end :]


@dataclass(frozen=True)
class _Source:
    """The text being edited, for reusing the source of the parts a replacement keeps."""

    text: str
    spans: dict[str, Span]
    style: Style

    def dump(self, new: Any, old: Any, pointer: str, pad: str) -> str:
        """``new`` in place of ``old``: members it keeps unchanged (such as the properties of a
        reordered ``properties``) keep their original text."""
        span = self.spans.get(pointer)
        if span is not None and same(new, old):
            return self.text[span.start : span.end]
        style = self.style
        if style.indent is None:
            return dump(new, style, pad)
        inner = pad + style.indent
        if isinstance(new, list) and isinstance(old, list) and new:
            if style.inline_scalar_arrays and not any(isinstance(v, dict | list) for v in new):
                return dump(new, style, pad)
            items = [
                inner + self.dump(item, old[i] if i < len(old) else None, f"{pointer}/{i}", inner)
                for i, item in enumerate(new)
            ]
            return (
                "[" + style.newline + ("," + style.newline).join(items) + style.newline + pad + "]"
            )
        if not (isinstance(new, dict) and isinstance(old, dict) and new):
            return dump(new, style, pad)
        members = [
            inner
            + json.dumps(key, ensure_ascii=False)
            + style.key_separator
            + self.dump(value, old.get(key), jp.join(pointer, key), inner)
            for key, value in new.items()
        ]
        return "{" + style.newline + ("," + style.newline).join(members) + style.newline + pad + "}"


def same(first: Any, second: Any) -> bool:
    """Equal, with keys in the same order (order is what a field-order rewrite changes)."""
    return json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)


def _remove(text: str, span: Span | None, siblings: list[Span], parent: Span) -> str | None:
    """Take out a member or item with the comma and the space that separated it."""
    if span is None or span not in siblings:
        return None
    index = siblings.index(span)
    if index > 0:
        return text[: siblings[index - 1].end] + text[span.end :]
    if len(siblings) > 1:
        following = siblings[1]
        begin = span.start if span.key is None else span.key
        end = following.start if following.key is None else following.key
        return text[:begin] + text[end:]
    return text[: parent.start + 1] + text[parent.end - 1 :]


def _children(pointer: str, value: Any) -> list[str]:
    if isinstance(value, dict):
        return [jp.join(pointer, key) for key in value]
    if isinstance(value, list):
        return [jp.join(pointer, index) for index in range(len(value))]
    return []


def _value(data: Any, tokens: list[str]) -> Any:
    for token in tokens:
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def _splice(text: str, span: Span, replacement: str) -> str:
    return text[: span.start] + replacement + text[span.end :]


def _pad(text: str, offset: int) -> str:
    """The indentation of the line ``offset`` is on."""
    line = text.rfind("\n", 0, offset) + 1
    match = re.match(r"[ \t]*", text[line:offset])
    return match.group() if match else ""
