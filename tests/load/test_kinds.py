"""Document kinds: tool lists become the tool-call union a pipeline constrains with, and every
pointer of that union maps back to the user's file."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from schemalint.load.kinds import NotASchema, normalise
from tests.conftest import SAMPLES, SEED, TWIN


def load(name: str) -> Any:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("openai_tools.json", "openai-tools"),
        ("anthropic_tools.yaml", "anthropic-tools"),
        ("mcp_tools.json", "mcp-tools"),
        ("function_calling_seed.json", "function-calling"),
        ("function_calling_rewritten.json", "function-calling"),
        ("pathological/pattern_strings.json", "json-schema"),
    ],
)
def test_samples_are_recognised(name: str, kind: str) -> None:
    assert normalise(load(name)).kind == kind


def test_openai_tools_become_a_union_of_tool_calls() -> None:
    data = load("openai_tools.json")
    normalised = normalise(data)
    branches = normalised.schema["anyOf"]
    assert [b["properties"]["name"] for b in branches] == [
        {"const": tool["function"]["name"]} for tool in data
    ]
    assert branches[0]["properties"]["arguments"] == data[0]["function"]["parameters"]
    assert branches[0]["required"] == ["name", "arguments"]


def test_union_pointers_map_back_to_the_file() -> None:
    normalised = normalise(load("openai_tools.json"))
    to_source = normalised.to_source
    assert (
        to_source("/anyOf/1/properties/arguments/properties/x")
        == "/1/function/parameters/properties/x"
    )
    assert to_source("/anyOf/2/properties/name") == "/2/function/name"
    assert to_source("/anyOf/2") == "/2"
    assert to_source("/anyOf") == ""


def test_wrapped_tool_lists_keep_their_prefix() -> None:
    mcp = normalise(
        {
            "tools": [
                {"name": "a", "inputSchema": {"type": "object"}},
                {"name": "b", "inputSchema": {}},
            ]
        }
    )
    assert mcp.kind == "mcp-tools"
    assert mcp.to_source("/anyOf/1/properties/arguments") == "/tools/1/inputSchema"
    rpc = normalise({"jsonrpc": "2.0", "result": {"tools": [{"name": "a", "inputSchema": {}}]}})
    assert rpc.to_source("/properties/arguments/type") == "/result/tools/0/inputSchema/type"


def test_a_single_tool_is_the_call_object_itself() -> None:
    normalised = normalise([{"name": "a", "input_schema": {"type": "object"}}])
    assert "anyOf" not in normalised.schema
    assert normalised.to_source("/properties/arguments") == "/0/input_schema"
    assert normalised.to_source("") == "/0"


def test_tool_definitions_are_hoisted_and_refs_follow_them() -> None:
    tool = {
        "name": "book",
        "input_schema": {
            "type": "object",
            "properties": {
                "who": {"$ref": "#/$defs/person"},
                "again": {"$ref": "#/properties/who"},
            },
            "$defs": {"person": {"type": "object", "properties": {"n": {"type": "string"}}}},
        },
    }
    normalised = normalise([tool, {"name": "other", "input_schema": {"type": "object"}}])
    arguments = normalised.schema["anyOf"][0]["properties"]["arguments"]
    assert "$defs" not in arguments
    assert arguments["properties"]["who"] == {"$ref": "#/$defs/book.person"}
    assert arguments["properties"]["again"] == {
        "$ref": "#/anyOf/0/properties/arguments/properties/who"
    }
    assert normalised.schema["$defs"]["book.person"]["type"] == "object"
    assert (
        normalised.to_source("/$defs/book.person/properties/n")
        == "/0/input_schema/$defs/person/properties/n"
    )


def test_normalising_never_changes_the_input() -> None:
    data = load("mcp_tools.json")
    before = json.dumps(data)
    normalise(data)
    assert json.dumps(data) == before


def test_raw_schemas_map_to_themselves() -> None:
    normalised = normalise(json.loads(SEED.read_text()))
    assert normalised.to_source("/$defs/person") == "/$defs/person"
    assert normalise(json.loads(TWIN.read_text())).tools == []


@pytest.mark.parametrize(
    ("data", "message", "pointer"),
    [
        (42, "not a schema: the top-level value is a number", ""),
        ("x", "not a schema: the top-level value is a string", ""),
        ([], "empty tools list", ""),
        ([1, 2], "not a tools list: entry is not an object", "/0"),
        (
            [{"foo": 1}],
            "not a tools list: entry has no function, input_schema or inputSchema",
            "/0",
        ),
        (
            {"name": "pkg", "version": "1"},
            "not a schema: no JSON Schema keyword at the top level",
            "",
        ),
        ([{"type": "function", "function": {"parameters": {}}}], "tool has no name", "/0/function"),
        (
            [{"name": "a", "input_schema": {}}, {"name": "b", "inputSchema": {}}],
            "tools list mixes formats: anthropic-tools, mcp-tools",
            "",
        ),
    ],
)
def test_what_is_not_a_schema_says_why(data: Any, message: str, pointer: str) -> None:
    with pytest.raises(NotASchema) as caught:
        normalise(data)
    assert str(caught.value) == message and caught.value.pointer == pointer


def test_boolean_and_empty_schemas_are_schemas() -> None:
    assert normalise(True).kind == "json-schema"
    assert normalise({}).kind == "json-schema"
