"""The filter step shared by every backend: LMFE's allowed tokens, in a worker we can abandon.

One LMFE step can take seconds in pure Python (SL206 shapes on a 32k vocabulary), and a thread
cannot be interrupted, so each constrained generation gets a forked worker process holding its
``TokenEnforcer``. The caller sends every chosen token, keeps the model busy meanwhile, and
waits for the next allowed set only until its deadline; a step past it kills the worker.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from schemalint.engines.lmfe import build_enforcer
from schemalint.lmfe import EnforcerConfig


def allowed_tokens(enforcer: Any, sequence: list[int]) -> list[int]:
    """Sorted, de-duplicated allowed ids: exllamav2's logit filter walks a sorted list, and
    duplicates or disorder there let illegal tokens through."""
    return sorted(set(enforcer.get_allowed_tokens(sequence).allowed_tokens))


@dataclass(frozen=True)
class Allowed:
    tokens: list[int]
    seconds: float
    """Time the enforcer itself spent on this step, in the worker."""


class FilterTimeout(Exception):
    """The worker did not answer by the deadline; close() it."""


class FilterFailed(Exception):
    """LMFE refused the schema or raised during a step."""


class FilterWorker:
    """A forked process that owns one TokenEnforcer for one generation."""

    def __init__(self, data: Any, schema: Any, config: EnforcerConfig) -> None:
        method = "fork" if sys.platform == "linux" else "spawn"
        context: Any = multiprocessing.get_context(method)
        self._receiver, sender = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_serve, args=(sender, data, schema, config), daemon=True
        )
        self._process.start()
        sender.close()
        self._pending = False

    def wait_ready(self, deadline: float) -> None:
        """Block until the enforcer is built (not charged to any token)."""
        self._answer(deadline)

    def request(self, tokens: Iterable[int]) -> None:
        """Append ``tokens`` to the sequence and start computing the next allowed set."""
        self._receiver.send(list(tokens))
        self._pending = True

    def result(self, deadline: float) -> Allowed:
        """The allowed set last requested; FilterTimeout past ``deadline``."""
        assert self._pending, "request() first"
        self._pending = False
        message = self._answer(deadline)
        return Allowed(array("i", message[1]).tolist(), message[2])

    def _answer(self, deadline: float) -> Any:
        wait = deadline - time.perf_counter()
        if wait <= 0 or not self._receiver.poll(wait):
            raise FilterTimeout  # the caller notes the time first, then closes the worker
        try:
            message = self._receiver.recv()
        except EOFError:
            self.close()
            raise FilterFailed("the enforcer worker died") from None
        if message[0] == "error":
            self.close()
            raise FilterFailed(message[1])
        return message

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)
        self._receiver.close()


def _serve(channel: Connection, data: Any, schema: Any, config: EnforcerConfig) -> None:
    try:
        enforcer = build_enforcer(data, schema, config)
    except Exception as error:  # LMFE rejects some schemas outright
        channel.send(("error", f"LMFE cannot build a parser: {type(error).__name__}: {error}"))
        return
    eos = data.eos_token_id
    sequence = [eos[0] if isinstance(eos, list) else eos]  # LMFE keys states by token tuple
    channel.send(("ready",))
    while True:
        try:
            sequence += channel.recv()
        except EOFError:
            return
        started = time.perf_counter()
        try:
            allowed = allowed_tokens(enforcer, sequence)
        except Exception as error:
            channel.send(("error", f"LMFE raised {type(error).__name__}: {error}"))
            return
        seconds = time.perf_counter() - started
        channel.send(("allowed", array("i", allowed).tobytes(), seconds))
