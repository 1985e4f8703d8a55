"""Read a file into JSON data, turning every way it can fail into a LoadError value."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from schemalint import pointer as jp
from schemalint.blame import library_failure
from schemalint.load.positions import (
    PositionIndex,
    index_json,
    index_yaml,
    line_starts,
    offset_to_position,
)
from schemalint.model import LoadError, Origin, SourcePosition, quoted, shorten

YAML_SUFFIXES = (".yaml", ".yml")
SCHEMA_SUFFIXES = (".json", *YAML_SUFFIXES)
DEFAULT_MAX_BYTES = 8_000_000


@dataclass
class Document:
    path: str
    syntax: Literal["json", "yaml"]
    text: str
    data: Any
    positions: PositionIndex
    origin: Origin | None = None
    """Set for a document that is no file (an MCP server's tools, a Python object's schema)."""


def live_document(origin: Origin, label: str, data: Any) -> Document:
    """A document that was never a file: it has no lines to point at, so findings name their
    tool and pointer, and ``origin`` says where a person edits it."""
    return Document(label, "json", json.dumps(data, indent=2), data, PositionIndex(dict), origin)


class _JsonYamlLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as strings, as JSON would."""


_JsonYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """Python reads ``1e400`` as infinity, which JSON cannot write back: refuse it."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {shorten(text)} is out of range")
    return value


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | LoadError:
    label = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(label, size, max_bytes)
        raw = path.read_bytes()
    except OSError as error:
        return LoadError(label, f"cannot read file: {error.strerror or error}")
    return parse_document(label, raw, path.suffix, max_bytes)


def _too_large(label: str, size: int, max_bytes: int) -> LoadError:
    return LoadError(
        label,
        f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
        "(raise max-file-size in [tool.schemalint] to check it)",
    )


def parse_document(
    label: str, raw: bytes, suffix: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document | LoadError:
    """A file's bytes read from anywhere (a git revision, say) as JSON, or YAML by ``suffix``."""
    if len(raw) > max_bytes:
        return _too_large(label, len(raw), max_bytes)
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        return LoadError(label, f"binary file (NUL byte at offset {offset})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        starts = line_starts(raw[: error.start].decode("utf-8", "replace"))
        position = offset_to_position(starts, len(raw[: error.start].decode("utf-8", "replace")))
        return LoadError(label, f"invalid UTF-8 (byte 0x{raw[error.start]:02x})", position)
    if not text.strip():
        return LoadError(label, "empty file")
    if suffix.lower() in YAML_SUFFIXES:
        return _parse_yaml(label, text)
    return _parse_json(label, text)


def _parse_json(label: str, text: str) -> Document | LoadError:
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        message = error.msg
        if message == "Extra data":
            message = "trailing content after the JSON value"
        return LoadError(
            label, f"invalid JSON: {message}", SourcePosition(error.lineno, error.colno)
        )
    except RecursionError:
        return LoadError(
            label, "invalid JSON: nested deeper than the parser's limit (about 1,000 levels)"
        )
    except ValueError as error:
        return LoadError(label, f"invalid JSON: {error}")
    return Document(label, "json", text, data, PositionIndex(lambda: index_json(text)))


def _parse_yaml(label: str, text: str) -> Document | LoadError:
    loader = _JsonYamlLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = SourcePosition(mark.line + 1, mark.column + 1) if mark else None
        problem = error.problem or error.context or "malformed"
        return LoadError(label, f"invalid YAML: {problem}", position)
    except yaml.YAMLError as error:
        return LoadError(label, f"invalid YAML: {error}")
    except RecursionError:
        return LoadError(
            label, "invalid YAML: nested deeper than the parser's limit (about 1,000 levels)"
        )
    except Exception as error:  # PyYAML's constructors raise anything on a bad tagged scalar
        reason = library_failure(error)
        if reason is None:
            raise
        return LoadError(label, f"invalid YAML ({reason})")
    finally:
        loader.dispose()
    if node is None:
        return LoadError(label, "empty file")
    bad = _first_non_json_value(data)
    if bad is not None:
        pointer, kind = bad
        return LoadError(label, f"invalid YAML for JSON Schema: {kind} at '{pointer}'")
    return Document(label, "yaml", text, data, PositionIndex(lambda: index_yaml(node)))


def _first_non_json_value(data: Any) -> tuple[str, str] | None:
    todo: list[tuple[str, Any]] = [("", data)]
    seen: set[int] = set()
    while todo:
        pointer, value = todo.pop()
        if isinstance(value, dict):
            if id(value) in seen:
                continue
            seen.add(id(value))
            for key, item in value.items():
                if not isinstance(key, str):
                    return pointer, f"non-string key {quoted(key)}"
                todo.append((jp.join(pointer, key), item))
        elif isinstance(value, list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            todo.extend((jp.join(pointer, i), item) for i, item in enumerate(value))
        elif not (value is None or isinstance(value, str | int | float | bool)):
            return pointer, f"{type(value).__name__} value"
    return None
