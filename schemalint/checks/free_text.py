"""SL2xx: free text and unions — the shapes that push LMFE off its fast path."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, is_free_text, types_of
from schemalint.analysis.unions import (
    LiveField,
    discriminated_branches,
    discriminator,
    free_text_constraints,
    generation_order,
    live_free_text,
    object_branches,
)
from schemalint.checks.base import Options, rule
from schemalint.lmfe import MULTI_BRANCH_SHORTCUT_VERSION
from schemalint.model import Applicability, Fix, Severity, Violation, quoted
from schemalint.walk import Node

_MOVE_THOUGHT = Fix(
    "Drop the per-call free text and add one top-level one_liner_internal_thought "
    "(schemalint rewrite --unsafe-fixes).",
    Applicability.UNSAFE,
)
_STRICT_ORDER_HINT = "set LMFE_STRICT_JSON_FIELD_ORDER=true"


def _order_source(analysis: Analysis) -> str:
    return "required" if analysis.enforcer.strict_field_order else "properties"


def _order_note(analysis: Analysis) -> str:
    if analysis.enforcer.strict_field_order:
        return "it comes before the discriminator in `required` order"
    return "LMFE_STRICT_JSON_FIELD_ORDER is off, so the model may write it first"


def _union_fields(
    analysis: Analysis,
) -> Iterator[tuple[Node, str, dict[tuple[str, ...], list[LiveField]]]]:
    """For every union with object branches: its live free-text fields, grouped by path."""
    for node in analysis.used_nodes:
        for keyword, branches in object_branches(analysis, node):
            by_path: dict[tuple[str, ...], list[LiveField]] = defaultdict(list)
            for branch in branches:
                for field in live_free_text(analysis, branch):
                    by_path[field.path].append(field)
            yield node, keyword, by_path


@rule(
    "SL201",
    "unbounded-free-text",
    Severity.INFO,
    "A free-text string has no maxLength: the model decides when to stop.",
)
def unbounded_free_text(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        schema = node.schema
        if is_free_text(schema) and "maxLength" not in schema and "pattern" not in schema:
            yield Violation(
                node.pointer,
                "free-text string without maxLength",
                Fix(
                    "Add a maxLength (the same in every union branch).", Applicability.DISPLAY_ONLY
                ),
            )


@rule(
    "SL202",
    "union-divergent-free-text",
    Severity.CRITICAL,
    "Union branches alive together constrain the same free-text field differently: "
    "LMFE loses its free-text shortcut (70-120 s per token measured).",
    fix=Applicability.UNSAFE,
    test="before-decision",
    predicts="slow",
)
def union_divergent_free_text(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node, keyword, by_path in _union_fields(analysis):
        for path, fields in by_path.items():
            if all(_fixed_format(f.node.schema) for f in fields):
                continue  # fixed formats in every branch (``^success$``) tell them apart
            variants = {free_text_constraints(f.node.schema) for f in fields}
            if len(fields) < 2 or len(variants) < 2:
                continue
            odd = _least_common(fields)
            yield Violation(
                odd.node.pointer,
                f"{quoted('.'.join(path))} is constrained differently in {len(variants)} of the "
                f"{len(fields)} {keyword} branches that can write it ({_order_note(analysis)}): "
                "LMFE walks its whole token trie for every step of it (70-120 s per token)",
                Fix(
                    "Give the field the same minLength/maxLength/pattern in every branch, "
                    "or move it out of the union.",
                    Applicability.UNSAFE,
                ),
                {
                    "branches": len(fields),
                    "variants": len(variants),
                    "union": jp.join(node.pointer, keyword),
                },
            )


def _fixed_format(schema: dict[str, object]) -> bool:
    pattern = schema.get("pattern")
    return isinstance(pattern, str) and pattern_breadth(pattern) is None


def _least_common(fields: list[LiveField]) -> LiveField:
    counts: dict[tuple[object, ...], int] = defaultdict(int)
    for field in fields:
        counts[free_text_constraints(field.node.schema)] += 1
    return min(fields, key=lambda f: counts[free_text_constraints(f.node.schema)])


#: A repeated atom: an unescaped dot, a class escape, or a bracket class, and its quantifier.
_REPEATED_ATOM = re.compile(
    r"(?<!\\)(?P<atom>\.|\\[SsWwDd]|\[(?:\\.|[^\]\\])*\])"
    r"(?P<quantifier>[*+]|\{\d+,(?P<upper>\d*)\})"
)
#: Repeats up to this many characters are a fixed format (an id, a code), not prose.
_PROSE_LENGTH = 20


def pattern_breadth(pattern: str) -> str | None:
    """'any' if the pattern repeats (almost) any character, 'prose' if it repeats a class
    with spaces, None for fixed formats: the cost of LMFE's regex walk follows this."""
    breadth = None
    for match in _REPEATED_ATOM.finditer(pattern):
        upper = match.group("upper")
        if upper and int(upper) < _PROSE_LENGTH:
            continue
        atom = match.group("atom")
        if atom in (".", r"\W") or atom.startswith("[^"):
            return "any"
        if atom.startswith("[") and (" " in atom or r"\s" in atom):
            breadth = "prose"
        # \S and \s alone are no cost: words of ``(?:\S+\s+){0,99}`` measured 5 ms a step.
    return breadth


@rule(
    "SL203",
    "prose-pattern",
    Severity.HIGH,
    "A pattern admits prose: LMFE runs the regex over its token trie (0.4-7 s per token).",
    fix=Applicability.UNSAFE,
    test="prose",
    predicts="slow",
)
def prose_pattern(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if "string" not in types_of(node.schema):
            continue
        pattern = node.schema.get("pattern")
        breadth = pattern_breadth(pattern) if isinstance(pattern, str) else None
        if breadth is None:
            continue
        any_character = breadth == "any"
        yield Violation(
            jp.join(node.pointer, "pattern"),
            f"pattern {quoted(pattern)} admits "
            + ("almost any text" if any_character else "free prose")
            + ": LMFE checks it against every candidate token (measured 0.4-7 s per token)",
            Fix(
                "Drop the pattern from prose fields and validate after generation; keep "
                "patterns for fixed formats such as ids.",
                Applicability.UNSAFE,
            ),
            {"pattern": pattern},
            Severity.CRITICAL if any_character else None,
        )


@rule(
    "SL204",
    "union-free-text-old-lmfe",
    Severity.CRITICAL,
    "Free text inside a multi-branch union on LMFE older than 0.10.8: no free-text shortcut.",
    fix=Applicability.UNSAFE,
    test="before-decision",
    predicts="slow",
)
def union_free_text_old_lmfe(analysis: Analysis, options: Options) -> Iterator[Violation]:
    if analysis.enforcer.has_multi_branch_shortcut:
        return
    wanted = ".".join(str(part) for part in MULTI_BRANCH_SHORTCUT_VERSION)
    for node, keyword, by_path in _union_fields(analysis):
        for path, fields in by_path.items():
            if len(fields) >= 2:
                yield Violation(
                    fields[0].node.pointer,
                    f"{quoted('.'.join(path))} is written while {len(fields)} {keyword} "
                    f"branches are alive; {analysis.enforcer.describe()} only takes its free-text "
                    "shortcut with one live branch (70-100 s per token measured): upgrade to "
                    f">= {wanted}",
                    _MOVE_THOUGHT,
                    {"branches": len(fields), "union": jp.join(node.pointer, keyword)},
                )


@rule(
    "SL205",
    "enum-or-free-string",
    Severity.CRITICAL,
    "A union of a string enum and a free string: LMFE checks every token against both "
    "(4-8 s per token measured).",
    fix=Applicability.UNSAFE,
    test="enum-prefix",
    predicts="slow",
)
def enum_or_free_string(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        for keyword, branches in analysis.union_branches(node):
            schemas = [b.schema for b in branches if isinstance(b.schema, dict)]
            closed = [s for s in schemas if is_string_choice(s)]
            if closed and any(is_free_text(s) for s in schemas):
                yield Violation(
                    jp.join(node.pointer, keyword),
                    f"{keyword} mixes a string enum with a free string: while the text is a "
                    "prefix of an enum value LMFE walks its token trie for both branches",
                    Fix(
                        "Use the free string alone and list the suggested values in its "
                        "description.",
                        Applicability.UNSAFE,
                    ),
                )


def is_string_choice(schema: dict[str, object]) -> bool:
    """A string enum or a string const: the closed branch of SL205's union."""
    enum = schema.get("enum")
    if isinstance(enum, list):
        return bool(enum) and all(isinstance(v, str) for v in enum)
    return isinstance(schema.get("const"), str)


@rule(
    "SL206",
    "free-text-before-discriminator",
    Severity.HIGH,
    "Free text comes before the union's discriminator, so it is written with every branch "
    "alive (the exllamav2 #486 hang).",
    fix=Applicability.UNSAFE,
    test="before-decision",
    predicts="slow",
)
def free_text_before_discriminator(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for branch, key in discriminated_branches(analysis):
        order = generation_order(analysis, branch)
        props = dict(analysis.properties(branch))
        for name in order[: order.index(key)] if key in order else []:
            if name in props and is_free_text(props[name].schema):
                yield Violation(
                    jp.join(branch.pointer, "properties", name),
                    f"free-text {quoted(name)} comes before the discriminator {quoted(key)} "
                    f"(position {order.index(name) + 1} of {len(order)} in "
                    f"{_order_source(analysis)}): every "
                    f"branch stays alive while it is written; "
                    + (
                        "put the discriminator first"
                        if analysis.enforcer.strict_field_order
                        else f"put the discriminator first and {_STRICT_ORDER_HINT}"
                    ),
                    _MOVE_THOUGHT,
                )


@rule(
    "SL209",
    "shared-free-text-before-decision",
    Severity.MEDIUM,
    "With loose key order the model may write a free-text field that several branches share "
    "before the discriminator, so it is written with all of them alive.",
    test="before-decision",
    predicts="slow",
)
def shared_free_text_before_decision(analysis: Analysis, options: Options) -> Iterator[Violation]:
    if analysis.enforcer.strict_field_order:
        return  # LMFE then writes the keys in `required` order: SL206 judges that order
    for node, keyword, by_path in _union_fields(analysis):
        for path, fields in by_path.items():
            shared = len({free_text_constraints(f.node.schema) for f in fields}) == 1
            if len(fields) < 2 or not shared or any(_declared_first(analysis, f) for f in fields):
                continue  # one branch alive, SL202 (constrained differently), or SL206
            if not _room_for_a_sentence(fields[0].node.schema):
                continue
            key = discriminator(analysis, fields[0].branch) or "the discriminator"
            yield Violation(
                fields[0].node.pointer,
                f"LMFE_STRICT_JSON_FIELD_ORDER is off, so the model may write {quoted(path[0])} "
                f"before {quoted(key)}: free-text {quoted('.'.join(path))} is then written with "
                f"{len(fields)} {keyword} branches alive, and an escape in it (a quote, a "
                "newline) costs seconds a token",
                Fix(
                    f"S{_STRICT_ORDER_HINT[1:]} and keep {quoted(key)} first in "
                    "`required`, or give the field a name of its own in each branch.",
                    Applicability.DISPLAY_ONLY,
                ),
                {"branches": len(fields), "union": jp.join(node.pointer, keyword)},
            )


#: Free text bounded below this many characters is a name, a city, a code: a model rarely
#: writes a quote or a newline in it, and without an escape the shortcut holds.
_SENTENCE = 100


def _room_for_a_sentence(schema: dict[str, object]) -> bool:
    """Free prose: no pattern (a pattern is a format, or SL203's prose pattern), and no bound
    under a sentence."""
    limit = schema.get("maxLength")
    return "pattern" not in schema and (not isinstance(limit, int) or limit > _SENTENCE)


def _declared_first(analysis: Analysis, field: LiveField) -> bool:
    """Whether the field's top property is declared before its branch's discriminator (SL206)."""
    key = discriminator(analysis, field.branch)
    order = generation_order(analysis, field.branch)
    return key in order and field.path[0] in order[: order.index(key)]


@rule(
    "SL207",
    "union-without-discriminator",
    Severity.MEDIUM,
    "Object branches of a union have no const property to tell them apart early.",
)
def union_without_discriminator(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        for keyword, branches in object_branches(analysis, node):
            missing = [b for b in branches if discriminator(analysis, b) is None]
            if missing:
                yield Violation(
                    jp.join(node.pointer, keyword),
                    f"{len(missing)} of {len(branches)} object branches have no const "
                    "property: the enforcer keeps them all alive until their keys differ",
                    Fix(
                        "Add a const discriminator (e.g. name) first in each branch.",
                        Applicability.DISPLAY_ONLY,
                    ),
                    {"branches": len(branches), "without_discriminator": len(missing)},
                )


@rule(
    "SL208",
    "discriminator-not-first",
    Severity.LOW,
    "The discriminator is not the first property (or first in required).",
    fix=Applicability.SAFE,
)
def discriminator_not_first(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for branch, key in discriminated_branches(analysis):
        order = generation_order(analysis, branch)
        if key not in order or order[0] == key:
            continue
        props = dict(analysis.properties(branch))
        before = order[: order.index(key)]
        if not any(n in props and is_free_text(props[n].schema) for n in before):
            yield Violation(
                jp.join(branch.pointer, "properties", key),
                f"discriminator {quoted(key)} is not first in {_order_source(analysis)}: "
                "branches stay alive longer than needed",
                Fix("Move the discriminator first (schemalint rewrite).", Applicability.SAFE),
            )
