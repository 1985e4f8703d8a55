"""SP3xx: Gemini function declarations and ``responseJsonSchema``. Gemini takes a subset of JSON
Schema and ignores the rest, so most of what breaks here is silently dropped, not refused."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint.analysis import Analysis
from schemalint.analysis.context import required_names
from schemalint.checks.base import Options, rule
from schemalint.checks.providers.schemas import keywords_used, nodes_of, sent
from schemalint.model import Applicability, Fix, Severity, Violation

#: JSON Schema keywords outside Gemini's subset: accepted and ignored.
UNSUPPORTED = frozenset(
    {"allOf", "not", "if", "then", "else", "patternProperties", "dependentRequired"}
    | {"dependentSchemas", "dependencies", "unevaluatedProperties", "unevaluatedItems"}
    | {"propertyNames", "contains", "minContains", "maxContains", "uniqueItems", "multipleOf"}
    | {"exclusiveMinimum", "exclusiveMaximum", "$dynamicRef", "$dynamicAnchor"}
)
#: What a ``$ref`` may stand beside; any other sibling is ignored.
REF_SIBLINGS = frozenset({"$ref", "$id", "$anchor", "$comment", "title", "description"})
MAX_DECLARATIONS = 128
#: Reported by users (not documented): enums past this many values fail or are truncated.
REPORTED_ENUM_VALUES = 500


@rule(
    "SP301",
    "gemini-unsupported-keyword",
    Severity.MEDIUM,
    "A keyword outside Gemini's JSON Schema subset: Gemini ignores it, so output may break it.",
    fix=Applicability.UNSAFE,
    effect="dropped",
    target="gemini",
)
def unsupported_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword in keywords_used(analysis, UNSUPPORTED):
        yield Violation(
            f"{node.pointer}/{keyword}",
            f"{keyword} is outside Gemini's schema subset: it is ignored",
            Fix(
                "Validate it after generation, or say it in the description.",
                Applicability.DISPLAY_ONLY,
            ),
        )


@rule(
    "SP302",
    "gemini-ref-siblings",
    Severity.MEDIUM,
    "Keywords beside a $ref: Gemini follows the $ref and ignores them.",
    effect="dropped",
    target="gemini",
)
def ref_siblings(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in nodes_of(analysis):
        schema = node.schema if isinstance(node.schema, dict) else {}
        extra = sorted(set(schema) - REF_SIBLINGS) if "$ref" in schema else []
        if extra:
            yield Violation(
                node.pointer,
                f"$ref with sibling keywords ({', '.join(extra)}): Gemini ignores them",
                Fix(
                    "Wrap the $ref in allOf or move the keywords into the definition.",
                    Applicability.UNSAFE,
                ),
            )


@rule(
    "SP303",
    "gemini-oneof-as-anyof",
    Severity.LOW,
    "oneOf: Gemini treats it as anyOf, so output matching several branches is not refused.",
    effect="dropped",
    target="gemini",
)
def oneof_as_anyof(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword in keywords_used(analysis, frozenset({"oneOf"})):
        yield Violation(
            f"{node.pointer}/{keyword}",
            "oneOf is read as anyOf by Gemini: exactly-one is not enforced",
            Fix(
                "Make the branches disjoint (a const discriminator) or use anyOf.",
                Applicability.DISPLAY_ONLY,
            ),
        )


@rule(
    "SP304",
    "gemini-required-recursion",
    Severity.HIGH,
    "A recursive $ref reached through required properties only: Gemini unrolls cycles only "
    "inside optional properties, so it refuses this one.",
    effect="refused",
    target="gemini",
)
def required_recursion(analysis: Analysis, options: Options) -> Iterator[Violation]:
    used = {node.pointer for node in nodes_of(analysis)}
    for source in sorted(analysis.shape.recursive_refs & used):
        if _only_required_on_the_way(analysis, source):
            yield Violation(source, "a cycle through required properties: Gemini refuses it")


def _only_required_on_the_way(analysis: Analysis, source: str) -> bool:
    """Whether every property on the way from the ``$ref``'s target down to it is required."""
    ref = analysis.refs.refs.get(source)
    if ref is None or ref.target is None:
        return False
    start, pointer = ref.target, source
    while pointer != start and pointer.startswith(start):
        parent, _, name = pointer.rpartition("/")
        owner, _, keyword = parent.rpartition("/")
        if keyword == "properties":
            holder = analysis.by_pointer.get(owner)
            if holder is None or name not in required_names(holder.schema):
                return False
        pointer = parent
    return True


@rule(
    "SP305",
    "gemini-limit-exceeded",
    Severity.MEDIUM,
    "Past Gemini's 128 function declarations, or an enum past the size users report failing.",
    effect="limit",
    target="gemini",
)
def limit_exceeded(analysis: Analysis, options: Options) -> Iterator[Violation]:
    declarations = len(sent(analysis))
    if declarations > MAX_DECLARATIONS:
        yield Violation(
            "", f"{declarations} function declarations: Gemini takes at most {MAX_DECLARATIONS}"
        )
    for node, _ in keywords_used(analysis, frozenset({"enum"})):
        values = node.schema["enum"]
        if isinstance(values, list) and len(values) > REPORTED_ENUM_VALUES:
            yield Violation(
                f"{node.pointer}/enum",
                f"an enum of {len(values)} values: users report Gemini failing past "
                f"{REPORTED_ENUM_VALUES} (reported, not documented)",
            )
