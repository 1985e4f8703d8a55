"""rewrite --target T --unsafe-fixes makes a schema acceptable to T wherever a rewrite can:
afterwards check --target T reports nothing that blocks acceptance but what no rewrite fixes
(a union at the root, a size limit, recursion)."""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

import schemalint
from schemalint.load.kinds import normalise
from schemalint.rules import RULES
from tests.conftest import CORPUS, SAMPLES

TARGETS = ("xgrammar", "llguidance", "outlines", "vllm", "openai", "anthropic", "gemini")
LOCAL_ENGINES = ("xgrammar", "llguidance", "outlines")
#: Findings no rewrite can cure: the schema must change shape, or be split over requests.
UNFIXABLE = frozenset(
    code for code, rule in RULES.items() if rule.effect in ("refused", "limit") and not rule.fix
)
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".json", ".yaml"))
SAMPLE_FILES = [p for p in SAMPLE_FILES if "instances" not in p.parts]


def blocking_after_rewrite(source: object, target: str) -> set[str]:
    done = schemalint.rewrite(source, target=target, unsafe_fixes=True)
    assert done.refused is None
    result = schemalint.check(done.data, target=target)
    (verdict,) = result.files[0].verdicts()
    return {finding.code for finding in [*verdict.refused, *verdict.limits]}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_a_rewritten_sample_is_accepted_or_blocked_only_by_what_no_rewrite_fixes(
    path: Path, target: str
) -> None:
    assert blocking_after_rewrite(path, target) <= UNFIXABLE


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "Glaiveai2K").is_dir(), reason="Glaive corpus absent")
@pytest.mark.parametrize("target", TARGETS)
def test_every_rewritten_glaive_tool_schema_is_accepted_or_unfixable(target: str) -> None:
    left = {}
    for path in sorted((CORPUS / "Glaiveai2K").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        blocking = blocking_after_rewrite(schema, target)
        if blocking - UNFIXABLE:
            left[path.name] = sorted(blocking - UNFIXABLE)
    assert left == {}


@pytest.mark.skipif(
    importlib.util.find_spec("xgrammar") is None, reason="the engines are not installed"
)
@pytest.mark.parametrize("engine", LOCAL_ENGINES)
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_a_rewritten_sample_the_check_accepts_compiles_in_the_real_engine(
    path: Path, engine: str
) -> None:
    done = schemalint.rewrite(path, target=engine, unsafe_fixes=True)
    (verdict,) = schemalint.check(done.data, target=engine).files[0].verdicts()
    module = importlib.import_module(f"schemalint.engines.{engine}")
    assert verdict.accepted == (module.refusal(normalise(done.data).schema) == "")


def test_openai_s_rewrite_makes_optional_properties_required_and_nullable() -> None:
    schema = {
        "type": "object",
        "properties": {"q": {"type": "string"}, "limit": {"type": "integer"}},
        "required": ["q"],
    }
    done = schemalint.rewrite(schema, target="openai", unsafe_fixes=True)
    assert done.data == {
        "type": "object",
        "properties": {"q": {"type": "string"}, "limit": {"type": ["integer", "null"]}},
        "required": ["q", "limit"],
        "additionalProperties": False,
    }
    # The trade the rewrite states: a call that left `limit` out now writes null instead.
    jsonschema.validate({"q": "x", "limit": None}, done.data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"q": "x"}, done.data)


def test_unsupported_constraints_move_into_the_description() -> None:
    schema = {"type": "string", "description": "A name.", "minLength": 2, "maxLength": 40}
    wrapped = {"type": "object", "properties": {"name": schema}, "required": ["name"]}
    done = schemalint.rewrite(wrapped, target="anthropic", unsafe_fixes=True)
    name = done.data["properties"]["name"]
    assert name == {
        "type": "string",
        "description": "A name. (not enforced: minLength: 2; maxLength: 40)",
    }


def test_target_rewrites_are_unsafe_and_need_unsafe_fixes() -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}}
    assert not schemalint.rewrite(schema, target="openai").changed


def test_a_schema_written_to_openai_s_rules_reports_nothing_at_medium_or_above() -> None:
    strict = {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "City and country"},
            "unit": {"type": ["string", "null"], "enum": ["celsius", "fahrenheit", None]},
        },
        "required": ["location", "unit"],
        "additionalProperties": False,
    }
    tools = [
        {
            "type": "function",
            "function": {"name": "get_weather", "strict": True, "parameters": strict},
        }
    ]
    result = schemalint.check(tools, target="openai")
    assert [f.code for f in result.findings if f.severity.label in ("medium", "high")] == []
    assert result.files[0].verdicts()[0].accepted


def test_gemini_s_rewrite_merges_a_ref_with_its_siblings_where_that_keeps_the_meaning() -> None:
    schema = {
        "type": "object",
        "properties": {
            "price": {"$ref": "#/$defs/amount", "maximum": 1000, "description": "In euros."},
            "tax": {"$ref": "#/$defs/amount", "minimum": 1},
            "box": {"$ref": "#/$defs/box", "additionalProperties": False},
        },
        "$defs": {
            "amount": {"type": "number", "minimum": 0, "description": "An amount."},
            "box": {"type": "object", "properties": {"w": {"type": "number"}}},
        },
    }
    done = schemalint.rewrite(schema, target="gemini", unsafe_fixes=True)
    properties = done.data["properties"]
    assert properties["price"] == {
        "type": "number",
        "minimum": 0,
        "maximum": 1000,
        "description": "In euros.",
    }
    # Both set minimum, and additionalProperties depends on the definition's properties.
    assert properties["tax"] == schema["properties"]["tax"]
    assert properties["box"] == schema["properties"]["box"]
    before, after = (
        jsonschema.Draft202012Validator(schema),
        jsonschema.Draft202012Validator(done.data),
    )
    for price in (-1, 0, 999, 1000, 1001):
        instance = {"price": price}
        assert before.is_valid(instance) == after.is_valid(instance)
