"""SE2xx: llguidance (guidance's engine; vLLM's ``guidance`` backend, llama.cpp, exllamav3). It
refuses what it cannot enforce rather than drop it, writes keys in ``properties`` order, and
compiles lazily (fast). Facts read off llguidance 1.9.1
(``LLMatcher.validate_grammar_with_warnings``)."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, is_free_text
from schemalint.analysis.context import required_names
from schemalint.analysis.unions import discriminator, object_branches
from schemalint.checks.base import Options, rule
from schemalint.checks.local.compiled import (
    false_targets,
    formats_outside,
    fractional_counts,
    keywords_used,
    overlapping_one_ofs,
    patterns_with,
    refs_with_status,
)
from schemalint.model import Applicability, Fix, Severity, Violation
from schemalint.walk import Node

#: "Unimplemented keys": llguidance refuses a schema that uses any of them.
UNIMPLEMENTED = frozenset(
    {"uniqueItems", "contains", "minContains", "maxContains", "propertyNames", "not"}
    | {"if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies"}
    | {"unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$dynamicAnchor"}
    | {"$recursiveRef", "$recursiveAnchor"}
)
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uuid"}
)
_MOVE = Fix(
    "Move it into the description (schemalint rewrite --target llguidance --unsafe-fixes).",
    Applicability.UNSAFE,
)


@rule(
    "SE201",
    "llguidance-refused",
    Severity.HIGH,
    "A keyword, format, oneOf or regex llguidance refuses: the request fails before generation.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="llguidance",
)
def refused(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword in keywords_used(analysis, UNIMPLEMENTED):
        yield Violation(
            jp.join(node.pointer, keyword), f"llguidance does not implement {keyword}", _MOVE
        )
    for node, value in formats_outside(analysis, FORMATS):
        yield Violation(
            jp.join(node.pointer, "format"), f"llguidance refuses the format {value!r}", _MOVE
        )
    coerced = analysis.schema.get("x-guidance") if isinstance(analysis.schema, dict) else None
    coerce = isinstance(coerced, dict) and coerced.get("coerce_one_of") is True
    for node in [] if coerce else overlapping_one_ofs(analysis):
        yield Violation(
            jp.join(node.pointer, "oneOf"),
            "oneOf branches not provably disjoint: llguidance refuses it unless x-guidance "
            "coerce_one_of reads it as anyOf",
            Fix(
                "Give the branches a required const discriminator, or write it as anyOf "
                "(schemalint rewrite --target llguidance --unsafe-fixes).",
                Applicability.UNSAFE,
            ),
        )
    for ref in refs_with_status(analysis, "unresolvable", "remote"):
        yield Violation(
            ref.source, f"$ref {ref.value!r} is not in the document: llguidance refuses it"
        )
    for where, found in patterns_with(
        analysis, frozenset({"backreference", "lookaround", "control-escape"})
    ):
        yield Violation(
            where,
            f"a regex with a {' and '.join(sorted(found))}: llguidance's regex engine has none",
        )
    yield from _unsatisfiable(analysis)
    for node, keyword in fractional_counts(analysis):
        yield Violation(
            jp.join(node.pointer, keyword),
            f"{keyword} {node.schema[keyword]!r} is not an integer: llguidance refuses it",
        )
    for node in analysis.used_nodes:
        yield from _object_limits(node)


def _unsatisfiable(analysis: Analysis) -> Iterator[Violation]:
    """What llguidance proves matches nothing ("Unsatisfiable schema"): a ``false`` root, an
    ``allOf`` with a ``false`` in it, a union of ``false`` only, a ``$ref`` to ``false``."""
    if analysis.schema is False:
        yield Violation("", "the schema is false: llguidance refuses it as unsatisfiable")
    for node in analysis.used_nodes:
        schema = node.schema if isinstance(node.schema, dict) else {}
        for keyword in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(keyword)
            if not isinstance(branches, list) or not branches:
                continue
            falses = [branch is False for branch in branches]
            if all(falses) or (keyword == "allOf" and any(falses)):
                yield Violation(
                    jp.join(node.pointer, keyword),
                    f"{keyword} that no value can match: llguidance refuses it as unsatisfiable",
                )
    for ref in false_targets(analysis):
        yield Violation(ref.source, "a $ref to false: llguidance refuses it as unsatisfiable")


def _object_limits(node: Node) -> Iterator[Violation]:
    """``minProperties``/``maxProperties`` beside an optional declared property of an open
    object, and ``patternProperties`` it cannot prove disjoint: llguidance refuses both."""
    schema = node.schema if isinstance(node.schema, dict) else {}
    properties = schema.get("properties")
    optional = isinstance(properties, dict) and set(properties) - set(required_names(schema))
    for keyword in ("minProperties", "maxProperties"):
        if keyword in schema and optional and schema.get("additionalProperties") is not False:
            yield Violation(
                jp.join(node.pointer, keyword),
                f"{keyword} beside optional properties: llguidance takes it only when every "
                "declared property is required",
            )
    patterns = schema.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) > 1 and not _distinct_prefixes(patterns):
        yield Violation(
            jp.join(node.pointer, "patternProperties"),
            "patternProperties that llguidance cannot prove disjoint (a key may match two): "
            "it refuses them",
        )


def _distinct_prefixes(patterns: dict[str, object]) -> bool:
    """Whether every regex is anchored (``^``) and starts with a literal character of its own,
    which proves no key matches two of them."""
    firsts = []
    for pattern in patterns:
        first = pattern[1:2]
        if not pattern.startswith("^") or not first or not (first.isalnum() or first in "_-"):
            return False
        firsts.append(first)
    return len(set(firsts)) == len(firsts)


@rule(
    "SE202",
    "llguidance-free-text-before-decision",
    Severity.LOW,
    "A free-text property listed before a union branch's discriminator: llguidance writes keys "
    "in properties order, so the text is written while every branch is alive.",
    target="llguidance",
)
def free_text_before_decision(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for union in analysis.used_nodes:
        for _, branches in object_branches(analysis, union):
            for branch in branches:
                key = discriminator(analysis, branch)
                if key is None:
                    continue
                names = [name for name, _ in analysis.properties(branch)]
                before = dict(analysis.properties(branch))
                for name in names[: names.index(key)]:
                    if is_free_text(before[name].schema):
                        yield Violation(
                            jp.join(branch.pointer, "properties", name),
                            f"free text {name!r} comes before the discriminator {key!r}: "
                            "llguidance writes it first",
                            Fix(f"List {key!r} first in properties.", Applicability.DISPLAY_ONLY),
                        )
