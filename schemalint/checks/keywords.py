"""SL3xx/SL4xx: keywords LMFE ignores, and shapes it breaks on (see tests/test_lmfe.py)."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.checks.base import Options, rule
from schemalint.lmfe import IGNORED_KEYWORDS
from schemalint.model import Applicability, Fix, Severity, Violation

_VALIDATE_AFTER = Fix(
    "Validate the output with jsonschema after generation, or express the constraint in a "
    "form the enforcer understands.",
    Applicability.DISPLAY_ONLY,
)


@rule(
    "SL108",
    "free-form-object",
    Severity.CRITICAL,
    "An object with no properties and additionalProperties true (or {}): LMFE crashes "
    "silently inside it and then allows only end-of-sequence.",
    fix=Applicability.UNSAFE,
)
def free_form_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        schema = node.schema
        if not node.is_object or schema.get("type") != "object" or schema.get("properties"):
            continue
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            yield Violation(
                node.pointer,
                "free-form object (no properties, additionalProperties true): LMFE 0.11.3 "
                "raises inside it, logs 'Unknown LMFormatEnforcer Problem' and allows only EOS, "
                "so generation stops silently",
                Fix("Declare the properties the tool accepts.", Applicability.UNSAFE),
            )


@rule(
    "SL301",
    "ignored-keyword",
    Severity.LOW,
    "LMFE accepts the keyword but does not enforce it: output may violate it.",
)
def ignored_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if not node.is_object:
            continue
        for keyword in IGNORED_KEYWORDS:
            if keyword in node.schema:
                yield Violation(
                    jp.join(node.pointer, keyword),
                    f"LMFE {analysis.enforcer.version} does not enforce '{keyword}': "
                    "generated output may violate it",
                    _VALIDATE_AFTER,
                )
        extra = node.schema.get("additionalProperties")
        if node.schema.get("properties") and (extra is True or isinstance(extra, dict)):
            yield Violation(
                jp.join(node.pointer, "additionalProperties"),
                "LMFE offers only the listed properties: the extra keys this "
                "additionalProperties allows can never be generated",
                _VALIDATE_AFTER,
            )
        elif extra is False and not node.schema.get("properties"):
            yield Violation(
                jp.join(node.pointer, "additionalProperties"),
                "LMFE ignores additionalProperties: false on an object without properties: "
                "it lets the model write any key",
                _VALIDATE_AFTER,
            )


@rule(
    "SL401",
    "oneof-non-object",
    Severity.HIGH,
    "oneOf over branches that are not objects: LMFE parses every oneOf branch as an object.",
    fix=Applicability.SAFE,
)
def oneof_non_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        branches = node.schema.get("oneOf") if node.is_object else None
        if not isinstance(branches, list) or node.schema.get("type") == "string":
            continue
        for index in range(len(branches)):
            child = analysis.child(node, "oneOf", index)
            if child is None:
                continue
            target = analysis.deref(child).schema
            kind = target.get("type", "object") if isinstance(target, dict) else "any"
            if kind != "object":
                yield Violation(
                    child.pointer,
                    f"oneOf branch of type {kind!r}: LMFE merges oneOf branches into object "
                    "parsers, so this value cannot be generated",
                    Fix(
                        "Use anyOf (schemalint rewrite) when branches are disjoint.",
                        Applicability.SAFE,
                    ),
                )


@rule(
    "SL402",
    "non-string-const",
    Severity.HIGH,
    "A const that is not a string: LMFE matches consts as text.",
)
def non_string_const(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if node.is_object and "const" in node.schema and not isinstance(node.schema["const"], str):
            yield Violation(
                jp.join(node.pointer, "const"),
                f"const {node.schema['const']!r} is not a string: LMFE cannot generate it",
                Fix("Use a one-value enum or a string const.", Applicability.DISPLAY_ONLY),
            )


@rule(
    "SL403",
    "ref-beside-type",
    Severity.HIGH,
    "A $ref with a sibling type: LMFE follows the type and ignores the $ref.",
    fix=Applicability.SAFE,
)
def ref_beside_type(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for source in analysis.refs.refs:
        schema = analysis.by_pointer[source].schema
        if "type" in schema:
            yield Violation(
                jp.join(source, "$ref"),
                f"$ref beside type {schema['type']!r}: LMFE uses the type and drops the "
                "referenced constraints",
                Fix(
                    "Inline the reference (schemalint rewrite) or drop the type.",
                    Applicability.SAFE,
                ),
            )


@rule(
    "SL404",
    "non-root-ref-target",
    Severity.HIGH,
    "A $ref that does not point at a root $defs/definitions entry: LMFE looks up only the "
    "last path segment there.",
    fix=Applicability.SAFE,
)
def non_root_ref_target(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for source, ref in analysis.refs.refs.items():
        if ref.target is None:
            continue
        tokens = jp.split(ref.target)
        if len(tokens) == 2 and tokens[0] in ("$defs", "definitions"):
            continue
        yield Violation(
            jp.join(source, "$ref"),
            f"$ref '{ref.value}' does not name a root $defs entry: LMFE resolves it by its "
            "last segment and fails or picks the wrong schema",
            Fix("Inline it, or move the target into root $defs.", Applicability.SAFE),
        )


@rule(
    "SL405",
    "remote-ref",
    Severity.CRITICAL,
    "A $ref to another document: schemalint never fetches it and LMFE cannot resolve it.",
)
def remote_ref(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for source, ref in analysis.refs.refs.items():
        if ref.status == "remote":
            yield Violation(
                jp.join(source, "$ref"),
                f"remote $ref '{ref.value}' (not fetched): bundle it into root $defs",
                Fix("Bundle the referenced schema into $defs.", Applicability.DISPLAY_ONLY),
            )


@rule(
    "SL406",
    "empty-subschema",
    Severity.HIGH,
    "An empty {} (or true) subschema: LMFE has no type to generate and fails on it.",
)
def empty_subschema(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if node.parent is None or node.keyword in ("additionalProperties", "items"):
            continue
        if node.schema is True or node.schema == {}:
            yield Violation(
                node.pointer,
                "empty subschema: LMFE raises on a value with no type",
                Fix("Give the value a type.", Applicability.DISPLAY_ONLY),
            )


@rule(
    "SL407",
    "items-true",
    Severity.HIGH,
    "items: true: LMFE raises on the first item, so even [] cannot be generated.",
)
def items_true(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if node.keyword == "items" and node.schema is True:
            yield Violation(
                node.pointer,
                "items: true makes LMFE raise at '[': drop it (an absent items means the same)",
                Fix("Give the items a type.", Applicability.DISPLAY_ONLY),
            )


@rule(
    "SL408",
    "pattern-with-length",
    Severity.HIGH,
    "pattern together with minLength/maxLength: LMFE applies the pattern and drops the lengths.",
)
def pattern_with_length(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if not node.is_object or "pattern" not in node.schema:
            continue
        lengths = [k for k in ("minLength", "maxLength") if k in node.schema]
        if lengths:
            yield Violation(
                jp.join(node.pointer, "pattern"),
                f"pattern beside {' and '.join(lengths)}: LMFE does not combine them",
                Fix(
                    "Move the length bounds into the pattern, e.g. ^.{1,80}$.",
                    Applicability.DISPLAY_ONLY,
                ),
            )


@rule(
    "SL409",
    "mixed-type-enum",
    Severity.HIGH,
    "An enum mixing strings with other values, or holding booleans or null: LMFE cannot "
    "generate it.",
)
def mixed_type_enum(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        enum = node.schema.get("enum") if node.is_object else None
        if not isinstance(enum, list) or not enum:
            continue
        strings = sum(isinstance(v, str) for v in enum)
        if 0 < strings < len(enum):
            problem = "mixes strings and other values: LMFE raises 'Unsupported enum type'"
        elif any(v is None or isinstance(v, bool) for v in enum):
            problem = "holds booleans or null: LMFE writes them as True/False/None"
        else:
            continue
        yield Violation(
            jp.join(node.pointer, "enum"),
            f"enum {problem}",
            Fix("Split it into an anyOf of a string enum and a number enum.", Applicability.SAFE),
        )


@rule(
    "SL410",
    "unresolvable-ref",
    Severity.CRITICAL,
    "A local $ref that points at nothing.",
)
def unresolvable_ref(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for source, ref in analysis.refs.refs.items():
        if ref.status == "unresolvable":
            yield Violation(jp.join(source, "$ref"), f"$ref '{ref.value}' does not resolve")
