"""Specifications for the sample schemas shipped in ``samples/``.

The samples are the fixtures the linter is demonstrated and benchmarked on, so they must
be well-formed, their instances must really be valid, and the function-calling twin must
be a faithful rewrite of the seed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INSTANCES = SAMPLES / "instances"

# Sample file (relative to samples/) -> input kind, as listed in samples/README.md.
SAMPLE_KINDS: dict[str, str] = {
    "function_calling_seed.json": "function-calling",
    "function_calling_rewritten.json": "function-calling",
    "openai_tools.json": "openai-tools",
    "anthropic_tools.yaml": "anthropic-tools",
    "mcp_tools.json": "mcp-tools",
    "pathological/reason_maxlength_one_branch.json": "json-schema",
    "pathological/pattern_strings.json": "json-schema",
    "pathological/enum_or_free_string.json": "json-schema",
    "pathological/free_dict.json": "json-schema",
}
TOOL_LIST_KINDS = {"openai-tools", "anthropic-tools", "mcp-tools"}
RAW_SCHEMA_SAMPLES = [name for name, kind in SAMPLE_KINDS.items() if kind not in TOOL_LIST_KINDS]
TOOL_LIST_SAMPLES = [name for name, kind in SAMPLE_KINDS.items() if kind in TOOL_LIST_KINDS]


def load_sample(name: str) -> Any:
    path = SAMPLES / name
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        return yaml.safe_load(text)
    return json.loads(text)


def instances_path(name: str) -> Path:
    return INSTANCES / f"{Path(name).stem}.jsonl"


def load_instances(name: str) -> list[Any]:
    lines = instances_path(name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def tool_schemas(name: str) -> dict[str, dict[str, Any]]:
    """Map each tool's name to its parameter schema, for any of the tool-list formats."""
    data = load_sample(name)
    kind = SAMPLE_KINDS[name]
    if kind == "openai-tools":
        return {t["function"]["name"]: t["function"]["parameters"] for t in data}
    if kind == "anthropic-tools":
        return {t["name"]: t["input_schema"] for t in data}
    if kind == "mcp-tools":
        return {t["name"]: t["inputSchema"] for t in data["tools"]}
    raise ValueError(f"{name} is not a tool list")


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace every local ``#/$defs/...`` reference by a copy of its target (no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            assert set(node) == {"$ref"}, f"$ref with siblings: {node}"
            target = node["$ref"].removeprefix("#/$defs/")
            return inline_refs(copy.deepcopy(defs[target]), defs)
        return {key: inline_refs(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, defs) for item in node]
    return node


def seed_to_rewritten(instance: dict[str, Any]) -> dict[str, Any]:
    """Map a seed instance forward: drop each call's reason, hoist the first one to the top."""
    calls = instance["tool_calls"]
    return {
        "one_liner_internal_thought": calls[0]["reason"],
        "tool_calls": [{k: v for k, v in call.items() if k != "reason"} for call in calls],
    }


def call_variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool-call item schemas of a function-calling sample, with refs inlined."""
    defs = schema.get("$defs", {})
    items = schema["properties"]["tool_calls"]["items"]
    return [inline_refs(variant, defs) for variant in items["anyOf"]]


# --- every sample is well-formed -------------------------------------------------------


def test_the_sample_list_covers_every_schema_file_in_the_samples_folder() -> None:
    on_disk = {
        str(path.relative_to(SAMPLES))
        for path in SAMPLES.rglob("*")
        if path.suffix in {".json", ".yaml", ".yml"} and INSTANCES not in path.parents
    }
    assert on_disk == set(SAMPLE_KINDS)


@pytest.mark.parametrize("name", list(SAMPLE_KINDS))
def test_sample_file_parses(name: str) -> None:
    assert load_sample(name)


@pytest.mark.parametrize("name", RAW_SCHEMA_SAMPLES)
def test_raw_schema_sample_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(load_sample(name))


@pytest.mark.parametrize("name", TOOL_LIST_SAMPLES)
def test_every_tool_parameter_schema_is_a_valid_object_schema(name: str) -> None:
    schemas = tool_schemas(name)
    assert len(schemas) >= 3
    for tool, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object", tool
        assert set(schema.get("required", [])) <= set(schema["properties"]), tool


def test_anthropic_tools_file_is_hand_maintained_yaml_with_comments() -> None:
    text = (SAMPLES / "anthropic_tools.yaml").read_text(encoding="utf-8")
    assert any(line.lstrip().startswith("#") for line in text.splitlines())


# --- every instance is valid -----------------------------------------------------------


@pytest.mark.parametrize("name", list(SAMPLE_KINDS))
def test_each_sample_has_three_instances_one_json_document_per_line(name: str) -> None:
    lines = instances_path(name).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line in lines:
        json.loads(line)


@pytest.mark.parametrize("name", RAW_SCHEMA_SAMPLES)
def test_every_instance_validates_against_its_raw_schema(name: str) -> None:
    check = validator(load_sample(name))
    for instance in load_instances(name):
        errors = [e.message for e in check.iter_errors(instance)]
        assert not errors, f"{name}: {errors}"


@pytest.mark.parametrize("name", TOOL_LIST_SAMPLES)
def test_every_tool_call_instance_validates_against_the_named_tools_parameters(name: str) -> None:
    schemas = tool_schemas(name)
    for instance in load_instances(name):
        assert set(instance) == {"name", "arguments"}
        assert instance["name"] in schemas, instance["name"]
        check = validator(schemas[instance["name"]])
        errors = [e.message for e in check.iter_errors(instance["arguments"])]
        assert not errors, f"{name}/{instance['name']}: {errors}"


@pytest.mark.parametrize("name", TOOL_LIST_SAMPLES)
def test_tool_list_instances_exercise_three_different_tools(name: str) -> None:
    assert len({instance["name"] for instance in load_instances(name)}) == 3


@pytest.mark.parametrize("name", list(SAMPLE_KINDS))
def test_some_instance_string_contains_an_escaped_quote_or_newline(name: str) -> None:
    raw = instances_path(name).read_text(encoding="utf-8")
    assert '\\"' in raw or "\\n" in raw


# --- the function-calling seed has the exllamav2 #486 shape ----------------------------


def test_seed_offers_six_tools_through_refs_into_defs() -> None:
    seed = load_sample("function_calling_seed.json")
    variants = seed["properties"]["tool_calls"]["items"]["anyOf"]
    assert len(variants) == 6
    assert all(set(variant) == {"$ref"} for variant in variants)
    assert {"location", "datetime", "email_address", "person", "money"} <= set(seed["$defs"])


def test_seed_calls_state_a_plain_free_text_reason_before_the_tool_name() -> None:
    for call in call_variants(load_sample("function_calling_seed.json")):
        assert list(call["properties"]) == ["reason", "name", "arguments"]
        assert call["required"] == ["reason", "name", "arguments"]
        reason = call["properties"]["reason"]
        assert reason["type"] == "string"
        assert not {"maxLength", "minLength", "pattern", "enum", "format"} & set(reason)


# --- the rewritten twin is a faithful rewrite of the seed ------------------------------


def test_rewritten_twin_has_no_refs_left() -> None:
    text = (SAMPLES / "function_calling_rewritten.json").read_text(encoding="utf-8")
    assert "$ref" not in text
    assert "$defs" not in text


def test_rewritten_twin_asks_for_one_thought_first_then_the_calls() -> None:
    twin = load_sample("function_calling_rewritten.json")
    assert list(twin["properties"]) == ["one_liner_internal_thought", "tool_calls"]
    assert twin["required"] == ["one_liner_internal_thought", "tool_calls"]
    assert twin["properties"]["one_liner_internal_thought"]["type"] == "string"


def test_rewritten_twin_calls_name_the_tool_before_its_arguments() -> None:
    for call in call_variants(load_sample("function_calling_rewritten.json")):
        assert list(call["properties"]) == ["name", "arguments"]
        assert call["required"] == ["name", "arguments"]


def test_rewritten_twin_arguments_are_exactly_the_inlined_seed_arguments() -> None:
    seed_calls = call_variants(load_sample("function_calling_seed.json"))
    twin_calls = call_variants(load_sample("function_calling_rewritten.json"))
    seed_by_tool = {c["properties"]["name"]["const"]: c["properties"] for c in seed_calls}
    twin_by_tool = {c["properties"]["name"]["const"]: c["properties"] for c in twin_calls}
    assert list(seed_by_tool) == list(twin_by_tool)
    for tool, seed_props in seed_by_tool.items():
        assert twin_by_tool[tool]["arguments"] == seed_props["arguments"], tool


def test_rewritten_twin_keeps_the_seeds_top_level_and_array_constraints() -> None:
    seed = load_sample("function_calling_seed.json")
    twin = load_sample("function_calling_rewritten.json")
    assert twin["additionalProperties"] == seed["additionalProperties"]
    for key in ("type", "minItems", "maxItems"):
        assert twin["properties"]["tool_calls"][key] == seed["properties"]["tool_calls"][key]


@pytest.mark.parametrize("index", range(3))
def test_seed_instance_mapped_forward_is_a_valid_rewritten_instance(index: int) -> None:
    seed_instance = load_instances("function_calling_seed.json")[index]
    twin = validator(load_sample("function_calling_rewritten.json"))
    mapped = seed_to_rewritten(seed_instance)
    assert not [e.message for e in twin.iter_errors(mapped)]


@pytest.mark.parametrize("index", range(3))
def test_seed_rejects_instances_of_the_rewritten_twin(index: int) -> None:
    twin_instance = load_instances("function_calling_rewritten.json")[index]
    seed = validator(load_sample("function_calling_seed.json"))
    assert not seed.is_valid(twin_instance)


@pytest.mark.parametrize("index", range(3))
def test_seed_rejects_its_own_instances_mapped_forward(index: int) -> None:
    seed_instance = load_instances("function_calling_seed.json")[index]
    seed = validator(load_sample("function_calling_seed.json"))
    assert seed.is_valid(seed_instance)
    assert not seed.is_valid(seed_to_rewritten(seed_instance))


# --- each pathological sample has exactly the shape it is named after ------------------


def test_reason_maxlength_sample_caps_the_reason_in_exactly_one_of_three_branches() -> None:
    schema = load_sample("pathological/reason_maxlength_one_branch.json")
    branches = schema["properties"]["tool_call"]["anyOf"]
    assert len(branches) == 3
    for branch in branches:
        assert list(branch["properties"]) == ["reason", "name", "arguments"]
    capped = [b for b in branches if "maxLength" in b["properties"]["reason"]]
    assert len(capped) == 1
    assert capped[0]["properties"]["reason"]["maxLength"] == 300


def test_pattern_strings_sample_mixes_prose_patterns_with_a_fixed_format_id() -> None:
    props = load_sample("pathological/pattern_strings.json")["properties"]
    assert props["summary"]["pattern"] == "^.+$"
    assert props["customer_name"]["pattern"] == "^[A-Za-z0-9 .,'-]+$"
    assert props["order_id"]["pattern"] == "^[A-Z]{3}-[0-9]{6}$"


def test_enum_or_free_string_sample_accepts_both_listed_and_unlisted_priorities() -> None:
    schema = load_sample("pathological/enum_or_free_string.json")
    branches = schema["properties"]["priority"]["anyOf"]
    assert branches == [
        {"type": "string", "enum": ["low", "medium", "high", "urgent"]},
        {"type": "string"},
    ]
    listed = {"low", "medium", "high", "urgent"}
    priorities = {i["priority"] for i in load_instances("pathological/enum_or_free_string.json")}
    assert priorities & listed, "no instance uses a listed priority"
    assert priorities - listed, "no instance uses a free-text priority"


def test_free_dict_sample_passes_arguments_through_an_open_object() -> None:
    schema = load_sample("pathological/free_dict.json")
    args = schema["properties"]["args"]
    assert args == {**args, "type": "object", "additionalProperties": True}
    assert "properties" not in args
    assert schema["required"] == ["tool", "args"]
