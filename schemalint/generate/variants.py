"""The generations to compare: the schema as given, its rewrite, and no constraint at all."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from schemalint.config import Settings
from schemalint.load.kinds import normalise
from schemalint.load.reader import Document
from schemalint.rewriting.document import rewrite_document
from schemalint.rewriting.rewrites import THOUGHT

VARIANTS = ("original", "rewritten", "unconstrained")


@dataclass(frozen=True)
class Variant:
    name: str
    constraint: Any | None
    """The schema the enforcer follows; None generates freely."""
    schema: Any
    """The schema the output is validated against."""


def build_variants(
    document: Document, names: tuple[str, ...], settings: Settings, two_phase: bool
) -> list[Variant]:
    """The requested variants in order; with ``two_phase`` their schemas lose the thought field,
    since phase 1 has already written the thought. Raises NotASchema."""
    original = normalise(document.data).schema
    schemas = {"original": original, "unconstrained": original}
    if "rewritten" in names:
        rewritten = rewrite_document(document, settings, True).data
        schemas["rewritten"] = normalise(rewritten).schema
    variants = []
    for name in names:
        schema = without_property(schemas[name], THOUGHT) if two_phase else schemas[name]
        variants.append(Variant(name, None if name == "unconstrained" else schema, schema))
    return variants


def without_property(schema: Any, name: str) -> Any:
    """A copy of ``schema`` where no object declares or requires ``name``."""
    result = copy.deepcopy(schema)
    todo = [result]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            properties = value.get("properties")
            if isinstance(properties, dict):
                properties.pop(name, None)
            required = value.get("required")
            if isinstance(required, list) and name in required:
                value["required"] = [item for item in required if item != name]
            todo += value.values()
        elif isinstance(value, list):
            todo += value
    return result
