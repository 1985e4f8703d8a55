"""Specifications for instance generation: valid, seeded and bounded.

The probe walks a realistic valid instance through the enforcer token by token, so an
instance must validate, come out the same for the same seed, and be written in bounded time
whatever the schema (recursion, unions, conditionals, unsatisfiable requirements).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from schemalint.measure.generator import generate_instance
from schemalint.measure.locate import locate
from tests.conftest import CORPUS
from tests.measure.samples import SAMPLE_FILES, analysed, errors, sample


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
