"""SP2xx: Anthropic strict tool use (``strict: true``), whose schemas are compiled into a
grammar: its limits are what keep that grammar small, and a request past them is refused."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint.analysis import Analysis
from schemalint.analysis.context import required_names, types_of
from schemalint.checks.base import Options, rule
from schemalint.checks.providers.schemas import (
    keywords_used,
    nodes_of,
    objects,
    open_objects,
    optional_names,
)
from schemalint.checks.providers.schemas import sent as strict_schemas
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.walk import Node

MAX_STRICT_TOOLS = 20
MAX_OPTIONAL = 24
MAX_UNION_PARAMETERS = 16
UNSUPPORTED = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    | {"minLength", "maxLength", "maxItems"}
)
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)


@rule(
    "SP201",
    "anthropic-limit-exceeded",
    Severity.HIGH,
    "More strict tools, optional parameters or union-typed parameters than Anthropic allows.",
    effect="limit",
    target="anthropic",
)
def limit_exceeded(analysis: Analysis, options: Options) -> Iterator[Violation]:
    tools = len(strict_schemas(analysis))
    if tools > MAX_STRICT_TOOLS:
        yield Violation("", f"{tools} strict tools: Anthropic takes at most {MAX_STRICT_TOOLS}")
    optional = sum(len(optional_names(node)) for node in objects(analysis))
    if optional > MAX_OPTIONAL:
        yield Violation(
            "",
            f"{optional} optional parameters across the strict schemas: the limit is "
            f"{MAX_OPTIONAL} (a 400: 'Schema is too complex for compilation')",
            Fix(
                "Make parameters required, or split the tools over requests.",
                Applicability.DISPLAY_ONLY,
            ),
        )
    unions = sum(1 for node in _parameters(analysis) if _is_union(node.schema))
    if unions > MAX_UNION_PARAMETERS:
        yield Violation(
            "", f"{unions} parameters with a union type: the limit is {MAX_UNION_PARAMETERS}"
        )


def _parameters(analysis: Analysis) -> Iterator[Node]:
    for node in objects(analysis):
        for _, child in analysis.properties(node):
            yield child


def _is_union(schema: object) -> bool:
    return isinstance(schema, dict) and ("anyOf" in schema or len(types_of(schema)) > 1)


@rule(
    "SP202",
    "anthropic-open-object",
    Severity.HIGH,
    "Anthropic strict tool use needs `additionalProperties: false` on every object.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="anthropic",
)
def open_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    return open_objects(analysis, "Anthropic")


@rule(
    "SP203",
    "anthropic-recursive-schema",
    Severity.HIGH,
    "A recursive $ref: Anthropic strict tool use does not support recursive schemas.",
    effect="refused",
    target="anthropic",
)
def recursive_schema(analysis: Analysis, options: Options) -> Iterator[Violation]:
    used = {node.pointer for node in nodes_of(analysis)}
    for source in sorted(analysis.shape.recursive_refs & used):
        yield Violation(source, "recursive $ref: Anthropic strict mode refuses it")


@rule(
    "SP204",
    "anthropic-unsupported-constraint",
    Severity.HIGH,
    "Numeric bounds, string lengths, maxItems, minItems over 1, an unlisted format, or allOf "
    "with $ref: Anthropic strict mode does not support them.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="anthropic",
)
def unsupported_constraint(analysis: Analysis, options: Options) -> Iterator[Violation]:
    fix = Fix("Move the limit into the description.", Applicability.UNSAFE)
    for node, keyword in keywords_used(analysis, UNSUPPORTED):
        yield Violation(f"{node.pointer}/{keyword}", f"{keyword} is not supported", fix)
    for node, _ in keywords_used(analysis, frozenset({"minItems"})):
        if node.schema["minItems"] not in (0, 1):
            yield Violation(
                f"{node.pointer}/minItems",
                f"minItems {node.schema['minItems']}: only 0 and 1 are supported",
                fix,
            )
    for node, _ in keywords_used(analysis, frozenset({"format"})):
        value = node.schema["format"]
        if isinstance(value, str) and value not in FORMATS:
            yield Violation(f"{node.pointer}/format", f"format {value!r} is not supported", fix)
    for node, _ in keywords_used(analysis, frozenset({"allOf"})):
        branches = node.schema["allOf"]
        if isinstance(branches, list) and any(
            isinstance(b, dict) and "$ref" in b for b in branches
        ):
            yield Violation(
                f"{node.pointer}/allOf",
                "allOf with a $ref is not supported",
                Fix(
                    "Inline the definition (schemalint rewrite inlines non-recursive $refs).",
                    Applicability.DISPLAY_ONLY,
                ),
            )


@rule(
    "SP205",
    "anthropic-required-first",
    Severity.LOW,
    "Strict tool use writes required properties before optional ones, whatever order the "
    "schema lists them in.",
    fix=Applicability.SAFE,
    target="anthropic",
)
def required_first(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in objects(analysis):
        properties = node.schema.get("properties")
        required = set(required_names(node.schema))
        names = list(properties) if isinstance(properties, dict) else []
        listed = [name in required for name in names]
        if listed != sorted(listed, reverse=True):
            yield Violation(
                node.pointer,
                "an optional property is listed before a required one: the output puts the "
                "required ones first",
                Fix("List the required properties first.", Applicability.SAFE),
            )
