"""The walk plan: instances that together reach every tool, every union branch and every
optional property, steered through ``$ref``s, in the order the budget should spend itself."""

from __future__ import annotations

import copy
import json
from typing import Any

from schemalint.load.kinds import normalise
from schemalint.measure.generator import Steering, generate_instance
from schemalint.measure.locate import reached_by_path
from schemalint.measure.plan import (
    FINDING,
    Goal,
    coverage,
    coverage_goals,
    key_first,
    make_plan,
    route,
    tool_branches,
    tool_goals,
    walkable,
)
from tests.conftest import SAMPLES
from tests.measure.samples import SAMPLE_FILES, analysed, errors, sample


def twenty_tools() -> Any:
    """The OpenAI sample's tools, copied under new names until there are 20."""
    tools = json.loads((SAMPLES / "openai_tools.json").read_text(encoding="utf-8"))
    listed = []
    for number in range(20):
        tool = copy.deepcopy(tools[number % len(tools)])
        tool["function"]["name"] = f"{tool['function']['name']}_{number}"
        listed.append(tool)
    return listed


def full_plan(name: str) -> tuple[Any, Any]:
    analysis = sample(name)
    tools = tool_branches(analysis)
    return analysis, make_plan(analysis, tool_goals(analysis, tools) + coverage_goals(analysis))


def test_the_seed_plan_walks_all_six_tools_and_every_subschema() -> None:
    analysis, plan = full_plan("function_calling_seed.json")
    walked = {p for walk in plan.walks for p in walk.reached}
    covered = coverage(analysis, tool_branches(analysis), walked)
    assert covered.tools == (6, 6)
    assert covered.subschemas[0] == covered.subschemas[1] > 90
    assert plan.unreachable == []


def test_every_planned_instance_of_every_sample_is_valid() -> None:
    for name in SAMPLE_FILES:
        analysis, plan = full_plan(name)
        assert plan.walks, name
        for walk in plan.walks:
            assert errors(analysis.schema, walk.instance) == [], (name, walk.label)


def test_a_twenty_tool_list_is_planned_as_twenty_walks_of_one_call_each() -> None:
    normalised = normalise(twenty_tools())
    analysis = analysed(normalised.schema)
    tools = [(f"/anyOf/{i}", tool.name) for i, tool in enumerate(normalised.tools)]
    plan = make_plan(analysis, tool_goals(analysis, tools) + coverage_goals(analysis))
    names = [walk.instance["name"] for walk in plan.walks]
    assert sorted(names) == sorted(tool.name for tool in normalised.tools)
    walked = {p for walk in plan.walks for p in walk.reached}
    assert coverage(analysis, tools, walked).complete


def test_tools_come_before_the_other_goals_and_findings_before_tools() -> None:
    analysis = sample("openai_tools.json")
    tools = tool_goals(analysis, tool_branches(analysis))
    finding = Goal("/anyOf/3/properties/arguments/properties/summary", FINDING, "SL201")
    plan = make_plan(analysis, coverage_goals(analysis) + tools + [finding])
    assert plan.walks[0].goals[0] == finding
    assert [walk.goals[0].kind for walk in plan.walks[1:4]] == ["tool"] * 3


def test_a_branch_behind_a_ref_is_reached_through_the_ref() -> None:
    schema = {
        "type": "object",
        "properties": {"shape": {"$ref": "#/$defs/shape"}},
        "required": ["shape"],
        "$defs": {
            "shape": {
                "anyOf": [
                    {"type": "object", "properties": {"r": {"type": "number"}}, "required": ["r"]},
                    {"type": "object", "properties": {"w": {"type": "number"}}, "required": ["w"]},
                ]
            }
        },
    }
    analysis = analysed(schema)
    assert route(analysis, "/$defs/shape/anyOf/1/properties/w") == Steering(
        {"/$defs/shape/anyOf": 1},
        frozenset({"/properties/shape", "/$defs/shape/anyOf/1/properties/w"}),
    )
    for branch in (0, 1):
        steering = route(analysis, f"/$defs/shape/anyOf/{branch}")
        instance = generate_instance(analysis, seed=0, steering=steering)
        reached = {p for parts in reached_by_path(analysis, instance).values() for p in parts}
        assert f"/$defs/shape/anyOf/{branch}" in reached


def test_an_unreferenced_definition_has_no_route() -> None:
    analysis = analysed({"type": "string", "$defs": {"unused": {"type": "integer"}}})
    assert route(analysis, "/$defs/unused") is None


def test_every_optional_property_is_written_by_some_walk() -> None:
    analysis, plan = full_plan("mcp_tools.json")
    optional = [g.pointer for g in coverage_goals(analysis) if g.kind == "optional property"]
    walked = {p for walk in plan.walks for p in walk.reached}
    assert optional and set(optional) <= walked


def test_key_first_writes_the_field_before_the_discriminator() -> None:
    analysis = sample("openai_tools.json")
    field = "/anyOf/3/properties/arguments/properties/summary"
    instance = generate_instance(analysis, steering=route(analysis, field))
    moved = key_first(analysis, instance, reached_by_path(analysis, instance), field)
    assert list(instance) == ["name", "arguments"]
    assert list(moved) == ["arguments", "name"] and moved == instance


def test_coverage_names_the_tools_and_subschemas_no_walk_reached() -> None:
    analysis = sample("openai_tools.json")
    tools = tool_branches(analysis)
    only_first = {p for p in walkable(analysis) if not p.startswith(("/anyOf/1", "/anyOf/2"))}
    covered = coverage(analysis, tools, only_first)
    assert covered.tools == (2, 4)
    assert covered.missed_tools == ("issue_refund", "update_shipping_address")
    assert covered.line().startswith("measured 2/4 tools, ")
    assert "not walked: tools issue_refund, update_shipping_address" in covered.line()
    assert covered.to_json()["tools"] == {"walked": 2, "total": 4}


def test_a_plain_schema_has_no_tools_in_its_coverage() -> None:
    analysis = analysed({"type": "object", "properties": {"a": {"type": "string"}}})
    covered = coverage(analysis, None, set(walkable(analysis)))
    assert covered.tools is None and covered.complete
    assert covered.to_json() == {"tools": None, "subschemas": {"walked": 2, "total": 2}}


def test_a_prose_goal_writes_a_sentence_into_a_patterned_string_that_admits_one() -> None:
    schema = {
        "type": "object",
        "properties": {"note": {"type": "string", "pattern": "^$|^(?:\\S+\\s+){0,99}\\S+$"}},
        "required": ["note"],
    }
    analysis = analysed(schema)
    plan = make_plan(analysis, [Goal("/properties/note", FINDING, "SL203", prose=True)])
    note = plan.walks[0].instance["note"]
    assert len(note.split()) > 3 and errors(schema, plan.walks[0].instance) == []


def test_a_before_decision_goal_under_strict_order_is_quoted_in_place() -> None:
    call = {
        "type": "object",
        "properties": {"reason": {"type": "string"}, "name": {"const": "a"}},
        "required": ["reason", "name"],
    }
    analysis = analysed(
        {"anyOf": [call, {**call, "properties": {**call["properties"], "name": {"const": "b"}}}]}
    )
    goal = Goal("/anyOf/0/properties/reason", FINDING, "SL206", quoted=True)
    (walk,) = make_plan(analysis, [goal]).walks[:1]
    assert list(walk.instance) == ["reason", "name"]  # the declared order: nothing moved
    assert walk.instance["reason"].endswith('("as asked")')
