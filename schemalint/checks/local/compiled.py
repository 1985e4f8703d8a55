"""What the local-engine rules read: the schema an engine compiles (the whole document, as
``check --measure --engine`` and a server send it) and the features each engine's JSON Schema
compiler decides on. The facts are those of the pinned engines, each verified by a test that
compiles the rule page's example in the real engine (``tests/checks/test_local_pages.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, types_of
from schemalint.analysis.refs import Ref
from schemalint.analysis.unions import provably_disjoint
from schemalint.model import Applicability, Fix
from schemalint.walk import Node, keywords_in

#: The fix of a keyword an engine drops: nothing but a check after generation enforces it.
DESCRIBE = Fix(
    "Validate the output after generation, or say the constraint in the description.",
    Applicability.DISPLAY_ONLY,
)
#: The fix of a bound that makes an engine compile slowly.
DROP_BOUND = Fix("Drop the bound and check the length after generation.", Applicability.UNSAFE)


def keywords_used(analysis: Analysis, names: frozenset[str]) -> Iterator[tuple[Node, str]]:
    """Each (subschema, keyword) pair of the compiled schema for the keywords in ``names``."""
    return keywords_in(analysis.used_nodes, names)


def formats_outside(analysis: Analysis, known: frozenset[str]) -> Iterator[tuple[Node, str]]:
    for node in analysis.used_nodes:
        schema = node.schema
        value = schema.get("format") if isinstance(schema, dict) else None
        if isinstance(value, str) and value not in known:
            yield node, value


def overlapping_one_ofs(analysis: Analysis) -> Iterator[Node]:
    """Each ``oneOf`` whose branches are not provably disjoint: both engines that read
    ``oneOf`` prove exactly-one the same way (disjoint types, or one required discriminator
    with distinct fixed values) and give up otherwise."""
    return (node for node in analysis.used_nodes if one_of_overlaps(analysis, node))


def one_of_overlaps(analysis: Analysis, node: Node) -> bool:
    branches = node.schema.get("oneOf") if isinstance(node.schema, dict) else None
    if not isinstance(branches, list) or len(branches) < 2:
        return False
    resolved = [
        analysis.deref(analysis.by_pointer[jp.join(node.pointer, "oneOf", index)])
        for index in range(len(branches))
    ]
    return not provably_disjoint(analysis, resolved)


def refs_with_status(analysis: Analysis, *statuses: str) -> Iterator[Ref]:
    return (ref for ref in analysis.used_refs if ref.status in statuses)


def ref_siblings(analysis: Analysis) -> Iterator[tuple[Node, list[str]]]:
    """Each ``$ref`` with constraints beside it, which the engines drop: they compile the
    referenced schema alone."""
    for node in analysis.used_nodes:
        schema = node.schema
        if isinstance(schema, dict) and "$ref" in schema:
            extra = [k for k in schema if k in _CONSTRAINTS]
            if extra:
                yield node, extra


def false_subschemas(analysis: Analysis, read: frozenset[str | None]) -> Iterator[Node]:
    """Each ``false`` subschema under one of the ``read`` keywords (None: the root), which an
    engine compiles to a rule that matches nothing and refuses."""
    for node in analysis.used_nodes:
        if node.schema is False and node.keyword in read:
            yield node


def false_targets(analysis: Analysis) -> Iterator[Ref]:
    """Each ``$ref`` that points at a ``false`` subschema."""
    for ref in analysis.used_refs:
        if ref.target is not None and analysis.by_pointer[ref.target].schema is False:
            yield ref


def unreadable_pointer_refs(analysis: Analysis) -> Iterator[Ref]:
    """Each local ``$ref`` whose JSON Pointer holds an escape (``~0``, ``~1``), a
    percent-encoded character or an empty token, or steps into an array: xgrammar and
    outlines-core look each raw token up as an object key, and find nothing."""
    for ref in analysis.used_refs:
        value = ref.value
        if not value.startswith("#/"):
            continue
        tokens = value[2:].split("/")
        escaped = "~" in value or "%" in value or "" in tokens
        if escaped or _steps_into_an_array(analysis.schema, tokens):
            yield ref


def _steps_into_an_array(document: object, tokens: list[str]) -> bool:
    for token in tokens:
        if isinstance(document, list):
            return True
        if not isinstance(document, dict) or token not in document:
            return False
        document = document[token]
    return False


#: Keywords that count: given as a float (``2.0``), xgrammar and llguidance refuse them.
COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


#: The type each count applies to (xgrammar reads a count beside its type only).
_COUNTED = {"Length": "string", "Items": "array", "Properties": "object"}


def fractional_counts(analysis: Analysis, typed: bool = False) -> Iterator[tuple[Node, str]]:
    """Each count given as a float; ``typed``: only beside the type it applies to."""
    for node, keyword in keywords_in(analysis.used_nodes, frozenset(COUNTS)):
        kind = _COUNTED[keyword[3:]]
        if isinstance(node.schema[keyword], float) and (not typed or kind in types_of(node.schema)):
            yield node, keyword


def strings(analysis: Analysis) -> Iterator[Node]:
    for node in analysis.used_nodes:
        schema = node.schema
        if isinstance(schema, dict) and ("string" in types_of(schema) or "pattern" in schema):
            yield node


def bounded_strings(analysis: Analysis, at_least: int) -> Iterator[tuple[Node, int]]:
    """Each string with a ``maxLength`` of ``at_least`` or more (and no pattern or format, beside
    which the engines ignore the bound)."""
    for node in strings(analysis):
        bound = node.schema.get("maxLength")
        if isinstance(bound, int) and bound >= at_least and not _generative(node.schema):
            yield node, bound


def lengths_beside_pattern(analysis: Analysis) -> Iterator[tuple[Node, str, list[str]]]:
    """Each string with ``pattern`` or ``format`` and a length bound: (node, which of the two,
    the length keywords)."""
    for node in strings(analysis):
        lengths = [k for k in ("minLength", "maxLength") if k in node.schema]
        kind = _generative(node.schema)
        if lengths and kind:
            yield node, kind, lengths


def _generative(schema: dict[str, object]) -> str:
    return "pattern" if "pattern" in schema else "format" if "format" in schema else ""


def regex_features(pattern: str) -> set[str]:
    """What in a regex the engines' own regex compilers lack: ``backreference``,
    ``lookaround``, ``unicode-class`` (``\\p{L}``) and ``control-escape`` (ECMA-262's
    ``\\cJ``)."""
    found: set[str] = set()
    index = 0
    while index < len(pattern):
        char = pattern[index]
        following = pattern[index + 1 : index + 3]
        if char == "\\" and following:
            if following[0] in "123456789" or (following[0] == "k" and following[1:] == "<"):
                found.add("backreference")
            elif following[0] in "pP" and following[1:] == "{":
                found.add("unicode-class")
            elif following[0] == "c" and following[1:].isalpha():
                found.add("control-escape")
            index += 2
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), index):
            found.add("lookaround")
        index += 1
    return found


def patterns_with(
    analysis: Analysis, features: frozenset[str], typed: bool = False
) -> Iterator[tuple[str, set[str]]]:
    """Where a regex (a ``pattern``, or a ``patternProperties`` key) uses any of
    ``features``: its pointer and the features found. ``typed``: only beside the type it
    applies to (``string``, ``object``), as xgrammar reads them."""
    for node in analysis.used_nodes:
        schema = node.schema if isinstance(node.schema, dict) else {}
        kinds = types_of(schema)
        pattern = schema.get("pattern") if not typed or "string" in kinds else None
        if isinstance(pattern, str) and (found := regex_features(pattern) & features):
            yield jp.join(node.pointer, "pattern"), found
        keys = schema.get("patternProperties") if not typed or "object" in kinds else None
        for key in keys if isinstance(keys, dict) else ():
            if found := regex_features(key) & features:
                yield jp.join(node.pointer, "patternProperties", key), found


def tool_count(analysis: Analysis) -> int:
    """How many tools the compiled union holds (1 for a plain schema)."""
    return 1 if analysis.roots == ("",) else len(analysis.roots)


_CONSTRAINTS = frozenset(
    {"type", "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum"}
    | {"maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items", "prefixItems"}
    | {"minItems", "maxItems", "uniqueItems", "properties", "required", "additionalProperties"}
    | {"minProperties", "maxProperties", "anyOf", "oneOf", "allOf", "not"}
)
