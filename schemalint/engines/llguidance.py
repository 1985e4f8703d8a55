"""llguidance (guidance's Rust engine; used by vLLM, SGLang and llama.cpp), on the CPU."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from schemalint.engines.base import (
    BitmaskMatcher,
    EngineUnavailable,
    Vocabulary,
    package_version,
    vocabulary,
)
from schemalint.tokenizers import Tokenizer


class _LlguidanceMatcher(BitmaskMatcher):
    def __init__(self, matcher: Any, vocab_size: int) -> None:
        super().__init__(vocab_size)
        self._matcher = matcher
        # What llguidance.numpy.fill_next_token_bitmask calls, its checks and pointer lookup
        # done once here instead of at every step.
        fill = matcher.unsafe_compute_mask_ptr
        self.fill = functools.partial(fill, self.buffer.ctypes.data, self.buffer.nbytes)

    def advance(self, token: int) -> bool:
        return bool(self._matcher.consume_token(token))

    def problem(self) -> str:
        if not self._matcher.is_error():
            return ""
        return str(self._matcher.get_error()).splitlines()[0]


class _Wrapped:
    """The duck-typed tokenizer ``llguidance.TokenizerWrapper`` reads."""

    def __init__(self, words: Vocabulary) -> None:
        # llguidance wants a name for each special token, not empty bytes.
        self.tokens = [piece or f"<special_{t}>".encode() for t, piece in enumerate(words.tokens)]
        self.special_token_ids = words.special_ids
        self.eos_token_id = words.eos_ids[0]
        self.bos_token_id = None
        self._encode = words.encode

    def __call__(self, text: str) -> list[int]:
        return list(self._encode(text))


@dataclass(frozen=True)
class LlguidanceEngine:
    name: str = "llguidance"
    install_hint: str = "pip install 'schemalint[engines]'"

    def version(self) -> str:
        return package_version("llguidance", self.install_hint)

    def prepare(self, tokenizer: Tokenizer) -> Any:
        try:
            import llguidance
        except ImportError as error:
            raise EngineUnavailable(f"llguidance does not import: {error}") from None
        words = vocabulary(tokenizer)
        return llguidance.LLTokenizer(
            llguidance.TokenizerWrapper(_Wrapped(words)),
            n_vocab=tokenizer.vocab_size,
            eos_token=words.eos_ids,
        )

    def forget(self, prepared: Any) -> None:
        """Nothing to drop: its tokenizer object caches nothing across matchers."""

    def compile(self, schema: Any, prepared: Any) -> _LlguidanceMatcher:
        import llguidance

        grammar = llguidance.LLMatcher.grammar_from_json_schema(schema)
        matcher = llguidance.LLMatcher(prepared, grammar, log_level=0)
        if matcher.is_error():  # llguidance reports a refused schema as an error state
            raise ValueError(str(matcher.get_error()).splitlines()[0])
        return _LlguidanceMatcher(matcher, prepared.vocab_size)


def refusal(schema: Any) -> str:
    """Why llguidance refuses ``schema`` ("" when it accepts it), without a tokenizer."""
    import llguidance

    try:
        grammar = llguidance.LLMatcher.grammar_from_json_schema(schema)
    except Exception as error:  # a schema it cannot even serialise
        return str(error).splitlines()[0]
    failed, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar)
    if not failed:
        return ""
    return "; ".join(str(message).splitlines()[0] for message in messages) or "refused"
