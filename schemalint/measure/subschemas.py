"""Subschemas by pointer, and validation against them.

Generation and location both step from a schema node to its children and through its
``$ref``s, including into places the analysis's walk does not visit, and both ask whether a
value is valid against a subschema. They share this one implementation so that they agree
on what a pointer means.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import referencing
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.walk import Node

_CHECK_BUDGET = 3_000


class Checker:
    """One validator for the root schema, evolved per subschema so ``$ref``s resolve."""

    def __init__(self, schema: Any, budget: int = _CHECK_BUDGET) -> None:
        self.budget = budget
        self.calls = 0
        try:
            cls = validator_for(schema, default=Draft202012Validator)
            # An empty registry has no ``retrieve``: a remote ``$ref`` fails, never fetches.
            self.root: Validator | None = cls(schema, registry=referencing.Registry())
        except Exception:
            self.root = None

    @property
    def spent(self) -> bool:
        return self.calls >= self.budget

    def valid(self, schema: Any, instance: Any) -> bool:
        """Whether ``instance`` is valid against ``schema``; False when that cannot be told."""
        if self.root is None:
            return False
        self.calls += 1
        try:
            return bool(self.root.evolve(schema=schema).is_valid(instance))
        except Exception:
            return False


class Tree:
    """Subschemas by pointer: the analysis's nodes, and nodes made on demand where a local
    ``$ref`` points somewhere the walk does not visit (``#/resourceDefinitions/...``)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def child(self, node: Node, *tokens: str | int) -> Node | None:
        pointer = jp.join(node.pointer, *tokens)
        found = self.analysis.by_pointer.get(pointer)
        if found is not None:
            return found
        value = jp.descend(node.schema, [str(t) for t in tokens])
        if value is jp.MISSING:
            return None
        return Node(pointer, value, node.pointer, str(tokens[0]), tokens[-1])

    def target(self, node: Node) -> Node | None:
        """The subschema ``node``'s ``$ref`` points at, when it is in this document."""
        ref = self.analysis.refs.refs.get(node.pointer)
        if ref is not None and ref.target is not None:
            return self.analysis.by_pointer[ref.target]
        value = node.schema.get("$ref") if isinstance(node.schema, dict) else None
        if not isinstance(value, str) or not value.startswith("#/"):
            return None
        pointer = unquote(value[1:])
        found = self.analysis.by_pointer.get(pointer)
        if found is not None:
            return found
        schema = jp.descend(self.analysis.schema, jp.split(pointer))
        return None if schema is jp.MISSING else Node(pointer, schema)

    def follow(self, node: Node) -> Node:
        """``node`` with its ``$ref`` chain followed, recursive references included."""
        seen = {node.pointer}
        for _ in range(32):
            target = self.target(node)
            if target is None or target.pointer in seen:
                break
            seen.add(target.pointer)
            node = target
        return node
