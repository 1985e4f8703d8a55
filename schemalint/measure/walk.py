"""Feed a text to the real enforcer token by token, in a worker process we can kill.

A single LMFE step has been measured at 70-120 s, so the enforcer never runs in the
caller's process: a forked worker reports every step over a pipe, and the caller stops
waiting (and kills it) when a step or the whole walk passes its budget.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

Outcome = Literal["complete", "rejected", "silent-stop", "step-budget", "walk-budget", "error"]


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

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps) + self.stuck_seconds


@dataclass(frozen=True)
class Budget:
    deadline: float
    """``time.perf_counter()`` value by which every walk must have stopped."""
    step_seconds: float

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
) -> WalkResult:
    """Walk ``text`` (tokenized as ``tokens``) through a fresh enforcer, within ``budget``."""
    method = "fork" if sys.platform == "linux" else "spawn"
    context: Any = multiprocessing.get_context(method)
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_worker,
        args=(sender, data, schema, config, text, tokens, offsets),
        daemon=True,
    )
    worker.start()
    sender.close()
    result = WalkResult(text)
    try:
        _collect(receiver, budget, result)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()
    return result


def _collect(receiver: Connection, budget: Budget, result: WalkResult) -> None:
    last = time.perf_counter()
    while True:
        wait = min(budget.step_seconds, budget.remaining())
        if wait <= 0 or not receiver.poll(wait):
            result.stuck_seconds = time.perf_counter() - last
            step_bound = budget.step_seconds <= budget.remaining() + 1e-3
            result.outcome = "step-budget" if step_bound else "walk-budget"
            result.detail = (
                f"step abandoned after {result.stuck_seconds:.2f} s"
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
        if message[0] == "step":
            result.steps.append(message[1])
        else:
            _, result.outcome, result.detail = message
            return


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
    from lmformatenforcer import CharacterLevelParserConfig, JsonSchemaParser, TokenEnforcer

    problems = _ProblemLog()
    logging.getLogger().addHandler(problems)
    logging.getLogger().setLevel(logging.WARNING)
    try:
        enforcer = TokenEnforcer(data, JsonSchemaParser(schema))
    except Exception as error:  # LMFE rejects some schemas outright
        sender.send(
            ("end", "error", f"LMFE cannot build a parser: {type(error).__name__}: {error}")
        )
        return
    # TokenEnforcer overwrites a config given to JsonSchemaParser: set it afterwards.
    enforcer.root_parser.config = CharacterLevelParserConfig(
        max_consecutive_whitespaces=config.max_consecutive_whitespaces,
        force_json_field_order=config.force_json_field_order,
        max_json_array_length=config.max_json_array_length,
    )
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
            sender.send(("end", "error", f"LMFE raised {type(error).__name__}: {error}"))
            return
        seconds = time.perf_counter() - started
        if offset >= len(text):
            ends = bool(eos.intersection(allowed))
            sender.send(("step", Step(offset, None, 0, len(allowed), seconds, ends)))
            sender.send(("end", "complete", "") if ends else ("end", "rejected", "EOS not allowed"))
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
                sender.send(("end", "silent-stop", detail))
                return
            split = _longest_continuation(allowed, strings, text, offset)
            if split is None:
                sender.send(("step", Step(offset, None, 0, len(allowed), seconds, False)))
                shown = repr(text[offset : offset + 12])
                sender.send(("end", "rejected", f"no allowed token continues {shown}"))
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
