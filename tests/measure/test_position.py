"""Where a cut-off generation stopped: instance paths of JSON prefixes, then schema pointers."""

from __future__ import annotations

import json

import pytest

from schemalint.analysis import analyse
from schemalint.lmfe import detect_settings
from schemalint.measure.position import prefix_path, schema_pointers
from tests.conftest import SAMPLES


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("", []),
        ("{", []),
        ('{"tool_call": {"reason": "I need to', ["tool_call", "reason"]),
        ('{"a": [1, {"b": "say \\"hi', ["a", 1, "b"]),
        ('{"a": [1, 2', ["a", 1]),
        ('{"a": "x", "b', []),
        ('{"a": {"c": 1}', []),
        ('{"a":', ["a"]),
        ('{"a}": "{[,', ["a}"]),
    ],
)
def test_prefix_path_follows_open_containers_keys_and_indices(
    text: str, path: list[str | int]
) -> None:
    assert prefix_path(text) == path


def test_every_union_branch_declaring_the_key_is_a_candidate() -> None:
    schema = json.loads((SAMPLES / "pathological" / "reason_maxlength_one_branch.json").read_text())
    analysis = analyse(schema, detect_settings())
    found = schema_pointers(analysis, ["tool_call", "reason"])
    assert "/properties/tool_call/anyOf/1/properties/reason" in found
    assert all(p.startswith("/properties/tool_call/anyOf/") for p in found)
    assert schema_pointers(analysis, ["no_such_key"]) == []


def test_refs_and_array_items_are_followed() -> None:
    schema = json.loads((SAMPLES / "function_calling_seed.json").read_text())
    analysis = analyse(schema, detect_settings())
    found = schema_pointers(analysis, ["tool_calls", 0, "reason"])
    assert "/$defs/search_web_call/properties/reason" in found
