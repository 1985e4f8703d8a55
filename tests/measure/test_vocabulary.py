"""Specifications for the text chosen by property name: it reads like what a model writes."""

from __future__ import annotations

import re

from schemalint.measure.generator import generate_instance
from tests.measure.samples import sample


def test_free_text_reads_like_english_chosen_by_property_name() -> None:
    analysis = sample("function_calling_seed.json")
    for seed in range(10):
        for call in generate_instance(analysis, seed)["tool_calls"]:
            reason = call["reason"]
            assert re.match(r"[A-Z]", reason) and len(reason.split()) >= 6, reason
            query = call["arguments"].get("query")
            if call["name"] == "search_web":
                assert isinstance(query, str) and 2 <= len(query.split()) <= 12


def test_objects_without_properties_get_plausible_keys() -> None:
    analysis = sample("pathological/free_dict.json")
    for seed in range(5):
        args = generate_instance(analysis, seed)["args"]
        assert 1 <= len(args) <= 2
        assert all(re.fullmatch(r"[A-Za-z_-]+", key) for key in args)
