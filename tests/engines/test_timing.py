"""What a step's time holds: the engine's own mask call into a buffer allocated once, after an
untimed warm-up, with the CPU time beside the wall time so that a pre-empted step is told
apart. Real engines and the real Mistral v1 tokenizer for the masks; made-up numbers for the
pre-emption rule (no timed assertions: speed goals live in benchmarks/engines.py)."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy
import pytest

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.engines import load_engine
from schemalint.engines.base import Engine, Mask, vocabulary
from schemalint.lmfe import EnforcerConfig, detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure.compare import EngineProber, EngineRun
from schemalint.measure.probe import MeasuredStep, MeasuredWalk, Measurement, MeasureSettings
from schemalint.measure.walk import (
    Step,
    _longest_continuation,
    preempted,
    token_pieces,
)
from schemalint.report.engines import outcome
from schemalint.tokenizers import load_tokenizer
from schemalint.verdicts import MEASURED_CHECKS

BITMASK_ENGINES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            importlib.util.find_spec(module) is None, reason=f"{module} is not installed here"
        ),
    )
    for name, module in (
        ("xgrammar", "xgrammar"),
        ("llguidance", "llguidance"),
        ("outlines", "outlines_core"),
    )
]
SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
    "required": ["name", "size"],
}
TEXT = '{"name": "Ada Lovelace", "size": 12}'


@cache
def prepared(name: str) -> Any:
    return load_engine(name).prepare(load_tokenizer())


def agrees_with_its_ids(mask: Mask, vocab_size: int) -> bool:
    allowed = set(mask.ids())
    members = [token for token in range(-1, vocab_size + 1) if token in mask]
    return mask.count == len(allowed) == len(mask.ids()) and members == sorted(allowed)


@pytest.mark.parametrize("name", BITMASK_ENGINES)
def test_bit_test_membership_and_popcount_agree_with_the_id_list_at_every_step(
    name: str,
) -> None:
    tokenizer = load_tokenizer()
    matcher = load_engine(name).compile(SCHEMA, prepared(name))
    counts = []
    for token in vocabulary(tokenizer).encode(TEXT):
        matcher.fill()
        mask = matcher.mask()
        assert agrees_with_its_ids(mask, tokenizer.vocab_size)
        assert token in mask
        counts.append(mask.count)
        assert matcher.advance(token)
    assert max(counts) > 20_000 and min(counts) < 100  # inside the free string, and outside


def test_every_bitmask_engine_reads_to_the_same_first_tokens() -> None:
    """Three engines writing their own bits, read by one Mask: the same tokens may start a
    boolean."""
    found = {}
    for param in BITMASK_ENGINES:
        (name,) = param.values
        if importlib.util.find_spec("outlines_core" if name == "outlines" else name) is None:
            continue
        matcher = load_engine(name).compile({"type": "boolean"}, prepared(name))
        matcher.fill()
        found[name] = matcher.mask().ids()
    assert len(set(map(tuple, found.values()))) == 1, found
    assert found and all(load_tokenizer().decode([t]).strip()[0] in "tf" for t in found["xgrammar"])


def every_allowed_token(allowed: list[int], strings: dict[int, str], text: str, offset: int) -> Any:
    """The split search as a pass over every allowed token: the oracle."""
    best = None
    for token in allowed:
        piece = strings.get(token, "")
        if offset == 0 and piece[:1] == " " and not text.startswith(" "):
            piece = piece[1:]
        if piece and text.startswith(piece, offset) and (best is None or len(piece) > best[1]):
            best = (token, len(piece))
    return best


@pytest.mark.parametrize("name", ["lmfe", *BITMASK_ENGINES[1:2]])
def test_the_split_search_finds_what_a_pass_over_every_allowed_token_finds(name: str) -> None:
    """At every state of a walk, from offsets all along the text (a pure function of the mask,
    the text and the offset), and at the start of a text with and without a leading space."""
    tokenizer = load_tokenizer()
    strings = {t: p.decode("utf-8", "replace") for t, p in enumerate(tokenizer.token_bytes()) if p}
    matcher = load_engine(name).compile(SCHEMA, prepared(name))
    cases = [(TEXT, offset) for offset in range(0, len(TEXT), 2)] + [(" " + TEXT, 0)]
    for token in vocabulary(tokenizer).encode(TEXT):
        matcher.fill()
        mask = matcher.mask()
        for text, offset in cases:
            found = _longest_continuation(mask, token_pieces(strings), text, offset)
            assert found == every_allowed_token(mask.ids(), strings, text, offset), (text, offset)
        matcher.advance(token)


def test_a_mask_ignores_bits_past_the_vocabulary() -> None:
    words = numpy.array([0b101, 0xFFFFFFFF], dtype=numpy.uint32)  # tokens 0, 2 and 32..63
    mask = Mask(words=memoryview(words), vocab_size=40)
    assert agrees_with_its_ids(mask, 40)
    assert mask.ids() == [0, 2, *range(32, 40)] and 40 not in mask and 39 in mask
    listed = Mask(ids=[7, 3])
    assert (listed.count, 3 in listed, 4 in listed) == (2, True, False)


class _Recording:
    """A real engine whose compiles and mask calls are written to a file, in order (the walk
    runs in a forked worker)."""

    def __init__(self, engine: Engine, log: Path) -> None:
        self.engine, self.log = engine, log
        self.name, self.install_hint = engine.name, engine.install_hint

    def version(self) -> str:
        return self.engine.version()

    def prepare(self, tokenizer: Any) -> Any:
        return self.engine.prepare(tokenizer)

    def forget(self, prepared: Any) -> None:
        self.engine.forget(prepared)

    def write(self, line: str) -> None:
        with self.log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")

    def compile(self, schema: Any, prepared: Any) -> Any:
        self.write("compile the schema" if schema == SCHEMA else "compile a throwaway grammar")
        matcher = self.engine.compile(schema, prepared)
        fill = matcher.fill

        def recorded() -> object:
            self.write("fill")
            return fill()

        matcher.fill = recorded
        return matcher


@pytest.mark.parametrize("name", BITMASK_ENGINES[1:2])
def test_the_worker_warms_the_engine_up_untimed_and_each_step_carries_its_cpu_time(
    name: str, tmp_path: Path
) -> None:
    log = tmp_path / "calls"
    engine = _Recording(load_engine(name), log)
    prober = EngineProber(MeasureSettings(budget=30.0, step_budget=5.0, random_walks=0), engine)
    prober.fixed_instances = [("given", json.loads(TEXT))]
    analysis = analyse(normalise(SCHEMA).schema, detect_settings("0.11.3", False))
    (walk,) = prober.measure(analysis).walks
    assert walk.outcome == "complete"
    calls = log.read_text(encoding="utf-8").splitlines()
    compiled = calls.index("compile the schema")
    assert calls[0] == "compile a throwaway grammar" and "fill" in calls[1:compiled]
    assert calls[compiled + 1 :] == ["fill"] * len(walk.steps), "warm-up fills are not steps"
    assert all(s.step.cpu_seconds is not None and s.step.cpu_seconds >= 0 for s in walk.steps)


def test_a_step_off_the_cpu_for_longer_than_an_interrupt_is_pre_empted() -> None:
    assert preempted(0.0045, 0.0004)  # 4.5 ms of wall time, 0.4 ms computing
    assert preempted(0.0059, 0.0019)  # a slow step, and a time slice on top
    assert not preempted(0.0004, 0.0004)  # on the CPU throughout
    assert not preempted(0.00015, 0.00003)  # off the CPU for 0.12 ms: interrupts, not a slice
    assert not Step(0, None, 0, 1, 9.0, False).preempted  # abandoned: no CPU time measured


def fake_walk(times: list[tuple[float, float]], pointer: str) -> MeasuredWalk:
    steps = [
        MeasuredStep(pointer, "/name", "value", Step(n, n, 1, 5, wall, True, cpu))
        for n, (wall, cpu) in enumerate(times)
    ]
    return MeasuredWalk("given", TEXT, True, steps, "complete", "", sum(w for w, _ in times))


def fake_measurement(times: list[tuple[float, float]], pointer: str = "") -> Measurement:
    return Measurement(
        "mistral-v1", 32_000, "0.11.3", EnforcerConfig(), 0.0, [fake_walk(times, pointer)]
    )


def test_a_pre_empted_step_is_counted_at_its_cpu_time_and_is_not_the_worst_step() -> None:
    steps = [(0.00005, 0.00005), (0.0045, 0.00004), (0.00003, 0.00003)]
    run = EngineRun("xgrammar", "0.2.8", measurement=fake_measurement(steps))
    assert run.step_ms() == pytest.approx([0.05, 0.04, 0.03])
    assert run.worst_ms == pytest.approx(0.05)
    assert run.preempted() == 1 and run.to_json()["preempted_steps"] == 1
    assert outcome(run).endswith("(1 pre-empted step timed by CPU time)")
    (row,) = run.measurement.pointer_table() if run.measurement else []
    assert (row.steps, row.preempted, row.max_ms) == (3, 1, pytest.approx(0.05))


def test_a_pre_empted_lmfe_step_is_no_slow_step_finding() -> None:
    analysis = analyse(normalise(SCHEMA).schema, detect_settings("0.11.3", False))
    options = Settings().rule_options("SM201")
    computing = [(0.001, 0.001)] * 9
    for last, findings in (((2.0, 2.0), 1), ((2.0, 0.01), 0)):  # on the CPU, then pre-empted
        measurement = fake_measurement([*computing, last], "/properties/name")
        assert len(list(MEASURED_CHECKS["SM201"](analysis, measurement, options))) == findings
