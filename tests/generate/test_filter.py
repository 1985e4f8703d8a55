"""The filter step: sorted unique allowed ids, from a worker that can be abandoned."""

from __future__ import annotations

import time
from typing import Any

import pytest

from schemalint.engines.lmfe_data import enforcer_data
from schemalint.generate.filter import FilterTimeout, FilterWorker, allowed_tokens
from schemalint.lmfe import EnforcerConfig
from schemalint.tokenizers import load_tokenizer


class _Answer:
    def __init__(self) -> None:
        self.allowed_tokens = [7, 3, 7, 1, 3]


class _Enforcer:
    def get_allowed_tokens(self, sequence: list[int]) -> Any:
        return _Answer()


def test_allowed_tokens_are_sorted_and_unique() -> None:
    # exllamav2 walks the pass list in order: duplicates or disorder let illegal tokens through.
    assert allowed_tokens(_Enforcer(), [0]) == [1, 3, 7]


@pytest.fixture(scope="module")
def data() -> Any:
    return enforcer_data(load_tokenizer())


def test_worker_answers_what_the_schema_allows(data: Any) -> None:
    worker = FilterWorker(data, {"enum": ["yes"]}, EnforcerConfig(max_consecutive_whitespaces=0))
    try:
        worker.wait_ready(time.perf_counter() + 30)
        worker.request([])
        first = worker.result(time.perf_counter() + 30)
        assert first.tokens == sorted(set(first.tokens)) and first.seconds >= 0
        texts = {data.decoder([token]) for token in first.tokens}
        assert texts <= {'"', '"y', '"ye', '"yes', '"yes"'} and '"' in texts
    finally:
        worker.close()


def test_a_worker_past_its_deadline_raises_and_can_be_closed(data: Any) -> None:
    worker = FilterWorker(data, {"type": "string"}, EnforcerConfig())
    try:
        worker.wait_ready(time.perf_counter() + 30)
        worker.request([])
        started = time.perf_counter()
        with pytest.raises(FilterTimeout):
            worker.result(time.perf_counter())  # already past
        assert time.perf_counter() - started < 0.1
    finally:
        worker.close()
