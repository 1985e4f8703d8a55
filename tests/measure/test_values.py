"""Specifications for scalar values: escapes where the enforcer is slowest, formats, bounds.

About one free-text field in three carries a JSON escape, since escapes are where the
enforcer is slowest; formats and numeric bounds are honoured so the instance validates.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from schemalint.analysis import is_free_text
from schemalint.measure.generator import generate_instance
from schemalint.measure.locate import locate
from schemalint.measure.serialise import serialise
from tests.measure.samples import analysed, errors, sample


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string value of an instance, with its pointer."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}/{index}")
    elif isinstance(value, str):
        yield path, value


def test_about_one_free_text_field_in_three_carries_a_json_escape() -> None:
    free = escaped = 0
    quotes = newlines = 0
    for name in ("function_calling_seed.json", "function_calling_rewritten.json"):
        analysis = sample(name)
        for seed in range(20):
            instance = generate_instance(analysis, seed)
            where = locate(analysis, instance)
            for path, text in strings(instance):
                node = analysis.by_pointer[where[path]]
                if is_free_text(node.schema) and "pattern" not in node.schema:
                    free += 1
                    escaped += '"' in text or "\n" in text
                    quotes += '"' in text
                    newlines += "\n" in text
    assert quotes > 0 and newlines > 0
    assert 0.2 <= escaped / free <= 0.45, (escaped, free)


def test_escapes_survive_serialisation_as_backslash_sequences() -> None:
    analysis = sample("function_calling_rewritten.json")
    texts = [serialise(generate_instance(analysis, seed))[0] for seed in range(20)]
    assert any('\\"' in text for text in texts)
    assert any("\\n" in text for text in texts)


def test_formats_are_honoured() -> None:
    formats = ["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname"]
    schema = {
        "type": "object",
        "properties": {f: {"type": "string", "format": f} for f in formats},
        "required": formats,
    }
    checker = Draft202012Validator.FORMAT_CHECKER
    for seed in range(5):
        instance = generate_instance(analysed(schema), seed)
        for name in formats:
            checker.check(instance[name], name)  # raises for a value the checker knows is bad
        datetime.datetime.fromisoformat(instance["date-time"])
        assert instance["uri"].startswith("https://")
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", instance["hostname"])


def test_numbers_respect_bounds_and_multiples() -> None:
    schema = {
        "type": "object",
        "properties": {
            "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 50, "multipleOf": 0.01},
            "year": {"type": "integer", "minimum": 1900, "maximum": 1950},
            "odd": {"type": "integer", "minimum": 7, "maximum": 7},
            "step": {"type": "integer", "minimum": 10, "multipleOf": 25},
        },
        "required": ["price", "year", "odd", "step"],
    }
    for seed in range(10):
        instance = generate_instance(analysed(schema), seed)
        assert errors(schema, instance) == []
        assert isinstance(instance["year"], int) and 1900 <= instance["year"] <= 1950
