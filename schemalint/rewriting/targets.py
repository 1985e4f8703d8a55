"""Rewrites that make a schema acceptable to a target (``rewrite --target T --unsafe-fixes``).
Nearly every one changes what is accepted, so it is unsafe, and says what it gave up: a
constraint moved into the ``description`` is one the target no longer enforces, so validate
the output. Two change nothing a validator sees: listing required properties first, and
stating every JSON type where a subschema states none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis, types_of
from schemalint.analysis.context import required_names
from schemalint.checks.local import llguidance, outlines
from schemalint.checks.local.compiled import overlapping_one_ofs
from schemalint.checks.providers import anthropic, gemini, openai
from schemalint.model import Applicability
from schemalint.rewriting.change import Change, Rewrite
from schemalint.rewriting.patch import Operation, add, remove, replace
from schemalint.rewriting.preconditions import document_resources, inlinable
from schemalint.walk import Node


def _objects(analysis: Analysis) -> Iterator[Node]:
    for node in analysis.used_nodes:
        schema = node.schema
        if isinstance(schema, dict) and (
            "object" in types_of(schema) or isinstance(schema.get("properties"), dict)
        ):
            yield node


def _set(node: Node, keyword: str, value: Any) -> Operation:
    path = jp.join(node.pointer, keyword)
    return replace(path, value) if keyword in node.schema else add(path, value)


def nullable(schema: Any) -> Any:
    """``schema`` that also accepts null: what an optional property becomes when strict mode
    requires every key (the model writes null for a value it would have left out)."""
    if not isinstance(schema, dict) or not schema:
        return schema  # true and {} accept null already
    kind = schema.get("type")
    if "enum" not in schema and "const" not in schema:
        if isinstance(kind, str):
            return schema if kind == "null" else {**schema, "type": [kind, "null"]}
        if isinstance(kind, list) and all(isinstance(k, str) for k in kind):
            return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    if isinstance(schema.get("anyOf"), list) and set(schema) == {"anyOf"}:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def require_all(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in _objects(analysis):
        properties = node.schema.get("properties")
        if not isinstance(properties, dict):
            continue
        required = required_names(node.schema)
        optional = [name for name in properties if name not in required]
        if not optional:
            continue
        operations = [_set(node, "required", [*required, *optional])]
        operations += [
            replace(jp.join(node.pointer, "properties", name), nullable(properties[name]))
            for name in optional
        ]
        yield Change(
            f"made {len(optional)} optional propert{'y' if len(optional) == 1 else 'ies'} "
            f"required and nullable ({', '.join(optional[:3])}{' …' if len(optional) > 3 else ''})",
            operations,
        )


def close_every_object(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in _objects(analysis):
        if node.schema.get("additionalProperties") is not False:
            yield Change(
                "closed an object (additionalProperties: false)",
                [_set(node, "additionalProperties", False)],
            )


def required_first(analysis: Analysis, cap: int) -> Iterator[Change]:
    """List required properties before optional ones, each group in its order: the order
    Anthropic's strict mode writes them in. Order never changes what is accepted."""
    for node in _objects(analysis):
        properties = node.schema.get("properties")
        if not isinstance(properties, dict):
            continue
        required = set(required_names(node.schema))
        order = [n for n in properties if n in required] + [
            n for n in properties if n not in required
        ]
        if order != list(properties):
            yield Change(
                f"listed the required properties first: {', '.join(order)}",
                [replace(jp.join(node.pointer, "properties"), {k: properties[k] for k in order})],
            )


#: Every JSON type: as ``type``, it accepts what a subschema without ``type`` accepts.
EVERY_TYPE = ["array", "boolean", "null", "number", "object", "string"]


def state_every_type(analysis: Analysis, cap: int) -> Iterator[Change]:
    """Give each subschema outlines-core refuses for having no keyword it reads (``{"minLength":
    1}``, ``{"description": …}``) a ``type`` listing every JSON type: the same values valid."""
    for node in outlines.compiled(analysis):
        schema = node.schema
        if isinstance(schema, dict) and schema and outlines.dispatch(schema) is None:
            yield Change("listed every JSON type", [add(jp.join(node.pointer, "type"), EVERY_TYPE)])


def one_of_as_any_of(analysis: Analysis, cap: int) -> Iterator[Change]:
    """Write each ``oneOf`` llguidance cannot prove exactly-one for as ``anyOf``: what its
    ``coerce_one_of`` option does, but in place, so it holds in a tool list too (the option is
    read at the root of the schema compiled, which a server builds around each tool)."""
    for node in overlapping_one_ofs(analysis):
        rest = {k: v for k, v in node.schema.items() if k != "oneOf"}
        if "anyOf" not in rest:
            yield Change(
                "wrote an overlapping oneOf as anyOf",
                [replace(node.pointer, {**rest, "anyOf": node.schema["oneOf"]})],
            )


def _describe_for_llguidance(analysis: Analysis, cap: int) -> Iterator[Change]:
    yield from describing(llguidance.UNIMPLEMENTED, llguidance.FORMATS)(analysis, cap)


def vllm_fallbacks(analysis: Analysis, cap: int) -> Iterator[Change]:
    """What makes the backend vLLM falls back to (guidance, or outlines) take the schema."""
    yield from _describe_for_llguidance(analysis, cap)
    yield from one_of_as_any_of(analysis, cap)
    yield from state_every_type(analysis, cap)


#: Keywords whose meaning depends on another keyword of the same schema object: split between a
#: ``$ref``'s target and its siblings, merging them into one object would change what they mean.
_INTERACTING = (
    frozenset({"properties", "patternProperties", "additionalProperties"}),
    frozenset({"prefixItems", "items"}),
    frozenset({"contains", "minContains", "maxContains"}),
    frozenset({"if", "then", "else"}),
    frozenset({"unevaluatedProperties", "unevaluatedItems"}),
)
_ANNOTATION_KEYS = frozenset({"title", "description", "default", "examples", "$comment"})


def hoist_ref_siblings(analysis: Analysis, cap: int) -> Iterator[Change]:
    """Replace a ``$ref`` that has constraints beside it (which Gemini ignores) with its target
    merged with them, where the two share no constraint keyword and split no keywords that
    depend on each other; a sibling annotation replaces the target's."""
    roots = document_resources(analysis)
    for ref in analysis.used_refs:
        if ref.target is None:
            continue
        holder = analysis.by_pointer[ref.source].schema
        target = analysis.by_pointer[ref.target].schema
        siblings = {k: v for k, v in holder.items() if k != "$ref"}
        if not isinstance(target, dict) or not any(not k.startswith("$") for k in siblings):
            continue
        if ref.source in analysis.shape.recursive_refs or not inlinable(analysis, ref, roots):
            continue
        if "$ref" in target or (set(target) & set(siblings)) - _ANNOTATION_KEYS:
            continue
        if any(group & set(target) and group & set(siblings) for group in _INTERACTING):
            continue
        yield Change(
            f"merged $ref {ref.value!r} with the keywords beside it",
            [replace(ref.source, {**target, **siblings})],
            (ref.target,),
        )


def describing(unsupported: frozenset[str], formats: frozenset[str] | None = None) -> Any:
    """A rewrite that moves the ``unsupported`` keywords (and any ``format`` outside
    ``formats``) of each subschema into its description, where the model still reads them."""

    def propose(analysis: Analysis, cap: int) -> Iterator[Change]:
        for node in analysis.used_nodes:
            schema = node.schema
            if not isinstance(schema, dict):
                continue
            moved = [keyword for keyword in schema if keyword in unsupported]
            if formats is not None and isinstance(schema.get("format"), str):
                moved += [] if schema["format"] in formats else ["format"]
            if isinstance(schema.get("minItems"), int) and "minItems" in unsupported:
                moved = moved if schema["minItems"] > 1 else [k for k in moved if k != "minItems"]
            if moved:
                yield _describe(node, moved)

    return propose


def _describe(node: Node, keywords: list[str]) -> Change:
    said = "; ".join(f"{k}: {json.dumps(node.schema[k], ensure_ascii=False)}" for k in keywords)
    note = f"(not enforced: {said})"
    description = node.schema.get("description")
    text = f"{description} {note}" if isinstance(description, str) and description else note
    operations = [remove(jp.join(node.pointer, keyword)) for keyword in keywords]
    return Change(
        f"moved {', '.join(keywords)} into the description",
        [*operations, _set(node, "description", text)],
    )


_MOVED = "moves {n} unsupported constraint{s} into descriptions: validate the output"
_CLOSED = "closes {n} object{s}; instances with other keys will be refused"
TARGET_REWRITES: tuple[Rewrite, ...] = (
    Rewrite(
        "openai-require-all",
        ("SP102",),
        Applicability.UNSAFE,
        require_all,
        trade="makes the properties of {n} object{s} required and nullable; calls that left "
        "one out are refused (write null instead)",
    ),
    Rewrite("openai-close-objects", ("SP103",), Applicability.UNSAFE, close_every_object, _CLOSED),
    Rewrite(
        "openai-describe-unsupported",
        ("SP104",),
        Applicability.UNSAFE,
        describing(openai.UNSUPPORTED, openai.FORMATS),
        _MOVED,
    ),
    Rewrite(
        "anthropic-close-objects", ("SP202",), Applicability.UNSAFE, close_every_object, _CLOSED
    ),
    Rewrite(
        "anthropic-describe-unsupported",
        ("SP204",),
        Applicability.UNSAFE,
        describing(anthropic.UNSUPPORTED | {"minItems"}, anthropic.FORMATS),
        _MOVED,
    ),
    Rewrite("anthropic-required-first", ("SP205",), Applicability.SAFE, required_first),
    Rewrite(
        "llguidance-describe-unsupported",
        ("SE201",),
        Applicability.UNSAFE,
        _describe_for_llguidance,
        _MOVED,
    ),
    Rewrite(
        "llguidance-one-of-as-any-of",
        ("SE201",),
        Applicability.UNSAFE,
        one_of_as_any_of,
        trade="writes {n} oneOf as anyOf: output matching several branches is no longer refused",
    ),
    Rewrite("outlines-state-every-type", ("SE301",), Applicability.SAFE, state_every_type),
    Rewrite(
        "outlines-describe-format",
        ("SE301",),
        Applicability.UNSAFE,
        describing(frozenset(), outlines.FORMATS),
        _MOVED,
    ),
    Rewrite(
        "vllm-fallback-fixes",
        ("SE402",),
        Applicability.UNSAFE,
        vllm_fallbacks,
        trade="moves what guidance refuses into descriptions and writes oneOf as anyOf: "
        "validate the output",
    ),
    Rewrite(
        "gemini-hoist-ref-siblings",
        ("SP302",),
        Applicability.UNSAFE,
        hoist_ref_siblings,
        trade="merges {n} $ref{s} with the keywords beside them: the copy no longer follows "
        "later edits of the definition",
    ),
    Rewrite(
        "gemini-describe-unsupported",
        ("SP301",),
        Applicability.UNSAFE,
        describing(gemini.UNSUPPORTED),
        _MOVED,
    ),
)
