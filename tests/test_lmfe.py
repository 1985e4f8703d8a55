"""Measure what the installed lm-format-enforcer (LMFE) does with each shape schemalint flags.

Every rule in ``schemalint.lmfe`` claims something about LMFE; this module checks the claim
against the real library, character by character, with no tokenizer and no mocks:

* ``IGNORED_CASES``: for each keyword in ``IGNORED_KEYWORDS``, an instance that
  ``jsonschema`` rejects *because of that keyword* (dropping the keyword makes it valid)
  and that LMFE nevertheless lets the model write to the end.
* ``BREAKING_SHAPES``: shapes on which LMFE rejects a valid instance, accepts an invalid
  one, or raises; plus a few controls that work, so the table records the true behaviour.

The instance is serialised with ``json.dumps`` (``", "`` and ``": "`` separators), roughly
what a model writes.  Instances are tiny: some LMFE shapes are slow.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pytest

lmformatenforcer = pytest.importorskip("lmformatenforcer")

from jsonschema import Draft202012Validator  # noqa: E402
from lmformatenforcer import (  # noqa: E402
    JsonSchemaParser,
    LMFormatEnforcerException,
    TokenEnforcer,
    TokenEnforcerTokenizerData,
)
from lmformatenforcer.characterlevelparser import CharacterLevelParserConfig  # noqa: E402
from lmformatenforcer.consts import COMPLETE_ALPHABET, WHITESPACE_CHARACTERS  # noqa: E402

from schemalint.lmfe import IGNORED_KEYWORDS, REFERENCE_VERSION, installed_version  # noqa: E402

# LMFE's defaults, spelled out so LMFE_* environment variables cannot change the results.
CONFIG = CharacterLevelParserConfig(
    alphabet=COMPLETE_ALPHABET,
    max_consecutive_whitespaces=12,
    force_json_field_order=False,
    max_json_array_length=20,
)


# --------------------------------------------------------------------------- helpers


class Stage(StrEnum):
    """Where an LMFE run over a text ended."""

    ACCEPTED = "accepted"  # every character allowed and can_end() at the end
    INCOMPLETE = "incomplete"  # every character allowed but can_end() is False
    REJECTED = "rejected"  # a character was not in get_allowed_characters()
    STUCK = "stuck"  # get_allowed_characters() was empty before the text ended
    RAISED_CONSTRUCT = "raised_construct"  # JsonSchemaParser(schema) raised
    RAISED = "raised"  # get_allowed_characters() / add_character() / can_end() raised


@dataclass(frozen=True)
class LmfeRun:
    stage: Stage
    #: Text consumed before the run stopped (the whole text when it did not stop).
    prefix: str
    error: BaseException | None = None
    allowed: str | None = None  # allowed characters where it was rejected

    @property
    def accepted(self) -> bool:
        return self.stage is Stage.ACCEPTED

    @property
    def raised(self) -> bool:
        return self.stage in (Stage.RAISED, Stage.RAISED_CONSTRUCT)

    def describe(self) -> str:
        if self.raised:
            return f"{self.stage.value} after {self.prefix!r}: {self.error!r}"
        if self.stage in (Stage.REJECTED, Stage.STUCK):
            return f"{self.stage.value} after {self.prefix!r}, allowed {self.allowed!r}"
        return self.stage.value


def serialise(instance: Any) -> str:
    return json.dumps(instance)


def lmfe_run(
    schema: dict[str, Any], text: str, config: CharacterLevelParserConfig = CONFIG
) -> LmfeRun:
    """Feed ``text`` to LMFE's character-level JSON-schema parser and say where it stopped."""
    try:
        parser = JsonSchemaParser(schema, config)
    except Exception as exc:
        return LmfeRun(Stage.RAISED_CONSTRUCT, "", exc)
    for index, char in enumerate(text):
        prefix = text[:index]
        try:
            allowed = parser.get_allowed_characters()
        except Exception as exc:
            return LmfeRun(Stage.RAISED, prefix, exc)
        if not allowed:
            return LmfeRun(Stage.STUCK, prefix, allowed="")
        if char not in allowed:
            return LmfeRun(Stage.REJECTED, prefix, allowed="".join(sorted(set(allowed))))
        try:
            parser = parser.add_character(char)
        except Exception as exc:
            return LmfeRun(Stage.RAISED, prefix, exc)
    try:
        done = parser.can_end()
    except Exception as exc:
        return LmfeRun(Stage.RAISED, text, exc)
    return LmfeRun(Stage.ACCEPTED if done else Stage.INCOMPLETE, text)


def lmfe_accepts(schema: dict[str, Any], instance: Any) -> bool:
    """True when LMFE lets a model write ``json.dumps(instance)`` and then stop."""
    return lmfe_run(schema, serialise(instance)).accepted


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    # ``format`` asserts here: the schema author means it, whatever the vocabulary default.
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    return validator(schema).is_valid(instance)


# --------------------------------------------------------------- A. ignored keywords


@dataclass(frozen=True)
class IgnoredCase:
    """``invalid`` breaks only ``keyword``; LMFE still accepts it. ``valid`` passes both."""

    keyword: str
    schema: dict[str, Any]
    invalid: Any
    valid: Any


# if/then/else share one tagged-object schema: LMFE neither evaluates ``if`` nor applies
# the ``required`` of either branch.
_CONDITIONAL = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "n": {"type": "integer"},
        "m": {"type": "integer"},
    },
    "required": ["kind"],
    "if": {"properties": {"kind": {"const": "a"}}},
    "then": {"required": ["n"]},
    "else": {"required": ["m"]},
}

IGNORED_CASES: dict[str, IgnoredCase] = {
    case.keyword: case
    for case in (
        IgnoredCase("format", {"type": "string", "format": "date"}, "nope", "2024-01-31"),
        IgnoredCase("minimum", {"type": "integer", "minimum": 10}, 3, 10),
        IgnoredCase("maximum", {"type": "integer", "maximum": 10}, 30, 10),
        IgnoredCase("exclusiveMinimum", {"type": "number", "exclusiveMinimum": 0}, 0, 1),
        IgnoredCase("exclusiveMaximum", {"type": "number", "exclusiveMaximum": 1}, 1, 0),
        IgnoredCase("multipleOf", {"type": "integer", "multipleOf": 5}, 7, 10),
        IgnoredCase(
            "uniqueItems",
            {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
            [1, 1],
            [1, 2],
        ),
        IgnoredCase(
            "prefixItems", {"type": "array", "prefixItems": [{"type": "integer"}]}, ["x"], [1]
        ),
        IgnoredCase("not", {"type": "string", "not": {"const": "x"}}, "x", "y"),
        # ``if`` decides that ``then`` applies to kind "a": n is missing.
        IgnoredCase("if", _CONDITIONAL, {"kind": "a", "m": 1}, {"kind": "a", "n": 1}),
        IgnoredCase("then", _CONDITIONAL, {"kind": "a"}, {"kind": "a", "n": 1}),
        IgnoredCase("else", _CONDITIONAL, {"kind": "b"}, {"kind": "b", "m": 1}),
        IgnoredCase(
            "dependentRequired",
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                "dependentRequired": {"a": ["b"]},
            },
            {"a": 1},
            {"a": 1, "b": 2},
        ),
        IgnoredCase(
            "patternProperties",
            {"type": "object", "patternProperties": {"^x_": {"type": "integer"}}},
            {"x_a": "s"},
            {"x_a": 1},
        ),
    )
}


def without(schema: dict[str, Any], keyword: str) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key != keyword}


def test_installed_lmfe_is_the_reference_version() -> None:
    assert installed_version() == REFERENCE_VERSION


def test_every_ignored_keyword_has_exactly_one_case() -> None:
    assert set(IGNORED_CASES) == set(IGNORED_KEYWORDS)


@pytest.mark.parametrize("keyword", IGNORED_KEYWORDS)
def test_ignored_keyword(keyword: str) -> None:
    case = IGNORED_CASES.get(keyword)
    assert case is not None, f"no measured case for ignored keyword {keyword!r}"
    assert keyword in case.schema
    # The truth: the instance is invalid, and only because of this keyword.
    assert not is_valid(case.schema, case.invalid)
    assert is_valid(without(case.schema, keyword), case.invalid)
    assert is_valid(case.schema, case.valid)
    # LMFE: the schema works (valid instance accepted) but the keyword is not enforced.
    assert lmfe_run(case.schema, serialise(case.valid)).accepted
    run = lmfe_run(case.schema, serialise(case.invalid))
    assert run.accepted, f"LMFE enforces {keyword!r}: {run.describe()}"


# ------------------------------------------------------------- B. shapes LMFE breaks on


class Outcome(StrEnum):
    WORKS = "works"  # LMFE agrees with jsonschema on the instance
    REJECTS_VALID = "rejects_valid"  # LMFE forbids a character of a valid instance
    ACCEPTS_INVALID = "accepts_invalid"  # LMFE lets an invalid instance through
    RAISES = "raises"  # LMFE raises on a valid instance


@dataclass(frozen=True)
class Shape:
    name: str
    schema: dict[str, Any]
    instance: Any
    outcome: Outcome
    #: For REJECTS_VALID / RAISES: the text LMFE had consumed when it stopped; None when
    #: ``JsonSchemaParser(schema)`` itself raised.
    stops_after: str | None = None
    #: For RAISES: the exception class.
    error: type[BaseException] | None = None


_DEFS_P = {
    "P": {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "required": ["x"],
    }
}
_ENUM_OR_STRING = {"anyOf": [{"type": "string", "enum": ["red", "green"]}, {"type": "string"}]}
_FREE_FORM_TRUE = {
    "type": "object",
    "properties": {"args": {"type": "object", "additionalProperties": True}},
    "required": ["args"],
}

BREAKING_SHAPES: tuple[Shape, ...] = (
    # oneOf is only understood as a union of *objects*: every branch becomes an object
    # parser, so a scalar is refused at its first character and any object goes through.
    Shape(
        "oneOf_non_object_string",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "x",
        Outcome.REJECTS_VALID,
        stops_after="",
    ),
    Shape(
        "oneOf_non_object_integer",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        3,
        Outcome.REJECTS_VALID,
        stops_after="",
    ),
    Shape(
        "oneOf_non_object_as_property",
        {
            "type": "object",
            "properties": {"v": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
        },
        {"v": "x"},
        Outcome.REJECTS_VALID,
        stops_after='{"v": ',
    ),
    Shape(
        "oneOf_non_object_accepts_object",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"a": 1},
        Outcome.ACCEPTS_INVALID,
    ),
    Shape(
        "oneOf_object_branches",
        {
            "oneOf": [
                {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]},
            ]
        },
        {"b": "x"},
        Outcome.WORKS,
    ),
    # A non-string const becomes a string parser whose allowed "string" is the raw value:
    # str.startswith on an int/bool/None raises AttributeError as soon as it is consulted.
    Shape("const_integer", {"const": 3}, 3, Outcome.RAISES, stops_after="", error=AttributeError),
    Shape(
        "const_true", {"const": True}, True, Outcome.RAISES, stops_after="", error=AttributeError
    ),
    Shape(
        "const_null", {"const": None}, None, Outcome.RAISES, stops_after="", error=AttributeError
    ),
    Shape(
        "const_integer_as_property",
        {"type": "object", "properties": {"n": {"const": 3}}},
        {"n": 3},
        Outcome.RAISES,
        stops_after='{"n":',
        error=AttributeError,
    ),
    Shape("const_string", {"const": "a"}, "a", Outcome.WORKS),
    Shape("const_string_other_value", {"const": "a"}, "b", Outcome.WORKS),
    # With a sibling ``type`` LMFE never looks at ``$ref``: the subschema is just its type.
    Shape(
        "ref_beside_type_object",
        {
            "$defs": _DEFS_P,
            "type": "object",
            "properties": {"p": {"$ref": "#/$defs/P", "type": "object"}},
        },
        {"p": {}},
        Outcome.ACCEPTS_INVALID,
    ),
    Shape(
        "ref_beside_type_string",
        {
            "$defs": {"S": {"type": "string", "enum": ["a", "b"]}},
            "type": "object",
            "properties": {"p": {"$ref": "#/$defs/S", "type": "string"}},
        },
        {"p": "zzz"},
        Outcome.ACCEPTS_INVALID,
    ),
    Shape(
        "ref_without_type",
        {
            "$defs": {"S": {"type": "string", "enum": ["a", "b"]}},
            "type": "object",
            "properties": {"p": {"$ref": "#/$defs/S"}},
        },
        {"p": "zzz"},
        Outcome.WORKS,
    ),
    # $ref is resolved as root[$defs or definitions][last path segment], nothing else.
    Shape(
        "ref_into_properties",
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/properties/a"}},
        },
        {"b": 1},
        Outcome.RAISES,
        stops_after='{"b"',
        error=ValueError,  # "No definitions found in schema"
    ),
    Shape(
        "ref_into_nested_defs",
        {
            "$defs": {"x": {"type": "object", "properties": {"y": {"type": "integer"}}}},
            "type": "object",
            "properties": {"b": {"$ref": "#/$defs/x/properties/y"}},
        },
        {"b": 1},
        Outcome.RAISES,
        stops_after='{"b"',
        error=KeyError,  # definitions["y"]
    ),
    Shape(
        "ref_into_nested_defs_name_collision",
        {
            "$defs": {
                "y": {"type": "string"},
                "x": {"type": "object", "properties": {"y": {"type": "integer"}}},
            },
            "type": "object",
            "properties": {"b": {"$ref": "#/$defs/x/properties/y"}},
        },
        {"b": 1},
        Outcome.REJECTS_VALID,  # silently uses $defs/y (a string) instead
        stops_after='{"b": ',
    ),
    Shape(
        "ref_to_root_without_defs",
        {"type": "object", "properties": {"c": {"type": "array", "items": {"$ref": "#"}}}},
        {"c": []},
        Outcome.RAISES,
        stops_after='{"c": ',
        error=ValueError,  # raised when "[" pushes the item parser, even for []
    ),
    # Empty / boolean subschemas.
    Shape(
        "empty_subschema_property",
        {"type": "object", "properties": {"a": {}}},
        {"a": 1},
        Outcome.RAISES,
        stops_after='{"a"',
        error=Exception,  # bare Exception("Unsupported type None")
    ),
    Shape(
        "true_subschema_property",
        {"type": "object", "properties": {"a": True}},
        {"a": 1},
        Outcome.RAISES,
        stops_after='{"a"',
        error=AttributeError,
    ),
    Shape(
        "items_true",
        {"type": "array", "items": True},
        [],
        Outcome.RAISES,
        stops_after="",
        error=AttributeError,  # on "[", so even [] fails
    ),
    Shape("items_empty_schema", {"type": "array", "items": {}}, [1, "a"], Outcome.WORKS),
    Shape("items_false", {"type": "array", "items": False}, [1], Outcome.ACCEPTS_INVALID),
    # pattern + minLength/maxLength: LMFormatEnforcerException from the string parser.
    Shape(
        "pattern_with_minLength",
        {"type": "string", "pattern": "^[a-z]+$", "minLength": 2},
        "ab",
        Outcome.RAISES,
        stops_after=None,
        error=LMFormatEnforcerException,
    ),
    Shape(
        "pattern_with_maxLength_as_property",
        {
            "type": "object",
            "properties": {"s": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5}},
        },
        {"s": "ab"},
        Outcome.RAISES,
        stops_after='{"s"',
        error=LMFormatEnforcerException,
    ),
    Shape("pattern_alone", {"type": "string", "pattern": "^[a-z]+$"}, "aB", Outcome.WORKS),
    # enum: all strings or all numbers only.
    Shape(
        "enum_mixed_string_number",
        {"enum": ["a", 1]},
        "a",
        Outcome.RAISES,
        stops_after=None,
        error=Exception,  # bare Exception("Unsupported enum type ['a', 1]")
    ),
    Shape(
        "enum_mixed_string_number_as_property",
        {"type": "object", "properties": {"e": {"enum": ["a", 1]}}},
        {"e": 1},
        Outcome.RAISES,
        stops_after='{"e"',
        error=Exception,
    ),
    Shape(
        "enum_mixed_string_number_typed_string",
        {"type": "string", "enum": ["a", 1]},
        "a",
        Outcome.RAISES,
        stops_after='"',
        error=AttributeError,
    ),
    Shape(
        "enum_string_and_null",
        {"enum": ["a", None]},
        None,
        Outcome.RAISES,
        stops_after=None,
        error=Exception,
    ),
    Shape(
        "enum_booleans",  # bools count as numbers and are spelled str(True) == "True"
        {"enum": [True, False]},
        True,
        Outcome.REJECTS_VALID,
        stops_after="",
    ),
    Shape("enum_numbers", {"enum": [1, 2.5]}, 2.5, Outcome.WORKS),
    # Free-form objects.
    Shape(
        "free_form_object_additionalProperties_true",
        _FREE_FORM_TRUE,
        {"args": {"q": "x"}},
        Outcome.RAISES,
        stops_after='{"args": {"q"',
        error=AttributeError,  # get_parser(True) once a key's value starts
    ),
    Shape(
        "free_form_object_additionalProperties_true_empty",
        _FREE_FORM_TRUE,
        {"args": {}},
        Outcome.WORKS,
    ),
    Shape(
        "free_form_object_additionalProperties_empty_schema",
        {"type": "object", "additionalProperties": {}},
        {"q": "x"},
        Outcome.RAISES,
        stops_after='{"q"',
        error=Exception,  # "Unsupported type None"
    ),
    Shape(
        "free_form_object_no_additionalProperties",
        {"type": "object", "properties": {"args": {"type": "object"}}, "required": ["args"]},
        {"args": {"q": "x"}},
        Outcome.WORKS,
    ),
    Shape(
        "free_form_object_root", {"type": "object"}, {"q": {"r": [1, None, True]}}, Outcome.WORKS
    ),
    # additionalProperties: with ``properties`` LMFE offers only the listed keys whatever
    # additionalProperties says; without ``properties`` a schema value is enforced and
    # ``false`` is ignored.
    Shape(
        "additionalProperties_false_beside_properties",
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        {"a": 1, "b": 2},
        Outcome.WORKS,
    ),
    Shape(
        "additionalProperties_absent_beside_properties",
        {"type": "object", "properties": {"a": {"type": "integer"}}},
        {"a": 1, "b": 2},
        Outcome.REJECTS_VALID,
        stops_after='{"a": 1',
    ),
    Shape(
        "additionalProperties_true_beside_properties",
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": True},
        {"a": 1, "b": 2},
        Outcome.REJECTS_VALID,
        stops_after='{"a": 1',
    ),
    Shape(
        "additionalProperties_schema_beside_properties",
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}},
            "additionalProperties": {"type": "integer"},
        },
        {"a": 1, "b": 2},
        Outcome.REJECTS_VALID,
        stops_after='{"a": 1',
    ),
    Shape(
        "additionalProperties_schema_without_properties",
        {"type": "object", "additionalProperties": {"type": "integer"}},
        {"a": "s"},
        Outcome.WORKS,
    ),
    Shape(
        "additionalProperties_false_without_properties",
        {"type": "object", "additionalProperties": False},
        {"a": 1},
        Outcome.ACCEPTS_INVALID,
    ),
    # Slow (no shared free-text shortcut across the branches) but correct.
    Shape("anyOf_enum_or_string_other", _ENUM_OR_STRING, "blue", Outcome.WORKS),
    Shape("anyOf_enum_or_string_member", _ENUM_OR_STRING, "red", Outcome.WORKS),
    Shape("anyOf_enum_or_string_prefix", _ENUM_OR_STRING, "re", Outcome.WORKS),
    Shape("anyOf_enum_or_string_wrong_type", _ENUM_OR_STRING, 3, Outcome.WORKS),
)

SHAPES_BY_NAME = {shape.name: shape for shape in BREAKING_SHAPES}


def test_shape_names_are_unique() -> None:
    assert len(SHAPES_BY_NAME) == len(BREAKING_SHAPES)


@pytest.mark.parametrize("shape", BREAKING_SHAPES, ids=lambda shape: shape.name)
def test_shape(shape: Shape) -> None:
    valid = is_valid(shape.schema, shape.instance)
    run = lmfe_run(shape.schema, serialise(shape.instance))
    seen = f"jsonschema {'accepts' if valid else 'rejects'}; LMFE {run.describe()}"

    if shape.outcome is Outcome.WORKS:
        assert not run.raised, seen
        assert run.accepted == valid, seen
        return
    if shape.outcome is Outcome.ACCEPTS_INVALID:
        assert not valid and run.accepted, seen
        return

    assert valid, seen
    if shape.outcome is Outcome.REJECTS_VALID:
        assert run.stage is Stage.REJECTED, seen
    else:
        assert shape.error is not None
        assert type(run.error) is shape.error, seen
        expected = Stage.RAISED_CONSTRUCT if shape.stops_after is None else Stage.RAISED
        assert run.stage is expected, seen
    assert run.prefix == (shape.stops_after or ""), seen


# ----------------------------------------- what a raise means once LMFE drives a model


_VOCAB = sorted(set(COMPLETE_ALPHABET + WHITESPACE_CHARACTERS + "\\"))
_EOS = len(_VOCAB)


def _tokenizer_data() -> TokenEnforcerTokenizerData:
    """A vocabulary of one token per character, so token steps are character steps."""
    return TokenEnforcerTokenizerData(
        regular_tokens=[(index, char, True) for index, char in enumerate(_VOCAB)],
        decoder=lambda ids: "".join(_VOCAB[i] for i in ids if i < _EOS),
        eos_token_id=_EOS,
        use_bitmask=False,
        vocab_size=_EOS + 1,
    )


def token_level_run(schema: dict[str, Any], text: str) -> tuple[str, str]:
    """Drive a TokenEnforcer along ``text``; returns (what happened, text written so far)."""
    enforcer = TokenEnforcer(_tokenizer_data(), JsonSchemaParser(schema, CONFIG))
    written: list[int] = []
    for index, char in enumerate(text):
        try:
            allowed = enforcer.get_allowed_tokens(written).allowed_tokens
        except LMFormatEnforcerException:
            return "exception", text[:index]
        if allowed == [_EOS]:
            return "eos_only", text[:index]
        token = _VOCAB.index(char)
        if token not in allowed:
            return "rejected", text[:index]
        written.append(token)
    return "completed", text


RAISING_AFTER_CONSTRUCTION = [
    shape
    for shape in BREAKING_SHAPES
    if shape.outcome is Outcome.RAISES and shape.stops_after is not None
]


@pytest.mark.parametrize("shape", RAISING_AFTER_CONSTRUCTION, ids=lambda shape: shape.name)
def test_token_enforcer_consequence_of_raise(
    shape: Shape, caplog: pytest.LogCaptureFixture
) -> None:
    """LMFormatEnforcerException reaches the caller (the request fails); any other error is
    logged as "Unknown LMFormatEnforcer Problem" and only EOS is allowed (output cut off)."""
    assert shape.stops_after is not None
    with caplog.at_level(logging.ERROR):
        what, written = token_level_run(shape.schema, serialise(shape.instance))
    # The enforcer explores one character ahead of what was written (and a real vocabulary
    # several), so the output is cut off at or before the point the character run raised.
    assert shape.stops_after.startswith(written), (written, shape.stops_after)
    if shape.error is LMFormatEnforcerException:
        assert what == "exception"
    else:
        assert what == "eos_only"
        assert "Unknown LMFormatEnforcer Problem" in caplog.text


# ------------------------------------------------ strict field order (SL411, strict-order)

STRICT = CharacterLevelParserConfig(
    alphabet=COMPLETE_ALPHABET,
    max_consecutive_whitespaces=12,
    force_json_field_order=True,
    max_json_array_length=20,
)
_A_B_C = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "integer"}},
    "required": ["a", "c"],
}


def test_strict_field_order_writes_required_keys_first_and_optional_ones_after_them() -> None:
    in_listed_order = lmfe_run(_A_B_C, serialise({"a": 1, "b": 3, "c": 2}), STRICT)
    assert in_listed_order.stage is Stage.REJECTED and in_listed_order.prefix == '{"a": 1, "'
    assert lmfe_run(_A_B_C, serialise({"a": 1, "c": 2, "b": 3}), STRICT).accepted
    assert lmfe_run(_A_B_C, serialise({"a": 1, "b": 3, "c": 2})).accepted  # any order otherwise
