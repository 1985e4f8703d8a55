"""Feed a text to the real enforcer token by token, in a worker process we can kill.

A single LMFE step has been measured at 70-120 s, so the enforcer never runs in the
caller's process: a forked worker reports every step over a pipe, and the caller stops
waiting (and kills it) when a step or the whole walk passes its budget.
"""

from __future__ import annotations

import logging
import multiprocessing
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

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
    """How long the worker took to compile the schema, when it reports it (other engines)."""

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


def walk_text(
    data: Any,
    schema: Any,
    config: EnforcerConfig,
    text: str,
    tokens: list[int],
    offsets: list[int],
    budget: Budget,
    progress: Progress | None = None,
) -> WalkResult:
    """Walk ``text`` (tokenized as ``tokens``) through a fresh enforcer, within ``budget``."""
    arguments = (data, schema, config, text, tokens, offsets)
    return _run_worker(_worker, arguments, budget, text, progress)


def random_walk(
    data: Any,
    schema: Any,
    config: EnforcerConfig,
    seed: int,
    max_steps: int,
    budget: Budget,
    progress: Progress | None = None,
) -> WalkResult:
    """Generate like a model without weights: sample allowed tokens, preferring ones that close
    strings and containers, for at most ``max_steps`` steps; the text is what was generated."""
    arguments = (data, schema, config, seed, max_steps)
    return _run_worker(_random_worker, arguments, budget, "", progress)


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
    compiling = budget.compile_seconds > 0
    while True:
        allowance = budget.step_seconds + (budget.compile_seconds if compiling else 0.0)
        wait = min(allowance, budget.remaining())
        if wait <= 0 or not receiver.poll(wait):
            result.stuck_seconds = time.perf_counter() - last
            step_bound = allowance <= budget.remaining() + 1e-3
            result.outcome = "step-budget" if step_bound else "walk-budget"
            result.detail = (
                f"{'compile' if compiling else 'step'} abandoned after {result.stuck_seconds:.2f} s"
                if step_bound
                else f"measurement budget spent after {len(result.steps)} steps"
            )
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
            result.compile_seconds = message[1]
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


def _new_enforcer(
    sender: Connection, data: Any, schema: Any, config: EnforcerConfig, problems: logging.Handler
) -> Any:
    """A configured TokenEnforcer; None (reported) if LMFE refuses the schema."""
    logging.getLogger().addHandler(problems)
    logging.getLogger().setLevel(logging.WARNING)
    try:
        return build_enforcer(data, schema, config)
    except Exception as error:  # LMFE rejects some schemas outright
        problem = f"LMFE cannot build a parser: {type(error).__name__}: {error}"
        sender.send(("end", "error", problem, None))
        return None


class _ProblemLog(logging.Handler):
    """Keeps what LMFE logs when it swallows an exception (then it only allows EOS)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


def _worker(
    sender: Connection,
    data: Any,
    schema: Any,
    config: EnforcerConfig,
    text: str,
    tokens: list[int],
    offsets: list[int],
) -> None:
    problems = _ProblemLog()
    enforcer = _new_enforcer(sender, data, schema, config, problems)
    if enforcer is None:
        return
    eos = set(data.eos_token_id if isinstance(data.eos_token_id, list) else [data.eos_token_id])
    strings: dict[int, str] = data.tokenizer_tree.tokens_to_strs
    boundaries = {offset: index for index, offset in enumerate(offsets)}
    sequence = [next(iter(eos))]  # any prompt: LMFE keys its states by the token tuple
    offset = 0
    while True:
        started = time.perf_counter()
        try:
            allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
        except Exception as error:
            sender.send(("end", "error", f"LMFE raised {type(error).__name__}: {error}", None))
            return
        seconds = time.perf_counter() - started
        if offset >= len(text):
            ends = bool(eos.intersection(allowed))
            sender.send(("step", Step(offset, None, 0, len(allowed), seconds, ends)))
            sender.send(
                ("end", "complete", "", None)
                if ends
                else ("end", "rejected", "EOS not allowed", None)
            )
            return
        index = boundaries.get(offset)
        if index is not None and tokens[index] in allowed:
            following = offsets[index + 1] if index + 1 < len(offsets) else len(text)
            chosen, length = tokens[index], following - offset
            accepted = True
        else:
            accepted = False
            if eos.issuperset(allowed):  # LMFE turns its own failures into "EOS only"
                sender.send(("step", Step(offset, None, 0, len(allowed), seconds, False)))
                detail = problems.messages[-1] if problems.messages else "only EOS allowed"
                if not allowed:
                    detail = "no token allowed at all"
                sender.send(("end", "silent-stop", detail, None))
                return
            split = _longest_continuation(allowed, strings, text, offset)
            if split is None:
                sender.send(("step", Step(offset, None, 0, len(allowed), seconds, False)))
                shown = repr(text[offset : offset + 12])
                sender.send(("end", "rejected", f"no allowed token continues {shown}", None))
                return
            chosen, length = split
        sender.send(("step", Step(offset, chosen, length, len(allowed), seconds, accepted)))
        sequence.append(chosen)
        offset += length


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


#: Characters that end a string or a container: preferring them keeps random output short.
_CLOSING = ('"', "}", "]")


def _random_worker(
    sender: Connection, data: Any, schema: Any, config: EnforcerConfig, seed: int, max_steps: int
) -> None:
    problems = _ProblemLog()
    enforcer = _new_enforcer(sender, data, schema, config, problems)
    if enforcer is None:
        return
    chooser = random.Random(seed)
    eos = set(data.eos_token_id if isinstance(data.eos_token_id, list) else [data.eos_token_id])
    strings: dict[int, str] = data.tokenizer_tree.tokens_to_strs
    sequence = [next(iter(eos))]
    text = ""  # approximate, for step offsets; the output is decoded like a model's

    def decoded() -> str:
        return str(data.decoder(sequence[1:]))

    for _ in range(max_steps):
        started = time.perf_counter()
        try:
            allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
        except Exception as error:
            sender.send(("end", "error", f"LMFE raised {type(error).__name__}: {error}", decoded()))
            return
        seconds = time.perf_counter() - started
        ending = eos.intersection(allowed)
        if ending and (eos.issuperset(allowed) or chooser.random() < 0.5):
            sender.send(("step", Step(len(text), None, 0, len(allowed), seconds, True)))
            sender.send(("end", "complete", "", decoded()))
            return
        if eos.issuperset(allowed):
            sender.send(("step", Step(len(text), None, 0, len(allowed), seconds, False)))
            detail = problems.messages[-1] if problems.messages else "only EOS allowed"
            sender.send(
                ("end", "silent-stop", detail if allowed else "no token allowed", decoded())
            )
            return
        token = _pick(chooser, [t for t in allowed if t not in eos], strings)
        piece = strings.get(token, "")
        sender.send(("step", Step(len(text), token, len(piece), len(allowed), seconds, True)))
        sequence.append(token)
        text += piece
    sender.send(("end", "step-limit", f"stopped after {max_steps} steps", decoded()))


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
