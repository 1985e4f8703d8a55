"""The transformers backend (CPU or GPU): our own decoding loop, not ``model.generate``, so the
model step and the filter step are timed apart and a run can be cancelled between tokens.

LMFE's transformers integration does not import on transformers 5, so the mask comes from our
own filter worker; while the worker computes the next allowed set, the model runs its step.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any, cast

from schemalint.generate import GenerateError
from schemalint.generate.gate import Gate, Generation, Stop
from schemalint.tokenizers import Tokenizer, load_tokenizer


class TransformersBackend:
    name = "transformers"

    def __init__(self, model: Any, tokenizer: Tokenizer, seed: int | None = None) -> None:
        import torch

        self.model = model.eval()
        self.tokenizer = tokenizer
        self.device = str(next(model.parameters()).device)
        self.bos = model.config.bos_token_id if isinstance(model.config.bos_token_id, int) else None
        self.sampler = None if seed is None else torch.Generator().manual_seed(seed)
        # transformers 5.24 renamed past_key_values (argument and output) to cache.
        parameters = inspect.signature(model.forward).parameters
        self._cache_argument = "cache" if "cache" in parameters else "past_key_values"

    @classmethod
    def load(cls, folder: Path, seed: int | None = None) -> TransformersBackend:
        try:
            import torch
            from transformers import AutoModelForCausalLM
            from transformers.utils import logging as transformers_logging
        except ImportError:
            message = "the transformers backend needs: pip install 'schemalint[generate]'"
            raise GenerateError(message) from None
        cast(Any, transformers_logging).disable_progress_bar()
        tokenizer = load_tokenizer(str(folder))
        cuda = torch.cuda.is_available()
        try:
            model: Any = AutoModelForCausalLM.from_pretrained(
                str(folder), dtype=torch.float16 if cuda else torch.float32
            )
        except (OSError, ValueError, KeyError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise GenerateError(f"{folder}: cannot load the model: {first}") from None
        return cls(model.to("cuda" if cuda else "cpu"), tokenizer, seed)

    def prompt_ids(self, text: str) -> list[int]:
        return ([self.bos] if self.bos is not None else []) + self.tokenizer.encode(text)

    def generate(self, prompt_ids: list[int], gate: Gate) -> Generation:
        import torch

        with torch.inference_mode():
            logits, cache = self._step(prompt_ids, None)
            model_seconds = 0.0  # the prompt's prefill is not charged to the first token
            try:
                gate.begin()
                while True:
                    allowed = gate.allowed()
                    token = self._choose(logits, allowed)
                    gate.emit(token, model_seconds)
                    started = time.perf_counter()
                    logits, cache = self._step([token], cache)
                    model_seconds = time.perf_counter() - started
                    gate.check()
            except Stop as stop:
                return gate.finish(stop)
            except KeyboardInterrupt:
                return gate.finish(Stop("cancel", "interrupted"))

    def _step(self, ids: list[int], cache: Any) -> tuple[Any, Any]:
        import torch

        inputs = torch.tensor([ids], device=self.device)
        output = self.model(input_ids=inputs, use_cache=True, **{self._cache_argument: cache})
        logits = output.logits[0, -1].float()
        if logits.is_cuda:
            # A forced token skips sampling, the sync that would end the step: wait here, so the
            # model's time is its real step and not the kernel launches alone.
            torch.cuda.synchronize(logits.device)
        return logits, getattr(output, self._cache_argument)

    def _choose(self, logits: Any, allowed: list[int] | None) -> int:
        import torch

        if allowed is not None:
            if len(allowed) == 1:
                return allowed[0]
            index = torch.tensor(allowed, device=logits.device)
            masked = torch.full_like(logits, float("-inf"))
            masked[index] = logits[index]
            logits = masked
        if self.sampler is None:
            return int(torch.argmax(logits))
        probabilities = torch.softmax(logits, dim=-1).cpu()
        return int(torch.multinomial(probabilities, 1, generator=self.sampler))
