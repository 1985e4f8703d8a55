"""SL1xx: size and shape — nesting, ``$ref`` expansion, unions, optional keys, open containers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, required_names, types_of
from schemalint.checks.base import Option, Options, rule
from schemalint.model import Applicability, Fix, Severity, Violation, quoted
from schemalint.walk import NESTING, UNIONS

_INLINE = Fix("Inline the referenced definitions (schemalint rewrite).", Applicability.SAFE)


@rule(
    "SL101",
    "deep-nesting",
    Severity.MEDIUM,
    "Instances nest deeper than the limit; every level is parser state the enforcer carries.",
    options=(Option("max-depth", 8, "Deepest instance nesting allowed, counting the root."),),
)
def deep_nesting(analysis: Analysis, options: Options) -> Iterator[Violation]:
    limit = options["max-depth"]
    if analysis.shape.max_depth <= limit:
        return
    level = 1
    if level > limit:
        yield Violation(
            "", f"instances nest {analysis.shape.max_depth} levels deep (limit {limit})"
        )
        return
    path = analysis.shape.deepest_path
    for previous, current in itertools.pairwise(path):
        node = analysis.by_pointer[current]
        if node.parent == previous and node.keyword in NESTING:
            level += 1
        if level > limit:
            yield Violation(
                current,
                f"instances nest {analysis.shape.max_depth} levels deep (limit {limit}); "
                f"level {level} starts here",
                Fix("Flatten nested objects into fewer levels.", Applicability.DISPLAY_ONLY),
                {"max_depth": analysis.shape.max_depth},
            )
            return


@rule(
    "SL102",
    "ref-fanout",
    Severity.LOW,
    "A definition is referenced from many places; each use is expanded by the enforcer.",
    fix=Applicability.SAFE,
    options=(Option("max-uses", 5, "Most $refs allowed to one definition."),),
)
def ref_fanout(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for target, uses in sorted(analysis.ref_uses.items()):
        if uses > options["max-uses"]:
            yield Violation(
                target,
                f"definition is referenced {uses} times (limit {options['max-uses']})",
                _INLINE,
                {"uses": uses},
            )


@rule(
    "SL103",
    "ref-expansion",
    Severity.HIGH,
    "Inlining every $ref makes the schema far larger than it looks.",
    fix=Applicability.SAFE,
    options=(
        Option("max-expanded-nodes", 5000, "Most subschemas allowed after inlining $refs."),
        Option("exponential-ratio", 100, "Expanded/written size ratio graded critical."),
    ),
)
def ref_expansion(analysis: Analysis, options: Options) -> Iterator[Violation]:
    expanded = analysis.shape.expanded_nodes
    written = len(analysis.nodes)
    if expanded <= options["max-expanded-nodes"]:
        return
    exponential = expanded > options["exponential-ratio"] * written
    yield Violation(
        "",
        f"inlining $refs expands {written:,} subschemas to {expanded:,}"
        + (" (exponential blow-up)" if exponential else ""),
        None if exponential else _INLINE,
        {"written_nodes": written, "expanded_nodes": expanded},
        Severity.CRITICAL if exponential else None,
    )


@rule(
    "SL104",
    "recursive-ref",
    Severity.MEDIUM,
    "A $ref reaches one of its own ancestors: output can nest without bound.",
)
def recursive_ref(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for source in sorted(analysis.shape.recursive_refs):
        ref = analysis.refs.refs[source]
        if source in analysis.shape.ref_loops:
            yield Violation(
                source,
                f"$ref {quoted(ref.value)} closes a loop that nests no value: the schema never "
                "bottoms out, and enforcers recurse until they fail",
                Fix(
                    "Break the loop: give the definitions a real type.", Applicability.DISPLAY_ONLY
                ),
                severity=Severity.CRITICAL,
            )
            continue
        yield Violation(
            source,
            f"recursive $ref to {quoted(ref.value)}: output can nest without bound, and LMFE "
            "resolves only root definitions",
            Fix("Unroll the recursion to a fixed depth.", Applicability.DISPLAY_ONLY),
        )


@rule(
    "SL105",
    "wide-union",
    Severity.LOW,
    "A union has many branches; each is a parser the enforcer keeps alive until one wins.",
    options=(Option("max-branches", 8, "Most anyOf/oneOf branches allowed."),),
)
def wide_union(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        for keyword in UNIONS:
            branches = node.schema.get(keyword) if node.is_object else None
            if isinstance(branches, list) and len(branches) > options["max-branches"]:
                yield Violation(
                    jp.join(node.pointer, keyword),
                    f"{keyword} has {len(branches)} branches (limit {options['max-branches']})",
                    Fix(
                        "Split the tools over several calls or route first.",
                        Applicability.DISPLAY_ONLY,
                    ),
                    {"branches": len(branches)},
                )


@rule(
    "SL106",
    "many-optional-properties",
    Severity.LOW,
    "An object has many optional properties; the enforcer keeps every key choice open.",
    options=(Option("max-optional", 10, "Most optional properties allowed in one object."),),
)
def many_optional_properties(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        properties = node.schema.get("properties") if node.is_object else None
        if not isinstance(properties, dict):
            continue
        names = set(required_names(node.schema))
        optional = [name for name in properties if name not in names]
        if len(optional) > options["max-optional"]:
            yield Violation(
                node.pointer,
                f"{len(optional)} optional properties (limit {options['max-optional']})",
                Fix(
                    "Make the properties the model must fill required.", Applicability.DISPLAY_ONLY
                ),
                {"optional": len(optional)},
            )


@rule(
    "SL107",
    "unbounded-array",
    Severity.LOW,
    "An array has no maxItems; LMFE silently caps it at LMFE_MAX_JSON_ARRAY_LENGTH (20).",
)
def unbounded_array(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if "array" in types_of(node.schema) and "maxItems" not in node.schema:
            yield Violation(
                node.pointer,
                "array has no maxItems: the model can keep adding items, and LMFE stops it at "
                "LMFE_MAX_JSON_ARRAY_LENGTH (default 20) whatever the schema needs",
                Fix("Add a maxItems that fits the task.", Applicability.DISPLAY_ONLY),
            )
