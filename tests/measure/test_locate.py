"""Specifications for locating: every instance pointer maps to the schema node describing it."""

from __future__ import annotations

import json
import re

import pytest

from schemalint.measure.generator import generate_instance
from schemalint.measure.locate import locate
from schemalint.measure.serialise import serialise
from tests.conftest import SEED, TWIN
from tests.measure.samples import SAMPLE_FILES, analysed, sample


def test_locate_follows_refs_and_picks_the_union_branch_the_value_matches() -> None:
    analysis = analysed(json.loads(SEED.read_text(encoding="utf-8")))
    instance = {
        "tool_calls": [
            {
                "reason": "Rain would change the packing list.",
                "name": "get_weather",
                "arguments": {
                    "location": {"city": "Lisbon", "country_code": "PT"},
                    "include": ["hourly"],
                },
            }
        ]
    }
    call, args = "/tool_calls/0", "/tool_calls/0/arguments"
    assert locate(analysis, instance) == {
        "": "",
        "/tool_calls": "/properties/tool_calls",
        call: "/$defs/get_weather_call",
        f"{call}/reason": "/$defs/get_weather_call/properties/reason",
        f"{call}/name": "/$defs/get_weather_call/properties/name",
        args: "/$defs/get_weather_arguments",
        f"{args}/location": "/$defs/location",
        f"{args}/location/city": "/$defs/location/properties/city",
        f"{args}/location/country_code": "/$defs/location/properties/country_code",
        f"{args}/include": "/$defs/get_weather_arguments/properties/include",
        f"{args}/include/0": "/$defs/get_weather_arguments/properties/include/items",
    }


def test_locate_maps_generated_seed_instances_into_the_called_tools_definitions() -> None:
    analysis = analysed(json.loads(SEED.read_text(encoding="utf-8")))
    for seed in range(6):
        instance = generate_instance(analysis, seed)
        where = locate(analysis, instance)
        for index, call in enumerate(instance["tool_calls"]):
            tool = call["name"]
            assert where[f"/tool_calls/{index}/reason"] == f"/$defs/{tool}_call/properties/reason"
            assert where[f"/tool_calls/{index}/arguments"] == f"/$defs/{tool}_arguments"
            for key in call["arguments"]:
                pointer = where[f"/tool_calls/{index}/arguments/{key}"]
                declared = f"/$defs/{tool}_arguments/properties/{key}"
                assert pointer == declared or pointer.startswith("/$defs/"), pointer


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_locate_covers_every_instance_pointer_with_a_real_schema_node(name: str) -> None:
    analysis = sample(name)
    instance = generate_instance(analysis, 3)
    where = locate(analysis, instance)
    _, spans = serialise(instance)
    assert {s.path for s in spans} <= where.keys()
    assert all(pointer in analysis.by_pointer for pointer in where.values())


def test_locate_charges_undescribed_values_to_the_nearest_described_ancestor() -> None:
    schema = {"type": "object", "properties": {"meta": {"type": "object"}}}
    where = locate(analysed(schema), {"meta": {"x": {"y": [1]}}, "other": 2})
    assert where == {
        "": "",
        "/meta": "/properties/meta",
        "/meta/x": "/properties/meta",
        "/meta/x/y": "/properties/meta",
        "/meta/x/y/0": "/properties/meta",
        "/other": "",
    }


def test_locate_takes_all_of_members_from_the_branch_declaring_them() -> None:
    schema = {
        "allOf": [
            {"properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "integer"}}, "additionalProperties": {"type": "boolean"}},
        ]
    }
    where = locate(analysed(schema), {"a": "x", "b": 1, "c": True})
    assert where["/a"] == "/allOf/0/properties/a"
    assert where["/b"] == "/allOf/1/properties/b"
    assert where["/c"] == "/allOf/1/additionalProperties"


def test_locate_reads_positional_items_and_pattern_properties() -> None:
    schema = {
        "type": "object",
        "patternProperties": {"^x-": {"type": "string"}},
        "properties": {
            "pair": {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
        },
    }
    where = locate(analysed(schema), {"pair": ["a", 1, 2], "x-trace": "t"})
    assert where["/pair/0"] == "/properties/pair/prefixItems/0"
    assert where["/pair/2"] == "/properties/pair/items"
    assert where["/x-trace"] == "/patternProperties/^x-"


def test_locate_on_the_twin_charges_a_chosen_branch() -> None:
    analysis = analysed(json.loads(TWIN.read_text(encoding="utf-8")))
    instance = generate_instance(analysis, 4)
    where = locate(analysis, instance)
    assert where["/one_liner_internal_thought"] == "/properties/one_liner_internal_thought"
    assert re.fullmatch(r"/properties/tool_calls/items/anyOf/\d", where["/tool_calls/0"])
