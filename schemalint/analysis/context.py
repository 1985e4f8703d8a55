"""Everything the rules read about one schema, computed once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from schemalint import pointer as jp
from schemalint.analysis.refs import Ref, RefGraph, resolve_refs
from schemalint.analysis.shape import Shape, measure_shape
from schemalint.lmfe import EnforcerSettings
from schemalint.walk import DEFINITIONS, UNIONS, Node, walk

_MAX_REF_HOPS = 32

Derived = TypeVar("Derived")


def types_of(schema: Any) -> frozenset[str]:
    """The JSON types a subschema names in ``type`` (a string or a list)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, str):
        return frozenset((kind,))
    if isinstance(kind, list):
        return frozenset(k for k in kind if isinstance(k, str))
    return frozenset()


def required_names(schema: Any) -> list[str]:
    """The property names a subschema lists in ``required``; anything else there (a list, a
    number: the schema fails its meta-schema, SL001) names no property."""
    required = schema.get("required") if isinstance(schema, dict) else None
    return [r for r in required if isinstance(r, str)] if isinstance(required, list) else []


def is_free_text(schema: Any) -> bool:
    """A string the model writes freely: type string with no enum, const or format."""
    return "string" in types_of(schema) and not any(
        k in schema for k in ("enum", "const", "format")
    )


@dataclass
class Analysis:
    schema: Any
    nodes: list[Node]
    by_pointer: dict[str, Node]
    refs: RefGraph
    shape: Shape
    enforcer: EnforcerSettings
    roots: tuple[str, ...] = ("",)
    """The schemas a provider is sent: each tool's parameters in a tools list (the combined
    schema around them is what a local decoder constrains), else the root."""
    _derived: dict[Callable[..., Any], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def derived(self, compute: Callable[[Analysis], Derived]) -> Derived:
        """``compute(self)``, computed once: for what several rules derive from the whole
        document the same way (vLLM's backend choice, read by each of its rules)."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return self._derived[compute]  # type: ignore[no-any-return]

    def deref(self, node: Node) -> Node:
        """The subschema a ``$ref`` chain starting at ``node`` ends at (``node`` if none)."""
        for _ in range(_MAX_REF_HOPS):
            ref = self.refs.refs.get(node.pointer)
            if ref is None or ref.target is None or ref.source in self.shape.recursive_refs:
                return node
            node = self.by_pointer[ref.target]
        return node

    def keyword_holder(self, schema_path: tuple[str | int, ...]) -> str:
        """The pointer of the subschema holding the keyword at the end of a jsonschema
        ``schema_path``. jsonschema leaves ``$ref`` steps out, so a token the subschema does not
        have is looked up where its ``$ref`` leads ("" when the path cannot be followed)."""
        pointer = ""
        for index, token in enumerate(schema_path):
            node = self.by_pointer.get(pointer)
            held = isinstance(node.schema, dict) and token in node.schema if node else False
            if not held and node is not None:
                pointer = self.deref(node).pointer
            if index < len(schema_path) - 1:
                pointer = jp.join(pointer, token)
        return pointer if pointer in self.by_pointer else ""

    def child(self, node: Node, *tokens: str | int) -> Node | None:
        return self.by_pointer.get(jp.join(node.pointer, *tokens))

    def properties(self, node: Node) -> list[tuple[str, Node]]:
        """The declared properties of an object subschema, in order, each dereferenced."""
        props = node.schema.get("properties") if isinstance(node.schema, dict) else None
        if not isinstance(props, dict):
            return []
        found = []
        for name in props:
            child = self.child(node, "properties", name)
            if child is not None:
                found.append((name, self.deref(child)))
        return found

    def union_branches(self, node: Node) -> list[tuple[str, list[Node]]]:
        """Each multi-branch ``anyOf``/``oneOf`` of ``node`` with its dereferenced branches."""
        found = []
        schema = node.schema if isinstance(node.schema, dict) else {}
        for keyword in UNIONS:
            branches = schema.get(keyword)
            if isinstance(branches, list) and len(branches) > 1:
                resolved = [
                    self.by_pointer.get(jp.join(node.pointer, keyword, i))
                    for i in range(len(branches))
                ]
                found.append((keyword, [self.deref(b) for b in resolved if b is not None]))
        return found

    def in_definitions(self, node: Node) -> bool:
        return any(f"/{keyword}/" in node.pointer + "/" for keyword in DEFINITIONS)

    @cached_property
    def used_nodes(self) -> list[Node]:
        """Subschemas reachable from the root: unreferenced definitions never constrain output."""
        return self.reachable(self.nodes[0].pointer)

    def reachable(self, start: str) -> list[Node]:
        """The subschemas at or below ``start`` and those its ``$ref``s reach, in walk order."""
        reachable = {start}
        todo = [start]
        edges = self._edges
        while todo:
            for successor in edges.get(todo.pop(), []):
                if successor not in reachable:
                    reachable.add(successor)
                    todo.append(successor)
        return [n for n in self.nodes if n.pointer in reachable]

    @cached_property
    def _edges(self) -> dict[str, list[str]]:
        edges: dict[str, list[str]] = {}
        for node in self.nodes:
            if node.parent is not None and node.keyword not in DEFINITIONS:
                edges.setdefault(node.parent, []).append(node.pointer)
        for source, ref in self.refs.refs.items():
            if ref.target is not None:
                edges.setdefault(source, []).append(ref.target)
        return edges

    @cached_property
    def used_refs(self) -> list[Ref]:
        """The ``$ref``s of subschemas reachable from the root."""
        return [self.refs.refs[n.pointer] for n in self.used_nodes if n.pointer in self.refs.refs]

    @cached_property
    def ref_uses(self) -> Counter[str]:
        """How many used ``$ref``s point at each subschema."""
        return Counter(ref.target for ref in self.used_refs if ref.target is not None)

    def metrics(self) -> dict[str, int]:
        schemas = [n.schema for n in self.nodes if isinstance(n.schema, dict)]
        union_widths = [len(s[k]) for s in schemas for k in UNIONS if isinstance(s.get(k), list)]
        uses = self.ref_uses
        return {
            "max_depth": self.shape.max_depth,
            "ref_fanout": max(uses.values(), default=0),
            "expanded_nodes": self.shape.expanded_nodes,
            "free_text_fields": sum(is_free_text(s) for s in schemas),
            "max_union_width": max(union_widths, default=0),
            "subschemas": len(self.nodes),
            "refs": len(self.refs.refs),
            "recursive_refs": len(self.shape.recursive_refs),
            "optional_properties": sum(_optional_count(s) for s in schemas),
        }


def _optional_count(schema: dict[str, Any]) -> int:
    props = schema.get("properties")
    if not isinstance(props, dict):
        return 0
    required = set(required_names(schema))
    return sum(1 for name in props if name not in required)


def analyse(
    schema: Any,
    enforcer: EnforcerSettings,
    max_nodes: int = 200_000,
    roots: tuple[str, ...] = ("",),
) -> Analysis:
    nodes = walk(schema, max_nodes)
    refs = resolve_refs(schema, nodes)
    return Analysis(
        schema=schema,
        nodes=nodes,
        by_pointer={n.pointer: n for n in nodes},
        refs=refs,
        shape=measure_shape(nodes, refs),
        enforcer=enforcer,
        roots=roots,
    )
