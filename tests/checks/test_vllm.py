"""vLLM's auto backend choice, as its published code makes it: xgrammar unless
``has_xgrammar_unsupported_json_features`` or xgrammar's own compile rules it out, then
guidance, or outlines where ``patternProperties`` appears anywhere."""

from __future__ import annotations

from typing import Any

import pytest

from schemalint.analysis import analyse
from schemalint.checks.local.vllm import backend, xgrammar_unsupported
from schemalint.lmfe import detect_settings


def picked(schema: Any) -> str:
    return backend(analyse(schema, detect_settings("0.11.3", False)))[0]


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (obj(n={"type": "integer", "minimum": 0}), "xgrammar"),
        (obj(s={"type": "string", "maxLength": 2000}), "xgrammar"),
        (obj(u={"type": "string", "not": {"const": "admin"}}), "xgrammar"),
        (obj(n={"type": "integer", "multipleOf": 5}), "guidance"),
        (obj(t={"type": "array", "uniqueItems": True}), "guidance"),
        (obj(d={"type": "string", "format": "binary"}), "guidance"),
        (obj(c={"type": "string", "pattern": "^a+$", "maxLength": 4}), "guidance"),
        (obj(c={"type": "string", "pattern": "^(a)\\1$"}), "guidance"),  # xgrammar refuses it
        (
            {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x": {}}},
            "outlines",
        ),
    ],
)
def test_the_backend_auto_picks(schema: Any, expected: str) -> None:
    assert picked(schema) == expected


def test_like_vllm_an_unused_definition_counts_too() -> None:
    schema = {"type": "string", "$defs": {"unused": {"type": "number", "multipleOf": 0.5}}}
    assert xgrammar_unsupported(schema) == "multipleOf"
    assert picked(schema) == "guidance"


def test_a_type_list_is_read_like_vllm_reads_it() -> None:
    assert xgrammar_unsupported({"type": ["array", "null"], "contains": {}}) != ""
    assert xgrammar_unsupported({"type": "object", "contains": {}}) == ""
