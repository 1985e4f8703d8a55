"""What the provider rules read: the schemas a provider is sent (each tool's parameters) and
the object subschemas, keywords and values in them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from schemalint.analysis import Analysis
from schemalint.analysis.context import required_names, types_of
from schemalint.model import Applicability, Fix, Violation
from schemalint.walk import NESTING, Node, children, keywords_in


def sent(analysis: Analysis) -> list[Node]:
    """The root of each schema the provider is sent: a tool's parameters, or the document."""
    return [analysis.by_pointer[root] for root in analysis.roots if root in analysis.by_pointer]


def nodes_of(analysis: Analysis) -> list[Node]:
    """Every subschema a provider is sent, each once, definitions reached through ``$ref``."""
    seen: dict[str, Node] = {}
    for root in sent(analysis):
        for node in analysis.reachable(root.pointer):
            seen.setdefault(node.pointer, node)
    return list(seen.values())


def is_object(node: Node) -> bool:
    schema = node.schema
    return isinstance(schema, dict) and (
        "object" in types_of(schema) or isinstance(schema.get("properties"), dict)
    )


def objects(analysis: Analysis) -> Iterator[Node]:
    return (node for node in nodes_of(analysis) if is_object(node))


def open_objects(analysis: Analysis, provider: str) -> Iterator[Violation]:
    """Each object without ``additionalProperties: false``, which strict modes refuse."""
    for node in objects(analysis):
        if node.schema.get("additionalProperties") is not False:
            yield Violation(
                node.pointer,
                f"object without additionalProperties: false: {provider} strict mode refuses it",
                Fix("Set additionalProperties: false.", Applicability.UNSAFE),
            )


def optional_names(node: Node) -> list[str]:
    properties = node.schema.get("properties") if isinstance(node.schema, dict) else None
    if not isinstance(properties, dict):
        return []
    required = set(required_names(node.schema))
    return [name for name in properties if name not in required]


def keywords_used(analysis: Analysis, names: frozenset[str]) -> Iterator[tuple[Node, str]]:
    """Each (subschema, keyword) pair a provider is sent, for the keywords in ``names``."""
    return keywords_in(nodes_of(analysis), names)


def nesting_depth(analysis: Analysis, root: Node) -> int:
    """How many objects and arrays deep an instance of ``root`` nests, ``$ref``s followed (a
    recursive one counted once): the root object is level 1."""
    deepest = 0
    todo: list[tuple[Node, int, frozenset[str]]] = [(root, 1, frozenset())]
    while todo:
        node, depth, path = todo.pop()
        node = analysis.deref(node)
        if node.pointer in path:
            continue
        schema = node.schema if isinstance(node.schema, dict) else {}
        if types_of(schema) & {"object", "array"} or is_object(node):
            deepest = max(deepest, depth)
        for child in children(node):
            below = depth + 1 if child.keyword in NESTING else depth
            todo.append((child, below, path | {node.pointer}))
    return deepest


def string_values(schema: Any) -> Iterator[str]:
    """The strings of ``enum`` and ``const``."""
    if not isinstance(schema, dict):
        return
    enum = schema.get("enum")
    values: list[Any] = list(enum) if isinstance(enum, list) else []
    values += [schema["const"]] if "const" in schema else []
    yield from (value for value in values if isinstance(value, str))
