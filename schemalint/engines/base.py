"""What an engine adapter provides: small enough that another engine is one module.

An adapter turns our loaded :class:`~schemalint.measure.tokenizers.Tokenizer` into its
engine's tokenizer object once (``prepare``, in the parent process), then compiles a schema
into a :class:`Matcher` inside the walk's worker process, where a hang can be killed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from schemalint.measure.tokenizers import Tokenizer


class EngineUnavailable(Exception):
    """The engine's package is not installed (or does not import): the engine is skipped."""


class Mask:
    """The tokens allowed at one step. Built cheaply inside the timed call; counting and
    membership are computed afterwards, outside the timing."""

    def __init__(self, ids: list[int] | None = None, bits: Any = None, vocab_size: int = 0):
        self._ids = ids
        self._bits = bits
        self._vocab_size = vocab_size
        self._set: set[int] | frozenset[int] | None = None

    def _allowed(self) -> set[int] | frozenset[int]:
        if self._set is None:
            self._set = set(self._ids) if self._ids is not None else frozenset(self.ids())
        return self._set

    def ids(self) -> list[int]:
        if self._ids is None:
            import numpy

            words = numpy.ascontiguousarray(self._bits, dtype=numpy.int32)
            flags = numpy.unpackbits(words.view(numpy.uint8), bitorder="little")
            self._ids = [int(t) for t in numpy.flatnonzero(flags[: self._vocab_size])]
        return self._ids

    @property
    def count(self) -> int:
        return len(self.ids())

    def __contains__(self, token: object) -> bool:
        return token in self._allowed()

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids())


class Matcher(Protocol):
    """One generation's state: the tokens allowed next, and the token chosen."""

    def allowed(self) -> Mask:
        """The allowed tokens now (the call timed as a step)."""
        ...

    def advance(self, token: int) -> bool:
        """Commit ``token``; False when the engine refuses it."""
        ...

    def problem(self) -> str:
        """What the engine reported going wrong internally, if anything ("" if nothing)."""
        ...


class Engine(Protocol):
    @property
    def name(self) -> str:
        """The name ``--engine`` takes."""
        ...

    @property
    def install_hint(self) -> str:
        """How to install the engine, shown when it is skipped."""
        ...

    def version(self) -> str:
        """The installed version; raises :class:`EngineUnavailable` when it is not installed."""
        ...

    def prepare(self, tokenizer: Tokenizer) -> Any:
        """The engine's tokenizer object, built once from our tokenizer."""
        ...

    def compile(self, schema: Any, prepared: Any) -> Matcher:
        """A fresh matcher for ``schema``; raises what the engine raises when it refuses it."""
        ...


@dataclass(frozen=True)
class Vocabulary:
    """What every byte-level engine needs from our tokenizer, computed once."""

    tokens: list[bytes]
    """Each token's bytes; ``b""`` for control and special tokens."""
    eos_ids: list[int]
    encode: Any
    """Text to tokens, as a continuation (no SentencePiece dummy-prefix space)."""

    @property
    def special_ids(self) -> list[int]:
        return [token for token, piece in enumerate(self.tokens) if not piece]


def continuation_encoder(tokenizer: Tokenizer) -> Any:
    """Tokenize text as a model writes it mid-sequence: SentencePiece prepends a space to the
    first word of a text, which an engine reads as JSON whitespace before ``{``. Encoding
    ``"0" + text`` and dropping the ``"0"``'s tokens avoids that (digits never merge with the
    JSON punctuation an instance starts with); otherwise the plain encoding is used."""
    zero = tokenizer.encode("0")

    def encode(text: str) -> list[int]:
        tokens = tokenizer.encode("0" + text)
        if tokens[: len(zero)] == zero:
            return tokens[len(zero) :]
        return tokenizer.encode(text)

    return encode


def vocabulary(tokenizer: Tokenizer) -> Vocabulary:
    return Vocabulary(tokenizer.token_bytes(), tokenizer.eos_ids, continuation_encoder(tokenizer))


def package_version(distribution: str, install_hint: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        raise EngineUnavailable(f"{distribution} is not installed: {install_hint}") from None
