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


DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def test_a_dependencies_list_beside_a_ref_does_not_stop_resolution() -> None:
    """referencing reads every ``dependencies`` value as a schema; a list of names is not one."""
    schema = {
        "$schema": DRAFT_07,
        "properties": {"a": {"$ref": "#/definitions/s"}},
        "definitions": {"s": {"type": "string"}},
        "dependencies": {"a": {"required": ["c"]}, "b": ["a"]},
    }
    assert refs_of(schema) == {"/properties/a": ("local", "/definitions/s")}


def test_meta_invalid_values_beside_a_ref_leave_pointer_refs_resolved() -> None:
    for broken in ({"properties": None}, {"anyOf": [[]]}):
        schema = {
            "$schema": DRAFT_07,
            "definitions": {"s": {"type": "string"}},
            "items": {"$ref": "#/definitions/s"},
        } | broken
        assert refs_of(schema) == {"/items": ("local", "/definitions/s")}


def test_refs_referencing_cannot_look_up_in_a_malformed_schema_are_unresolvable() -> None:
    schema = {
        "anyOf": [[]],
        "$defs": {"a": {"$anchor": "thing", "type": "string"}},
        "properties": {"x": {"$ref": "#thing"}, "y": {"$ref": "http://[not-a-url"}},
    }
    assert refs_of(schema) == {
        "/properties/x": ("unresolvable", None),
        "/properties/y": ("unresolvable", None),
    }


def test_a_pointer_ref_inside_an_embedded_resource_means_that_resources_subschema() -> None:
    schema = {
        "$id": "https://ex.com/root",
        "properties": {"p": {"$ref": "sub#/$defs/t"}},
        "$defs": {
            "u": {"type": "string"},
            "sub": {
                "$id": "sub",
                "$defs": {"t": {"properties": {"q": {"$ref": "#/$defs/u"}}}, "u": {}},
            },
        },
    }
    assert refs_of(schema) == {
        "/properties/p": ("local", "/$defs/sub/$defs/t"),
        "/$defs/sub/$defs/t/properties/q": ("local", "/$defs/sub/$defs/u"),
    }


def test_a_relative_ref_inside_an_embedded_resource_resolves_against_its_id() -> None:
    schema = {
        "$id": "https://ex.com/schemas/root",
        "properties": {"p": {"$ref": "nested/item"}},
        "$defs": {
            "item": {"$id": "nested/item", "properties": {"sibling": {"$ref": "other"}}},
            "other": {"$id": "nested/other", "type": "integer"},
        },
    }
    assert refs_of(schema) == {
        "/properties/p": ("local", "/$defs/item"),
        "/$defs/item/properties/sibling": ("local", "/$defs/other"),
    }
