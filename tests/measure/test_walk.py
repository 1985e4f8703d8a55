"""The walks' worker: one process serves walk after walk, each walk costs what it costs a fresh
process, and a walk abandoned at a budget leaves the next one a new worker, never a stray one."""

from __future__ import annotations

import gc
import json
import multiprocessing
import time
from typing import Any

import pytest

from schemalint.engines.lmfe_data import enforcer_data
from schemalint.lmfe import EnforcerConfig
from schemalint.measure.serialise import serialise
from schemalint.measure.walk import (
    Budget,
    Subject,
    Walker,
    WalkResult,
    lmfe_subject,
    token_offsets,
)
from schemalint.tokenizers import Tokenizer, load_tokenizer

NOTE = {"type": "object", "properties": {"note": {"type": "string"}}, "required": ["note"]}


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return load_tokenizer()


@pytest.fixture(scope="module")
def data(tokenizer: Tokenizer) -> Any:
    return enforcer_data(tokenizer)


def walk(
    walker: Walker, subject: Subject, tokenizer: Tokenizer, instance: Any, step_s: float = 30
) -> WalkResult:
    text, _ = serialise(instance)
    tokens = tokenizer.encode(text)
    offsets = token_offsets(tokens, tokenizer.decode, text)
    budget = Budget(time.perf_counter() + 60, step_s)
    return walker.walk_text(subject, text, tokens, offsets, budget)


def worker_pids() -> set[int]:
    return {child.pid for child in multiprocessing.active_children() if child.pid is not None}


def test_one_worker_serves_every_walk_of_the_same_data(tokenizer: Tokenizer, data: Any) -> None:
    before = worker_pids()
    with Walker() as walker:
        subject = lmfe_subject(data, NOTE, EnforcerConfig())
        first = walk(walker, subject, tokenizer, {"note": "first words"})
        started = worker_pids() - before
        numbers = {"type": "array", "items": {"type": "integer"}}
        other = lmfe_subject(data, numbers, EnforcerConfig())
        second = walk(walker, other, tokenizer, [1, 2, 3])
        assert worker_pids() - before == started and len(started) == 1
    assert first.outcome == second.outcome == "complete"
    assert first.text == json.dumps({"note": "first words"})
    assert not worker_pids() - before


def test_a_walk_allows_the_same_tokens_however_many_walks_came_before(
    tokenizer: Tokenizer, data: Any
) -> None:
    """LMFE caches free-text allowlists as it walks; the worker empties that cache per walk."""
    subject = lmfe_subject(data, NOTE, EnforcerConfig())
    instance = {"note": 'a longer free text, with commas, and "quotes" inside it'}
    with Walker() as walker:
        walks = [walk(walker, subject, tokenizer, instance) for _ in range(3)]
    counts = [[step.allowed for step in result.steps] for result in walks]
    assert counts[0] == counts[1] == counts[2] and len(counts[0]) > 10


def test_a_walk_over_its_step_budget_ends_its_worker_and_the_next_walk_gets_a_new_one(
    tokenizer: Tokenizer, data: Any
) -> None:
    before = worker_pids()
    subject = lmfe_subject(data, NOTE, EnforcerConfig())
    with Walker() as walker:
        walk(walker, subject, tokenizer, {"note": "warm"})
        (first,) = worker_pids() - before
        abandoned = walk(walker, subject, tokenizer, {"note": "x " * 50}, step_s=1e-6)
        assert abandoned.outcome == "step-budget"
        assert first not in worker_pids()
        again = walk(walker, subject, tokenizer, {"note": "again"})
        assert again.outcome == "complete" and len(worker_pids() - before) == 1
    assert not worker_pids() - before


def test_a_walker_dropped_without_close_ends_its_worker(tokenizer: Tokenizer, data: Any) -> None:
    before = worker_pids()
    walker = Walker()
    walk(walker, lmfe_subject(data, NOTE, EnforcerConfig()), tokenizer, {"note": "left"})
    assert len(worker_pids() - before) == 1
    del walker
    gc.collect()
    assert not worker_pids() - before
