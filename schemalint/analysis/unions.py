"""Which free-text fields a union keeps alive across several branches while they are written.

LMFE decides between ``anyOf`` branches only when the text written so far rules one out.
With ``LMFE_STRICT_JSON_FIELD_ORDER`` on, keys come in ``required`` order, so fields written
before the discriminator (the ``const`` property, e.g. a tool's ``name``) are generated while
every branch is alive. With it off (LMFE's default) the model may write any key first.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from schemalint.analysis.context import Analysis, is_free_text, required_names, types_of
from schemalint.walk import Node

_MAX_NESTING = 4


@dataclass(frozen=True)
class LiveField:
    branch: Node
    path: tuple[str, ...]
    """Property names from the branch down to the field."""
    node: Node


def discriminator(analysis: Analysis, branch: Node) -> str | None:
    """The first property whose value is fixed (``const`` or a one-value ``enum``)."""
    for name, prop in analysis.properties(branch):
        schema = prop.schema
        if isinstance(schema, dict) and (
            "const" in schema or (isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1)
        ):
            return name
    return None


def generation_order(analysis: Analysis, branch: Node) -> list[str]:
    """The key order a model is steered to: ``required`` under strict order, else ``properties``."""
    names = [name for name, _ in analysis.properties(branch)]
    if analysis.enforcer.strict_field_order:
        order = [r for r in required_names(branch.schema) if r in names]
        return order + [name for name in names if name not in order]
    return names


def keys_before_decision(analysis: Analysis, branch: Node) -> list[str]:
    """Properties the model may write before this branch is told apart from the others."""
    names = [name for name, _ in analysis.properties(branch)]
    key = discriminator(analysis, branch)
    required = branch.schema.get("required") if isinstance(branch.schema, dict) else None
    if not analysis.enforcer.strict_field_order or not isinstance(required, list):
        return names
    if key is None or key not in required:
        return names  # LMFE lets any key come once the required ones are exhausted
    order = generation_order(analysis, branch)
    return order[: order.index(key)]


def live_free_text(analysis: Analysis, branch: Node) -> list[LiveField]:
    """Free-text fields, nested through objects, that can be written while branches are alive."""
    found: list[LiveField] = []
    props = dict(analysis.properties(branch))
    todo: list[tuple[tuple[str, ...], Node]] = [
        ((name,), props[name]) for name in keys_before_decision(analysis, branch) if name in props
    ]
    while todo:
        path, node = todo.pop(0)
        if is_free_text(node.schema):
            found.append(LiveField(branch, path, node))
        elif len(path) < _MAX_NESTING:
            todo.extend(((*path, name), child) for name, child in analysis.properties(node))
    return found


def object_branches(analysis: Analysis, union: Node) -> list[tuple[str, list[Node]]]:
    """The unions of ``union`` that have at least two object branches."""
    return [
        (keyword, [b for b in branches if analysis.properties(b)])
        for keyword, branches in analysis.union_branches(union)
        if sum(1 for b in branches if analysis.properties(b)) >= 2
    ]


def discriminated_branches(analysis: Analysis) -> Iterator[tuple[Node, str]]:
    """Every object branch of a used union that has a discriminator, with the key's name."""
    for node in analysis.used_nodes:
        for _, branches in object_branches(analysis, node):
            for branch in branches:
                key = discriminator(analysis, branch)
                if key is not None:
                    yield branch, key


def free_text_constraints(schema: Any) -> tuple[Any, ...]:
    return tuple(schema.get(k) for k in ("minLength", "maxLength", "pattern"))


def types_disjoint(types: list[frozenset[str]]) -> bool:
    """Whether no instance has two of these type sets' types; an empty set means any type, and
    ``integer`` is a kind of ``number``."""
    seen: set[str] = set()
    for kinds in types:
        widened = kinds | {"integer"} if "number" in kinds else kinds
        if not widened or not seen.isdisjoint(widened):
            return False
        seen |= widened
    return True


def json_identity(value: Any) -> Hashable:
    """A key that is equal for two JSON values exactly when ``const`` calls them equal:
    ``1`` and ``1.0`` are one number, ``true`` and ``1`` are not, key order does not count."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float):
        return ("number", Fraction(value) if math.isfinite(value) else value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(json_identity(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, json_identity(v)) for k, v in value.items()))
    return ("other", repr(value))


def provably_disjoint(analysis: Analysis, branches: list[Node]) -> bool:
    """Branches no instance can match twice: disjoint types, or objects that all require one
    discriminator property with pairwise different fixed values; a ``false`` branch matches
    nothing and is left out."""
    branches = [branch for branch in branches if branch.schema is not False]
    if len(branches) < 2 or types_disjoint([types_of(b.schema) for b in branches]):
        return True
    keys = {discriminator(analysis, b) for b in branches}
    key = keys.pop() if len(keys) == 1 else None
    if key is None:
        return False
    values = set()
    for branch in branches:
        required = branch.schema.get("required")
        if types_of(branch.schema) != {"object"} or not isinstance(required, list):
            return False
        prop = dict(analysis.properties(branch))[key].schema
        if key not in required:
            return False
        values.add(json_identity(prop["const"] if "const" in prop else prop["enum"][0]))
    return len(values) == len(branches)
