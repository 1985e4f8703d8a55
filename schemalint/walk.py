"""Visit every subschema of a schema once, iteratively, with its JSON Pointer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from schemalint import pointer as jp

#: Keywords whose value is one subschema.
SINGLE = (
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
#: Keywords whose value maps names to subschemas.
MAPPING = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
#: Keywords whose value is a list of subschemas.
SEQUENCE = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Keywords whose subschemas describe a value nested one level deeper in the instance.
NESTING = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "unevaluatedItems",
        "contains",
    }
)
DEFINITIONS = frozenset({"$defs", "definitions"})
UNIONS = ("anyOf", "oneOf")


MAX_DEPTH = 80
"""Levels of JSON nesting a document may have. Checking a schema against its meta-schema takes
about eight stack frames per level, copying and printing it one or two, and Python stops at
1,000 frames; the deepest schema in the corpus nests 63 levels."""


class SchemaTooLarge(Exception):
    """The schema is larger or deeper than the analysis is allowed to go."""


def check_depth(document: Any, limit: int = MAX_DEPTH) -> None:
    """Raise SchemaTooLarge past ``limit`` levels of nesting, anywhere (a ``title`` too):
    refused up front, a document never hits Python's recursion limit halfway through.

    A value YAML aliases into many places is visited again only when reached deeper, so the
    paths through shared values are not all walked, and a cycle counts as too deep."""
    deepest: dict[int, int] = {}
    todo = [(document, 1)]
    while todo:
        value, depth = todo.pop()
        if not isinstance(value, dict | list) or deepest.get(id(value), 0) >= depth:
            continue
        if depth > limit:
            raise SchemaTooLarge(f"nested more than {limit} levels deep")
        deepest[id(value)] = depth
        items = value.values() if isinstance(value, dict) else value
        todo.extend((item, depth + 1) for item in items)


@dataclass(frozen=True)
class Node:
    pointer: str
    schema: Any
    parent: str | None = None
    keyword: str | None = None
    key: str | int | None = None

    @property
    def is_object(self) -> bool:
        return isinstance(self.schema, dict)


def children(node: Node) -> Iterator[Node]:
    """The direct subschemas of ``node`` in document order."""
    schema = node.schema
    if not isinstance(schema, dict):
        return
    for keyword, value in schema.items():
        if keyword in MAPPING and isinstance(value, dict):
            for key, item in value.items():
                if keyword != "dependentSchemas" or isinstance(item, dict | bool):
                    yield _child(node, keyword, key, item)
        elif isinstance(value, list) and (keyword in SEQUENCE or keyword == "items"):
            for index, item in enumerate(value):
                yield _child(node, keyword, index, item)
        elif (keyword in SINGLE or keyword == "items") and isinstance(value, dict | bool):
            yield Node(jp.join(node.pointer, keyword), value, node.pointer, keyword)
        elif keyword == "dependencies" and isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | bool):
                    yield _child(node, keyword, key, item)


def _child(parent: Node, keyword: str, key: str | int, item: Any) -> Node:
    return Node(jp.join(parent.pointer, keyword, key), item, parent.pointer, keyword, key)


def walk(schema: Any, max_nodes: int = 200_000) -> list[Node]:
    """Every subschema in document order; raises SchemaTooLarge past ``max_nodes``."""
    nodes: list[Node] = []
    todo = [Node("", schema)]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if len(nodes) > max_nodes:
            raise SchemaTooLarge(f"more than {max_nodes:,} subschemas")
        todo.extend(reversed(list(children(node))))
    return nodes


def keywords_in(nodes: Iterable[Node], names: frozenset[str]) -> Iterator[tuple[Node, str]]:
    """Each (subschema, keyword) pair of ``nodes`` for the keywords in ``names``."""
    for node in nodes:
        if isinstance(node.schema, dict):
            for keyword in node.schema:
                if keyword in names:
                    yield node, keyword
