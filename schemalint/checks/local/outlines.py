"""SE3xx: outlines (outlines-core; vLLM's fallback for Mistral tokenizers and patternProperties).
It turns the schema into one regex and indexes it over the vocabulary: each subschema is read
through one keyword only, the first it has of :data:`DISPATCH`, and the rest is dropped; a
subschema with none of them is refused; long bounds and unions make the index slow to build.
Facts read off outlines-core 0.2.14 (``build_regex_from_schema``)."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, types_of
from schemalint.checks.base import Option, Options, rule
from schemalint.checks.local.compiled import (
    DESCRIBE,
    DROP_BOUND,
    bounded_strings,
    one_of_overlaps,
    tool_count,
    unreadable_pointer_refs,
)
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.walk import Node, children

FORMATS = frozenset({"date-time", "time", "date", "email", "uri", "uuid"})
#: The keyword a subschema is read through: the first of these it has. ``{"description": …}``
#: has none and is refused ("Unsupported JSON Schema structure"); ``{}`` is any value.
DISPATCH = ("properties", "allOf", "anyOf", "oneOf", "prefixItems", "enum", "const", "$ref", "type")
#: Keywords read beside ``type``; every other constraint is dropped.
TYPED = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "array": frozenset({"items", "minItems", "maxItems"}),
    "object": frozenset({"additionalProperties"}),
}
#: Constraints that narrow what is valid: dropped wherever they are not read.
CONSTRAINTS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    | {"uniqueItems", "contains", "minContains", "maxContains", "propertyNames"}
    | {"patternProperties", "minProperties", "maxProperties", "dependentRequired"}
    | {"dependentSchemas", "dependencies", "not", "if", "then", "else"}
    | {"unevaluatedProperties", "unevaluatedItems", "pattern", "format", "minLength"}
    | {"maxLength", "minItems", "maxItems", "allOf", "anyOf", "oneOf", "enum", "const"}
    | {"required", "items", "prefixItems", "additionalProperties"}
)


def dispatch(schema: object) -> str | None:
    if not isinstance(schema, dict):
        return None
    return next((keyword for keyword in DISPATCH if keyword in schema), None)


def read_beside(schema: dict[str, object]) -> frozenset[str]:
    """The keywords outlines-core reads in this subschema: its dispatch keyword, and beside
    ``type`` the keywords of those types (``required`` too beside ``properties``)."""
    keyword = dispatch(schema)
    if keyword == "properties":
        return frozenset({"properties", "required"})
    if keyword == "type":
        return frozenset({"type"}).union(
            *(TYPED.get(kind, frozenset()) for kind in types_of(schema))
        )
    return frozenset({keyword}) if keyword else frozenset()


def compiled(analysis: Analysis) -> Iterator[Node]:
    """The subschemas outlines-core compiles, reached through dispatch keywords only."""
    seen: set[str] = set()
    todo = [analysis.nodes[0]]
    while todo:
        node = todo.pop()
        if node.pointer in seen:
            continue
        seen.add(node.pointer)
        yield node
        if dispatch(node.schema) == "$ref":
            target = analysis.deref(node)
            todo += [target] if target is not node else []
            continue
        read = read_beside(node.schema) if isinstance(node.schema, dict) else frozenset()
        todo += reversed([child for child in children(node) if child.keyword in read])


@rule(
    "SE301",
    "outlines-refused",
    Severity.HIGH,
    "A subschema, format or $ref outlines-core cannot turn into a regex: the request fails.",
    fix=Applicability.SAFE,
    effect="refused",
    target="outlines",
)
def refused(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in compiled(analysis):
        schema = node.schema
        if isinstance(schema, bool) and _reads_boolean(node):
            yield Violation(
                node.pointer, f"a {str(schema).lower()} subschema: outlines-core refuses it"
            )
        if not isinstance(schema, dict) or not schema:
            continue
        keyword = dispatch(schema)
        if keyword is None:
            yield Violation(
                node.pointer,
                "a subschema without type, properties, enum, const, $ref or a union: "
                "outlines-core refuses it",
                Fix(
                    "State its type (schemalint rewrite --target outlines lists every JSON "
                    "type where none is given, which accepts the same values).",
                    Applicability.SAFE,
                ),
            )
        elif keyword == "type" and isinstance(schema.get("items"), list):
            yield Violation(
                jp.join(node.pointer, "items"),
                "items as an array (draft 4-7 tuples): outlines-core refuses it",
            )
        elif keyword == "type" and "string" in types_of(schema):
            value = schema.get("format")
            if isinstance(value, str) and value not in FORMATS and not _has_lengths(schema):
                yield Violation(
                    jp.join(node.pointer, "format"),
                    f"outlines-core refuses the format {value!r}",
                    Fix("Move it into the description, or use a pattern.", Applicability.UNSAFE),
                )
        elif keyword == "$ref":
            yield from _unread_ref(analysis, node)


def _unread_ref(analysis: Analysis, node: Node) -> Iterator[Violation]:
    """outlines-core follows ``#`` and plain JSON Pointers (``#/$defs/a``) from the document's
    root, and nothing else: no anchor, no other resource (a pointer inside a subschema with an
    ``$id`` of its own is read from the root all the same), no escaped pointer."""
    value = node.schema["$ref"]
    ref = analysis.refs.refs.get(node.pointer)
    unreadable = {other.source for other in unreadable_pointer_refs(analysis)}
    base, _, fragment = value.partition("#") if isinstance(value, str) else ("", "", "")
    root_id = analysis.schema.get("$id") if isinstance(analysis.schema, dict) else None
    from_root = ref is not None and ref.status == "local" and ref.target == fragment
    pointer = "#" in str(value) and (fragment == "" or fragment.startswith("/"))
    plain = base in ("", root_id) and pointer and from_root
    if not plain or node.pointer in unreadable:
        yield Violation(
            node.pointer,
            f"$ref {value!r}: outlines-core follows only '#' and plain '#/…' pointers in the "
            "document, and refuses it",
        )


def _reads_boolean(node: Node) -> bool:
    """Whether outlines-core refuses this compiled ``true`` or ``false``: it does unless it is
    an object's ``additionalProperties: true``."""
    return not (node.keyword == "additionalProperties" and node.schema is True)


def _has_lengths(schema: dict[str, object]) -> bool:
    return "minLength" in schema or "maxLength" in schema


@rule(
    "SE302",
    "outlines-ignored-keyword",
    Severity.MEDIUM,
    "A keyword the regex outlines-core builds does not read: output may break it.",
    effect="dropped",
    target="outlines",
)
def ignored_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in compiled(analysis):
        schema = node.schema
        if not isinstance(schema, dict):
            continue
        read = read_beside(schema)
        keyword = dispatch(schema)
        if keyword == "type" and "string" in types_of(schema) and _has_lengths(schema):
            read -= {"pattern", "format"}  # beside a length bound, only the bound is kept
        for dropped in sorted(k for k in schema if k in CONSTRAINTS - read):
            if dropped == "additionalProperties" and schema[dropped] is False:
                continue  # outlines-core writes the declared keys only: closed anyway
            yield Violation(
                jp.join(node.pointer, dropped),
                f"outlines-core reads this subschema through {keyword} and drops {dropped}",
                DESCRIBE,
            )
        if keyword == "properties" and schema.get("additionalProperties") not in (False, None):
            yield Violation(
                jp.join(node.pointer, "additionalProperties"),
                "additionalProperties beside properties: outlines-core writes the declared "
                "keys only",
                DESCRIBE,
            )
        if keyword == "oneOf" and one_of_overlaps(analysis, node):
            yield Violation(
                jp.join(node.pointer, "oneOf"),
                "oneOf branches not provably disjoint: the regex is their alternation, so "
                "exactly-one is not enforced",
                DESCRIBE,
            )


@rule(
    "SE303",
    "outlines-slow-index",
    Severity.MEDIUM,
    "A long bound or a wide tool union: outlines-core's regex index takes seconds to build.",
    options=(
        Option("max-length", 100, "Smallest maxLength reported."),
        Option("max-tools", 8, "Most tools in one compiled union."),
    ),
    target="outlines",
)
def slow_index(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, bound in bounded_strings(analysis, options["max-length"]):
        yield Violation(
            jp.join(node.pointer, "maxLength"),
            f"maxLength {bound}: the index grows with the bound (outlines-core 0.2.14 took "
            "0.45 s at 100 and 5.3 s at 1000, one thread)",
            DROP_BOUND,
        )
    tools = tool_count(analysis)
    if tools >= options["max-tools"]:
        yield Violation(
            "",
            f"{tools} tools in one union: the index took 0.57 s for 8 Glaive tools and 3.4 s "
            "for 32",
            Fix("Send fewer tools per request.", Applicability.DISPLAY_ONLY),
        )
