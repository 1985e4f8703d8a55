"""SP3xx: Gemini function declarations and ``responseJsonSchema``. Gemini takes a subset of JSON
Schema and ignores the rest, so most of what breaks here is silently dropped, not refused."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint.analysis import Analysis
from schemalint.analysis.context import required_names
from schemalint.checks.base import Options, rule
from schemalint.checks.providers.schemas import keywords_used, nodes_of, sent
from schemalint.load.kinds import SCHEMA_KEYWORDS
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.walk import keywords_in

#: The keywords ``responseJsonSchema`` supports, as its API reference lists them.
SUPPORTED = frozenset(
    {"$id", "$defs", "$ref", "$anchor", "type", "format", "title", "description", "enum"}
    | {"items", "prefixItems", "minItems", "maxItems", "minimum", "maximum", "anyOf", "oneOf"}
    | {"properties", "additionalProperties", "required", "propertyOrdering"}
)
#: Annotations nothing enforces anyway: sending them loses nothing.
HARMLESS = frozenset(
    {"$schema", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly"}
)
UNSUPPORTED = SCHEMA_KEYWORDS - SUPPORTED - HARMLESS
MAX_DECLARATIONS = 128
"""Vertex AI's documented limit (the Gemini API's pages state none)."""
#: Reported by users (not documented): the sum of maxItems in one tool past which requests
#: fail with INVALID_ARGUMENT (971 passed, 972 failed).
REPORTED_MAX_ITEMS_SUM = 971
#: Reported by users: 240 one-word enum values across the tools passed; the same count of
#: two-word values failed. The budget is undocumented.
REPORTED_ENUM_VALUES = 240


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
    fix=Applicability.UNSAFE,
    effect="dropped",
    target="gemini",
)
def ref_siblings(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in nodes_of(analysis):
        schema = node.schema if isinstance(node.schema, dict) else {}
        extra = sorted(k for k in schema if not k.startswith("$")) if "$ref" in schema else []
        if extra:
            yield Violation(
                node.pointer,
                f"$ref with sibling keywords ({', '.join(extra)}): Gemini allows none but "
                "those starting with $",
                Fix(
                    "Merge the definition into this place (schemalint rewrite --target gemini "
                    "--unsafe-fixes), or move the keywords into the definition.",
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
    "Past 128 function declarations, or past the enum and maxItems budgets users report.",
    effect="limit",
    target="gemini",
)
def limit_exceeded(analysis: Analysis, options: Options) -> Iterator[Violation]:
    roots = sent(analysis)
    if len(roots) > MAX_DECLARATIONS:
        yield Violation(
            "", f"{len(roots)} function declarations: Vertex AI takes at most {MAX_DECLARATIONS}"
        )
    for root in roots:
        total = sum(
            node.schema["maxItems"]
            for node, _ in keywords_in(analysis.reachable(root.pointer), frozenset({"maxItems"}))
            if isinstance(node.schema["maxItems"], int)
        )
        if total >= REPORTED_MAX_ITEMS_SUM:
            yield Violation(
                root.pointer,
                f"maxItems add up to {total}: users report INVALID_ARGUMENT from "
                f"{REPORTED_MAX_ITEMS_SUM} in one tool (reported, not documented)",
            )
    values = sum(
        len(node.schema["enum"])
        for node, _ in keywords_used(analysis, frozenset({"enum"}))
        if isinstance(node.schema["enum"], list)
    )
    if values > REPORTED_ENUM_VALUES:
        yield Violation(
            "",
            f"{values} enum values across the schemas: users report INVALID_ARGUMENT past an "
            f"undocumented budget ({REPORTED_ENUM_VALUES} one-word values passed; reported, "
            "not documented)",
        )
