"""The instance walk and the random walk through any engine, in the same killable worker and
under the same step and walk budgets as LMFE's (``schemalint.measure.walk``)."""

from __future__ import annotations

import random
import time
from multiprocessing.connection import Connection
from typing import Any

from schemalint.engines.base import Engine, Mask, Matcher
from schemalint.measure.walk import (
    Budget,
    Progress,
    Step,
    WalkResult,
    _longest_continuation,
    _pick,
    _run_worker,
)


def engine_walk_text(
    engine: Engine,
    prepared: Any,
    schema: Any,
    text: str,
    tokens: list[int],
    offsets: list[int],
    strings: dict[int, str],
    eos: list[int],
    budget: Budget,
    progress: Progress | None = None,
) -> WalkResult:
    """Walk ``text`` through a freshly compiled matcher; compiling counts as one step."""
    arguments = (engine, prepared, schema, text, tokens, offsets, strings, eos)
    return _run_worker(_instance_worker, arguments, budget, text, progress)


def engine_random_walk(
    engine: Engine,
    prepared: Any,
    schema: Any,
    strings: dict[int, str],
    eos: list[int],
    seed: int,
    max_steps: int,
    budget: Budget,
    progress: Progress | None = None,
) -> WalkResult:
    """Sample allowed tokens like ``measure.walk.random_walk`` does; the text is the output."""
    arguments = (engine, prepared, schema, strings, eos, seed, max_steps)
    return _run_worker(_random_worker, arguments, budget, "", progress)


def _compile(sender: Connection, engine: Engine, prepared: Any, schema: Any) -> Matcher | None:
    started = time.perf_counter()
    try:
        matcher = engine.compile(schema, prepared)
    except Exception as error:  # the engine refuses the schema
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        detail = f"{engine.name} cannot compile the schema: {type(error).__name__}: {first}"
        sender.send(("end", "error", detail, None))
        return None
    sender.send(("compiled", time.perf_counter() - started))
    return matcher


def _timed(sender: Connection, engine: Engine, matcher: Matcher) -> tuple[Mask, float] | None:
    started = time.perf_counter()
    try:
        mask = matcher.allowed()
    except Exception as error:
        sender.send(("end", "error", f"{engine.name} raised {type(error).__name__}: {error}", None))
        return None
    return mask, time.perf_counter() - started


def _only_eos(mask: Mask, eos: list[int], problem: str) -> str | None:
    """Why the walk stops silently here, when the engine allows nothing but EOS."""
    if any(token not in eos for token in mask):
        return None
    return problem or ("only EOS allowed" if mask.count else "no token allowed at all")


def _instance_worker(
    sender: Connection,
    engine: Engine,
    prepared: Any,
    schema: Any,
    text: str,
    tokens: list[int],
    offsets: list[int],
    strings: dict[int, str],
    eos: list[int],
) -> None:
    matcher = _compile(sender, engine, prepared, schema)
    if matcher is None:
        return
    boundaries = {offset: index for index, offset in enumerate(offsets)}
    offset = 0
    while True:
        timed = _timed(sender, engine, matcher)
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
            split = None if stopped else _longest_continuation(mask.ids(), strings, text, offset)
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
        if not matcher.advance(chosen):
            problem = matcher.problem() or "refused a token it had allowed"
            sender.send(("end", "error", f"{engine.name}: {problem}", None))
            return
        offset += length


def _random_worker(
    sender: Connection,
    engine: Engine,
    prepared: Any,
    schema: Any,
    strings: dict[int, str],
    eos: list[int],
    seed: int,
    max_steps: int,
) -> None:
    matcher = _compile(sender, engine, prepared, schema)
    if matcher is None:
        return
    chooser = random.Random(seed)
    written: list[str] = []
    for _ in range(max_steps):
        timed = _timed(sender, engine, matcher)
        if timed is None:
            return
        mask, seconds = timed
        offset = sum(map(len, written))
        ending = [token for token in eos if token in mask]
        stopped = _only_eos(mask, eos, matcher.problem())
        if ending and (stopped or chooser.random() < 0.5):
            sender.send(("step", Step(offset, None, 0, mask.count, seconds, True)))
            sender.send(("end", "complete", "", "".join(written)))
            return
        if stopped:
            sender.send(("step", Step(offset, None, 0, mask.count, seconds, False)))
            sender.send(("end", "silent-stop", stopped, "".join(written)))
            return
        token = _pick(chooser, [t for t in mask.ids() if t not in eos], strings)
        piece = strings.get(token, "")
        sender.send(("step", Step(offset, token, len(piece), mask.count, seconds, True)))
        if not matcher.advance(token):
            problem = matcher.problem() or "refused a token it had allowed"
            sender.send(("end", "error", f"{engine.name}: {problem}", "".join(written)))
            return
        written.append(piece)
    sender.send(("end", "step-limit", f"stopped after {max_steps} steps", "".join(written)))
