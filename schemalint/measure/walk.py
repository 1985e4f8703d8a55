"""Feed a text to an engine token by token, in a worker process we can kill.

A single LMFE step has been measured at 70-120 s, so no engine runs in the caller's process: a
forked worker (:class:`Walker`, kept from walk to walk) compiles each schema through the
engine's adapter (:mod:`schemalint.engines`), reports every step, and the caller stops waiting
(and kills it) when the compile, a step or the whole walk passes its budget. LMFE and the
engines compared with it share this code.
"""

from __future__ import annotations

import gc
import multiprocessing
import random
import sys
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal

from schemalint.engines.base import stderr_lines
from schemalint.engines.lmfe import LmfeEngine, eos_ids
from schemalint.lmfe import EnforcerConfig
from schemalint.measure.steplog import Record, StepLog

if TYPE_CHECKING:
    from schemalint.engines.base import Engine, Mask, Matcher

Outcome = Literal[
    "complete", "rejected", "silent-stop", "step-budget", "walk-budget", "step-limit", "error"
]


Progress = Callable[[int], None]
"""Called with the number of steps walked so far, after each step."""


#: A step is pre-empted when its wall time exceeds its CPU time by more than this: the process
#: sat off the CPU (another process ran: on a loaded or shared machine a time slice is a few
#: milliseconds) for longer than interrupts take (microseconds). An engine computing, on this
#: thread or on threads of its own, spends CPU time for all its wall time; the rest of a
#: pre-empted step's wall time measures the machine, not the engine.
PREEMPTED_GAP = 0.0002


def preempted(seconds: float, cpu_seconds: float) -> bool:
    """Whether a step of ``seconds`` wall time and ``cpu_seconds`` CPU time was pre-empted."""
    return seconds - cpu_seconds > PREEMPTED_GAP


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
    """Wall time of the engine's mask call."""
    accepted: bool
    """Whether the text's own next token was allowed (False: the walk had to split it)."""
    cpu_seconds: float | None = None
    """CPU time of the process over the same call (None: not measured, an abandoned step)."""

    @property
    def preempted(self) -> bool:
        """The wall time is partly the machine's, not the engine's (see :func:`preempted`)."""
        return self.cpu_seconds is not None and preempted(self.seconds, self.cpu_seconds)

    @property
    def engine_seconds(self) -> float:
        """What the step cost the engine: its wall time, or its CPU time when it was pre-empted
        (a pre-empted step is never slow, nor the worst step, for the time it waited)."""
        if self.cpu_seconds is not None and self.preempted:
            return self.cpu_seconds
        return self.seconds


def timed_ms(steps: Iterable[Step]) -> list[float]:
    """The steps' times in ms as evidence of what the engine costs (:attr:`Step.engine_seconds`;
    count the pre-empted steps apart, with :attr:`Step.preempted`)."""
    return [step.engine_seconds * 1000 for step in steps]


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


def lmfe_subject(data: Any, schema: Any, config: EnforcerConfig) -> Subject:
    """What a walk through LMFE needs, all read off LMFE's own tokenizer data."""
    return Subject(
        LmfeEngine(config),
        data,
        schema,
        data.tokenizer_tree.tokens_to_strs,
        eos_ids(data),
        data.decoder,
    )


#: How often the caller looks whether the worker has finished compiling: the worker records it
#: in the log instead of sending a message, which would wake the caller (on a small machine, on
#: the worker's own core) while the first step is timed.
COMPILE_CHECK_SECONDS = 0.05

#: Step records a worker's log holds at least: a walk needing more starts a bigger worker.
_LOG_CAPACITY = 4096


class Walker:
    """Walks through one engine's prepared data in a forked worker that outlives the walk.

    A process holding LMFE's tokenizer data takes tens of milliseconds to fork, and its first
    pass over the data pays a copy-on-write fault on every page it touches (reference counts are
    writes): per walk, that made a walk 1.3x a bare loop of the same steps. The worker now serves
    walk after walk of the same engine and data; it is only killed (and the next walk starts
    another) when a walk passes its budget, or by :meth:`close`."""

    def __init__(self) -> None:
        self._worker: Any = None
        self._jobs: Connection | None = None
        self._receiver: Connection | None = None
        self._log: StepLog | None = None
        self._served: Subject | None = None
        """The subject the worker was forked with: its prepared data, strings and decoder."""
        self._ending: weakref.finalize[Any, Walker] | None = None
        """Ends the worker: on :meth:`close`, or when this walker is garbage collected."""

    def __enter__(self) -> Walker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def walk_text(
        self,
        subject: Subject,
        text: str,
        tokens: list[int],
        offsets: list[int],
        budget: Budget,
        progress: Progress | None = None,
    ) -> WalkResult:
        """Walk ``text`` (tokenized as ``tokens``) through a freshly compiled matcher, within
        ``budget``; the compile is reported apart from the steps."""
        # Every step advances by at least one character, and the last is at the end of the text.
        job = ("text", subject.engine, subject.schema, text, tokens, offsets)
        return self._run(subject, job, len(text) + 1, budget, text, progress)

    def random_walk(
        self,
        subject: Subject,
        seed: int,
        max_steps: int,
        budget: Budget,
        progress: Progress | None = None,
    ) -> WalkResult:
        """Generate like a model without weights: sample allowed tokens, preferring ones that
        close strings and containers, for at most ``max_steps`` steps; the text is what was
        generated."""
        job = ("random", subject.engine, subject.schema, seed, max_steps)
        return self._run(subject, job, max_steps, budget, "", progress)

    def close(self) -> None:
        """End the worker (a no-op when there is none)."""
        if self._ending is not None:
            self._ending()
        self._worker = self._ending = None

    def _serves(self, subject: Subject, capacity: int) -> bool:
        served, log = self._served, self._log
        return (
            self._worker is not None
            and self._worker.is_alive()
            and served is not None
            and log is not None
            and log.capacity >= capacity
            and served.prepared is subject.prepared
            and served.strings is subject.strings
            and served.decode == subject.decode
        )

    def _start(self, subject: Subject, capacity: int) -> None:
        self.close()
        method = "fork" if sys.platform == "linux" else "spawn"
        context: Any = multiprocessing.get_context(method)
        self._receiver, sender = context.Pipe(duplex=False)
        jobs, self._jobs = context.Pipe(duplex=False)
        self._log = StepLog(context, max(capacity, _LOG_CAPACITY))
        self._served = replace(subject, schema=None)
        pieces = token_pieces(subject.strings)
        arguments = (jobs, sender, self._log, self._served, pieces)
        self._worker = context.Process(target=_serve, args=arguments, daemon=True)
        self._worker.start()
        sender.close()
        jobs.close()
        self._ending = weakref.finalize(self, _end, self._worker, self._jobs, self._receiver)

    def _run(
        self,
        subject: Subject,
        job: tuple[Any, ...],
        capacity: int,
        budget: Budget,
        text: str,
        progress: Progress | None,
    ) -> WalkResult:
        if not self._serves(subject, capacity):
            self._start(subject, capacity)
        assert self._jobs is not None and self._receiver is not None and self._log is not None
        self._log.clear()
        result = WalkResult(text)
        try:
            self._jobs.send(job)
        except (BrokenPipeError, OSError):
            result.outcome, result.detail = "error", "the enforcer worker died"
            self.close()
            return result
        if not _collect(self._receiver, self._log, budget, result, progress):
            self.close()  # abandoned at a budget, or dead: the next walk starts a new worker
        return result


def _end(worker: Any, jobs: Connection, receiver: Connection) -> None:
    if worker.is_alive():
        worker.kill()
    worker.join(5)
    jobs.close()
    receiver.close()


def _collect(
    receiver: Connection,
    log: StepLog,
    budget: Budget,
    result: WalkResult,
    progress: Progress | None,
) -> bool:
    """Read the worker's messages into ``result`` until the walk ends; False when it did not
    end by itself (the worker died, or was abandoned at a budget)."""
    last = time.perf_counter()  # when the worker last showed progress (started, compiled, a step)
    compiling = True
    while True:
        if compiling and (ended := _compile_ended(log, result)) is not None:
            compiling, last = False, max(last, ended)
        allowance = budget.step_seconds + (budget.compile_seconds if compiling else 0.0)
        remaining = budget.remaining()
        step_left = last + allowance - time.perf_counter()
        wait = min(step_left, remaining)
        if compiling:  # the worker records the end of its compile without waking us: look
            wait = min(wait, COMPILE_CHECK_SECONDS)
        if wait > 0 and receiver.poll(wait):
            try:
                message = receiver.recv()
            except EOFError:
                _read_steps(log, result, progress)
                result.outcome, result.detail = "error", "the enforcer worker died"
                return False
            if message[0] == "compiled":  # sent only with warnings: they do not fit the log
                result.compile_warnings = message[1]
            elif _read_steps(log, result, progress):  # a nudge, or the end
                last = log.written_at
            if message[0] == "end":
                _compile_ended(log, result)
                _, result.outcome, result.detail, generated = message
                result.text = generated if generated is not None else result.text
                return True
            continue
        if compiling and (
            _compile_ended(log, result) is not None or min(step_left, remaining) > wait
        ):
            continue  # compiled meanwhile (the step allowance runs from then), or time is left
        if _read_steps(log, result, progress):  # written since the last nudge
            last = log.written_at
            if remaining > 0:
                continue
        result.stuck_seconds = time.perf_counter() - last
        step_bound = step_left <= remaining + 1e-3
        result.outcome = "step-budget" if step_bound else "walk-budget"
        spent = f"measurement budget spent after {len(result.steps)} steps"
        if compiling:  # what was abandoned is the compile, whichever budget ran out
            reason = "" if step_bound else f" ({spent})"
            result.detail = f"compile abandoned after {result.stuck_seconds:.2f} s{reason}"
        elif step_bound:
            result.detail = f"step abandoned after {result.stuck_seconds:.2f} s"
        else:
            result.detail = spent
        return False


def _compile_ended(log: StepLog, result: WalkResult) -> float | None:
    """When the worker finished compiling the schema, its compile time put in ``result``;
    None while it has not."""
    ended = log.compile_ended()
    if ended is None:
        return None
    at, result.compile_seconds = ended
    return at


def _read_steps(log: StepLog, result: WalkResult, progress: Progress | None) -> bool:
    """Add the steps the worker logged since the last read; False when there were none."""
    records = log.read()
    result.steps.extend(Step(*record) for record in records)
    if records and progress is not None:
        progress(len(result.steps))
    return bool(records)


class Pieces:
    """The tokens by their text, and the longest text: what a split search looks prefixes of
    the instance up in."""

    def __init__(self, strings: dict[int, str]) -> None:
        self.tokens: dict[str, list[int]] = {}
        for token, piece in strings.items():
            if piece:
                self.tokens.setdefault(piece, []).append(token)
        self.longest = max(map(len, self.tokens), default=0)


_PIECES: dict[int, tuple[dict[int, str], Pieces]] = {}


def token_pieces(strings: dict[int, str]) -> Pieces:
    """``strings`` by text, built once per vocabulary in a process (the last four are kept),
    in the caller: every worker it forks inherits them."""
    kept = _PIECES.get(id(strings))
    if kept is None or kept[0] is not strings:
        if len(_PIECES) >= 4:
            del _PIECES[next(iter(_PIECES))]
        kept = _PIECES[id(strings)] = (strings, Pieces(strings))
    return kept[1]


def _longest_continuation(
    mask: Mask, pieces: Pieces, text: str, offset: int
) -> tuple[int, int] | None:
    """The allowed token with the longest text that continues ``text`` at ``offset`` (among
    equally long ones, the first in the mask's order). Each prefix of the rest of the text is
    looked up, longest first, and its tokens tested against the mask: a pass over every allowed
    token instead (up to the whole vocabulary) costs milliseconds, and the engine's next timed
    call would start with its caches cold."""
    spaced = offset == 0 and not text.startswith(" ")  # a word-start token's space may lead
    for length in range(min(len(text) - offset, pieces.longest), 0, -1):
        prefix = text[offset : offset + length]
        candidates = pieces.tokens.get(prefix, [])
        if spaced:
            candidates = candidates + pieces.tokens.get(" " + prefix, [])
        allowed = [token for token in candidates if token in mask]
        if allowed:
            return mask.first(allowed), length
    return None


def _compile(sender: Connection, log: StepLog, subject: Subject) -> Matcher | None:
    """The schema's matcher, its compile time and warnings reported; None (reported) if the
    engine refuses."""
    started = time.perf_counter()
    try:
        with stderr_lines() as warnings:
            matcher = subject.engine.compile(subject.schema, subject.prepared)
    except Exception as error:  # engines refuse some schemas outright
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        detail = f"{subject.engine.name} cannot compile the schema: {type(error).__name__}: {first}"
        sender.send(("end", "error", detail, None))
        return None
    log.compiled(time.perf_counter() - started)
    if warnings:
        sender.send(("compiled", tuple(warnings)))
    return matcher


#: The throwaway grammar of a worker's warm-up: small, and no free text. One that wrote free
#: text too was measured: the first free-text step of a fresh worker's first walk fell from
#: 2.0-2.5 to 1.2-1.6 ms (a two-tool list, 6 workers each), but the seed's median step, over
#: 12-16 walks per worker with two workers interleaved on one CPU, rose from 0.47-0.50 to
#: 0.50-0.57 ms in each of five runs: every walk paid for what only the first one gained.
_WARM_UP_SCHEMA = {"type": "object", "properties": {"on": {"type": "boolean"}}}


def _warm_up(subject: Subject) -> None:
    """Run the engine once, untimed, before the schema is compiled and its first step timed: a
    forked worker's first calls pay for what the process does once (copy-on-write faults on
    inherited pages, lazily built tables, first-call set-up in the engine and in our mask
    reading), which would otherwise land in the compile time and in step 0."""
    with stderr_lines():
        matcher = subject.engine.compile(_WARM_UP_SCHEMA, subject.prepared)
    for _ in range(2):  # a first step and one after it, each read the way a walk reads it
        matcher.fill()
        mask = matcher.mask()
        if _only_eos(mask, subject.eos, ""):
            return
        if not matcher.advance(next(t for t in mask.ids() if t not in subject.eos)):
            return


def _timed(sender: Connection, subject: Subject, matcher: Matcher) -> tuple[float, float] | None:
    """One step: the engine's own mask call and nothing else, its wall time and the process's
    CPU time over it (the CPU clock is read outside the wall clock: reading it is a system
    call); None (reported) when the engine raises."""
    fill = matcher.fill
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        fill()
        seconds = time.perf_counter() - started
    except Exception as error:
        name = subject.engine.name
        sender.send(("end", "error", f"{name} raised {type(error).__name__}: {error}", None))
        return None
    return seconds, time.process_time() - cpu


def _only_eos(mask: Mask, eos: list[int], problem: str) -> str | None:
    """Why the walk stops silently here, when the engine allows nothing but EOS (LMFE turns its
    own failures into "EOS only")."""
    if mask.count > sum(1 for token in eos if token in mask):
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


def _record(sender: Connection, log: StepLog, record: Record) -> None:
    """Log a step, nudging the caller now and then (see :mod:`schemalint.measure.steplog`)."""
    if log.write(record):
        sender.send(("steps",))


def _serve(
    jobs: Connection, sender: Connection, log: StepLog, served: Subject, pieces: Pieces
) -> None:
    """The worker: warm up once, then walk each job received, until the caller closes."""
    _warm_up(served)
    while True:
        try:
            kind, engine, schema, *arguments = jobs.recv()
        except EOFError:
            return
        log.clear()
        subject = replace(served, engine=engine, schema=schema)
        subject.engine.forget(subject.prepared)
        # The worker's objects (LMFE's tokenizer trie: ~10^5 of them, and what earlier walks
        # left); left in the collector's generations, a full collection walks them all inside
        # some timed step.
        gc.freeze()
        if kind == "text":
            _instance_worker(sender, log, subject, pieces, *arguments)
        else:
            _random_worker(sender, log, subject, *arguments)


def _instance_worker(
    sender: Connection,
    log: StepLog,
    subject: Subject,
    pieces: Pieces,
    text: str,
    tokens: list[int],
    offsets: list[int],
) -> None:
    matcher = _compile(sender, log, subject)
    if matcher is None:
        return
    eos = subject.eos
    boundaries = {offset: index for index, offset in enumerate(offsets)}
    offset = 0
    while True:
        timed = _timed(sender, subject, matcher)
        if timed is None:
            return
        seconds, cpu = timed
        mask = matcher.mask()
        if offset >= len(text):
            ends = any(token in mask for token in eos)
            _record(sender, log, (offset, None, 0, mask.count, seconds, ends, cpu))
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
            split = None if stopped else _longest_continuation(mask, pieces, text, offset)
            if split is None:
                _record(sender, log, (offset, None, 0, mask.count, seconds, False, cpu))
                shown = repr(text[offset : offset + 12])
                ending = (
                    ("silent-stop", stopped)
                    if stopped
                    else ("rejected", f"no allowed token continues {shown}")
                )
                sender.send(("end", *ending, None))
                return
            chosen, length = split
        _record(sender, log, (offset, chosen, length, mask.count, seconds, accepted, cpu))
        if not _advanced(sender, subject, matcher, chosen, None):
            return
        offset += length


def _random_worker(
    sender: Connection, log: StepLog, subject: Subject, seed: int, max_steps: int
) -> None:
    matcher = _compile(sender, log, subject)
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
        seconds, cpu = timed
        mask = matcher.mask()
        ending = [token for token in eos if token in mask]
        stopped = _only_eos(mask, eos, matcher.problem())
        if ending and (stopped or chooser.random() < 0.5):
            _record(sender, log, (offset, None, 0, mask.count, seconds, True, cpu))
            sender.send(("end", "complete", "", subject.decode(written)))
            return
        if stopped:
            _record(sender, log, (offset, None, 0, mask.count, seconds, False, cpu))
            sender.send(("end", "silent-stop", stopped, subject.decode(written)))
            return
        token = _pick(chooser, [t for t in mask.ids() if t not in eos], strings)
        piece = strings.get(token, "")
        _record(sender, log, (offset, token, len(piece), mask.count, seconds, True, cpu))
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
