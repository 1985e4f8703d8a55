"""Specifications for serialisation: exactly ``json.dumps`` text, every character mapped.

Every character the probe feeds the enforcer must map back to the instance value it writes.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from schemalint.measure.generator import generate_instance
from schemalint.measure.serialise import Span, serialise, span_at
from tests.measure.samples import SAMPLE_FILES, sample

SMALL: dict[str, Any] = {"a": [1, {"b c": 'say "hi"\n'}], "n": None, "e": {}, "s/t": True}


def test_serialised_text_is_exactly_json_dumps() -> None:
    text, _ = serialise(SMALL)
    assert text == json.dumps(SMALL, ensure_ascii=False)
    for name in SAMPLE_FILES:
        instance = generate_instance(sample(name), 1)
        assert serialise(instance)[0] == json.dumps(instance, ensure_ascii=False)


def test_spans_tile_the_text_with_roles_and_instance_pointers() -> None:
    text, spans = serialise(SMALL)
    pieces = [(text[s.start : s.end], s.path, s.role) for s in spans]
    assert pieces == [
        ("{", "", "punctuation"),
        ('"a"', "/a", "key"),
        (": ", "", "punctuation"),
        ("[", "/a", "punctuation"),
        ("1", "/a/0", "value"),
        (", ", "/a", "punctuation"),
        ("{", "/a/1", "punctuation"),
        ('"b c"', "/a/1/b c", "key"),
        (": ", "/a/1", "punctuation"),
        ('"say \\"hi\\"\\n"', "/a/1/b c", "value"),
        ("}", "/a/1", "punctuation"),
        ("]", "/a", "punctuation"),
        (", ", "", "punctuation"),
        ('"n"', "/n", "key"),
        (": ", "", "punctuation"),
        ("null", "/n", "value"),
        (", ", "", "punctuation"),
        ('"e"', "/e", "key"),
        (": ", "", "punctuation"),
        ("{}", "/e", "punctuation"),
        (", ", "", "punctuation"),
        ('"s/t"', "/s~1t", "key"),
        (": ", "", "punctuation"),
        ("true", "/s~1t", "value"),
        ("}", "", "punctuation"),
    ]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_spans_tile_generated_instances_without_gaps(name: str) -> None:
    text, spans = serialise(generate_instance(sample(name), 2))
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(spans))
    assert all(s.start < s.end for s in spans)


def test_span_at_finds_the_span_holding_an_offset() -> None:
    text, spans = serialise(SMALL)
    for offset in range(len(text)):
        span = span_at(spans, offset)
        assert span.start <= offset < span.end
    assert span_at(spans, text.index("null")) == Span(
        text.index("null"), text.index("null") + 4, "/n", "value"
    )
    for outside in (-1, len(text)):
        with pytest.raises(IndexError):
            span_at(spans, outside)
