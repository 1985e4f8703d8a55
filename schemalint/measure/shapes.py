"""What the subschemas applying to one value allow, merged.

A value is often described by several subschemas at once: a node, its ``$ref`` target, its
``allOf`` branches, the chosen union branch. Before choosing a value the generator merges
what they say about it (the members and bounds of an object, the items and length of an
array, the range and step of a number); these records hold the result, so the choices that
follow read one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from schemalint.analysis import required_names
from schemalint.measure.subschemas import Tree
from schemalint.walk import Node


@dataclass
class Bounds:
    """The range and step a number must keep to."""

    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    step: float | None = None

    @classmethod
    def of(cls, parts: list[Node]) -> Bounds:
        b = cls()
        for part in parts:
            s = part.schema
            minimum, maximum = _num(s.get("minimum")), _num(s.get("maximum"))
            ex_min, ex_max = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
            if ex_min is True and minimum is not None:
                b._raise_low(minimum, True)
            elif minimum is not None:
                b._raise_low(minimum, False)
            if _num(ex_min) is not None:
                b._raise_low(float(ex_min), True)
            if ex_max is True and maximum is not None:
                b._lower_high(maximum, True)
            elif maximum is not None:
                b._lower_high(maximum, False)
            if _num(ex_max) is not None:
                b._lower_high(float(ex_max), True)
            step = _num(s.get("multipleOf"))
            if step is not None and step > 0 and b.step is None:
                b.step = step
        return b

    def _raise_low(self, value: float, open_: bool) -> None:
        if self.low is None or value > self.low or (value == self.low and open_):
            self.low, self.low_open = value, open_

    def _lower_high(self, value: float, open_: bool) -> None:
        if self.high is None or value < self.high or (value == self.high and open_):
            self.high, self.high_open = value, open_

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (
            self.high is not None and (value > self.high or (self.high_open and value == self.high))
        )


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return float(value)


def int_or_none(value: Any) -> int | None:
    """A count keyword's value (``minItems``, ``maxLength``...), when it is an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _not_required(schema: Any) -> set[str]:
    """Names a ``not`` forbids together: ``{"not": {"required": [...]}}`` and ``anyOf`` of those."""
    if not isinstance(schema, dict):
        return set()
    names = set(required_names(schema))
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            for branch in branches:
                names |= _not_required(branch)
    return names


@dataclass
class ObjectShape:
    """What the subschemas of one object say about its members."""

    declared: dict[str, list[Node]] = field(default_factory=dict)
    """Each declared member's subschemas, members in declaration order."""
    required: list[str] = field(default_factory=list)
    patterns: list[tuple[str, Node]] = field(default_factory=list)
    extra: list[Node] = field(default_factory=list)
    """``additionalProperties`` subschemas, for members nothing else describes."""
    names: list[Node] = field(default_factory=list)
    """``propertyNames`` subschemas."""
    depends: dict[str, list[str]] = field(default_factory=dict)
    closed: bool = False
    banned: set[str] = field(default_factory=set)
    """Members a ``not`` forbids."""
    min_props: int = 0
    max_props: int | None = None

    @classmethod
    def of(cls, tree: Tree, parts: list[Node]) -> ObjectShape:
        shape = cls()
        for part in parts:
            s = part.schema
            props = s.get("properties")
            if isinstance(props, dict):
                for key in props:
                    child = tree.child(part, "properties", key)
                    if child is not None:
                        shape.declared.setdefault(key, []).append(child)
            shape.required += [r for r in required_names(s) if r not in shape.required]
            for keyword in ("additionalProperties", "unevaluatedProperties"):
                value = s.get(keyword)
                if value is False:
                    shape.closed = True
                elif isinstance(value, dict) and keyword == "additionalProperties":
                    child = tree.child(part, keyword)
                    if child is not None:
                        shape.extra.append(child)
            pattern_props = s.get("patternProperties")
            if isinstance(pattern_props, dict):
                for pattern in pattern_props:
                    child = tree.child(part, "patternProperties", pattern)
                    if child is not None:
                        shape.patterns.append((pattern, child))
            for keyword in ("dependentRequired", "dependencies"):
                value = s.get(keyword)
                if isinstance(value, dict):
                    for key, needed in value.items():
                        if isinstance(needed, list):
                            shape.depends.setdefault(key, []).extend(
                                n for n in needed if isinstance(n, str)
                            )
            if isinstance(s.get("propertyNames"), dict):
                child = tree.child(part, "propertyNames")
                if child is not None:
                    shape.names.append(child)
            shape.min_props = max(shape.min_props, int_or_none(s.get("minProperties")) or 0)
            limit = int_or_none(s.get("maxProperties"))
            if limit is not None:
                shape.max_props = limit if shape.max_props is None else min(shape.max_props, limit)
            shape.banned |= _not_required(s.get("not"))
        return shape


@dataclass
class ArrayShape:
    """What the subschemas of one array say about its items."""

    prefix: list[list[Node]] = field(default_factory=list)
    """Each positional item's subschemas (``prefixItems``, or ``items`` as a list)."""
    rest: list[Node] = field(default_factory=list)
    """Subschemas of the items after the positional ones."""
    contains: list[Node] = field(default_factory=list)
    rest_closed: bool = False
    low: int = 0
    high: int | None = None
    unique: bool = False

    @classmethod
    def of(cls, tree: Tree, parts: list[Node]) -> ArrayShape:
        shape = cls()
        for part in parts:
            s = part.schema
            sequence_keyword = None
            if isinstance(s.get("prefixItems"), list):
                sequence_keyword = "prefixItems"
            elif isinstance(s.get("items"), list):
                sequence_keyword = "items"
            if sequence_keyword is not None:
                for index in range(len(s[sequence_keyword])):
                    child = tree.child(part, sequence_keyword, index)
                    if child is not None:
                        while len(shape.prefix) <= index:
                            shape.prefix.append([])
                        shape.prefix[index].append(child)
            rest_keyword = "additionalItems" if sequence_keyword == "items" else "items"
            rest_schema = s.get(rest_keyword)
            if rest_schema is False:
                shape.rest_closed = True
            elif isinstance(rest_schema, dict):
                child = tree.child(part, rest_keyword)
                if child is not None:
                    shape.rest.append(child)
            if isinstance(s.get("contains"), dict):
                child = tree.child(part, "contains")
                if child is not None:
                    shape.contains.append(child)
            shape.low = max(shape.low, int_or_none(s.get("minItems")) or 0)
            limit = int_or_none(s.get("maxItems"))
            if limit is not None:
                shape.high = limit if shape.high is None else min(shape.high, limit)
            shape.unique = shape.unique or s.get("uniqueItems") is True
        return shape
