"""Resolve every ``$ref`` with ``referencing`` — locally only, never over the network."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import referencing
import referencing.jsonschema

from schemalint.analysis.resources import identifier_keyword, resource_of, resource_roots
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
    """Every ``$ref`` with its status and target.

    ``referencing`` expects a schema that passes its meta-schema and raises anything
    (AttributeError, TypeError...) on one that does not; SL001 reports why. Its refs are then
    unresolvable, but for ``#/...`` pointers, which are followed here without it."""
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
    except Exception:  # a malformed schema: see above
        registry, base = referencing.Registry(), DOCUMENT_URI
    resolver = registry.resolver(base_uri=base)
    roots = resource_roots(nodes, identifier_keyword(schema))
    bases = _resource_bases(roots, {n.pointer: n.schema for n in nodes}, base, schema)
    for node in holders:
        value = node.schema["$ref"]
        home = resource_of(node.pointer, roots)
        graph.refs[node.pointer] = _resolve(
            value, node.pointer, resolver, (home, bases[home]), by_identity, known
        )
    return graph


def _resource_bases(
    roots: list[str], schemas: dict[str, Any], base: str, root: Any
) -> dict[str, str]:
    """The base URI of each resource: its ``$id`` resolved against the enclosing one's."""
    keyword = identifier_keyword(root)
    bases = {"": base}
    for pointer in sorted(roots[1:], key=len):
        enclosing = resource_of(pointer.rsplit("/", 1)[0], roots)
        try:
            bases[pointer] = urljoin(bases[enclosing], schemas[pointer][keyword])
        except ValueError:  # not a URI: refs inside resolve as if it were absent
            bases[pointer] = bases[enclosing]
    return bases


def _resolve(
    value: str,
    source: str,
    resolver: referencing._core.Resolver[Any],  # the public alias is not exported
    home: tuple[str, str],
    by_identity: dict[int, str],
    known: set[str],
) -> Ref:
    """``home`` is the resource the ``$ref`` sits in (its pointer and base URI): a reference
    resolves against it, so ``#/$defs/u`` means that resource's ``$defs``."""
    resource, base = home
    if value.startswith("#") and (len(value) == 1 or value[1] == "/"):
        target = resource + unquote(value[1:])
        status: RefStatus = "local" if target in known else "unresolvable"
        return Ref(source, value, status, target if status == "local" else None)
    try:
        resolved = resolver.lookup(urljoin(base, value) if resource else value)
    except Exception:  # a malformed schema: see resolve_refs
        return Ref(source, value, "remote" if _points_outside(value, base) else "unresolvable")
    found = by_identity.get(id(resolved.contents))
    if found is None:
        return Ref(source, value, "unresolvable")
    return Ref(source, value, "local", found)


def _points_outside(value: str, base: str) -> bool:
    try:
        url, _ = urldefrag(value)
        return bool(url) and (bool(urlsplit(url).scheme) or url != base)
    except ValueError:  # not a URL at all, such as "http://[": nothing to fetch
        return False
