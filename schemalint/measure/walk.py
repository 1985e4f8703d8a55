"""Feed a text to an engine token by token, in a worker process we can kill.

A single LMFE step has been measured at 70-120 s, so no engine runs in the caller's process: a
forked worker compiles the schema through the engine's adapter (:mod:`schemalint.engines`),
reports every step over a pipe, and the caller stops waiting (and kills it) when the compile, a
step or the whole walk passes its budget. LMFE and the engines compared with it share this code.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from schemalint.engines.base import Engine, Mask, Matcher

Outcome = Literal[
    "complete", "rejected", "silent-stop", "step-budget", "walk-budget", "step-limit", "error"
]


Progress = Callable[[int], None]
"""Called with the number of steps walked so far, after each step."""


@dataclass(frozen=True)
class EnforcerConfig:
    """LMFE's CharacterLevelParserConfig options, as users set them for generation."""

    max_consecutive_whitespaces: int = 12
    force_json_field_order: bool = False
    max_json_array_length: int = 20


@dataclass(frozen=True)
class Step:
    offset: int
    """Character offset in the text where this step's token starts (len(text) at the end)."""
    token: int | None
    """The token the walk continued with (None for the final end-of-sequence step)."""
    length: int
    """Characters of the text that token covers."""
    allowed: int
    seconds: float
    accepted: bool
    """Whether the text's own next token was allowed (False: the walk had to split it)."""


@dataclass
class WalkResult:
    text: str
    steps: list[Step] = field(default_factory=list)
    outcome: Outcome = "complete"
    detail: str = ""
    stuck_seconds: float = 0.0
    """How long the step that hit a budget had run when it was abandoned."""
    compile_seconds: float | None = None
    """How long the worker took to compile the schema (None: the walk ended before it had)."""
    compile_warnings: tuple[str, ...] = ()
    """What the engine wrote to stderr while compiling (xgrammar's "... is ignored")."""

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps) + self.stuck_seconds


@dataclass(frozen=True)
class Budget:
    deadline: float
    """``time.perf_counter()`` value by which every walk must have stopped."""
    step_seconds: float
    compile_seconds: float = 0.0
    """Extra seconds the worker's first message may take: an engine compiling the schema."""

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()


def token_offsets(tokens: list[int], decode: Any, text: str) -> list[int]:
    """Where each token starts in ``text`` (decoding prefixes, as LMFE does)."""
    offsets = []
    for index in range(len(tokens)):
        offsets.append(min(len(decode(tokens[:index])), len(text)))
    return offsets


@dataclass(frozen=True)
class Subject:
    """What a walk drives: one engine, its per-tokenizer data and the schema, plus what the walk
    reads off the tokenizer (each token's text, the end-of-sequence tokens, a decoder)."""

    engine: Engine
    prepared: Any
    """The engine's tokenizer object (``Engine.prepare``), built once in the parent process."""
    schema: Any
    strings: dict[int, str]
    eos: list[int]
    decode: Callable[[list[int]], str]
    """Tokens to text as a model's output is decoded (the random walk's output)."""


def walk_text(
    subject: Subject,
    text: str,
    tokens: list[int],
    offsets: list[int],
    budget: Budget,
    progress: Progress | None = None,
) -> WalkResult:
    """Walk ``text`` (tokenized as ``tokens``) through a freshly compiled matcher, within
    ``budget``; the compile is reported apart from the steps."""
    return _run_worker(_instance_worker, (subject, text, tokens, offsets), budget, text, progress)


def random_walk(
    subject: Subject, seed: int, max_steps: int, budget: Budget, progress: Progress | None = None
) -> WalkResult:
    """Generate like a model without weights: sample allowed tokens, preferring ones that close
    strings and containers, for at most ``max_steps`` steps; the text is what was generated."""
    return _run_worker(_random_worker, (subject, seed, max_steps), budget, "", progress)


def _run_worker(
    target: Any, args: tuple[Any, ...], budget: Budget, text: str, progress: Progress | None
) -> WalkResult:
    method = "fork" if sys.platform == "linux" else "spawn"
    context: Any = multiprocessing.get_context(method)
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=target, args=(sender, *args), daemon=True)
    worker.start()
    sender.close()
    result = WalkResult(text)
    try:
        _collect(receiver, budget, result, progress)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()
    return result


def _collect(
    receiver: Connection, budget: Budget, result: WalkResult, progress: Progress | None
) -> None:
    last = time.perf_counter()
    compiling = True  # the worker's first message ends its compile
    while True:
        allowance = budget.step_seconds + (budget.compile_seconds if compiling else 0.0)
        remaining = budget.remaining()
        wait = min(allowance, remaining)
        if wait <= 0 or not receiver.poll(wait):
            result.stuck_seconds = time.perf_counter() - last
            step_bound = allowance <= remaining + 1e-3
            result.outcome = "step-budget" if step_bound else "walk-budget"
            spent = f"measurement budget spent after {len(result.steps)} steps"
            if compiling:  # what was abandoned is the compile, whichever budget ran out
                reason = "" if step_bound else f" ({spent})"
                result.detail = f"compile abandoned after {result.stuck_seconds:.2f} s{reason}"
            elif step_bound:
                result.detail = f"step abandoned after {result.stuck_seconds:.2f} s"
            else:
                result.detail = spent
            return
        try:
            message = receiver.recv()
        except EOFError:
            result.outcome, result.detail = "error", "the enforcer worker died"
            return
        last = time.perf_counter()
        compiling = False
        if message[0] == "step":
            result.steps.append(message[1])
            if progress is not None:
                progress(len(result.steps))
        elif message[0] == "compiled":
            _, result.compile_seconds, result.compile_warnings = message
        else:
            _, result.outcome, result.detail, generated = message
            result.text = generated if generated is not None else result.text
            return


def build_enforcer(data: Any, schema: Any, config: EnforcerConfig) -> Any:
    """A TokenEnforcer configured like the user's generation; raises what LMFE raises when it
    refuses the schema."""
    from lmformatenforcer import JsonSchemaParser, TokenEnforcer

    enforcer = TokenEnforcer(data, JsonSchemaParser(schema))
    # TokenEnforcer replaces a config given to JsonSchemaParser with one whose alphabet is the
    # tokenizer's: keep that alphabet, set the user's options on it afterwards.
    settings = enforcer.root_parser.config
    settings.max_consecutive_whitespaces = config.max_consecutive_whitespaces
    settings.force_json_field_order = config.force_json_field_order
    settings.max_json_array_length = config.max_json_array_length
    return enforcer


def _longest_continuation(
    allowed: list[int], strings: dict[int, str], text: str, offset: int
) -> tuple[int, int] | None:
    """The allowed token with the longest text that continues ``text`` at ``offset``."""
    best: tuple[int, int] | None = None
    for token in allowed:
        piece = strings.get(token)
        if not piece:
            continue
        if offset == 0 and piece[0] == " " and not text.startswith(" "):
            piece = piece[1:]  # a word-start token's space before the first character
        if piece and text.startswith(piece, offset) and (best is None or len(piece) > best[1]):
            best = (token, len(piece))
    return best


def _compile(sender: Connection, subject: Subject) -> Matcher | None:
    """The schema's matcher, its compile time and warnings reported; None (reported) if the
    engine refuses."""
    # The worker inherits the parent's objects (LMFE's tokenizer trie: ~10^5 of them); left in
    # the collector's generations, a full collection walks them all inside some timed step.
    gc.freeze()
    started = time.perf_counter()
    try:
        with _stderr_lines() as warnings:
            matcher = subject.engine.compile(subject.schema, subject.prepared)
    except Exception as error:  # engines refuse some schemas outright
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        detail = f"{subject.engine.name} cannot compile the schema: {type(error).__name__}: {first}"
        sender.send(("end", "error", detail, None))
        return None
    sender.send(("compiled", time.perf_counter() - started, tuple(warnings)))
    return matcher


#: A native engine's log prefix: ``[01:04:46] /project/cpp/fsm_builder.cc:1311: ``.
_LOG_PREFIX = re.compile(r"^(\[[\d:.]+\]\s*)?(\S+:\d+:\s*)?")


@contextlib.contextmanager
def _stderr_lines() -> Iterator[list[str]]:
    """Collect what is written to file descriptor 2 (native code included) inside the block:
    its distinct lines, log prefixes removed. Only ever used in a walk's worker process."""
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
                cleaned = _LOG_PREFIX.sub("", line.strip())
                if cleaned and cleaned not in lines:
                    lines.append(cleaned)


def _timed(sender: Connection, subject: Subject, matcher: Matcher) -> tuple[Mask, float] | None:
    """One step: the allowed tokens and how long the engine took to compute them."""
    started = time.perf_counter()
    try:
        mask = matcher.allowed()
    except Exception as error:
        name = subject.engine.name
        sender.send(("end", "error", f"{name} raised {type(error).__name__}: {error}", None))
        return None
    return mask, time.perf_counter() - started


def _only_eos(mask: Mask, eos: list[int], problem: str) -> str | None:
    """Why the walk stops silently here, when the engine allows nothing but EOS (LMFE turns its
    own failures into "EOS only")."""
    if any(token not in eos for token in mask):
        return None
    if not mask.count:
        return "no token allowed at all"
    return problem or "only EOS allowed"


def _advanced(
    sender: Connection, subject: Subject, matcher: Matcher, token: int, written: list[int] | None
) -> bool:
    """Commit ``token``; False (reported as an error ending, with the random walk's output so
    far when ``written`` is given) when the engine refuses it."""
    if matcher.advance(token):
        return True
    problem = matcher.problem() or "refused a token it had allowed"
    text = None if written is None else subject.decode(written)
    sender.send(("end", "error", f"{subject.engine.name}: {problem}", text))
    return False


def _instance_worker(
    sender: Connection, subject: Subject, text: str, tokens: list[int], offsets: list[int]
) -> None:
    matcher = _compile(sender, subject)
    if matcher is None:
        return
    eos = subject.eos
    boundaries = {offset: index for index, offset in enumerate(offsets)}
    offset = 0
    while True:
        timed = _timed(sender, subject, matcher)
        if timed is None:
            return
        mask, seconds = timed
        if offset >= len(text):
            ends = any(token in mask for token in eos)
            sender.send(("step", Step(offset, None, 0, mask.count, seconds, ends)))
            sender.send(
                ("end", "complete", "", None)
                if ends
                else ("end", "rejected", "EOS not allowed", None)
            )
            return
        index = boundaries.get(offset)
        accepted = index is not None and tokens[index] in mask
        if index is not None and accepted:
            following = offsets[index + 1] if index + 1 < len(offsets) else len(text)
            chosen, length = tokens[index], following - offset
        else:
            stopped = _only_eos(mask, eos, matcher.problem())
            split = (
                None
                if stopped
                else _longest_continuation(mask.ids(), subject.strings, text, offset)
            )
            if split is None:
                sender.send(("step", Step(offset, None, 0, mask.count, seconds, False)))
                shown = repr(text[offset : offset + 12])
                ending = (
                    ("silent-stop", stopped)
                    if stopped
                    else ("rejected", f"no allowed token continues {shown}")
                )
                sender.send(("end", *ending, None))
                return
            chosen, length = split
        sender.send(("step", Step(offset, chosen, length, mask.count, seconds, accepted)))
        if not _advanced(sender, subject, matcher, chosen, None):
            return
        offset += length


def _random_worker(sender: Connection, subject: Subject, seed: int, max_steps: int) -> None:
    matcher = _compile(sender, subject)
    if matcher is None:
        return
    chooser = random.Random(seed)
    eos, strings = subject.eos, subject.strings
    written: list[int] = []
    offset = 0  # approximate, for step offsets; the output is decoded like a model's
    for _ in range(max_steps):
        timed = _timed(sender, subject, matcher)
        if timed is None:
            return
        mask, seconds = timed
        ending = [token for token in eos if token in mask]
        stopped = _only_eos(mask, eos, matcher.problem())
        if ending and (stopped or chooser.random() < 0.5):
            sender.send(("step", Step(offset, None, 0, mask.count, seconds, True)))
            sender.send(("end", "complete", "", subject.decode(written)))
            return
        if stopped:
            sender.send(("step", Step(offset, None, 0, mask.count, seconds, False)))
            sender.send(("end", "silent-stop", stopped, subject.decode(written)))
            return
        token = _pick(chooser, [t for t in mask.ids() if t not in eos], strings)
        piece = strings.get(token, "")
        sender.send(("step", Step(offset, token, len(piece), mask.count, seconds, True)))
        if not _advanced(sender, subject, matcher, token, written):
            return
        written.append(token)
        offset += len(piece)
    ending_text = subject.decode(written)
    sender.send(("end", "step-limit", f"stopped after {max_steps} steps", ending_text))


#: Characters that end a string or a container: preferring them keeps random output short.
_CLOSING = ('"', "}", "]")


def _pick(chooser: random.Random, allowed: list[int], strings: dict[int, str]) -> int:
    """Half the time a token that closes something, else any token that is not only spaces."""
    sample = chooser.sample(allowed, min(len(allowed), 256))
    if chooser.random() < 0.5:
        closing = [t for t in sample if any(c in strings.get(t, "") for c in _CLOSING)]
        if closing:
            return chooser.choice(closing)
    plain = [t for t in sample if _is_plain(strings.get(t, ""))]
    return chooser.choice(plain or sample)


def _is_plain(piece: str) -> bool:
    """Text a model plausibly writes in JSON: visible, no raw control characters, no partial
    UTF-8 byte tokens."""
    return bool(piece.strip()) and all(" " <= c != "\ufffd" for c in piece)
