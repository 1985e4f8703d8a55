"""JSON Pointers (RFC 6901)."""

from __future__ import annotations


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
