"""Specifications for the measured probe's instances: generation, serialisation and location.

The probe walks a realistic valid instance through the enforcer token by token and charges
each step to the schema node being written. So an instance must validate, read like what a
model writes (escapes included, since that is where the enforcer is slowest), serialise to
exactly ``json.dumps`` text, and every character must map back to a schema pointer.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from schemalint.analysis import Analysis, analyse, is_free_text
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure.instances import Span, generate_instance, locate, serialise, span_at
from tests.conftest import CORPUS, SAMPLES, SEED, TWIN

SAMPLE_FILES = [
    "function_calling_seed.json",
    "function_calling_rewritten.json",
    "openai_tools.json",
    "anthropic_tools.yaml",
    "mcp_tools.json",
    "pathological/reason_maxlength_one_branch.json",
    "pathological/pattern_strings.json",
    "pathological/enum_or_free_string.json",
    "pathological/free_dict.json",
]


def analysed(schema: Any) -> Analysis:
    return analyse(schema, detect_settings("0.11.3", False))


def sample(name: str) -> Analysis:
    path = SAMPLES / name
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)
    return analysed(normalise(data).schema)


def errors(schema: Any, instance: Any) -> list[str]:
    validator = validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string value of an instance, with its pointer."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}/{index}")
    elif isinstance(value, str):
        yield path, value


# -- generate_instance ----------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_generated_instances_validate_for_every_sample(name: str) -> None:
    analysis = sample(name)
    for seed in range(8):
        instance = generate_instance(analysis, seed)
        assert errors(analysis.schema, instance) == [], (seed, instance)


def test_the_same_seed_gives_the_same_instance() -> None:
    for seed in (0, 7, 12345):
        first = generate_instance(sample("function_calling_seed.json"), seed)
        again = generate_instance(sample("function_calling_seed.json"), seed)
        assert json.dumps(first) == json.dumps(again)


def test_different_seeds_give_different_instances() -> None:
    analysis = sample("function_calling_seed.json")
    instances = {json.dumps(generate_instance(analysis, seed)) for seed in range(12)}
    assert len(instances) >= 10
    tools = {
        call["name"]
        for seed in range(12)
        for call in generate_instance(analysis, seed)["tool_calls"]
    }
    assert len(tools) >= 4  # the anyOf branch is a seeded choice


def test_free_text_reads_like_english_chosen_by_property_name() -> None:
    analysis = sample("function_calling_seed.json")
    for seed in range(10):
        for call in generate_instance(analysis, seed)["tool_calls"]:
            reason = call["reason"]
            assert re.match(r"[A-Z]", reason) and len(reason.split()) >= 6, reason
            query = call["arguments"].get("query")
            if call["name"] == "search_web":
                assert isinstance(query, str) and 2 <= len(query.split()) <= 12


def test_about_one_free_text_field_in_three_carries_a_json_escape() -> None:
    free = escaped = 0
    quotes = newlines = 0
    for name in ("function_calling_seed.json", "function_calling_rewritten.json"):
        analysis = sample(name)
        for seed in range(20):
            instance = generate_instance(analysis, seed)
            where = locate(analysis, instance)
            for path, text in strings(instance):
                node = analysis.by_pointer[where[path]]
                if is_free_text(node.schema) and "pattern" not in node.schema:
                    free += 1
                    escaped += '"' in text or "\n" in text
                    quotes += '"' in text
                    newlines += "\n" in text
    assert quotes > 0 and newlines > 0
    assert 0.2 <= escaped / free <= 0.45, (escaped, free)


def test_escapes_survive_serialisation_as_backslash_sequences() -> None:
    analysis = sample("function_calling_rewritten.json")
    texts = [serialise(generate_instance(analysis, seed))[0] for seed in range(20)]
    assert any('\\"' in text for text in texts)
    assert any("\\n" in text for text in texts)


def test_patterns_are_matched_in_full() -> None:
    analysis = sample("pathological/pattern_strings.json")
    for seed in range(10):
        instance = generate_instance(analysis, seed)
        assert re.fullmatch(r"[A-Z]{3}-[0-9]{6}", instance["order_id"])
        assert re.fullmatch(r"[A-Za-z0-9 .,'-]+", instance["customer_name"])
        assert "\n" not in instance["summary"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-z0-9-]+$",
        r"^\+[1-9][0-9]{6,14}$",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        r"^(GET|POST)/v[0-9]+/\w+$",
        r"^[^\s@]+@[^\s@]+\.[a-z]{2,}$",
        r"^(ab)\1-[A-F]{2,}$",
    ],
)
def test_common_patterns_are_written_from_the_regex(pattern: str) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}
    schema["required"] = ["x"]
    for seed in range(3):
        value = generate_instance(analysed(schema), seed)["x"]
        assert re.fullmatch(pattern, value), value


def test_formats_are_honoured() -> None:
    formats = ["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname"]
    schema = {
        "type": "object",
        "properties": {f: {"type": "string", "format": f} for f in formats},
        "required": formats,
    }
    checker = Draft202012Validator.FORMAT_CHECKER
    for seed in range(5):
        instance = generate_instance(analysed(schema), seed)
        for name in formats:
            checker.check(instance[name], name)  # raises for a value the checker knows is bad
        datetime.datetime.fromisoformat(instance["date-time"])
        assert instance["uri"].startswith("https://")
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", instance["hostname"])


def test_numbers_respect_bounds_and_multiples() -> None:
    schema = {
        "type": "object",
        "properties": {
            "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 50, "multipleOf": 0.01},
            "year": {"type": "integer", "minimum": 1900, "maximum": 1950},
            "odd": {"type": "integer", "minimum": 7, "maximum": 7},
            "step": {"type": "integer", "minimum": 10, "multipleOf": 25},
        },
        "required": ["price", "year", "odd", "step"],
    }
    for seed in range(10):
        instance = generate_instance(analysed(schema), seed)
        assert errors(schema, instance) == []
        assert isinstance(instance["year"], int) and 1900 <= instance["year"] <= 1950


def test_arrays_hold_one_or_two_items_within_their_bounds() -> None:
    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "none": {"type": "array", "items": {"type": "string"}, "maxItems": 0},
            "many": {"type": "array", "items": {"type": "integer"}, "minItems": 3},
            "pair": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]},
        },
        "required": ["tags", "none", "many", "pair"],
    }
    for seed in range(10):
        instance = generate_instance(analysed(schema), seed)
        assert 1 <= len(instance["tags"]) <= 2
        assert instance["none"] == []
        assert len(instance["many"]) == 3
        assert errors(schema, instance) == []


def test_objects_write_required_members_and_some_optional_ones_in_declared_order() -> None:
    props = {name: {"type": "string"} for name in "abcdefgh"}
    schema = {"type": "object", "properties": props, "required": ["b", "f"]}
    sizes = set()
    for seed in range(20):
        instance = generate_instance(analysed(schema), seed)
        assert {"b", "f"} <= instance.keys()
        assert list(instance) == sorted(instance)  # declaration order
        sizes.add(len(instance))
    assert min(sizes) < 5 < max(sizes)


def test_unions_prefer_non_null_branches_and_merge_all_of() -> None:
    schema = {
        "type": "object",
        "properties": {
            "maybe": {"anyOf": [{"type": "null"}, {"type": "string", "minLength": 3}]},
            "both": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                    {"properties": {"b": {"const": "x"}}, "required": ["b"]},
                ]
            },
        },
        "required": ["maybe", "both"],
    }
    for seed in range(5):
        instance = generate_instance(analysed(schema), seed)
        assert isinstance(instance["maybe"], str)
        assert instance["both"]["b"] == "x" and isinstance(instance["both"]["a"], int)


def test_one_of_required_sets_and_conditionals_are_satisfied() -> None:
    shapes = {
        "base": {"type": "number"},
        "height": {"type": "number"},
        "radius": {"type": "number"},
    }
    schema = {
        "type": "object",
        "properties": {
            "dimensions": {
                "type": "object",
                "properties": shapes,
                "oneOf": [{"required": ["radius"]}, {"required": ["base", "height"]}],
            },
            "kind": {"enum": ["a", "b"]},
            "extra": {"type": "string"},
        },
        "required": ["dimensions", "kind"],
        "if": {"properties": {"kind": {"const": "a"}}},
        "then": {"required": ["extra"]},
    }
    for seed in range(10):
        assert errors(schema, generate_instance(analysed(schema), seed)) == []


def test_objects_without_properties_get_plausible_keys() -> None:
    analysis = sample("pathological/free_dict.json")
    for seed in range(5):
        args = generate_instance(analysis, seed)["args"]
        assert 1 <= len(args) <= 2
        assert all(re.fullmatch(r"[A-Za-z_-]+", key) for key in args)


def test_recursive_schemas_stay_small_and_valid() -> None:
    schema = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]},
                },
                "required": ["label", "next"],
            }
        },
        "$ref": "#/$defs/node",
    }
    for seed in range(5):
        instance = generate_instance(analysed(schema), seed)
        assert errors(schema, instance) == []
        assert len(json.dumps(instance)) < 20_000


def test_an_unsatisfiable_schema_returns_promptly() -> None:
    # Every level requires another: no finite instance exists.
    node = {"type": "object", "properties": {"n": {"$ref": "#/$defs/n"}}, "required": ["n"]}
    schema = {"$defs": {"n": node}, "$ref": "#/$defs/n"}
    started = time.monotonic()
    generate_instance(analysed(schema), 0)
    assert time.monotonic() - started < 5


def test_refs_into_places_the_walk_does_not_visit_are_followed() -> None:
    disk = {"type": "object", "properties": {"size": {"type": "integer"}}, "required": ["size"]}
    schema = {
        "resources": {"disk": disk},
        "properties": {"disk": {"$ref": "#/resources/disk"}},
        "required": ["disk"],
    }
    analysis = analysed(schema)
    instance = generate_instance(analysis, 0)
    assert isinstance(instance["disk"]["size"], int)
    assert locate(analysis, instance)["/disk/size"] == "/resources/disk/properties/size"


# -- serialise ------------------------------------------------------------------------------

SMALL: dict[str, Any] = {"a": [1, {"b c": 'say "hi"\n'}], "n": None, "e": {}, "s/t": True}


def test_serialised_text_is_exactly_json_dumps() -> None:
    text, _ = serialise(SMALL)
    assert text == json.dumps(SMALL, ensure_ascii=False)
    for name in SAMPLE_FILES:
        instance = generate_instance(sample(name), 1)
        assert serialise(instance)[0] == json.dumps(instance, ensure_ascii=False)


def test_spans_tile_the_text_with_roles_and_instance_pointers() -> None:
    text, spans = serialise(SMALL)
    pieces = [(text[s.start : s.end], s.path, s.role) for s in spans]
    assert pieces == [
        ("{", "", "punctuation"),
        ('"a"', "/a", "key"),
        (": ", "", "punctuation"),
        ("[", "/a", "punctuation"),
        ("1", "/a/0", "value"),
        (", ", "/a", "punctuation"),
        ("{", "/a/1", "punctuation"),
        ('"b c"', "/a/1/b c", "key"),
        (": ", "/a/1", "punctuation"),
        ('"say \\"hi\\"\\n"', "/a/1/b c", "value"),
        ("}", "/a/1", "punctuation"),
        ("]", "/a", "punctuation"),
        (", ", "", "punctuation"),
        ('"n"', "/n", "key"),
        (": ", "", "punctuation"),
        ("null", "/n", "value"),
        (", ", "", "punctuation"),
        ('"e"', "/e", "key"),
        (": ", "", "punctuation"),
        ("{}", "/e", "punctuation"),
        (", ", "", "punctuation"),
        ('"s/t"', "/s~1t", "key"),
        (": ", "", "punctuation"),
        ("true", "/s~1t", "value"),
        ("}", "", "punctuation"),
    ]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_spans_tile_generated_instances_without_gaps(name: str) -> None:
    text, spans = serialise(generate_instance(sample(name), 2))
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(spans))
    assert all(s.start < s.end for s in spans)


def test_span_at_finds_the_span_holding_an_offset() -> None:
    text, spans = serialise(SMALL)
    for offset in range(len(text)):
        span = span_at(spans, offset)
        assert span.start <= offset < span.end
    assert span_at(spans, text.index("null")) == Span(
        text.index("null"), text.index("null") + 4, "/n", "value"
    )
    for outside in (-1, len(text)):
        with pytest.raises(IndexError):
            span_at(spans, outside)


# -- locate ---------------------------------------------------------------------------------


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


# -- the corpus -----------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "Glaiveai2K").is_dir(), reason=f"{CORPUS} is absent")
def test_generated_instances_validate_for_95_percent_of_glaive_schemas() -> None:
    files = sorted((CORPUS / "Glaiveai2K").glob("*.json"))
    assert len(files) > 1500
    invalid: list[Path] = []
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        instance = generate_instance(analysed(schema), 0)
        if errors(schema, instance):
            invalid.append(path)
    valid_share = 1 - len(invalid) / len(files)
    print(f"\nGlaive instances valid: {valid_share:.2%} of {len(files)}")
    assert valid_share >= 0.95, [p.name for p in invalid[:20]]
