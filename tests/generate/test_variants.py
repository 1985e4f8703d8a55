"""The variants compared: the schema as given, its rewrite, and no constraint."""

from __future__ import annotations

from pathlib import Path

from schemalint.config import Settings
from schemalint.generate.variants import build_variants, without_property
from schemalint.load.reader import Document, read_document
from schemalint.rewriting.rewrites import THOUGHT
from tests.conftest import SEED


def _seed() -> Document:
    document = read_document(Path(SEED))
    assert isinstance(document, Document)
    return document


def test_variants_keep_the_requested_order_and_constraints() -> None:
    variants = build_variants(_seed(), ("unconstrained", "rewritten"), Settings(), False)
    assert [v.name for v in variants] == ["unconstrained", "rewritten"]
    unconstrained, rewritten = variants
    assert unconstrained.constraint is None and unconstrained.schema["title"]
    assert rewritten.constraint is rewritten.schema
    assert THOUGHT in rewritten.schema["properties"]


def test_two_phase_drops_the_thought_field() -> None:
    (rewritten,) = build_variants(_seed(), ("rewritten",), Settings(), True)
    assert THOUGHT not in rewritten.schema["properties"]
    assert THOUGHT not in rewritten.schema.get("required", [])


def test_without_property_removes_it_everywhere_and_copies() -> None:
    schema = {
        "properties": {"a": {"properties": {"x": {}, "y": {}}, "required": ["x", "y"]}, "x": {}},
        "required": ["x"],
    }
    result = without_property(schema, "x")
    assert result == {
        "properties": {"a": {"properties": {"y": {}}, "required": ["y"]}},
        "required": [],
    }
    assert "x" in schema["properties"]
