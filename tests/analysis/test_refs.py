"""$refs are resolved with ``referencing``, locally, and never over the network."""

from __future__ import annotations

from schemalint.analysis.refs import resolve_refs
from schemalint.walk import walk


def refs_of(schema: object) -> dict[str, tuple[str, str | None]]:
    graph = resolve_refs(schema, walk(schema))
    return {source: (ref.status, ref.target) for source, ref in graph.refs.items()}


def test_json_pointer_refs_resolve_to_subschemas() -> None:
    schema = {"$defs": {"a b": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a%20b"}}}
    assert refs_of(schema) == {"/properties/x": ("local", "/$defs/a b")}


def test_anchor_and_embedded_id_refs_resolve_through_referencing() -> None:
    schema = {
        "$id": "https://example.com/root.json",
        "$defs": {
            "a": {"$anchor": "thing", "type": "string"},
            "b": {"$id": "https://example.com/b.json", "type": "integer"},
        },
        "properties": {"x": {"$ref": "#thing"}, "y": {"$ref": "b.json"}},
    }
    assert refs_of(schema) == {
        "/properties/x": ("local", "/$defs/a"),
        "/properties/y": ("local", "/$defs/b"),
    }


def test_remote_refs_are_reported_and_never_fetched(no_network: list[object]) -> None:
    schema = {
        "properties": {
            "a": {"$ref": "https://example.com/schema.json#/x"},
            "b": {"$ref": "other.json#/y"},
        }
    }
    assert refs_of(schema) == {"/properties/a": ("remote", None), "/properties/b": ("remote", None)}
    assert no_network == []


def test_broken_local_refs_are_unresolvable() -> None:
    assert refs_of({"properties": {"a": {"$ref": "#/$defs/missing"}}}) == {
        "/properties/a": ("unresolvable", None)
    }
