"""The local-engine rule pages state facts about the pinned engines: each page's example is
compiled in the real engine and behaves as the page says (refused; compiled but letting an
invalid instance through; refusing a valid one; compiled). The cost the cost rules state is
measured by benchmarks/targets.py, not here."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
from typing import Any

import jsonschema
import pytest

from schemalint.analysis import analyse
from schemalint.checks.local import vllm
from schemalint.engines import load_engine
from schemalint.engines.base import vocabulary
from schemalint.lmfe import detect_settings
from schemalint.tokenizers import Tokenizer, load_tokenizer
from tests.test_docs import json_blocks, rule_page

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("xgrammar", "llguidance")),
    reason="the engines are not installed (pip install 'schemalint[engines]')",
)

#: What each page's example shows in its engine.
BEHAVIOUR = {
    "SE101": "refused",
    "SE102": "lets an invalid instance through",
    "SE103": "compiled",
    "SE201": "refused",
    "SE202": "refuses a valid instance",
    "SE301": "refused",
    "SE302": "lets an invalid instance through",
    "SE303": "compiled",
    "SE402": "refused",
    "SE403": "lets an invalid instance through",
    "SE404": "compiled",
}
ENGINE_OF_GROUP = {"SE1": "xgrammar", "SE2": "llguidance", "SE3": "outlines"}
#: vLLM's backend names -> our engine adapters.
VLLM_BACKENDS = {"xgrammar": "xgrammar", "guidance": "llguidance", "outlines": "outlines"}


@functools.cache
def tokenizer() -> Tokenizer:
    return load_tokenizer()


@functools.cache
def prepared(engine: str) -> Any:
    return load_engine(engine).prepare(tokenizer())


def refusal(engine: str, schema: Any) -> str:
    module = importlib.import_module(f"schemalint.engines.{engine}")
    return str(module.refusal(schema))


def takes(engine: str, schema: Any, instance: Any) -> bool:
    """Whether the engine lets the model write ``instance`` (compact JSON) and stop there."""
    matcher = load_engine(engine).compile(schema, prepared(engine))
    for token in vocabulary(tokenizer()).encode(json.dumps(instance, separators=(",", ":"))):
        matcher.fill()
        if token not in matcher.mask() or not matcher.advance(token):
            return False
    matcher.fill()
    return any(eos in matcher.mask() for eos in tokenizer().eos_ids)


def engine_for(code: str, schema: Any) -> str:
    if code.startswith("SE4"):
        name, _ = vllm.backend(analyse(schema, detect_settings(None, None)))
        return VLLM_BACKENDS[name]
    return ENGINE_OF_GROUP[code[:3]]


@pytest.mark.parametrize("code", sorted(BEHAVIOUR))
def test_the_page_example_behaves_in_the_real_engine_as_the_page_says(code: str) -> None:
    page = rule_page(code) or ""
    schema, *instance = json_blocks(page, "Example")
    (use_instead,) = json_blocks(page, "Use instead")
    engine = engine_for(code, schema)
    behaviour = BEHAVIOUR[code]
    assert refusal(engine, use_instead) == ""
    if behaviour == "refused":
        assert refusal(engine, schema) != ""
        return
    assert refusal(engine, schema) == ""
    if behaviour == "lets an invalid instance through":
        assert not jsonschema.Draft202012Validator(schema).is_valid(instance[0])
        assert takes(engine, schema, instance[0])
    elif behaviour == "refuses a valid instance":
        assert jsonschema.Draft202012Validator(schema).is_valid(instance[0])
        assert not takes(engine, schema, instance[0])


def test_the_engine_takes_a_valid_instance_of_the_use_instead_schema() -> None:
    """The walk itself is sound: a valid instance of a plain schema goes through each engine."""
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    for engine in ENGINE_OF_GROUP.values():
        assert takes(engine, schema, {"n": 12})
        assert not takes(engine, schema, {"n": "x"})


def test_the_refused_keywords_are_exactly_llguidance_s_unimplemented_keys() -> None:
    from schemalint.checks.local.llguidance import UNIMPLEMENTED
    from schemalint.load.kinds import SCHEMA_KEYWORDS

    probe = {keyword: _value_of(keyword) for keyword in SCHEMA_KEYWORDS | UNIMPLEMENTED}
    refused = {
        keyword
        for keyword, value in probe.items()
        if refusal("llguidance", {"type": "object", "properties": {"x": {keyword: value}}})
    }
    assert refused == UNIMPLEMENTED


@pytest.mark.parametrize("engine", ["xgrammar", "llguidance", "outlines"])
def test_each_engine_takes_exactly_the_formats_its_rules_name(engine: str) -> None:
    from schemalint.checks.local import llguidance, outlines, xgrammar

    known = {"xgrammar": xgrammar, "llguidance": llguidance, "outlines": outlines}[engine].FORMATS
    candidates = known | {"binary", "byte", "int32", "password", "regex", "iri", "idn-email"}
    taken = {name for name in candidates if not refusal(engine, {"type": "string", "format": name})}
    if engine == "xgrammar":  # it refuses none: it drops the ones it does not know (SE102)
        assert taken == candidates
    else:
        assert taken == known


def _value_of(keyword: str) -> Any:
    """A value of the right shape for each keyword, as a schema author writes it."""
    schemas = {"not", "if", "then", "else", "contains", "propertyNames", "items"}
    schemas |= {"additionalProperties", "unevaluatedProperties", "unevaluatedItems"}
    schemas |= {"additionalItems", "contentSchema"}
    if keyword in schemas:
        return {"type": "string"}
    values: dict[str, Any] = {
        "uniqueItems": True,
        "minContains": 1,
        "maxContains": 2,
        "multipleOf": 2,
        "dependentRequired": {"a": ["b"]},
        "dependentSchemas": {"a": {"required": ["b"]}},
        "dependencies": {"a": ["b"]},
        "patternProperties": {"^a": {}},
        "required": [],
        "properties": {},
        "prefixItems": [{}],
        "enum": [1],
        "const": 1,
        "allOf": [{}],
        "anyOf": [{}],
        "oneOf": [{}],
        "$defs": {},
        "definitions": {},
        "$ref": "#",
        "$id": "http://example.com/s",
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$anchor": "a",
        "$dynamicRef": "#a",
        "$dynamicAnchor": "a",
        "$recursiveRef": "#",
        "$recursiveAnchor": True,
        "$vocabulary": {},
        "type": "integer",
        "format": "date",
        "pattern": "a",
        "contentEncoding": "base64",
        "contentMediaType": "text/plain",
        "examples": [1],
        "default": 1,
        "title": "t",
        "description": "d",
        "$comment": "c",
    }
    return values.get(keyword, 1)


REFUSING_RULES = {"SE101": "xgrammar", "SE201": "llguidance", "SE301": "outlines"}


def _refusal_cases() -> list[Any]:
    import yaml

    from tests.checks.test_rule_cases import CASES

    found = []
    for code, engine in REFUSING_RULES.items():
        spec = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
        for case in spec["cases"]:
            found.append(pytest.param(engine, case, id=f"{code}-{case['name']}"))
    return found


@pytest.mark.parametrize(("engine", "case"), _refusal_cases())
def test_each_refusal_case_is_what_the_real_engine_does(engine: str, case: dict[str, Any]) -> None:
    """A case the rule fails is refused by the engine; a case it passes is compiled."""
    refused = refusal(engine, case["schema"])
    assert bool(refused) == ("fail" in case), refused
