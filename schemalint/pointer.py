"""JSON Pointers (RFC 6901)."""

from __future__ import annotations

from typing import Any

MISSING: Any = object()
"""What :func:`resolve` gives where the document has no value."""


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape(token) for token in pointer[1:].split("/")]


def within(pointer: str, root: str) -> bool:
    """Whether ``pointer`` is ``root`` or points inside it."""
    return pointer == root or pointer.startswith(root + "/")


def rebase(pointer: str, old_prefix: str, new_prefix: str) -> str | None:
    """Move ``pointer`` from under ``old_prefix`` to under ``new_prefix``; None if not under it."""
    if pointer == old_prefix:
        return new_prefix
    if pointer.startswith(old_prefix + "/"):
        return new_prefix + pointer[len(old_prefix) :]
    return None


def resolve(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``data``; :data:`MISSING` where there is none."""
    return descend(data, split(pointer))


def descend(data: Any, tokens: list[str]) -> Any:
    """The value that ``tokens`` (a split pointer) lead to; :data:`MISSING` where none."""
    for token in tokens:
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return MISSING
    return data
