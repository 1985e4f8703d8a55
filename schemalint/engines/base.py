"""What an engine adapter provides: small enough that another engine is one module.

An adapter turns our loaded :class:`~schemalint.tokenizers.Tokenizer` into its
engine's tokenizer object once (``prepare``, in the parent process), then compiles a schema
into a :class:`Matcher` inside the walk's worker process, where a hang can be killed.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from schemalint.tokenizers import Tokenizer

#: What a native engine's log line starts with (``[12:00:01] /path/file.cc:42: ``): the time
#: and the source position, which say nothing to the reader of a finding.
LOG_PREFIX = re.compile(r"^(\[[\d:.]+\]\s*)?(\S+:\d+:\s*)?")


class EngineUnavailable(Exception):
    """The engine's package is not installed (or does not import): the engine is skipped."""


class Mask:
    """The tokens allowed at one step, read after the timed call and before the next one: a
    list of ids (LMFE's natural output) or a bitmask (one bit per token, in 32-bit words).

    A bitmask is read where it lies, with plain integer operations: membership by a bit test,
    the count by popcount. The id list is built only when asked for (a split search, a random
    pick). Reading it otherwise (into a list and a set: milliseconds at 32,000 tokens, or even
    through numpy's machinery) pushes the engine's code and data out of the caches, and its
    next timed call pays for it.
    """

    def __init__(
        self, ids: list[int] | None = None, words: memoryview | None = None, vocab_size: int = 0
    ) -> None:
        self._ids = ids
        self._words = words
        """The bitmask, as unsigned 32-bit words (``memoryview`` format ``I``)."""
        self._vocab_size = vocab_size
        self._count: int | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            import numpy

            assert self._words is not None
            raw = numpy.frombuffer(self._words.cast("B"), dtype=numpy.uint8)
            flags = numpy.unpackbits(raw, bitorder="little")
            self._ids = numpy.flatnonzero(flags[: self._vocab_size]).tolist()
        return self._ids

    @property
    def count(self) -> int:
        if self._count is None:
            if self._words is None:
                self._count = len(self.ids())
            else:  # bit i of the little-endian number is token i
                bits = int.from_bytes(self._words, "little")
                if self._vocab_size % 32:  # the last word's bits past the vocabulary
                    bits &= (1 << self._vocab_size) - 1
                self._count = bits.bit_count()
        return self._count

    def first(self, tokens: list[int]) -> int:
        """The one of ``tokens`` (all allowed) that comes first in :meth:`ids`' order."""
        if self._words is not None:
            return min(tokens)
        wanted = set(tokens)
        return next(token for token in self.ids() if token in wanted)

    def __contains__(self, token: object) -> bool:
        if self._words is None:
            return token in self.ids()
        if not isinstance(token, int) or not 0 <= token < self._vocab_size:
            return False
        return bool(self._words[token >> 5] >> (token & 31) & 1)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids())


class Matcher(Protocol):
    """One generation's state: the tokens allowed next, and the token chosen."""

    def fill(self) -> object:
        """Compute the allowed tokens into the matcher's own buffer, allocated once when it was
        compiled: the call timed as a step, so it is the engine's own mask call and nothing
        else (a bound method of the engine's where possible)."""
        ...

    def mask(self) -> Mask:
        """The tokens the last :meth:`fill` allowed, read outside the timing (valid until the
        next :meth:`fill` or :meth:`advance`)."""
        ...

    def advance(self, token: int) -> bool:
        """Commit ``token``; False when the engine refuses it."""
        ...

    def problem(self) -> str:
        """What the engine reported going wrong internally, if anything ("" if nothing)."""
        ...


class BitmaskMatcher:
    """What the engines that write a bitmask share: the buffer they write, allocated once per
    matcher (and written here, so its pages are mapped before the first timed call), and the
    mask read off it. A subclass sets :attr:`fill` to the engine's own mask call into
    :attr:`buffer`, bound once (``functools.partial``), so a timed step runs none of our code."""

    fill: Callable[[], object]

    def __init__(self, vocab_size: int, buffer: Any = None) -> None:
        import numpy

        self.buffer = (
            numpy.full((1, (vocab_size + 31) // 32), -1, dtype=numpy.int32)
            if buffer is None
            else buffer
        )
        """One row of int32 words, the shape xgrammar and llguidance allocate for a batch of 1
        (``buffer`` when the engine allocates its own: any array numpy can view)."""
        self._words = numpy.asarray(self.buffer).data.cast("B").cast("I")
        self._vocab_size = vocab_size

    def mask(self) -> Mask:
        return Mask(words=self._words, vocab_size=self._vocab_size)


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

    def forget(self, prepared: Any) -> None:
        """Drop what earlier walks left cached in ``prepared``: a walk's worker serves many
        walks, and each must cost what it costs a fresh process."""
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


@contextlib.contextmanager
def stderr_lines() -> Iterator[list[str]]:
    """Collect what is written to file descriptor 2 (native code included) inside the block:
    its distinct lines, log prefixes removed. Used in a walk's worker process, and where a
    script keeps native warnings off its output."""
    lines: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            for line in sink.read().decode("utf-8", "replace").splitlines():
                cleaned = LOG_PREFIX.sub("", line.strip())
                if cleaned and cleaned not in lines:
                    lines.append(cleaned)
