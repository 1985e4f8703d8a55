"""outlines-core (the Rust core of outlines: the schema as a regex, indexed over the
vocabulary), on the CPU."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from schemalint.engines.base import BitmaskMatcher, EngineUnavailable, package_version, vocabulary
from schemalint.tokenizers import Tokenizer


class _OutlinesMatcher(BitmaskMatcher):
    def __init__(self, guide: Any, vocab_size: int) -> None:
        super().__init__(vocab_size)
        self._guide = guide
        words = self.buffer.ctypes.data  # the pointer looked up once, not at every step
        self.fill = functools.partial(guide.write_mask_into, words, self.buffer.size, 4)

    def advance(self, token: int) -> bool:
        try:
            self._guide.advance(token, return_tokens=False)
        except ValueError:  # "No next state found for the current state"
            return False
        return True

    def problem(self) -> str:
        return ""  # outlines-core refuses a token by raising; it keeps no error state


@dataclass(frozen=True)
class OutlinesEngine:
    name: str = "outlines"
    install_hint: str = "pip install 'schemalint[engines]'"

    def version(self) -> str:
        return package_version("outlines-core", self.install_hint)

    def prepare(self, tokenizer: Tokenizer) -> Any:
        try:
            import outlines_core
        except ImportError as error:
            raise EngineUnavailable(f"outlines-core does not import: {error}") from None
        words = vocabulary(tokenizer)
        by_bytes: dict[bytes, list[int]] = {}
        for token, piece in enumerate(words.tokens):
            if piece and token not in words.eos_ids:
                by_bytes.setdefault(piece, []).append(token)
        return outlines_core.Vocabulary(words.eos_ids[0], by_bytes), tokenizer.vocab_size

    def forget(self, prepared: Any) -> None:
        """Nothing to drop: its tokenizer object caches nothing across matchers."""

    def compile(self, schema: Any, prepared: Any) -> _OutlinesMatcher:
        import outlines_core
        from outlines_core.json_schema import build_regex_from_schema

        words, vocab_size = prepared
        regex = build_regex_from_schema(json.dumps(schema))
        guide = outlines_core.Guide(outlines_core.Index(regex, words))
        return _OutlinesMatcher(guide, vocab_size)


def refusal(schema: Any) -> str:
    """Why outlines-core refuses ``schema`` ("" when it builds its regex): the schema-to-regex
    step is where it refuses schemas (the index over a vocabulary, seconds for large ones, is
    not built here)."""
    from outlines_core.json_schema import build_regex_from_schema

    try:
        build_regex_from_schema(json.dumps(schema))
    except Exception as error:  # outlines-core raises ValueError (and TypeError on odd input)
        return str(error).splitlines()[0]
    return ""
