"""Whole generations on a tiny random Llama: constrained output is valid, budgets cancel in time
and say where, two-phase writes a thought first, teacher forcing replays a path."""

from __future__ import annotations

import json
from pathlib import Path

from schemalint.config import Settings
from schemalint.generate.hf import TransformersBackend
from schemalint.generate.run import (
    GenerateSettings,
    enforced_tokens,
    run_variants,
    teacher_forced,
)
from schemalint.generate.variants import build_variants
from schemalint.lmfe import EnforcerConfig
from schemalint.load.reader import Document, read_document
from tests.conftest import SAMPLES, SEED

PATHOLOGICAL = SAMPLES / "pathological" / "reason_maxlength_one_branch.json"
#: Random weights would spend any budget on whitespace.
TIGHT = EnforcerConfig(max_consecutive_whitespaces=0)


def _document(path: Path) -> Document:
    document = read_document(path)
    assert isinstance(document, Document)
    return document


def test_constrained_variants_of_the_seed_parse_and_validate(
    closing_backend: TransformersBackend,
) -> None:
    settings = GenerateSettings(prompt="Plan my trip.", max_new_tokens=160, config=TIGHT)
    variants = build_variants(_document(SEED), settings.variants, Settings(), False)
    report = run_variants(closing_backend, variants, settings)
    by_name = {phase.variant: phase for phase in report.phases}
    assert list(by_name) == ["original", "rewritten", "unconstrained"]
    for name in ("original", "rewritten"):
        phase = by_name[name]
        assert phase.generation.stop == "eos", phase.generation.detail
        assert phase.parses and phase.validates, phase.problem
        calls = json.loads(phase.generation.text)["tool_calls"]
        assert calls and all("name" in call for call in calls)
        assert len(phase.generation.filter_ms) == len(phase.generation.token_ids) + 1
    assert "reason" in by_name["original"].generation.text
    assert "reason" not in by_name["rewritten"].generation.text
    # The same model unconstrained: it stops at once (EOS is what it likes best), no JSON.
    assert by_name["unconstrained"].parses is False
    assert not by_name["unconstrained"].generation.filter_ms
    assert report.exit_code == 0


def test_a_slow_token_is_cancelled_within_budget_and_located(
    free_text_backend: TransformersBackend,
) -> None:
    # With field order forced, reason comes first; while every branch is alive, LMFE's steps
    # in it take seconds on the 32k vocabulary because one branch bounds it with maxLength.
    budget = 0.3
    settings = GenerateSettings(
        prompt="Refund order 42.",
        variants=("original",),
        token_budget=budget,
        config=EnforcerConfig(max_consecutive_whitespaces=0, force_json_field_order=True),
    )
    variants = build_variants(_document(PATHOLOGICAL), settings.variants, Settings(), False)
    report = run_variants(free_text_backend, variants, settings)
    (phase,) = report.phases
    generation = phase.generation
    assert generation.stop == "token-budget", (generation.stop, generation.text)
    assert budget * 1000 <= generation.stuck_ms <= budget * 1000 * 1.1
    assert phase.pointer == "/tool_call/reason"
    assert "/properties/tool_call/anyOf/1/properties/reason" in phase.schema_pointers
    assert report.exit_code == 1


def test_a_time_budget_stops_the_whole_generation(free_text_backend: TransformersBackend) -> None:
    settings = GenerateSettings(
        prompt="Hi.", variants=("unconstrained",), time_budget=0.2, max_new_tokens=10_000
    )
    variants = build_variants(_document(SEED), settings.variants, Settings(), False)
    (phase,) = run_variants(free_text_backend, variants, settings).phases
    assert phase.generation.stop == "time-budget"
    assert phase.generation.seconds < 0.2 * 1.1 + 0.1


def test_two_phase_writes_a_thought_then_a_call_without_it(
    closing_backend: TransformersBackend,
) -> None:
    settings = GenerateSettings(
        prompt="Plan my trip.",
        variants=("rewritten",),
        two_phase=True,
        thought_tokens=8,
        max_new_tokens=160,
        config=TIGHT,
    )
    variants = build_variants(_document(SEED), settings.variants, Settings(), True)
    thought, call = run_variants(closing_backend, variants, settings).phases
    assert (thought.phase, thought.variant) == ("thought", "(shared)")
    assert thought.generation.stop in ("eos", "newline", "max-tokens")
    assert len(thought.generation.token_ids) <= 8 and thought.parses is None
    assert call.phase == "call" and call.validates, call.problem
    assert "one_liner_internal_thought" not in call.generation.text


def test_teacher_forcing_replays_a_path_through_the_filter(
    free_text_backend: TransformersBackend,
) -> None:
    settings = GenerateSettings(prompt="Hi.", config=TIGHT)
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    tokens = enforced_tokens(free_text_backend, schema, '{"a":12}', settings)
    constrained = teacher_forced(free_text_backend, schema, tokens, settings)
    free = teacher_forced(free_text_backend, None, tokens, settings)
    for generation in (constrained, free):
        assert generation.stop == "forced" and generation.token_ids == tokens
    assert len(constrained.filter_ms) == len(tokens) and not free.filter_ms
    wrong = enforced_tokens(free_text_backend, {}, '{"b":1}', settings)
    refused = teacher_forced(free_text_backend, schema, wrong, settings)
    assert refused.stop == "error" and "not allowed" in refused.detail
