"""Specifications for strings written from a ``pattern``: they match it in full."""

from __future__ import annotations

import re

import pytest

from schemalint.measure.generator import generate_instance
from tests.measure.samples import analysed, sample


def test_patterns_are_matched_in_full() -> None:
    analysis = sample("pathological/pattern_strings.json")
    for seed in range(10):
        instance = generate_instance(analysis, seed)
        assert re.fullmatch(r"[A-Z]{3}-[0-9]{6}", instance["order_id"])
        assert re.fullmatch(r"[A-Za-z0-9 .,'-]+", instance["customer_name"])
        assert "\n" not in instance["summary"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-z0-9-]+$",
        r"^\+[1-9][0-9]{6,14}$",
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        r"^(GET|POST)/v[0-9]+/\w+$",
        r"^[^\s@]+@[^\s@]+\.[a-z]{2,}$",
        r"^(ab)\1-[A-F]{2,}$",
    ],
)
def test_common_patterns_are_written_from_the_regex(pattern: str) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}
    schema["required"] = ["x"]
    for seed in range(3):
        value = generate_instance(analysed(schema), seed)["x"]
        assert re.fullmatch(pattern, value), value
