"""Scalar values for the subschemas that apply to one value: strings and numbers.

The generator decides the shape of an instance; this module fills in its leaves. A string
honours its pattern, format, examples and length bounds and reads like text a model writes
(now and then carrying an escape, since escapes are where the enforcer is slowest); a number
is one a person would expect for its name, moved inside its bounds and onto its step.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

from schemalint.measure import vocabulary
from schemalint.measure.patterns import PatternWriter, full_match
from schemalint.measure.shapes import Bounds, int_or_none
from schemalint.walk import Node

_MAX_TEXT = 20_000
_ESCAPE_RATE = 0.4
"""Chance per free-text field of an escape (``\\"`` or ``\\n``). Ids and codes never take one
but pass it on to the next prose field; some are lost, so about one field in three has one."""

Fits = Callable[[Any, list[Node]], bool]
"""Whether a value is valid against every subschema given (True once validation is spent)."""


class StringWriter:
    """Strings for one generator: it shares the generator's seeded ``rng`` and validity check,
    and carries an escape drawn for a field that cannot take one on to the next prose field."""

    def __init__(self, rng: random.Random, fits: Fits) -> None:
        self.rng = rng
        self.fits = fits
        self.escapes_due = 0

    def write(self, parts: list[Node], name: str, topic: str) -> str:
        """A string for a property called ``name`` (in a call to tool ``topic``, when known)
        that the subschemas ``parts`` accept, or the first candidate when none is found."""
        formats = [p.schema["format"] for p in parts if isinstance(p.schema.get("format"), str)]
        patterns = [p.schema["pattern"] for p in parts if isinstance(p.schema.get("pattern"), str)]
        min_len = max((int_or_none(p.schema.get("minLength")) or 0 for p in parts), default=0)
        maxima = [int_or_none(p.schema.get("maxLength")) for p in parts]
        max_len = min((m for m in maxima if m is not None), default=None)
        min_len = min(min_len, _MAX_TEXT)

        examples = _examples(parts)
        if patterns:
            candidates = [*examples, *self._patterned(patterns, name, min_len, max_len)]
            strict = [c for c in candidates if all(full_match(p, c) for p in patterns)]
            for text in [*strict, *candidates]:
                if self.fits(text, parts):
                    return text
            return candidates[0] if candidates else ""
        first: str | None = None
        texts: Iterator[str] = (
            self._formatted(formats[0], name)
            if formats and formats[0] in vocabulary.FORMATS
            else self._free_text(name, min_len, max_len, topic=topic, examples=examples)
        )
        for text in texts:
            if first is None:
                first = text
            if self.fits(text, parts):
                return text
        for text in self._free_text(name, min_len, max_len, escape=False, topic=topic):
            if self.fits(text, parts):
                return text
        return first if first is not None else ""

    def _patterned(
        self, patterns: list[str], name: str, min_len: int, max_len: int | None
    ) -> list[str]:
        """Candidates for a patterned string: realistic text and its slugs first (patterns
        like ``^.+$`` or ``^[a-z0-9-]+$`` accept them), then text written from the pattern."""
        base = vocabulary.text(self.rng, vocabulary.category(name), name, escape=False)
        words = re.findall(r"[A-Za-z0-9]+", base)
        candidates = [base, "-".join(words).lower(), "_".join(words).lower(), "".join(words)]
        candidates = [_fit_length(c, min_len, max_len, self.rng) for c in candidates if c]
        need = max(min_len, 1)
        for extra in (0, 1, 2, need, 2 * need):
            for vary in (False, True):
                text = PatternWriter(self.rng, extra, vary).write(patterns[0])
                if text is not None and text not in candidates:
                    candidates.append(text)
        return candidates

    def _formatted(self, fmt: str, name: str) -> Iterator[str]:
        for _ in range(3):
            yield vocabulary.FORMATS[fmt](self.rng, name)

    def _free_text(
        self,
        name: str,
        min_len: int,
        max_len: int | None,
        escape: bool | None = None,
        topic: str = "",
        examples: tuple[str, ...] = (),
    ) -> Iterator[str]:
        category = "example" if examples else vocabulary.category(name)
        if escape is None:
            # An escape drawn for an id or a code, where a quote would be implausible,
            # passes to the next field that reads as prose.
            self.escapes_due += self.rng.random() < _ESCAPE_RATE
            escape = category in vocabulary.ESCAPABLE and self.escapes_due > 0
            self.escapes_due -= escape
        for attempt in range(3):
            if examples:
                text = examples[self.rng.randrange(len(examples))]
            else:
                text = vocabulary.text(
                    self.rng, category, name, escape=escape and attempt == 0, topic=topic
                )
            yield _fit_length(text, min_len, max_len, self.rng)
        if examples:  # none fitted: fall back to text chosen by name
            yield from self._free_text(name, min_len, max_len, escape, topic)


_EXAMPLE_CUE = re.compile(r"\b(?:e\.g\.|eg\.|for example|such as)\s*[,:]?\s*(.+)", re.IGNORECASE)


def _examples(parts: list[Node]) -> tuple[str, ...]:
    """Example values a schema gives: ``examples``/``example``, or in its description
    (``"City name, e.g. \\"Lisbon\\""``, ``"(e.g., square, circle, triangle)"``)."""
    found: list[str] = []
    for part in parts:
        s = part.schema
        examples = s.get("examples")
        if isinstance(examples, list):
            found += [e for e in examples if isinstance(e, str)]
        if isinstance(s.get("example"), str):
            found.append(s["example"])
        if isinstance(s.get("description"), str):
            found += _described_examples(s["description"])
    return tuple(dict.fromkeys(e for e in found if e.strip() and len(e) <= 200))


def _described_examples(description: str) -> list[str]:
    match = _EXAMPLE_CUE.search(description)
    if match is None:
        return []
    tail = match.group(1)
    quoted = re.findall(r'"([^"\n]{1,60})"', tail)
    if quoted:
        return quoted
    tail = re.split(r"\)|;|\.(?:\s|$)", tail)[0]
    items = [i.strip(" .'`") for i in re.split(r",|\bor\b|\band\b", tail)]
    return [i for i in items if i and 1 <= len(i.split()) <= 4 and len(i) <= 40 and i != "etc"]


_FILLER = "with a few more words added so the text is long enough to pass"


def _fit_length(text: str, min_len: int, max_len: int | None, rng: random.Random) -> str:
    """``text`` padded with words to ``min_len`` and cut at a word to ``max_len``."""
    if len(text) < min_len:
        words = _FILLER.split()
        parts = [text.rstrip(".")]
        while len(" ".join(parts)) < min_len:
            parts.append(words[(len(parts) - 1) % len(words)])
        text = " ".join(parts)[: max(min_len, _MAX_TEXT)]
    if max_len is not None and len(text) > max_len:
        cut = text[:max_len]
        space = cut.rfind(" ")
        if space >= max(min_len, 1) and max_len - space < 15:
            cut = cut[:space]
        text = cut.rstrip() if len(cut.rstrip()) >= min_len else cut
    return text


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def _decimals(step: float) -> int:
    text = repr(step)
    if "e" in text or "E" in text:
        return 10
    return len(text.split(".")[1]) if "." in text else 0


def _snap(value: float, bounds: Bounds, integer: bool, up: bool) -> float:
    """``value`` moved onto ``multipleOf`` (rounding ``up`` or down) and made integral."""
    step = bounds.step
    if step is not None:
        k = math.ceil(value / step) if up else math.floor(value / step)
        value = k * step
        value = float(round(value)) if step == int(step) else round(value, _decimals(step))
    if integer:
        value = float(math.ceil(value) if up else math.floor(value))
    return value


def _number_candidates(guess: float, b: Bounds, integer: bool) -> Iterator[float]:
    low, high = b.low, b.high
    if b.contains(guess):
        yield _snap(guess, b, integer, True)
        yield _snap(guess, b, integer, False)
    if low is not None and high is not None:
        middle = low + (high - low) / 2
        yield _snap(middle, b, integer, True)
        yield _snap(middle, b, integer, False)
    if low is not None:
        nudge = low + (1 if integer or high is None else min(1.0, (high - low) / 4))
        yield _snap(low if not b.low_open else nudge, b, integer, True)
        yield _snap(low + abs(guess), b, integer, True)
    if high is not None:
        nudge = high - (1 if integer or low is None else min(1.0, (high - low) / 4))
        yield _snap(high if not b.high_open else nudge, b, integer, False)
        yield _snap(high - abs(guess), b, integer, False)
    yield _snap(0.0, b, integer, True)
    yield _snap(1.0, b, integer, True)


def _as_json_number(value: float, integer: bool, like: float) -> int | float:
    if integer or (value == int(value) and isinstance(like, int) and abs(value) < 2**53):
        return int(value)
    return value


def number_value(
    rng: random.Random, parts: list[Node], name: str, integer: bool, fits: Fits
) -> int | float:
    """A plausible number for ``name`` within the bounds ``parts`` set, valid where ``fits``
    can tell; the first candidate when none is."""
    bounds = Bounds.of(parts)
    guess = vocabulary.number_guess(rng, name, integer)
    first: int | float | None = None
    for candidate in _number_candidates(float(guess), bounds, integer):
        if not math.isfinite(candidate):
            continue
        value = _as_json_number(candidate, integer, guess)
        if first is None:
            first = value
        if bounds.contains(candidate) and fits(value, parts):
            return value
    return first if first is not None else 0
