"""What each next token may be, and when a generation must stop: the loop logic every backend
shares, so that budgets, teacher forcing and timing mean the same thing on each of them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from schemalint.generate.filter import FilterFailed, FilterTimeout, FilterWorker

StopReason = Literal[
    "eos", "max-tokens", "newline", "token-budget", "time-budget", "cancel", "forced", "error"
]
#: Stops that mean the run was cut short by a safety net: the command exits 1.
BUDGET_STOPS = frozenset({"token-budget", "time-budget", "cancel"})


@dataclass(frozen=True)
class Limits:
    max_new_tokens: int
    token_budget: float
    """Seconds one token may take, filter wait and model step together."""
    deadline: float
    """``time.perf_counter()`` value by which the generation must have stopped."""
    stop_at_newline: bool = False
    forced: tuple[int, ...] | None = None
    """Teacher forcing: emit these tokens in turn (checking each against the filter)."""


@dataclass
class Generation:
    token_ids: list[int] = field(default_factory=list)
    text: str = ""
    model_ms: list[float] = field(default_factory=list)
    filter_ms: list[float] = field(default_factory=list)
    """Time LMFE spent per token (empty for an unconstrained generation)."""
    token_ms: list[float] = field(default_factory=list)
    """Wall time per token, from the previous token to this one."""
    stop: StopReason = "max-tokens"
    detail: str = ""
    seconds: float = 0.0
    stuck_ms: float = 0.0
    """How long the token that hit a budget had run when it was abandoned."""

    @property
    def tokens_per_second(self) -> float:
        return len(self.token_ids) / self.seconds if self.seconds > 0 else 0.0


class Stop(Exception):
    def __init__(self, reason: StopReason, detail: str = "") -> None:
        super().__init__(detail)
        self.reason: StopReason = reason
        self.detail = detail


class Gate:
    """Drives one generation: asks the filter, applies budgets and forcing, records timings.

    A backend calls :meth:`begin` once the prompt is in the cache, then per token
    :meth:`allowed` (None: any token), :meth:`emit` with the chosen token, and after each model
    step :meth:`check`; any of them raises :class:`Stop`, which :meth:`finish` records.
    """

    def __init__(
        self,
        worker: FilterWorker | None,
        limits: Limits,
        eos_ids: list[int],
        decode: Callable[[list[int]], str],
    ) -> None:
        self.worker = worker
        self.limits = limits
        self.eos_ids = frozenset(eos_ids)
        self.decode = decode
        self.result = Generation()
        self._started = self._token_started = 0.0
        self._waited = 0.0
        self._filter_seconds: float | None = None

    def begin(self) -> None:
        """Start the clock once the enforcer is built (its set-up is charged to no token)."""
        self._started = self._token_started = time.perf_counter()
        if self.worker is None:
            return
        try:
            self.worker.wait_ready(self.limits.deadline)
        except FilterTimeout:
            raise Stop("time-budget", "the enforcer was not ready in time") from None
        except FilterFailed as error:
            raise Stop("error", str(error)) from None
        self.worker.request([])
        self._started = self._token_started = time.perf_counter()

    def _token_deadline(self) -> tuple[float, StopReason]:
        token = self._token_started + self.limits.token_budget
        if token <= self.limits.deadline:
            return token, "token-budget"
        return self.limits.deadline, "time-budget"

    def allowed(self) -> list[int] | None:
        """The tokens the next position may take; None when anything goes."""
        if len(self.result.token_ids) >= self.limits.max_new_tokens:
            raise Stop("max-tokens")
        forced = self.limits.forced
        if forced is not None and len(self.result.token_ids) >= len(forced):
            raise Stop("forced", "end of the forced path")
        if self.worker is None:
            allowed = None
        else:
            deadline, reason = self._token_deadline()
            waiting = time.perf_counter()
            try:
                answer = self.worker.result(deadline)
            except FilterTimeout:
                raise Stop(reason, self._overrun(reason)) from None
            except FilterFailed as error:
                raise Stop("error", str(error)) from None
            self._waited = time.perf_counter() - waiting
            self._filter_seconds = answer.seconds
            allowed = answer.tokens
            if not allowed:
                raise Stop("error", "the enforcer allows no token at all")
        if forced is not None:
            token = forced[len(self.result.token_ids)]
            if allowed is not None and token not in allowed:
                raise Stop("error", f"the forced token {token} is not allowed here")
            return [token]
        return allowed

    def emit(self, token: int, model_seconds: float | None = None) -> None:
        """Record ``token``; ``model_seconds`` defaults to the token's time less the filter wait."""
        now = time.perf_counter()
        wall = now - self._token_started
        model = wall - self._waited if model_seconds is None else model_seconds
        result = self.result
        result.token_ms.append(wall * 1000)
        result.model_ms.append(max(model, 0.0) * 1000)
        if self._filter_seconds is not None:
            result.filter_ms.append(self._filter_seconds * 1000)
        self._token_started, self._waited, self._filter_seconds = now, 0.0, None
        if token in self.eos_ids:
            raise Stop("eos")
        result.token_ids.append(token)
        result.text = self.decode(result.token_ids)
        if self.limits.stop_at_newline and "\n" in result.text:
            raise Stop("newline")
        if self.worker is not None:
            self.worker.request([token])

    def check(self) -> None:
        """After a model step: stop if it alone overran a budget."""
        deadline, reason = self._token_deadline()
        if time.perf_counter() > deadline:
            raise Stop(reason, self._overrun(reason))

    def _overrun(self, reason: StopReason) -> str:
        stuck = self.result.stuck_ms = (time.perf_counter() - self._token_started) * 1000
        written = len(self.result.token_ids)
        if reason == "token-budget":
            return f"token {written + 1} abandoned after {stuck:,.0f} ms"
        return f"time budget spent after {written} tokens"

    def finish(self, stop: Stop) -> Generation:
        self.result.stop, self.result.detail = stop.reason, stop.detail
        self.result.seconds = time.perf_counter() - self._started
        if self.worker is not None:
            self.worker.close()
        return self.result
