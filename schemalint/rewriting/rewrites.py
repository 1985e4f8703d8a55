"""The rewrites: pure functions from an analysed schema to proposed changes (JSON Patch).

*Safe* rewrites accept exactly the same instances (checked over the corpus's labelled
instances); *unsafe* ones change what is accepted and run only with ``--unsafe-fixes``.
Each is tied to the rule whose finding it fixes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis, is_free_text, types_of
from schemalint.analysis.unions import (
    discriminated_branches,
    generation_order,
    live_free_text,
    object_branches,
    provably_disjoint,
)
from schemalint.model import Applicability, quoted
from schemalint.rewriting.change import Change, Rewrite
from schemalint.rewriting.patch import Operation, add, remove, replace
from schemalint.rewriting.preconditions import (
    annotation_unobserved,
    document_resources,
    every_reference_static,
    inlinable,
)
from schemalint.rewriting.targets import TARGET_REWRITES
from schemalint.walk import DEFINITIONS, UNIONS, Node

#: Keywords that describe but never constrain: a node made only of these plus one other
#: keyword can be replaced by what that keyword holds.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
THOUGHT = "one_liner_internal_thought"
THOUGHT_SCHEMA = {
    "type": "string",
    "description": "One sentence on what the user needs and which tools will get it.",
}
REASON_NAMES = (
    "reason",
    "rationale",
    "reasoning",
    "thought",
    "thoughts",
    "explanation",
    "justification",
    "why",
)


def _annotations_only(schema: dict[str, Any], but: str) -> bool:
    return all(key == but or key in ANNOTATIONS for key in schema)


def inline_refs(analysis: Analysis, cap: int) -> Iterator[Change]:
    if analysis.shape.expanded_nodes > cap:
        return
    roots = document_resources(analysis)
    for ref in analysis.used_refs:
        if ref.target is None or ref.source in analysis.shape.recursive_refs:
            continue
        holder = analysis.by_pointer[ref.source].schema
        target = analysis.by_pointer[ref.target].schema
        if not _annotations_only(holder, "$ref") or not inlinable(analysis, ref, roots):
            continue
        if any(ref.target == other.source for other in analysis.used_refs):
            continue  # a $ref to a $ref: inline the inner one first
        inlined: Any = target
        if isinstance(target, dict):
            inlined = {**target, **{k: v for k, v in holder.items() if k != "$ref"}}
        yield Change(
            f"inlined $ref {quoted(ref.value)}", [replace(ref.source, inlined)], (ref.target,)
        )


def drop_unused_definitions(analysis: Analysis, cap: int) -> Iterator[Change]:
    if not every_reference_static(analysis):
        return  # cannot tell what an unresolved or dynamic reference needs
    schema = analysis.schema
    if not isinstance(schema, dict):
        return
    used = set(analysis.ref_uses)
    for keyword in DEFINITIONS:
        definitions = schema.get(keyword)
        if not isinstance(definitions, dict) or not definitions:
            continue
        if any(
            p == f"/{keyword}" or p.startswith(f"/{jp.escape(keyword)}/")
            for p in _used_inside(analysis, keyword)
        ):
            continue
        unused = [name for name in definitions if jp.join("", keyword, name) not in used]
        if len(unused) == len(definitions):
            yield Change(
                f"dropped {keyword} (nothing references them any more)", [remove(f"/{keyword}")]
            )


def _used_inside(analysis: Analysis, keyword: str) -> list[str]:
    """Pointers under root definitions that are targets of used $refs."""
    prefix = jp.join("", keyword) + "/"
    return [p for p in analysis.ref_uses if p.startswith(prefix)]


def flatten_single_branch(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in analysis.used_nodes:
        schema = node.schema
        if not isinstance(schema, dict):
            continue
        for keyword in (*UNIONS, "allOf"):
            branches = schema.get(keyword)
            if (
                isinstance(branches, list)
                and len(branches) == 1
                and _annotations_only(schema, keyword)
            ):
                only = branches[0]
                merged = (
                    {**only, **{k: v for k, v in schema.items() if k != keyword}}
                    if isinstance(only, dict)
                    else only
                )
                yield Change(
                    f"flattened a single-branch {keyword}", [replace(node.pointer, merged)]
                )


_MERGEABLE = frozenset({"type", "properties", "required", *ANNOTATIONS})


def merge_allof_objects(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in analysis.used_nodes:
        schema = node.schema
        branches = schema.get("allOf") if isinstance(schema, dict) else None
        if (
            not isinstance(branches, list)
            or len(branches) < 2
            or not _annotations_only(schema, "allOf")
        ):
            continue
        if not all(_plain_object(b) for b in branches):
            continue
        names = [name for b in branches for name in b.get("properties", {})]
        if len(names) != len(set(names)):
            continue  # overlapping properties would need their schemas combined
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        if any("type" in b for b in branches):  # without one, non-objects pass every branch
            merged["type"] = "object"
        merged["properties"] = {k: v for b in branches for k, v in b.get("properties", {}).items()}
        required = [r for b in branches for r in b.get("required", [])]
        if required:
            merged["required"] = list(dict.fromkeys(required))
        yield Change(
            f"merged an allOf of {len(branches)} plain objects", [replace(node.pointer, merged)]
        )


def _plain_object(branch: Any) -> bool:
    """A branch made of ``properties`` and ``required`` (and at most ``type: object``)."""
    return (
        isinstance(branch, dict)
        and set(branch) <= _MERGEABLE
        and branch.get("type", "object") == "object"
        and isinstance(branch.get("properties", {}), dict)
        and isinstance(branch.get("required", []), list)
    )


def discriminator_first(analysis: Analysis, cap: int) -> Iterator[Change]:
    for branch, key in discriminated_branches(analysis):
        schema = branch.schema
        operations = []
        properties = schema["properties"]
        if next(iter(properties)) != key:
            reordered = {
                key: properties[key],
                **{k: v for k, v in properties.items() if k != key},
            }
            operations.append(replace(jp.join(branch.pointer, "properties"), reordered))
        required = schema.get("required")
        if isinstance(required, list) and key in required and required[0] != key:
            operations.append(
                replace(
                    jp.join(branch.pointer, "required"),
                    [key, *(r for r in required if r != key)],
                )
            )
        if operations:
            yield Change(f"moved discriminator '{key}' first", operations)


def strict_order(analysis: Analysis, cap: int) -> Iterator[Change]:
    """List each object's properties in the order strict-field-order LMFE writes them."""
    if not analysis.enforcer.strict_field_order:
        return
    for node in analysis.used_nodes:
        properties = node.schema.get("properties") if isinstance(node.schema, dict) else None
        if not isinstance(properties, dict):
            continue
        order = generation_order(analysis, node)
        if list(properties) == order or set(properties) != set(order):
            continue
        yield Change(
            f"listed the properties in LMFE's strict order: {', '.join(order)}",
            [replace(jp.join(node.pointer, "properties"), {k: properties[k] for k in order})],
        )


def drop_noop_keywords(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in analysis.used_nodes:
        schema = node.schema
        if not isinstance(schema, dict):
            continue
        for keyword in (
            "additionalProperties",
            "unevaluatedProperties",
            "items",
            "unevaluatedItems",
        ):
            if keyword in schema and (schema[keyword] is True or schema[keyword] == {}):
                if keyword == "items" and "prefixItems" in schema:
                    continue  # there it means "any further items", which absence also means
                if not annotation_unobserved(analysis, node.pointer, keyword):
                    continue  # an unevaluated* keyword reads what it marks as evaluated
                yield Change(
                    f"dropped {keyword}: {quoted(schema[keyword])} (the default)",
                    [remove(jp.join(node.pointer, keyword))],
                )
        if schema.get("required") == []:
            yield Change("dropped an empty required", [remove(jp.join(node.pointer, "required"))])


def oneof_to_anyof(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in analysis.used_nodes:
        schema = node.schema
        branches = schema.get("oneOf") if isinstance(schema, dict) else None
        if not isinstance(branches, list) or len(branches) < 2 or "anyOf" in schema:
            continue
        resolved = [
            analysis.deref(analysis.by_pointer[jp.join(node.pointer, "oneOf", i)])
            for i in range(len(branches))
        ]
        if provably_disjoint(analysis, resolved):
            rest = {k: v for k, v in schema.items() if k != "oneOf"}
            yield Change(
                "oneOf of disjoint branches is an anyOf",
                [replace(node.pointer, {**rest, "anyOf": branches})],
            )


@dataclass(frozen=True)
class PerCallThought:
    """A tool-call branch with free-text fields (a per-call ``reason``) before its decision."""

    branch: Node
    key: str
    value: Any
    """The discriminator and its value, e.g. ``name`` = ``"search_web"``."""
    fields: tuple[str, ...]


def per_call_thoughts(analysis: Analysis) -> list[PerCallThought]:
    found = []
    for branch, key in discriminated_branches(analysis):
        reasons = tuple(
            name
            for name, prop in analysis.properties(branch)
            if name.lower() in REASON_NAMES and is_free_text(prop.schema)
        )
        if reasons:
            fixed = dict(analysis.properties(branch))[key].schema
            value = fixed.get("const", (fixed.get("enum") or [None])[0])
            found.append(PerCallThought(branch, key, value, reasons))
    return found


def thought_first(analysis: Analysis, cap: int) -> Iterator[Change]:
    """The exllamav2 #486 cure: drop per-call free text, add one thought before everything."""
    root = analysis.schema
    if not isinstance(root, dict) or not isinstance(root.get("properties"), dict):
        return
    operations: list[Operation] = []
    dropped: set[str] = set()
    for call in per_call_thoughts(analysis):
        schema = call.branch.schema
        kept = {k: v for k, v in schema["properties"].items() if k not in call.fields}
        operations.append(replace(jp.join(call.branch.pointer, "properties"), kept))
        required = schema.get("required")
        if isinstance(required, list):
            still = [r for r in required if r not in call.fields]
            operations.append(replace(jp.join(call.branch.pointer, "required"), still))
        dropped.update(call.fields)
    if not operations:
        return
    if THOUGHT not in root["properties"]:
        operations.append(replace("/properties", {THOUGHT: THOUGHT_SCHEMA, **root["properties"]}))
        listed: list[Any] = root["required"] if isinstance(root.get("required"), list) else []
        operations.append((replace if "required" in root else add)("/required", [THOUGHT, *listed]))
    fields = ", ".join(sorted(dropped))
    yield Change(
        f"dropped per-call {fields} and added a top-level {THOUGHT} first (exllamav2 #486)",
        operations,
    )


def uniform_free_text(analysis: Analysis, cap: int) -> Iterator[Change]:
    """Union branches that constrain a shared free-text field differently lose LMFE's shortcut:
    drop the differing constraints so every branch agrees."""
    for node in analysis.used_nodes:
        for keyword, branches in object_branches(analysis, node):
            by_path: dict[tuple[str, ...], list[Node]] = {}
            for branch in branches:
                for field in live_free_text(analysis, branch):
                    by_path.setdefault(field.path, []).append(field.node)
            for path, fields in by_path.items():
                if len(fields) < 2 or len({_limits(f.schema) for f in fields}) == 1:
                    continue
                constrained = [f for f in fields if any(_limits(f.schema))]
                operations = [replace(f.pointer, _without_limits(f.schema)) for f in constrained]
                yield Change(
                    f"made '{'.'.join(path)}' agree across {keyword} branches "
                    "(dropped its differing length and pattern limits)",
                    operations,
                    scope=(node.pointer,),
                )


def _limits(schema: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(schema.get(k) for k in ("minLength", "maxLength", "pattern"))


def _without_limits(schema: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in schema.items() if k not in ("minLength", "maxLength", "pattern")}
    removed = ", ".join(
        f"{k} {schema[k]!r}" for k in ("minLength", "maxLength", "pattern") if k in schema
    )
    return _noted(kept, f"schemalint removed {removed}; check it after generation")


def _noted(schema: dict[str, Any], note: str) -> dict[str, Any]:
    description = schema.get("description")
    text = (
        f"{description} ({note})" if isinstance(description, str) and description else f"({note})"
    )
    return {**schema, "description": text}


def drop_prose_pattern(analysis: Analysis, cap: int) -> Iterator[Change]:
    from schemalint.checks.free_text import pattern_breadth

    for node in analysis.used_nodes:
        schema = node.schema
        pattern = schema.get("pattern") if isinstance(schema, dict) else None
        if isinstance(pattern, str) and "string" in types_of(schema) and pattern_breadth(pattern):
            kept = _noted(
                {k: v for k, v in schema.items() if k != "pattern"},
                f"schemalint removed pattern {pattern!r}; check it after generation",
            )
            yield Change(f"dropped prose pattern {quoted(pattern)}", [replace(node.pointer, kept)])


def enum_hint_free_string(analysis: Analysis, cap: int) -> Iterator[Change]:
    for node in analysis.used_nodes:
        for keyword, branches in analysis.union_branches(node):
            schemas = [b.schema for b in branches if isinstance(b.schema, dict)]
            free = [s for s in schemas if is_free_text(s)]
            values = [
                v
                for s in schemas
                for v in (s.get("enum") or ([s["const"]] if "const" in s else []))
                if isinstance(v, str)
            ]
            if (
                not free
                or not values
                or len(free) + sum(1 for s in schemas if s.get("enum") or "const" in s)
                != len(schemas)
            ):
                continue
            rest = {k: v for k, v in node.schema.items() if k != keyword}
            merged = _noted({**rest, **free[0]}, "suggested values: " + ", ".join(values))
            yield Change(
                f"replaced an enum-or-free-string {keyword} with the free string",
                [replace(node.pointer, merged)],
            )


#: Descriptions that ask for keys beyond the listed properties: such objects stay open.
OPEN_ON_PURPOSE = re.compile(
    r"\b(any|other|extra|additional|arbitrary|custom|more)\b[\w\s,]{0,20}?"
    r"\b(keys?|fields?|propert(y|ies)|parameters?|attributes?|args|arguments)\b"
    r"|pass(ed)?[ -]through|free[ -]?form",
    re.IGNORECASE,
)


def close_open_objects(analysis: Analysis, cap: int) -> Iterator[Change]:
    root = analysis.schema
    overall = root.get("description", "") if isinstance(root, dict) else ""
    for node in analysis.used_nodes:
        schema = node.schema
        if not isinstance(schema, dict) or "properties" not in schema:
            continue
        extra = schema.get("additionalProperties")
        if not (extra is True or isinstance(extra, dict)):
            continue
        description = f"{schema.get('description', '')} {overall}"
        if not OPEN_ON_PURPOSE.search(description):
            yield Change(
                "closed an object LMFE never lets grow (additionalProperties: false)",
                [replace(jp.join(node.pointer, "additionalProperties"), False)],
            )


LMFE_REWRITES: tuple[Rewrite, ...] = (
    Rewrite("inline-refs", ("SL103", "SL102", "SL404"), Applicability.SAFE, inline_refs),
    Rewrite("drop-unused-definitions", ("SL103",), Applicability.SAFE, drop_unused_definitions),
    Rewrite("flatten-single-branch", ("SL105",), Applicability.SAFE, flatten_single_branch),
    Rewrite("merge-allof-objects", ("SL101",), Applicability.SAFE, merge_allof_objects),
    Rewrite("oneof-to-anyof", ("SL401",), Applicability.SAFE, oneof_to_anyof),
    # Before drop-noop-keywords, which would drop the additionalProperties: true it closes.
    Rewrite(
        "close-open-objects",
        ("SL109",),
        Applicability.UNSAFE,
        close_open_objects,
        trade="closes {n} object{s}; instances with other keys will be refused",
    ),
    Rewrite("drop-noop-keywords", ("SL108",), Applicability.SAFE, drop_noop_keywords),
    Rewrite("discriminator-first", ("SL208",), Applicability.SAFE, discriminator_first),
    Rewrite("strict-order", ("SL411",), Applicability.SAFE, strict_order),
    Rewrite(
        "thought-first",
        ("SL206", "SL204"),
        Applicability.UNSAFE,
        thought_first,
        trade=f"moves per-call free text to one {THOUGHT}; calls with the old fields will be "
        "refused: map output back with `schemalint restore`",
    ),
    Rewrite(
        "uniform-free-text",
        ("SL202",),
        Applicability.UNSAFE,
        uniform_free_text,
        trade="drops the differing limits of {n} field{s}; values they refused will be "
        "accepted: validate the output",
        measured=True,
    ),
    Rewrite(
        "drop-prose-pattern",
        ("SL203",),
        Applicability.UNSAFE,
        drop_prose_pattern,
        trade="drops {n} pattern{s}; strings they refused will be accepted: validate the output",
        measured=True,
    ),
    Rewrite(
        "enum-hint-free-string",
        ("SL205",),
        Applicability.UNSAFE,
        enum_hint_free_string,
        trade="turns {n} enum-or-string union{s} into free strings; the values become hints",
        measured=True,
    ),
)
REWRITES: tuple[Rewrite, ...] = (*LMFE_REWRITES, *TARGET_REWRITES)
"""Every rewrite, in the order a pass proposes them: LMFE's, then the providers' (which run
only when ``--target`` names their provider)."""
BY_NAME = {rewrite.name: rewrite for rewrite in REWRITES}
MEASURED = frozenset(rewrite.name for rewrite in REWRITES if rewrite.measured)
"""The rewrites ``--measure`` keeps only when they measure faster."""


def trades(applied: list[str]) -> list[str]:
    """One line per unsafe rewrite among the ``applied`` rewrite names (one name per change):
    what it changed and what the result accepts differently."""
    counts = Counter(applied)
    return [
        f"{name}: {rewrite.trade.format(n=counts[name], s='' if counts[name] == 1 else 's')}"
        for name, rewrite in BY_NAME.items()
        if counts[name] and rewrite.trade
    ]
