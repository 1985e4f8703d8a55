"""SE1xx: xgrammar (vLLM's and SGLang's default backend). It compiles most schemas, warns about
some of what it cannot enforce and drops it, and ignores other keywords without a word; a few
shapes it refuses. Facts read off xgrammar 0.2.8 (``Grammar.from_json_schema``), strict mode on,
as vLLM compiles (extra keys are refused unless ``additionalProperties`` allows them)."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, types_of
from schemalint.checks.base import Option, Options, rule
from schemalint.checks.local.compiled import (
    DESCRIBE,
    DROP_BOUND,
    bounded_strings,
    false_subschemas,
    false_targets,
    formats_outside,
    fractional_counts,
    keywords_used,
    lengths_beside_pattern,
    overlapping_one_ofs,
    patterns_with,
    ref_siblings,
    refs_with_status,
    unreadable_pointer_refs,
)
from schemalint.model import Applicability, Fix, Severity, Violation

#: The formats xgrammar generates (json_schema_converter.cc; vLLM copies the list).
FORMATS = frozenset(
    {"email", "date", "time", "date-time", "duration", "ipv4", "ipv6", "hostname", "uuid"}
    | {"uri", "uri-reference", "uri-template", "json-pointer", "relative-json-pointer"}
)
#: Read and ignored without a warning.
IGNORED = frozenset(
    {"uniqueItems", "contains", "minContains", "maxContains", "not", "if", "then", "else"}
    | {"dependentRequired", "dependentSchemas", "dependencies"}
)
#: Where xgrammar compiles a ``false`` subschema (and refuses it); elsewhere it is skipped.
_READS_FALSE = frozenset({None, "properties", "anyOf", "oneOf", "allOf", "prefixItems"})


@rule(
    "SE101",
    "xgrammar-refused",
    Severity.HIGH,
    "A shape xgrammar's compiler refuses: the request fails before generation.",
    effect="refused",
    target="xgrammar",
)
def refused(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for ref in refs_with_status(analysis, "unresolvable"):
        yield Violation(ref.source, f"$ref {ref.value!r} resolves nowhere: xgrammar refuses it")
    for ref in unreadable_pointer_refs(analysis):
        yield Violation(
            ref.source,
            f"$ref {ref.value!r}: xgrammar looks each token up as an object key, unescaped, "
            "and refuses the schema",
        )
    refused_regex = frozenset({"backreference", "unicode-class"})
    for where, found in patterns_with(analysis, refused_regex, typed=True):
        what = " and ".join(sorted(found))
        yield Violation(where, f"a regex with a {what}, which xgrammar's regex compiler refuses")
    for node in false_subschemas(analysis, _READS_FALSE):
        yield Violation(node.pointer, "a false subschema: xgrammar refuses the schema")
    for ref in false_targets(analysis):
        yield Violation(ref.source, "a $ref to a false subschema: xgrammar refuses the schema")
    for node, keyword in fractional_counts(analysis, typed=True):
        yield Violation(
            jp.join(node.pointer, keyword),
            f"{keyword} {node.schema[keyword]!r} is not an integer: xgrammar refuses it",
        )
    for node in analysis.used_nodes:
        schema = node.schema
        if not isinstance(schema, dict):
            continue
        if isinstance(schema.get("items"), list):
            yield Violation(
                jp.join(node.pointer, "items"),
                "items as an array (draft 4-7 tuples): xgrammar takes an object or a boolean; "
                "write prefixItems",
                Fix("Write the tuple as prefixItems.", Applicability.UNSAFE),
            )
        properties = schema.get("properties")
        closed = schema.get("additionalProperties", False) is False
        least = schema.get("minProperties")
        declared = len(properties) if isinstance(properties, dict) else 0
        is_object = "object" in types_of(schema) or isinstance(properties, dict)
        if (
            closed
            and is_object
            and "patternProperties" not in schema
            and isinstance(least, int)
            and (least > declared)
        ):
            yield Violation(
                jp.join(node.pointer, "minProperties"),
                f"minProperties {least} with {declared} declared propert"
                f"{'y' if declared == 1 else 'ies'}: xgrammar closes the object, so it "
                "refuses the schema",
            )


@rule(
    "SE102",
    "xgrammar-ignored-keyword",
    Severity.MEDIUM,
    "A keyword xgrammar compiles without enforcing: output may break it.",
    effect="dropped",
    target="xgrammar",
)
def ignored_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword in keywords_used(analysis, IGNORED):
        yield Violation(
            jp.join(node.pointer, keyword),
            f"xgrammar ignores {keyword} without a warning",
            DESCRIBE,
        )
    for node, kind, lengths in lengths_beside_pattern(analysis):
        yield Violation(
            node.pointer,
            f"{' and '.join(lengths)} beside {kind}: xgrammar compiles the {kind} and drops "
            "the length (it warns)",
            DESCRIBE,
        )
    for node, keyword in keywords_used(analysis, frozenset({"multipleOf"})):
        if "integer" not in types_of(node.schema):
            yield Violation(
                jp.join(node.pointer, keyword),
                "multipleOf on a number: xgrammar enforces it on integers only (it warns)",
                DESCRIBE,
            )
    for node, value in formats_outside(analysis, FORMATS):
        yield Violation(
            jp.join(node.pointer, "format"),
            f"format {value!r} is not one xgrammar knows: it generates any string",
            DESCRIBE,
        )
    for node in overlapping_one_ofs(analysis):
        yield Violation(
            jp.join(node.pointer, "oneOf"),
            "oneOf branches not provably disjoint: xgrammar falls back to anyOf (exactly-one "
            "is not enforced; it warns)",
            Fix("Give the branches a required const discriminator.", Applicability.DISPLAY_ONLY),
        )
    for node, keyword in keywords_used(analysis, frozenset({"allOf"})):
        if isinstance(node.schema[keyword], list) and len(node.schema[keyword]) > 1:
            yield Violation(
                jp.join(node.pointer, keyword),
                "allOf of several schemas: xgrammar's support is partial, and constraints of "
                "the later ones can be lost (it warns)",
                Fix("Merge the branches into one schema.", Applicability.DISPLAY_ONLY),
            )
    for where, _ in patterns_with(analysis, frozenset({"lookaround"}), typed=True):
        yield Violation(
            where,
            "a regex with a lookaround: xgrammar ignores the assertion (it warns)",
            DESCRIBE,
        )
    for ref in refs_with_status(analysis, "remote"):
        yield Violation(
            ref.source,
            f"remote $ref {ref.value!r}: xgrammar does not fetch it and generates any JSON there",
        )
    for node, extra in ref_siblings(analysis):
        yield Violation(
            node.pointer,
            f"$ref with {', '.join(extra)} beside it: xgrammar compiles the referenced schema "
            "alone",
            Fix(
                "Move the keywords into the definition, or wrap both in allOf.",
                Applicability.DISPLAY_ONLY,
            ),
        )
    for node, keyword in keywords_used(analysis, frozenset({"patternProperties"})):
        yield Violation(
            jp.join(node.pointer, keyword),
            "patternProperties: xgrammar does not read it and, with strict mode, writes none "
            "of the keys it allows",
        )


@rule(
    "SE103",
    "xgrammar-slow-compile",
    Severity.MEDIUM,
    "A bounded string that makes xgrammar's compile take most of a second: every new schema "
    "stalls its first request.",
    options=(Option("max-length", 100, "Smallest maxLength reported."),),
    target="xgrammar",
)
def slow_compile(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, bound in bounded_strings(analysis, options["max-length"]):
        yield Violation(
            jp.join(node.pointer, "maxLength"),
            f"maxLength {bound}: xgrammar 0.2.8 compiles a bounded string in 0.5-0.9 s on one "
            "thread (a free string: 4 ms)",
            DROP_BOUND,
        )
