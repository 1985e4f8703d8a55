"""Resolve every ``$ref`` with ``referencing`` — locally only, never over the network."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote, urldefrag, urlsplit

import referencing
import referencing.exceptions
import referencing.jsonschema

from schemalint.walk import Node

DOCUMENT_URI = "urn:schemalint:document"

RefStatus = Literal["local", "remote", "unresolvable"]


@dataclass(frozen=True)
class Ref:
    source: str
    """Pointer of the subschema holding the ``$ref``."""
    value: str
    status: RefStatus
    target: str | None = None
    """Pointer of the subschema it resolves to, when local."""


@dataclass
class RefGraph:
    refs: dict[str, Ref] = field(default_factory=dict)


def _registry(schema: Any) -> tuple[referencing.Registry[Any], str]:
    base = DOCUMENT_URI
    if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
        base = schema["$id"]
    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    specification = referencing.jsonschema.specification_with(
        dialect if isinstance(dialect, str) else "",
        default=referencing.jsonschema.DRAFT202012,
    )
    resource = specification.create_resource(schema)
    # No ``retrieve`` callable: an unknown URI raises instead of being fetched.
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(base, resource)
    return registry.crawl(), base


def resolve_refs(schema: Any, nodes: list[Node]) -> RefGraph:
    graph = RefGraph()
    holders = [
        n for n in nodes if isinstance(n.schema, dict) and isinstance(n.schema.get("$ref"), str)
    ]
    if not holders:
        return graph
    by_identity = {id(n.schema): n.pointer for n in nodes if isinstance(n.schema, dict)}
    known = {n.pointer for n in nodes}
    try:
        registry, base = _registry(schema)
    except (referencing.exceptions.Unresolvable, ValueError, TypeError):
        registry, base = referencing.Registry(), DOCUMENT_URI
    resolver = registry.resolver(base_uri=base)
    for node in holders:
        value = node.schema["$ref"]
        graph.refs[node.pointer] = _resolve(value, node.pointer, resolver, base, by_identity, known)
    return graph


def _resolve(
    value: str,
    source: str,
    resolver: referencing._core.Resolver[Any],  # the public alias is not exported
    base: str,
    by_identity: dict[int, str],
    known: set[str],
) -> Ref:
    if value.startswith("#") and (len(value) == 1 or value[1] == "/"):
        target = unquote(value[1:])
        status: RefStatus = "local" if target in known else "unresolvable"
        return Ref(source, value, status, target if status == "local" else None)
    try:
        resolved = resolver.lookup(value)
    except (referencing.exceptions.Unresolvable, ValueError, TypeError):
        return Ref(source, value, "remote" if _points_outside(value, base) else "unresolvable")
    found = by_identity.get(id(resolved.contents))
    if found is None:
        return Ref(source, value, "unresolvable")
    return Ref(source, value, "local", found)


def _points_outside(value: str, base: str) -> bool:
    url, _ = urldefrag(value)
    return bool(url) and (bool(urlsplit(url).scheme) or url != base)
