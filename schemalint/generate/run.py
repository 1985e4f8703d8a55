"""Run every requested variant on one backend and collect what each phase did."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from schemalint import pointer as jp
from schemalint.analysis import analyse
from schemalint.engines.lmfe_data import enforcer_data
from schemalint.generate import GenerateError
from schemalint.generate.filter import FilterWorker
from schemalint.generate.gate import BUDGET_STOPS, Gate, Generation, Limits
from schemalint.generate.variants import VARIANTS, Variant
from schemalint.lmfe import EnforcerConfig, detect_settings
from schemalint.measure.position import prefix_path, schema_pointers
from schemalint.measure.probe import output_problem
from schemalint.measure.walk import Budget, Walker, lmfe_subject, token_offsets
from schemalint.tokenizers import Tokenizer

BackendName = Literal["auto", "exllamav2", "transformers"]


class Backend(Protocol):
    name: str
    device: str
    tokenizer: Tokenizer

    def prompt_ids(self, text: str) -> list[int]: ...

    def generate(self, prompt_ids: list[int], gate: Gate) -> Generation: ...


@dataclass(frozen=True)
class GenerateSettings:
    prompt: str
    variants: tuple[str, ...] = VARIANTS
    two_phase: bool = False
    max_new_tokens: int = 256
    thought_tokens: int = 48
    """Cap of phase 1's free thought (it also stops at a newline)."""
    token_budget: float = 2.0
    """Seconds one token may take."""
    time_budget: float = 120.0
    """Seconds one variant's generation (both phases) may take."""
    config: EnforcerConfig = field(default_factory=EnforcerConfig)
    use_cache: bool = True


@dataclass
class PhaseReport:
    variant: str
    phase: Literal["thought", "call"]
    generation: Generation
    parses: bool | None = None
    problem: str | None = None
    """Why the output is not a valid instance; None when it is (or for a thought)."""
    pointer: str | None = None
    """Instance pointer of the value being written when a budget cut the run."""
    schema_pointers: list[str] = field(default_factory=list)

    @property
    def validates(self) -> bool | None:
        return None if self.parses is None else self.problem is None


@dataclass
class GenerateReport:
    backend: str
    device: str
    model: str
    phases: list[PhaseReport] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(p.generation.stop in BUDGET_STOPS for p in self.phases) else 0


def load_backend(name: BackendName, folder: Path, seed: int | None) -> Backend:
    """The backend asked for; ``auto`` is exllamav2 where CUDA and exllamav2 are there."""
    if not folder.is_dir():
        raise GenerateError(f"{folder}: no such model folder")
    if name == "auto":
        name = "exllamav2" if _cuda_and_exllamav2() else "transformers"
    if name == "exllamav2":
        from schemalint.generate.exl2 import ExLlamaV2Backend

        return ExLlamaV2Backend(folder, seed)
    from schemalint.generate.hf import TransformersBackend

    return TransformersBackend.load(folder, seed)


def _cuda_and_exllamav2() -> bool:
    if importlib.util.find_spec("exllamav2") is None or importlib.util.find_spec("torch") is None:
        return False
    import torch

    if not torch.cuda.is_available():
        return False
    from schemalint.generate.exl2 import import_exllamav2

    try:
        import_exllamav2()
    except GenerateError:
        return False
    return True


def run_variants(
    backend: Backend,
    variants: list[Variant],
    settings: GenerateSettings,
    on_text: Callable[[str, str], None] | None = None,
) -> GenerateReport:
    """Generate each variant (after a shared phase-1 thought with ``two_phase``)."""
    report = GenerateReport(backend.name, backend.device, backend.tokenizer.name)
    data = enforcer_data(backend.tokenizer, settings.use_cache)
    prompt = backend.prompt_ids(settings.prompt)
    if settings.two_phase:
        limits = _limits(settings, settings.thought_tokens, stop_at_newline=True)
        thought = backend.generate(
            prompt, _gate(backend, None, None, settings.config, limits, on_text, "thought")
        )
        report.phases.append(PhaseReport("(shared)", "thought", thought))
        prompt = prompt + thought.token_ids
    for variant in variants:
        limits = _limits(settings, settings.max_new_tokens)
        gate = _gate(
            backend, data, variant.constraint, settings.config, limits, on_text, variant.name
        )
        generation = backend.generate(prompt, gate)
        report.phases.append(_judge(variant, generation, settings))
    return report


def teacher_forced(
    backend: Backend,
    constraint: Any | None,
    tokens: list[int],
    settings: GenerateSettings,
) -> Generation:
    """Feed ``tokens`` (a valid instance's) while the filter runs each step: every variant then
    generates the same tokens, so their speeds compare the filter's cost alone."""
    data = enforcer_data(backend.tokenizer, settings.use_cache) if constraint is not None else None
    limits = _limits(settings, len(tokens) + 1, forced=tuple(tokens))
    gate = _gate(backend, data, constraint, settings.config, limits, None, "forced")
    return backend.generate(backend.prompt_ids(settings.prompt), gate)


def enforced_tokens(
    backend: Backend, schema: Any, text: str, settings: GenerateSettings
) -> list[int]:
    """Tokens for ``text`` that LMFE accepts one by one (the tokenizer's own encoding may start
    with a word-start space LMFE refuses): the path a walk through the enforcer takes."""
    tokenizer = backend.tokenizer
    tokens = tokenizer.encode(text)
    offsets = token_offsets(tokens, tokenizer.decode, text)
    data = enforcer_data(tokenizer, settings.use_cache)
    budget = Budget(time.perf_counter() + settings.time_budget, settings.token_budget)
    subject = lmfe_subject(data, schema, settings.config)
    with Walker() as walker:
        walked = walker.walk_text(subject, text, tokens, offsets, budget)
    if walked.outcome != "complete":
        raise GenerateError(f"LMFE does not accept the text: {walked.outcome}: {walked.detail}")
    return [step.token for step in walked.steps if step.token is not None]


def _limits(
    settings: GenerateSettings,
    max_new_tokens: int,
    stop_at_newline: bool = False,
    forced: tuple[int, ...] | None = None,
) -> Limits:
    deadline = time.perf_counter() + settings.time_budget
    return Limits(max_new_tokens, settings.token_budget, deadline, stop_at_newline, forced)


def _gate(
    backend: Backend,
    data: Any,
    constraint: Any | None,
    config: EnforcerConfig,
    limits: Limits,
    on_text: Callable[[str, str], None] | None,
    label: str,
) -> Gate:
    worker = None if constraint is None else FilterWorker(data, constraint, config)
    tokenizer = backend.tokenizer
    decode = tokenizer.decode
    if on_text is not None:

        def decode_and_show(ids: list[int]) -> str:
            text = tokenizer.decode(ids)
            on_text(label, text)
            return text

        decode = decode_and_show
    return Gate(worker, limits, tokenizer.eos_ids, decode)


def _judge(variant: Variant, generation: Generation, settings: GenerateSettings) -> PhaseReport:
    phase = PhaseReport(variant.name, "call", generation)
    try:
        json.loads(generation.text)
        phase.parses = True
    except json.JSONDecodeError:
        phase.parses = False
    problem = output_problem(variant.schema, generation.text)
    phase.problem = problem.message if problem else None
    if generation.stop in BUDGET_STOPS:
        path = prefix_path(generation.text)
        phase.pointer = jp.join("", *path)
        enforcer = detect_settings(None, settings.config.force_json_field_order)
        analysis = analyse(variant.constraint or variant.schema, enforcer)
        phase.schema_pointers = schema_pointers(analysis, path)
    return phase
