"""The exllamav2 backend (GPU): one ``ExLlamaV2DynamicGenerator`` job per generation.

LMFE 0.11.3's ``ExLlamaV2TokenEnforcerFilter`` predates exllamav2 0.3's filter interface
(``background_drop``, ``get_next``, ...) and crashes in the dynamic generator, so the filter
here subclasses ``ExLlamaV2Filter`` and asks our :class:`~schemalint.generate.gate.Gate` for
each pass list: sorted and de-duplicated, from the tokenizer data the probe builds once, within
the per-token budget. A step past the budget returns EOS only and the job is cancelled.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from schemalint.generate import GenerateError
from schemalint.generate.gate import Gate, Generation, Stop
from schemalint.tokenizers import Tokenizer, load_tokenizer


def import_exllamav2() -> Any:
    """The exllamav2 module, or GenerateError in one line: it raises OSError (not ImportError)
    without CUDA, and builds its extension at first import on a GPU machine."""
    if importlib.util.find_spec("exllamav2") is None:
        raise GenerateError("the exllamav2 backend needs: pip install 'schemalint[gpu]'")
    try:
        import exllamav2
    except (OSError, ImportError, RuntimeError) as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise GenerateError(
            f"exllamav2 cannot load ({first}); it needs CUDA: try --backend transformers"
        ) from None
    return exllamav2


def _filter_class(exllamav2: Any) -> type:
    base = exllamav2.generator.filters.ExLlamaV2Filter

    class GateFilter(base):  # type: ignore[misc, valid-type]
        """Pass lists from the gate; the generator schedules ``next`` during the GPU step."""

        def __init__(self, model: Any, tokenizer: Any, gate: Gate) -> None:
            super().__init__(model, tokenizer)
            self.gate = gate
            self.stopped: Stop | None = None
            self.eos = sorted(gate.eos_ids)

        def clone(self, c: Any = None) -> Any:
            return self  # one job, one sequence: never forked

        def begin(self, prefix_str: str = "") -> None:
            pass

        def feed(self, token: Any) -> None:
            if self.stopped is None:
                try:
                    self.gate.emit(int(token))
                except Stop as stop:
                    self.stopped = stop

        def next(self) -> tuple[list[int], list[int]]:
            if self.stopped is None:
                try:
                    allowed = self.gate.allowed()
                    if allowed is not None:
                        return allowed, []
                    return list(range(self.tokenizer.get_vocab_size())), []
                except Stop as stop:
                    self.stopped = stop
            return self.eos, self.eos

        def use_background_worker(self) -> bool:
            return True

    return GateFilter


class ExLlamaV2Backend:
    name = "exllamav2"

    def __init__(self, folder: Path, seed: int | None = None) -> None:
        if not (folder / "tokenizer.json").is_file():
            raise GenerateError(
                f"{folder}: exllamav2 0.3 reads only tokenizer.json, and this folder has none"
            )
        exllamav2 = import_exllamav2()
        from exllamav2.generator import ExLlamaV2DynamicGenerator, ExLlamaV2Sampler

        self.exllamav2 = exllamav2
        self.tokenizer: Tokenizer = load_tokenizer(str(folder))
        try:
            config = exllamav2.ExLlamaV2Config(str(folder))
            self.model = exllamav2.ExLlamaV2(config)
            cache = exllamav2.ExLlamaV2Cache(self.model, max_seq_len=4096, lazy=True)
            self.model.load_autosplit(cache, progress=False)
            self.native = exllamav2.ExLlamaV2Tokenizer(config)
        except (OSError, ValueError, AssertionError, RuntimeError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise GenerateError(f"{folder}: exllamav2 cannot load the model: {first}") from None
        paged = importlib.util.find_spec("flash_attn") is not None  # unpaged needs no flash-attn
        self.generator = ExLlamaV2DynamicGenerator(
            model=self.model, cache=cache, tokenizer=self.native, paged=paged
        )
        settings = ExLlamaV2Sampler.Settings
        self.sampling = settings.greedy() if seed is None else settings(temperature=1.0)
        self.seed = seed
        self.device = "cuda"
        self._filter = _filter_class(exllamav2)

    def prompt_ids(self, text: str) -> list[int]:
        ids = self.native.encode(text, add_bos=True)
        return [int(token) for token in ids[0].tolist()]

    def generate(self, prompt_ids: list[int], gate: Gate) -> Generation:
        import torch
        from exllamav2.generator import ExLlamaV2DynamicJob

        gate_filter = self._filter(self.model, self.native, gate)
        job = ExLlamaV2DynamicJob(
            input_ids=torch.tensor([prompt_ids]),
            max_new_tokens=gate.limits.max_new_tokens + 1,  # the gate stops at the real cap
            stop_conditions=sorted(gate.eos_ids),
            gen_settings=self.sampling,
            filters=[gate_filter],
            seed=self.seed,
            token_healing=False,
        )
        try:
            gate.begin()
        except Stop as not_ready:
            return gate.finish(not_ready)
        self.generator.enqueue(job)
        stop = Stop("eos")
        try:
            while self.generator.num_remaining_jobs():
                for result in self.generator.iterate():
                    if result.get("eos") and gate_filter.stopped is None:
                        stop = Stop("eos" if result.get("eos_reason") == "stop_token" else "error")
                if gate_filter.stopped is None:
                    try:
                        gate.check()
                    except Stop as overrun:
                        gate_filter.stopped = overrun
                if gate_filter.stopped is not None:
                    stop = gate_filter.stopped
                    break
        except KeyboardInterrupt:
            stop = Stop("cancel", "interrupted")
        if job in self.generator.active_jobs or job in self.generator.pending_jobs:
            self.generator.cancel(job)
        return gate.finish(stop)
