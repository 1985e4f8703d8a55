"""Shape metrics count what an enforcer sees after inlining refs, without building it."""

from __future__ import annotations

from typing import Any

from schemalint.analysis import analyse
from schemalint.lmfe import detect_settings

ENFORCER = detect_settings("0.11.3", strict_field_order=False)


def doubling_chain(levels: int) -> dict[str, Any]:
    defs: dict[str, Any] = {"d0": {"type": "string"}}
    for i in range(1, levels + 1):
        defs[f"d{i}"] = {
            "type": "object",
            "properties": {"l": {"$ref": f"#/$defs/d{i - 1}"}, "r": {"$ref": f"#/$defs/d{i - 1}"}},
        }
    return {"$defs": defs, "$ref": f"#/$defs/d{levels}"}


def test_a_ref_chain_that_doubles_forty_times_is_counted_exactly() -> None:
    analysis = analyse(doubling_chain(40), ENFORCER)
    # d_i is itself plus two properties, each a $ref holder plus the inlined d_{i-1}:
    sizes = {0: 1}
    for i in range(1, 41):
        sizes[i] = 1 + 2 * (1 + sizes[i - 1])
    assert analysis.shape.expanded_nodes == 1 + sizes[40]
    assert analysis.shape.max_depth == 41
    assert len(analysis.nodes) == 1 + 1 + 40 * 3  # root, d0, then d_i with l and r


def test_depth_counts_instance_nesting_not_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
        },
    }
    analysis = analyse(schema, ENFORCER)
    assert analysis.shape.max_depth == 3
    assert analysis.shape.deepest_path[-1] == "/properties/a/anyOf/0/items"


def test_recursive_refs_are_found_and_counted_once() -> None:
    schema = {"type": "object", "properties": {"child": {"$ref": "#"}, "name": {"type": "string"}}}
    analysis = analyse(schema, ENFORCER)
    assert analysis.shape.recursive_refs == {"/properties/child"}
    assert analysis.shape.ref_loops == set()
    assert analysis.shape.expanded_nodes == 3


def test_a_ref_cycle_without_nesting_is_a_loop() -> None:
    schema = {
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
        "$ref": "#/$defs/a",
    }
    analysis = analyse(schema, ENFORCER)
    assert analysis.shape.ref_loops == {"/$defs/b"}


def test_unused_definitions_do_not_count() -> None:
    schema = {"type": "string", "$defs": {"big": {"type": "object", "properties": {"a": {}}}}}
    analysis = analyse(schema, ENFORCER)
    assert analysis.shape.expanded_nodes == 1
    assert [n.pointer for n in analysis.used_nodes] == [""]


def test_metrics_summarise_the_schema() -> None:
    schema = {
        "$defs": {"s": {"type": "string"}},
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/s"},
            "b": {"$ref": "#/$defs/s"},
            "c": {"anyOf": [{}, {}, {}]},
        },
        "required": ["a"],
    }
    metrics = analyse(schema, ENFORCER).metrics()
    assert metrics["ref_fanout"] == 2
    assert metrics["max_union_width"] == 3
    assert metrics["free_text_fields"] == 1
    assert metrics["optional_properties"] == 2
    assert metrics["refs"] == 2
