"""SP1xx: OpenAI strict function calling and Structured Outputs (``strict: true``). A schema
that breaks these rules is refused with a 400 before anything is generated."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint.analysis import Analysis
from schemalint.analysis.context import types_of
from schemalint.checks.base import Options, rule
from schemalint.checks.providers.schemas import (
    keywords_used,
    nesting_depth,
    nodes_of,
    objects,
    open_objects,
    optional_names,
    sent,
    string_values,
)
from schemalint.model import Applicability, Fix, Severity, Violation

#: Named unsupported by the Structured Outputs guide ("Composition: ...").
DOCUMENTED_UNSUPPORTED = frozenset(
    {"allOf", "not", "dependentRequired", "dependentSchemas", "if", "then", "else"}
)
#: Validation keywords the guide's lists of supported keywords leave out (minLength and
#: maxLength aside: widely sent and accepted, and only fine-tuned models are said to refuse them).
UNLISTED = frozenset(
    {"dependencies", "patternProperties", "unevaluatedProperties", "unevaluatedItems"}
    | {"propertyNames", "contains", "minContains", "maxContains", "uniqueItems"}
    | {"minProperties", "maxProperties"}
)
UNSUPPORTED = DOCUMENTED_UNSUPPORTED | UNLISTED
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
MAX_PROPERTIES = 5_000
MAX_NESTING = 10
MAX_STRING_LENGTH = 120_000
MAX_ENUM_VALUES = 1_000
LARGE_ENUM = 250
MAX_LARGE_ENUM_LENGTH = 15_000
MAX_FUNCTIONS = 128


@rule(
    "SP101",
    "openai-root-not-object",
    Severity.HIGH,
    "OpenAI strict mode needs an object at the root of every schema, not anyOf or another type.",
    effect="refused",
    target="openai",
)
def root_not_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for root in sent(analysis):
        target = analysis.deref(root)
        schema = target.schema if isinstance(target.schema, dict) else {}
        if "anyOf" in schema or types_of(schema) != {"object"}:
            found = "anyOf" if "anyOf" in schema else "/".join(sorted(types_of(schema))) or "none"
            yield Violation(
                root.pointer,
                f"the root is not an object (type {found}): OpenAI strict mode refuses it",
                Fix(
                    "Wrap the union in an object property, e.g. {'type': 'object', "
                    "'properties': {'value': ...}, 'required': ['value']}.",
                    Applicability.DISPLAY_ONLY,
                ),
            )


@rule(
    "SP102",
    "openai-optional-property",
    Severity.HIGH,
    "OpenAI strict mode needs every property in `required`; an optional one is a union with null.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="openai",
)
def optional_property(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in objects(analysis):
        optional = optional_names(node)
        if optional:
            names = ", ".join(optional[:5]) + (" …" if len(optional) > 5 else "")
            yield Violation(
                node.pointer,
                f"{len(optional)} propert{'y is' if len(optional) == 1 else 'ies are'} not in "
                f"required ({names}): OpenAI strict mode refuses the schema",
                Fix(
                    "List every property in required; make an optional one nullable "
                    '({"type": ["string", "null"]}) so the model can write null.',
                    Applicability.UNSAFE,
                ),
            )


@rule(
    "SP103",
    "openai-open-object",
    Severity.HIGH,
    "OpenAI strict mode needs `additionalProperties: false` on every object.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="openai",
)
def open_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    return open_objects(analysis, "OpenAI")


@rule(
    "SP104",
    "openai-unsupported-keyword",
    Severity.HIGH,
    "A keyword or format OpenAI strict mode does not support: the schema is refused.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="openai",
)
def unsupported_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword in keywords_used(analysis, UNSUPPORTED):
        said = (
            "is not supported by"
            if keyword in DOCUMENTED_UNSUPPORTED
            else "is not among the keywords supported by"
        )
        yield Violation(
            f"{node.pointer}/{keyword}",
            f"{keyword} {said} OpenAI strict mode",
            Fix("Move the constraint into the description.", Applicability.UNSAFE),
        )
    for node in nodes_of(analysis):
        value = node.schema.get("format") if isinstance(node.schema, dict) else None
        if isinstance(value, str) and value not in FORMATS:
            yield Violation(
                f"{node.pointer}/format",
                f"format {value!r} is not one OpenAI strict mode supports "
                f"({', '.join(sorted(FORMATS))})",
                Fix("Drop the format and say it in the description.", Applicability.UNSAFE),
            )


@rule(
    "SP105",
    "openai-limit-exceeded",
    Severity.HIGH,
    "The schema passes one of OpenAI strict mode's documented size limits.",
    effect="limit",
    target="openai",
)
def limit_exceeded(analysis: Analysis, options: Options) -> Iterator[Violation]:
    roots = sent(analysis)
    if len(roots) > MAX_FUNCTIONS:
        yield Violation("", f"{len(roots)} functions: OpenAI takes at most {MAX_FUNCTIONS}")
    nodes = nodes_of(analysis)
    properties = sum(
        len(node.schema["properties"])
        for node in nodes
        if isinstance(node.schema, dict) and isinstance(node.schema.get("properties"), dict)
    )
    if properties > MAX_PROPERTIES:
        yield Violation("", f"{properties:,} properties: the limit is {MAX_PROPERTIES:,}")
    for root in roots:
        depth = nesting_depth(analysis, root)
        if depth > MAX_NESTING:
            yield Violation(root.pointer, f"nests {depth} levels deep: the limit is {MAX_NESTING}")
    yield from _string_budgets(analysis)


def _string_budgets(analysis: Analysis) -> Iterator[Violation]:
    """Property names, definition names, enum and const values: 120,000 characters in all;
    1,000 enum values in all; a string enum of over 250 values, 15,000 characters."""
    length, enum_values = 0, 0
    for node in nodes_of(analysis):
        schema = node.schema if isinstance(node.schema, dict) else {}
        if isinstance(schema.get("properties"), dict):
            length += sum(len(name) for name in schema["properties"])
        for keyword in ("$defs", "definitions"):
            if isinstance(schema.get(keyword), dict):
                length += sum(len(name) for name in schema[keyword])
        strings = list(string_values(schema))
        length += sum(map(len, strings))
        enum = schema.get("enum")
        if isinstance(enum, list):
            enum_values += len(enum)
            characters = sum(len(value) for value in enum if isinstance(value, str))
            if len(enum) > LARGE_ENUM and characters > MAX_LARGE_ENUM_LENGTH:
                yield Violation(
                    f"{node.pointer}/enum",
                    f"a string enum of {len(enum)} values and {characters:,} characters: over "
                    f"{LARGE_ENUM} values, the limit is {MAX_LARGE_ENUM_LENGTH:,} characters",
                )
    if length > MAX_STRING_LENGTH:
        yield Violation(
            "",
            f"{length:,} characters of names and enum/const values: the limit is "
            f"{MAX_STRING_LENGTH:,}",
        )
    if enum_values > MAX_ENUM_VALUES:
        yield Violation("", f"{enum_values:,} enum values: the limit is {MAX_ENUM_VALUES:,}")
