"""SL3xx/SL4xx: keywords LMFE ignores, and shapes it breaks on (see tests/test_lmfe.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis, types_of
from schemalint.analysis.unions import generation_order
from schemalint.checks.base import Options, rule
from schemalint.lmfe import IGNORED_KEYWORDS
from schemalint.model import Applicability, Fix, Severity, Violation, quoted, shorten
from schemalint.targets import ALL

#: The only $ref form LMFE resolves: it looks the last segment up in root $defs/definitions.
_ROOT_DEFINITION = re.compile(r"^#/(\$defs|definitions)/[^/]+$")
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
    fix=Applicability.SAFE,
    test="reach",
    predicts="fails",
)
def free_form_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        schema = node.schema
        if "object" not in types_of(schema) or "properties" in schema:
            continue
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            yield Violation(
                node.pointer,
                "free-form object (no properties, additionalProperties true): LMFE 0.11.3 "
                "raises inside it, logs 'Unknown LMFormatEnforcer Problem' and allows only EOS, "
                "so generation stops silently",
                Fix(
                    "Drop additionalProperties: true (it is the default, so the same instances "
                    "are accepted), or declare the properties the tool takes.",
                    Applicability.SAFE,
                ),
            )


@rule(
    "SL301",
    "ignored-keyword",
    Severity.LOW,
    "LMFE accepts the keyword but does not enforce it: output may violate it.",
    effect="dropped",
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
        if extra is False and "properties" not in node.schema:
            yield Violation(
                jp.join(node.pointer, "additionalProperties"),
                "LMFE ignores additionalProperties: false on an object without properties: "
                "it lets the model write any key",
                _VALIDATE_AFTER,
            )


@rule(
    "SL109",
    "open-object",
    Severity.LOW,
    "An object with properties also allows other keys, which LMFE never generates.",
    fix=Applicability.UNSAFE,
)
def open_object(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if not isinstance(node.schema, dict) or "properties" not in node.schema:
            continue
        extra = node.schema.get("additionalProperties")
        if extra is True or isinstance(extra, dict):
            yield Violation(
                jp.join(node.pointer, "additionalProperties"),
                "LMFE offers only the listed properties: the extra keys this "
                "additionalProperties allows can never be generated",
                Fix(
                    "Close the object (additionalProperties: false), unless its description "
                    "asks for other keys.",
                    Applicability.UNSAFE,
                ),
            )


@rule(
    "SL401",
    "oneof-non-object",
    Severity.MEDIUM,
    "oneOf over branches that are not objects: LMFE parses every oneOf branch as an object.",
    fix=Applicability.SAFE,
    test="reach",
    predicts="fails",
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
            kind = _value_kind(analysis.deref(child).schema)
            if kind != "object":
                yield Violation(
                    child.pointer,
                    f"oneOf branch is {kind}: LMFE merges oneOf branches into object "
                    "parsers, so this value cannot be generated",
                    Fix(
                        "Use anyOf (schemalint rewrite) when branches are disjoint.",
                        Applicability.SAFE,
                    ),
                )


def _value_kind(schema: object) -> str:
    """'object' for an object schema, else a short description of what the schema is."""
    if not isinstance(schema, dict):
        return "a boolean schema"
    types = types_of(schema)
    if types:
        return "object" if types == {"object"} else f"of type {'/'.join(sorted(types))}"
    if any(k in schema for k in ("properties", "required", "additionalProperties")):
        return "object"
    for keyword in ("const", "enum"):
        if keyword in schema:
            return f"a {keyword}"
    return "untyped"


@rule(
    "SL402",
    "non-string-const",
    Severity.HIGH,
    "A const that is not a string: LMFE matches consts as text.",
    test="reach",
    predicts="fails",
)
def non_string_const(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if node.is_object and "const" in node.schema and not isinstance(node.schema["const"], str):
            yield Violation(
                jp.join(node.pointer, "const"),
                f"const {quoted(node.schema['const'])} is not a string: LMFE cannot generate it",
                Fix("Use a one-value enum or a string const.", Applicability.DISPLAY_ONLY),
            )


@rule(
    "SL403",
    "ref-beside-type",
    Severity.HIGH,
    "A $ref with a sibling type: LMFE follows the type and ignores the $ref.",
)
def ref_beside_type(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for ref in analysis.used_refs:
        source = ref.source
        schema = analysis.by_pointer[source].schema
        if "type" in schema:
            yield Violation(
                jp.join(source, "$ref"),
                f"$ref beside type {quoted(schema['type'])}: LMFE uses the type and drops the "
                "referenced constraints",
                Fix("Inline the reference by hand or drop the type.", Applicability.DISPLAY_ONLY),
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
    for ref in analysis.used_refs:
        if ref.status != "local" or _ROOT_DEFINITION.match(ref.value):
            continue
        yield Violation(
            jp.join(ref.source, "$ref"),
            f"$ref {quoted(ref.value)} does not name a root $defs entry: LMFE resolves it by its "
            "last segment and fails or picks the wrong schema",
            Fix("Inline it, or move the target into root $defs.", Applicability.SAFE),
        )


@rule(
    "SL405",
    "remote-ref",
    Severity.CRITICAL,
    "A $ref to another document: schemalint never fetches it and LMFE cannot resolve it.",
    target=ALL,
    effect="refused",
    drops_for=("xgrammar", "vllm"),  # xgrammar warns and generates any JSON there
)
def remote_ref(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for ref in analysis.used_refs:
        if ref.status == "remote":
            yield Violation(
                jp.join(ref.source, "$ref"),
                f"remote $ref {quoted(ref.value)} (not fetched): bundle it into root $defs",
                Fix("Bundle the referenced schema into $defs.", Applicability.DISPLAY_ONLY),
            )


_TYPING_KEYWORDS = ("type", "enum", "const", "$ref", "anyOf", "oneOf", "allOf")
#: Keywords whose subschemas LMFE builds a value parser for (items: {} means "no schema").
_VALUE_KEYWORDS = ("properties", "anyOf", "oneOf", "items", "additionalProperties")


@rule(
    "SL406",
    "untyped-subschema",
    Severity.MEDIUM,
    "A value subschema with no type ({}, true, or annotations only): LMFE raises "
    "'Unsupported type None' when it reaches it.",
    test="reach",
    predicts="fails",
)
def untyped_subschema(analysis: Analysis, options: Options) -> Iterator[Violation]:
    targets = set(analysis.ref_uses)
    for node in analysis.used_nodes:
        schema = node.schema
        in_value_position = (
            node.parent is None or node.keyword in _VALUE_KEYWORDS or node.pointer in targets
        )
        if not in_value_position or schema is False or (node.parent is None and schema == {}):
            continue  # LMFE reads a root {} as "any JSON value"
        if node.keyword in ("items", "additionalProperties") and schema in ({}, True):
            continue  # LMFE reads items: {} as absent; SL407 and SL108 cover the rest
        if schema is True or (
            isinstance(schema, dict) and not any(k in schema for k in _TYPING_KEYWORDS)
        ):
            yield Violation(
                node.pointer,
                "subschema has no type: LMFE raises 'Unsupported type None' when the model "
                "reaches this value",
                Fix(
                    "Give the value a type (or an anyOf of the types it may take).",
                    Applicability.DISPLAY_ONLY,
                ),
            )


@rule(
    "SL407",
    "items-true",
    Severity.HIGH,
    "items: true: LMFE raises on the first item, so even [] cannot be generated.",
    test="reach",
    predicts="fails",
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
    "pattern together with minLength/maxLength: LMFE raises LMFormatEnforcerException.",
    test="reach",
    predicts="fails",
)
def pattern_with_length(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        if not node.is_object or "pattern" not in node.schema:
            continue
        lengths = [k for k in ("minLength", "maxLength") if k in node.schema]
        if lengths:
            yield Violation(
                jp.join(node.pointer, "pattern"),
                f"pattern beside {' and '.join(lengths)}: LMFE 0.11.3 raises "
                "LMFormatEnforcerException and the request fails",
                Fix(
                    "Move the length bounds into the pattern, e.g. ^.{1,80}$.",
                    Applicability.DISPLAY_ONLY,
                ),
            )


@rule(
    "SL409",
    "mixed-type-enum",
    Severity.HIGH,
    "An enum mixing value types, or of booleans: LMFE cannot generate it.",
    test="reach",
    predicts="fails",
)
def mixed_type_enum(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for node in analysis.used_nodes:
        enum = node.schema.get("enum") if node.is_object else None
        if not isinstance(enum, list) or not enum:
            continue
        if all(isinstance(v, str) for v in enum):
            continue
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in enum):
            continue
        if all(isinstance(v, bool) for v in enum):
            problem = "of booleans: LMFE writes them as True/False, so valid output is rejected"
        else:
            problem = "mixes value types: LMFE raises 'Unsupported enum type' when it reaches it"
        yield Violation(
            jp.join(node.pointer, "enum"),
            f"enum {problem}",
            Fix(
                "Use an anyOf with one enum per type (type: boolean for true/false, "
                "type: null for null).",
                Applicability.DISPLAY_ONLY,
            ),
        )


@rule(
    "SL410",
    "unresolvable-ref",
    Severity.CRITICAL,
    "A local $ref that points at nothing.",
    target=ALL,
    effect="refused",
)
def unresolvable_ref(analysis: Analysis, options: Options) -> Iterator[Violation]:
    for ref in analysis.used_refs:
        if ref.status == "unresolvable":
            yield Violation(
                jp.join(ref.source, "$ref"), f"$ref {quoted(ref.value)} does not resolve"
            )


@rule(
    "SL411",
    "properties-out-of-strict-order",
    Severity.LOW,
    "Under LMFE_STRICT_JSON_FIELD_ORDER, properties listed in an order LMFE does not write: it "
    "writes the required keys first, in `required` order, and optional keys only after them.",
    fix=Applicability.SAFE,
)
def properties_out_of_strict_order(analysis: Analysis, options: Options) -> Iterator[Violation]:
    if not analysis.enforcer.strict_field_order:
        return  # without it LMFE accepts the keys in any order
    for node in analysis.used_nodes:
        listed = [name for name, _ in analysis.properties(node)]
        order = generation_order(analysis, node)
        if listed == order:
            continue
        first = next(i for i, (a, b) in enumerate(zip(listed, order, strict=True)) if a != b)
        required = node.schema.get("required", [])
        refused = listed[first]
        why = (
            f"optional {quoted(refused)} comes before required {quoted(order[first])}, and LMFE "
            "allows it only once every required key is written"
            if refused not in required
            else f"LMFE wants {quoted(order[first])} there (the `required` order)"
        )
        yield Violation(
            jp.join(node.pointer, "properties", refused),
            f"a model writing the keys in the listed order is refused at {quoted(refused)}: {why}",
            Fix(
                f"List the properties in the order LMFE writes them: {shorten(', '.join(order))} "
                "(schemalint rewrite).",
                Applicability.SAFE,
            ),
            {"listed": listed, "strict_order": order},
        )
