"""Which schema node describes each value of an instance.

The probe charges every enforcer step to a schema pointer, so each instance pointer must map
to the subschema that describes it: through ``$ref``s, into the union branch the value
matches, and to the ``allOf`` branch that declares a member.
"""

from __future__ import annotations

from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.measure.patterns import search
from schemalint.measure.serialise import key_text
from schemalint.measure.subschemas import Checker, Tree
from schemalint.walk import UNIONS, Node

_DESCRIPTIVE = frozenset(
    """type properties patternProperties additionalProperties items prefixItems enum const
    format pattern anyOf oneOf allOf minimum maximum exclusiveMinimum exclusiveMaximum
    multipleOf minLength maxLength minItems maxItems""".split()
)


class _Locator:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.tree = Tree(analysis)
        self.check = Checker(analysis.schema, budget=10**9)

    def follow(self, node: Node) -> Node:
        return self.tree.follow(node)

    def describe(self, nodes: list[Node], value: Any) -> tuple[list[Node], str | None]:
        """The subschemas that apply to ``value`` (``$ref`` targets, ``allOf`` branches and the
        first valid branch of each union) and the pointer of the one that describes it."""
        if not nodes:
            return [], None
        primary = self.follow(nodes[0])
        here = primary.pointer
        parts: list[Node] = []
        seen: set[str] = set()
        todo = list(nodes)
        while todo:
            node = todo.pop(0)
            if node.pointer in seen or not isinstance(node.schema, dict):
                continue
            seen.add(node.pointer)
            parts.append(node)
            target = self.tree.target(node)
            if target is not None:
                todo.append(target)
            branches = node.schema.get("allOf")
            if isinstance(branches, list):
                todo += self._children(node, "allOf", len(branches))
            for keyword in UNIONS:
                branches = node.schema.get(keyword)
                if not isinstance(branches, list):
                    continue
                for branch in self._children(node, keyword, len(branches)):
                    if self.check.valid(branch.schema, value):
                        target = self.follow(branch)
                        if isinstance(target.schema, dict) and _DESCRIPTIVE & target.schema.keys():
                            here = target.pointer
                        todo.append(branch)
                        break
        return parts, here

    def _children(self, node: Node, keyword: str, count: int) -> list[Node]:
        found = (self.tree.child(node, keyword, index) for index in range(count))
        return [child for child in found if child is not None]

    def member(self, parts: list[Node], key: str) -> list[Node]:
        declared: list[Node] = []
        matched: list[Node] = []
        extra: list[Node] = []
        for part in parts:
            s = part.schema
            props = s.get("properties")
            if isinstance(props, dict) and key in props:
                child = self.tree.child(part, "properties", key)
                declared += [child] if child is not None else []
            patterns = s.get("patternProperties")
            if isinstance(patterns, dict):
                for pattern in patterns:
                    if search(pattern, key):
                        child = self.tree.child(part, "patternProperties", pattern)
                        matched += [child] if child is not None else []
            for keyword in ("additionalProperties", "unevaluatedProperties"):
                if isinstance(s.get(keyword), dict) or s.get(keyword) is True:
                    child = self.tree.child(part, keyword)
                    extra += [child] if child is not None else []
        return declared + matched if declared or matched else extra

    def item(self, parts: list[Node], index: int) -> list[Node]:
        positional: list[Node] = []
        rest: list[Node] = []
        for part in parts:
            s = part.schema
            keyword = "prefixItems" if isinstance(s.get("prefixItems"), list) else "items"
            sequence = s.get(keyword)
            if isinstance(sequence, list):
                if index < len(sequence):
                    child = self.tree.child(part, keyword, index)
                    positional += [child] if child is not None else []
                    continue
                rest_keyword = "items" if keyword == "prefixItems" else "additionalItems"
            else:
                rest_keyword = "items"
            if isinstance(s.get(rest_keyword), dict) or s.get(rest_keyword) is True:
                child = self.tree.child(part, rest_keyword)
                rest += [child] if child is not None else []
        return positional or rest


def locate(analysis: Analysis, instance: Any) -> dict[str, str]:
    """Map every instance pointer of ``instance`` to the schema pointer describing it.

    ``$ref``s are followed to the referenced subschema; of an ``anyOf``/``oneOf`` the first
    branch the value is valid against is taken (when it says more than ``required``); an
    ``allOf`` member's schema is the branch declaring it. A value no subschema describes is
    charged to its nearest described ancestor. Pointers come in document order.
    """
    return {path: pointer for path, pointer, _ in describe_instance(analysis, instance)}


def reached_by_path(analysis: Analysis, instance: Any) -> dict[str, frozenset[str]]:
    """Every subschema that applies to each value of ``instance``: the ones :func:`locate`
    passes through (``$ref`` holders and targets, ``allOf`` and chosen union branches), which
    is what a walk of the instance covers."""
    return {path: parts for path, _, parts in describe_instance(analysis, instance)}


def describe_instance(analysis: Analysis, instance: Any) -> list[tuple[str, str, frozenset[str]]]:
    """Each instance pointer, in document order, with the pointer of the subschema that
    describes it (:func:`locate`) and the pointers of all that apply to it
    (:func:`reached_by_path`)."""
    locator = _Locator(analysis)
    found: list[tuple[str, str, frozenset[str]]] = []
    stack: list[tuple[str, Any, list[Node], str]] = [("", instance, [analysis.nodes[0]], "")]
    while stack:
        path, value, nodes, fallback = stack.pop()
        parts, here = locator.describe(nodes, value)
        pointer = fallback if here is None else here
        found.append((path, pointer, frozenset(part.pointer for part in parts)))
        children: list[tuple[str, Any, list[Node], str]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                name = key_text(key)
                children.append((jp.join(path, name), item, locator.member(parts, name), pointer))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                children.append((jp.join(path, index), item, locator.item(parts, index), pointer))
        stack += reversed(children)
    return found
