"""Realistic valid instances of a schema, for the measured probe to walk.

The probe walks one instance through the enforcer character by character and charges every
step to the schema node being generated, so the instance must validate and read like what a
model writes. :func:`generate_instance` walks the schema: it merges the subschemas that apply
to each value, chooses union branches and optional members by seed, and leaves the scalars
to :mod:`schemalint.measure.values`. Work is bounded everywhere: recursion is cut off by
depth, and generation and validation each run on a fixed budget.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis, required_names
from schemalint.measure import vocabulary
from schemalint.measure.patterns import PatternWriter, search
from schemalint.measure.shapes import ArrayShape, ObjectShape
from schemalint.measure.subschemas import Checker, Tree
from schemalint.measure.values import StringWriter, number_value
from schemalint.pointer import MISSING
from schemalint.walk import UNIONS, Node

_SOFT_DEPTH = 6
"""Instance nesting past which only required members and minimal arrays are written."""
_RECURSION_LIMIT = 2
"""Recursive ``$ref`` hops past which generation goes lean in the same way."""
_HARD_DEPTH = 24
"""Instance nesting past which a placeholder is written without looking further."""
_VALUE_BUDGET = 1_000
_UNION_ATTEMPTS = 6
_INSTANCE_ATTEMPTS = 4
_MAX_ITEMS = 1_000

_ANNOTATIONS = frozenset({"$comment", "description", "title", "examples", "default"})
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "patternProperties")
_ARRAY_KEYWORDS = ("items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems")
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


@dataclass(frozen=True)
class _Context:
    name: str = ""
    depth: int = 0
    recursion: int = 0
    lean: bool = False
    topic: str = ""
    """A tool or action name a sibling ``const`` gives, to pick fitting free text."""

    def below(self, name: str | None = None) -> _Context:
        return replace(self, name=self.name if name is None else name, depth=self.depth + 1)


@dataclass(frozen=True)
class Steering:
    """Choices made to reach a planned goal instead of by seed: the branch to take in a union
    (keyed by the union's pointer, e.g. ``/anyOf``) and the optional members to write (by the
    pointer of the member's subschema)."""

    branches: Mapping[str, int] = field(default_factory=dict)
    members: frozenset[str] = frozenset()

    def agrees(self, other: Steering) -> bool:
        """Whether no union is steered to different branches by the two."""
        return all(self.branches.get(key, index) == index for key, index in other.branches.items())

    def combined(self, other: Steering) -> Steering:
        return Steering({**self.branches, **other.branches}, self.members | other.members)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Generator:
    def __init__(
        self,
        analysis: Analysis,
        rng: random.Random,
        lean: bool,
        full: bool = False,
        steering: Steering | None = None,
    ) -> None:
        self.analysis = analysis
        self.steering = steering or Steering()
        self.tree = Tree(analysis)
        self.rng = rng
        self.lean = lean
        self.full = full
        self.check = Checker(analysis.schema)
        self.values = 0
        self.strings = StringWriter(rng, self._fits)

    # -- structure ------------------------------------------------------------------------

    def _expand(
        self, nodes: list[Node], resolved: frozenset[str]
    ) -> tuple[list[Node], list[tuple[str, Node]], int, bool]:
        """The subschemas that all apply to one value: ``nodes``, their ``$ref`` targets and
        ``allOf`` branches; plus the unions still to choose in, recursive hops, impossibility."""
        recursive = self.analysis.shape.recursive_refs
        parts: list[Node] = []
        unions: list[tuple[str, Node]] = []
        seen: set[str] = set()
        hops = 0
        impossible = False
        todo = list(nodes)
        while todo:
            node = todo.pop(0)
            if node.pointer in seen:
                continue
            seen.add(node.pointer)
            if node.schema is False:
                impossible = True
            if not isinstance(node.schema, dict):
                continue
            parts.append(node)
            target = self.tree.target(node)
            if target is not None:
                hops += node.pointer in recursive
                todo.append(target)
            branches = node.schema.get("allOf")
            if isinstance(branches, list):
                for index in range(len(branches)):
                    child = self.tree.child(node, "allOf", index)
                    if child is not None:
                        todo.append(child)
            for keyword in UNIONS:
                options = node.schema.get(keyword)
                key = jp.join(node.pointer, keyword)
                if isinstance(options, list) and options and key not in resolved:
                    unions.append((keyword, node))
            conditional = "then" in node.schema or "else" in node.schema
            if "if" in node.schema and conditional and jp.join(node.pointer, "if") not in resolved:
                unions.append(("if", node))
        return parts, unions, hops, impossible

    def _follow(self, node: Node) -> Node:
        return self.tree.follow(node)

    def _is_lean(self, ctx: _Context) -> bool:
        return (
            self.lean
            or ctx.lean
            or ctx.depth >= _SOFT_DEPTH
            or ctx.recursion >= _RECURSION_LIMIT
            or self.values >= _VALUE_BUDGET
        )

    def generate(
        self,
        nodes: list[Node],
        ctx: _Context,
        resolved: frozenset[str] = frozenset(),
        forbid: frozenset[str] = frozenset(),
        favour: frozenset[str] = frozenset(),
    ) -> Any:
        self.values += 1
        parts, unions, hops, impossible = self._expand(nodes, resolved)
        inner = replace(ctx, recursion=ctx.recursion + hops)
        if ctx.depth >= _HARD_DEPTH or self.values >= 2 * _VALUE_BUDGET:
            return self._placeholder(parts)
        if not unions:
            return self._value(parts, inner, forbid, impossible, favour)
        keyword, owner = unions[0]
        key = jp.join(owner.pointer, keyword)
        if keyword == "if":
            return self._conditional(nodes, owner, ctx, resolved | {key}, forbid, favour)
        branches = [
            child
            for index in range(len(owner.schema[keyword]))
            if (child := self.tree.child(owner, keyword, index)) is not None
        ]
        first: tuple[Any] | None = None
        order = self._order(branches, self._is_lean(inner))
        steered = self.steering.branches.get(key)
        if steered in order:
            order = [steered, *(i for i in order if i != steered)]
        for index in order[:_UNION_ATTEMPTS]:
            extra = forbid
            if keyword == "oneOf":
                extra = forbid | self._required_elsewhere(branches, index)
            candidate = self.generate(
                [*nodes, branches[index]], ctx, resolved | {key}, extra, favour
            )
            if first is None:
                first = (candidate,)
            if self.check.spent or all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        if first is None:  # every branch is ``false``
            return self._value(parts, inner, forbid, True)
        for index in order[:_UNION_ATTEMPTS]:
            # Last resort: write every member the branch itself declares, which is what
            # tells a branch apart when the siblings only differ in those members.
            if self.check.spent:
                break
            favour = self._declared(branches[index])
            if not favour:
                continue
            candidate = self.generate(
                [*nodes, branches[index]], ctx, resolved | {key}, forbid, favour
            )
            if all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        return first[0]

    def _conditional(
        self,
        nodes: list[Node],
        owner: Node,
        ctx: _Context,
        resolved: frozenset[str],
        forbid: frozenset[str],
        favour: frozenset[str],
    ) -> Any:
        """``if``/``then``/``else``: write a value meeting ``if`` and ``then``, or one meeting
        ``else`` (seeded order), keeping the first that validates."""
        condition, then, otherwise = (self.tree.child(owner, k) for k in ("if", "then", "else"))
        options = [
            [n for n in (condition, then) if n is not None],
            [otherwise] if otherwise else [],
        ]
        if self.rng.random() < 0.5:
            options.reverse()
        first: tuple[Any] | None = None
        for extra in options:
            candidate = self.generate([*nodes, *extra], ctx, resolved, forbid, favour)
            if first is None:
                first = (candidate,)
            if self.check.spent or all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        assert first is not None
        return first[0]

    def _declared(self, branch: Node) -> frozenset[str]:
        schema = self._follow(branch).schema
        props = schema.get("properties") if isinstance(schema, dict) else None
        return frozenset(props) if isinstance(props, dict) else frozenset()

    def _order(self, branches: list[Node], lean: bool) -> list[int]:
        """Branch indexes to try: seeded, non-null first (simplest first when lean)."""
        order = [i for i in range(len(branches)) if branches[i].schema is not False]
        self.rng.shuffle(order)
        scores = [self._branch_score(self._follow(b).schema, lean) for b in branches]
        return sorted(order, key=lambda i: scores[i])

    @staticmethod
    def _branch_score(schema: Any, lean: bool) -> int:
        if not isinstance(schema, dict):
            return 1
        kinds = schema.get("type")
        null = (
            kinds == "null"
            or kinds == ["null"]
            or ("const" in schema and schema["const"] is None)
            or schema.get("enum") == [None]
        )
        if not lean:
            # Nulls last, and a bare string after the branches that constrain it: a model
            # given "one of the levels, or any string" mostly picks a level.
            bare = kinds == "string" and schema.keys() <= _ANNOTATIONS | {"type"}
            return 2 if null else int(bare)
        if null or kinds in ("string", "number", "integer", "boolean") or "const" in schema:
            return 0
        if "$ref" in schema or schema.get("required") or schema.get("minItems"):
            return 2
        return 1

    def _required_elsewhere(self, branches: list[Node], chosen: int) -> frozenset[str]:
        """Names other ``oneOf`` branches require and the chosen one does not: leave them out,
        or the value would match two branches."""
        mine = set(required_names(self._follow(branches[chosen]).schema))
        names: set[str] = set()
        for index, branch in enumerate(branches):
            if index != chosen:
                names.update(required_names(self._follow(branch).schema))
        return frozenset(names - mine)

    def _placeholder(self, parts: list[Node]) -> Any:
        kind = self._kind(parts, "")
        return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0}.get(kind)

    def _fits(self, value: Any, parts: list[Node]) -> bool:
        if self.check.spent:
            return True
        return all(self.check.valid(p.schema, value) for p in parts)

    # -- values ---------------------------------------------------------------------------

    def _value(
        self,
        parts: list[Node],
        ctx: _Context,
        forbid: frozenset[str],
        impossible: bool,
        favour: frozenset[str] = frozenset(),
    ) -> Any:
        if impossible:
            return None
        for part in parts:
            if "const" in part.schema:
                return copy.deepcopy(part.schema["const"])
        enums = [p.schema["enum"] for p in parts if isinstance(p.schema.get("enum"), list)]
        if enums:
            options = [v for v in enums[0] if all(v in other for other in enums[1:])]
            options = self.rng.sample(options, len(options))
            # The first fitting value of a shuffle is a uniform pick among those that fit.
            fitting = next((v for v in options[:50] if self._fits(v, parts)), MISSING)
            pick = fitting if fitting is not MISSING else (options or enums[0] or [None])[0]
            return copy.deepcopy(pick)
        kind = self._kind(parts, ctx.name)
        if kind == "object":
            return self._object(parts, ctx, forbid, favour)
        if kind == "array":
            return self._array(parts, ctx)
        if kind == "string":
            return self.strings.write(parts, ctx.name, ctx.topic)
        if kind in ("integer", "number"):
            return number_value(self.rng, parts, ctx.name, kind == "integer", self._fits)
        if kind == "boolean":
            return self.rng.random() < 0.5
        return None

    def _kind(self, parts: list[Node], name: str) -> str:
        allowed: list[str] | None = None
        for part in parts:
            raw = part.schema.get("type")
            names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
            if names is None:
                continue
            declared = [n for n in names if isinstance(n, str)]
            if "number" in declared and "integer" not in declared:
                declared.append("integer")
            if allowed is None:
                allowed = declared
            else:
                narrowed = [n for n in allowed if n in declared]
                allowed = narrowed or allowed
        keys = {k for p in parts for k in p.schema}
        hinted = [
            kind
            for kind, keywords in (
                ("object", _OBJECT_KEYWORDS),
                ("array", _ARRAY_KEYWORDS),
                ("string", _STRING_KEYWORDS),
                ("number", _NUMBER_KEYWORDS),
            )
            if keys.intersection(keywords)
        ]
        if allowed is None:
            return hinted[0] if hinted else vocabulary.implied_kind(name)
        if "number" in allowed and "integer" in allowed and allowed.index("integer") > 0:
            allowed.remove("integer")  # added for "number": write the type as declared
        concrete = [k for k in allowed if k != "null"]
        if not concrete:
            return "null" if allowed else (hinted[0] if hinted else "string")
        for kind in hinted:
            if kind in concrete:
                return kind
        if len(concrete) == 1:
            return concrete[0]
        return concrete[self.rng.randrange(len(concrete))]

    # -- objects --------------------------------------------------------------------------

    def _object(
        self, parts: list[Node], ctx: _Context, forbid: frozenset[str], favour: frozenset[str]
    ) -> dict[str, Any]:
        shape = ObjectShape.of(self.tree, parts)
        declared, required, patterns = shape.declared, shape.required, shape.patterns
        depends, min_props, max_props = shape.depends, shape.min_props, shape.max_props
        banned = forbid | shape.banned

        lean = self._is_lean(ctx)
        impossible = {k for k, nodes in declared.items() if any(n.schema is False for n in nodes)}
        optional = [k for k in declared if k not in required and k not in banned | impossible]
        # A dict, not a set: keys come out in a fixed order whatever the hash seed.
        steered = {
            k for k in optional if any(n.pointer in self.steering.members for n in declared[k])
        }
        chosen = dict.fromkeys(
            k for k in declared if k in required or (k in favour | steered and k in optional)
        )
        if not lean:
            chosen.update(
                dict.fromkeys(k for k in optional if self.full or self.rng.random() < 0.5)
            )
            if not chosen and optional:
                chosen[optional[self.rng.randrange(len(optional))]] = None
        for _ in range(len(depends) + 1):  # close over dependentRequired
            needed = [n for k in chosen if k in depends for n in depends[k] if n not in chosen]
            if not needed:
                break
            chosen.update(dict.fromkeys(needed))
        for key in optional:
            if len(chosen) >= min_props:
                break
            chosen[key] = None
        if max_props is not None:
            for key in reversed(optional):
                if len(chosen) <= max_props:
                    break
                if key in chosen and not any(key in depends.get(k, ()) for k in chosen):
                    del chosen[key]

        keys = [k for k in declared if k in chosen]
        keys += [k for k in required if k not in declared]
        keys += [k for k in chosen if k not in declared and k not in required]
        if self.analysis.enforcer.strict_field_order:
            # Strict-order LMFE writes the required keys first, in `required` order (SL411).
            keys = [k for k in required if k in keys] + [k for k in keys if k not in required]
        if not declared and (not shape.closed or patterns):
            wanted = 0 if lean else self.rng.randint(1, 2)
            wanted = max(wanted, min_props - len(keys))
            if max_props is not None:
                wanted = min(wanted, max_props - len(keys))
            keys += self._free_keys(wanted, ctx.name, shape, set(keys))

        topic = next((t for k in declared for t in self._topics(declared[k])), ctx.topic)
        result: dict[str, Any] = {}
        for key in keys:
            nodes = list(declared.get(key, []))
            nodes += [node for pattern, node in patterns if search(pattern, key)]
            if key not in declared and len(nodes) == 0:
                nodes = list(shape.extra)
            result[key] = self.generate(nodes, replace(ctx.below(key), topic=topic))
        return result

    def _topics(self, nodes: list[Node]) -> Iterator[str]:
        for node in nodes:
            schema = self._follow(node).schema
            if isinstance(schema, dict) and isinstance(schema.get("const"), str):
                yield schema["const"]

    def _free_keys(self, count: int, parent: str, shape: ObjectShape, taken: set[str]) -> list[str]:
        """Plausible keys for an object that declares none."""
        if count <= 0:
            return []
        pool = vocabulary.free_keys(self.rng, parent)
        for node in shape.names:
            enum = node.schema.get("enum") if isinstance(node.schema, dict) else None
            if isinstance(enum, list):
                pool = [e for e in enum if isinstance(e, str)] + pool
        for pattern, _ in shape.patterns:
            for extra in range(4):
                text = PatternWriter(self.rng, extra, extra > 1).write(pattern)
                if text is not None:
                    pool.append(text)
        keys: list[str] = []
        for key in pool:
            if key in taken or key in keys:
                continue
            if shape.closed and not any(search(p, key) for p, _ in shape.patterns):
                continue
            if shape.names and not self._fits(key, shape.names):
                continue
            keys.append(key)
            if len(keys) == count:
                break
        return keys

    # -- arrays ---------------------------------------------------------------------------

    def _array(self, parts: list[Node], ctx: _Context) -> list[Any]:
        shape = ArrayShape.of(self.tree, parts)
        prefix, rest, contains = shape.prefix, shape.rest, shape.contains
        low, high = shape.low, shape.high

        cap = 2 if high is None else min(high, 2)
        if prefix:
            cap = max(cap, len(prefix)) if high is None else min(max(cap, len(prefix)), high)
        if shape.rest_closed:
            cap = min(cap, len(prefix))
        if self._is_lean(ctx):
            count = low
        else:
            floor = max(low, 1) if cap >= 1 else low
            count = self.rng.randint(floor, max(floor, cap))
        count = max(count, low)
        if contains and count == 0 and (high is None or high >= 1):
            count = 1
        count = min(count, _MAX_ITEMS)

        items: list[Any] = []
        seen: set[str] = set()
        for index in range(count):
            nodes = list(prefix[index]) if index < len(prefix) else list(rest)
            if index == 0:
                nodes += contains
            item = self.generate(nodes, ctx.below())
            for _ in range(4 if shape.unique else 2):  # repeated items read oddly even when allowed
                if _canonical(item) not in seen:
                    break
                item = self.generate(nodes, ctx.below())
            if shape.unique and _canonical(item) in seen and len(items) >= low:
                continue
            seen.add(_canonical(item))
            items.append(item)
        return items


def generate_instance(
    analysis: Analysis, seed: int = 0, full: bool = False, steering: Steering | None = None
) -> Any:
    """A realistic instance of ``analysis.schema`` that validates against it.

    The same ``seed`` always gives the same instance; ``full`` writes every optional
    property (to measure them all); ``steering`` takes the branches and members a walk plan
    asks for. When the first draft does not validate (a combination
    the generator cannot see through, such as ``if``/``then``), a few more drafts are tried —
    the later ones leaner — and the first valid one is returned; if none is, the first is.
    """
    root = analysis.nodes[0]
    first: tuple[Any] | None = None
    for attempt in range(_INSTANCE_ATTEMPTS):
        rng = random.Random(seed if attempt == 0 else f"{seed}/{attempt}")
        lean = attempt >= _INSTANCE_ATTEMPTS // 2
        generator = _Generator(analysis, rng, lean, full and not lean, steering)
        value = generator.generate([root], _Context())
        if first is None:
            first = (value,)
        if Checker(analysis.schema).valid(analysis.schema, value):
            return value
    assert first is not None
    return first[0]
