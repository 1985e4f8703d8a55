"""Analysis: reading jsonschema's schema paths back as pointers into the analysed schema."""

from __future__ import annotations

from schemalint.analysis import Analysis, analyse, required_names
from schemalint.lmfe import detect_settings

SCHEMA = {
    "type": "object",
    "properties": {
        "when": {"$ref": "#/$defs/date"},
        "kind": {"anyOf": [{"const": "a"}, {"type": "string", "maxLength": 3}]},
    },
    "$defs": {"date": {"type": "string", "pattern": "^[0-9-]+$"}},
}


def keyword_holder(*path: str | int) -> str:
    return analyse(SCHEMA, detect_settings("0.11.3", False)).keyword_holder(path)


def test_the_holder_of_a_keyword_is_the_subschema_it_is_written_in() -> None:
    assert (
        keyword_holder("properties", "kind", "anyOf", 1, "maxLength") == "/properties/kind/anyOf/1"
    )
    assert keyword_holder("required") == ""


def test_a_keyword_reached_through_a_ref_is_held_where_the_ref_leads() -> None:
    # jsonschema leaves the $ref step out of its schema paths.
    assert keyword_holder("properties", "when", "pattern") == "/$defs/date"


def test_a_path_that_leads_nowhere_in_the_schema_is_the_root() -> None:
    assert keyword_holder("properties", "missing", "type") == ""


def test_required_names_are_the_strings_listed_in_required() -> None:
    assert required_names({"required": ["a", ["b"], 3, "c"]}) == ["a", "c"]
    assert required_names({"required": "a"}) == []
    assert required_names(None) == []


def test_a_non_string_in_required_counts_no_property_as_required() -> None:
    schema = {"type": "object", "properties": {"a": {}, "b": {}}, "required": [["a"], "b"]}
    metrics = analyse(schema, detect_settings("0.11.3", False)).metrics()
    assert metrics["optional_properties"] == 1


def test_a_derivation_is_computed_once_per_analysis() -> None:
    calls: list[int] = []

    def count_nodes(analysis: Analysis) -> int:
        calls.append(1)
        return len(analysis.nodes)

    first = analyse(SCHEMA, detect_settings("0.11.3", False))
    assert first.derived(count_nodes) == first.derived(count_nodes) == len(first.nodes)
    assert len(calls) == 1
    second = analyse({"type": "string"}, detect_settings("0.11.3", False))
    assert second.derived(count_nodes) == 1
    assert len(calls) == 2
