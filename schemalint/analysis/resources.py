"""Schema resources: the subschemas that share one base URI, each opened by an ``$id``.

A ``$ref`` resolves against the base of the resource it sits in, so the same ``"#/$defs/u"``
means different subschemas in different resources, and a subschema copied out of its resource
can change what its own references point at.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from schemalint import pointer as jp
from schemalint.walk import Node

#: Drafts 3 and 4 spell the identifier ``id``; later drafts ``$id``.
_OLD_DRAFTS = ("draft-03", "draft-04")
#: Keywords that name a subschema for references other than by its position.
ANCHORS = ("$anchor", "$dynamicAnchor", "$recursiveAnchor")
#: References resolved against the dynamic scope, which no static pointer describes.
DYNAMIC_REFS = ("$dynamicRef", "$recursiveRef")


def identifier_keyword(root: Any) -> str:
    """``id`` for documents declaring draft 3 or 4, ``$id`` for every later draft."""
    dialect = root.get("$schema") if isinstance(root, dict) else None
    if isinstance(dialect, str) and any(old in dialect for old in _OLD_DRAFTS):
        return "id"
    return "$id"


def opens_resource(schema: Any, keyword: str) -> bool:
    """Whether a subschema declares a new base URI (an ``$id`` that is not a bare anchor)."""
    if not isinstance(schema, dict):
        return False
    value = schema.get(keyword)
    return isinstance(value, str) and not value.startswith("#")


def resource_roots(nodes: Iterable[Node], keyword: str) -> list[str]:
    """Pointers of the subschemas that open a resource, the document root always first."""
    return [""] + [n.pointer for n in nodes if n.pointer and opens_resource(n.schema, keyword)]


def resource_of(pointer: str, roots: list[str]) -> str:
    """The innermost resource holding ``pointer``."""
    return max((root for root in roots if jp.within(pointer, root)), key=len)


def holds_any(value: Any, keywords: Iterable[str]) -> bool:
    """Whether any object inside ``value`` (itself included) has one of ``keywords``."""
    wanted = frozenset(keywords)
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            if not wanted.isdisjoint(item):
                return True
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False
