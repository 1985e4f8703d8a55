"""The measured probe: walk realistic instances through the real enforcer and attribute every
step — its allowed-token count and its time — to the JSON Pointer of the schema node written."""

from __future__ import annotations

import functools
import json
import os
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.dialect import validator_class_for
from schemalint.engines.lmfe import LmfeEngine
from schemalint.lmfe import EnforcerConfig, installed_version
from schemalint.measure.locate import describe_instance
from schemalint.measure.plan import (
    FINDING,
    Coverage,
    Goal,
    coverage,
    coverage_goals,
    make_plan,
    tool_branches,
    tool_goals,
)
from schemalint.measure.position import paths_at, schema_pointers
from schemalint.measure.serialise import serialise, span_at
from schemalint.measure.walk import (
    Budget,
    Outcome,
    Step,
    Subject,
    Walker,
    lmfe_subject,
    timed_ms,
    token_offsets,
)
from schemalint.model import SetupError
from schemalint.tokenizers import DEFAULT, Tokenizer, load_tokenizer

if TYPE_CHECKING:
    from schemalint.engines.base import Engine
    from schemalint.measure.compare import Comparison

END = "(end)"
"""Pseudo-pointer of the final step, where the enforcer must allow end-of-sequence."""


@dataclass(frozen=True)
class MeasureSettings:
    tokenizer: str = DEFAULT
    budget: float = 30.0
    """Seconds for the whole measurement of one file, tokenizer set-up included."""
    step_budget: float = 3.0
    """Seconds one enforcer step may take before it is abandoned."""
    test_step_budget: float = 1.0
    """The step budget of the walks that test a static finding (at most ``step_budget``): ten
    times what confirms a slow step, so a predicted stall costs the plan one second, not
    three, and the coverage walks after it still fit the budget."""
    compile_budget: float = 10.0
    """Seconds an engine other than LMFE may spend compiling a schema, on top of the step
    budget. Such engines compile once per schema and cache the result, so a compile may cost
    more than a step; past this the compile is abandoned and reported (SM504). LMFE builds its
    parser lazily, step by step, so its compile gets no allowance of its own."""
    use_cache: bool = True
    instances: Path | None = None
    """One JSON instance per line to walk instead of a generated one."""
    seed: int = 0
    random_walks: int = 3
    """Random walks after the instance walks, while budget remains (seeds seed+1, seed+2, …)."""
    random_steps: int = 120
    config: EnforcerConfig = field(default_factory=EnforcerConfig)
    started: float | None = None
    """``time.perf_counter()`` when the command started: the first measurement's budget runs
    from there, so that start-up and loading the tokenizer are inside it (None: from the call)."""


@dataclass(frozen=True)
class MeasuredStep:
    pointer: str
    path: str
    """Instance pointer of the value being written."""
    role: str
    step: Step


def _realistic(walk: MeasuredWalk, step: MeasuredStep) -> bool:
    """Whether a model writing this schema would take this step too (see ``pointer_table``)."""
    return walk.kind == "instance" or step.role == "escape"


def random_steps(analysis: Analysis, text: str, steps: list[Step]) -> list[MeasuredStep]:
    """A random walk's steps at the subschema of the value each was writing, as instance walks
    are attributed; a step right after a string's lone backslash has the role ``escape``: any
    model that writes a quote or a newline in free text takes it."""
    found = []
    for step, (path, escape) in zip(
        steps, paths_at(text, [step.offset for step in steps]), strict=True
    ):
        pointers = schema_pointers(analysis, path)
        pointer = pointers[0] if pointers else ""
        role = "escape" if escape else "random"
        found.append(MeasuredStep(pointer, jp.join("", *path), role, step))
    return found


@dataclass
class MeasuredWalk:
    label: str
    text: str
    valid: bool
    """Whether the walked instance (for a random walk: the generated output) satisfies the
    schema, checked with jsonschema."""
    steps: list[MeasuredStep]
    outcome: Outcome
    detail: str
    seconds: float
    stuck: MeasuredStep | None = None
    """Where a step was abandoned at a budget, with how long it had run."""
    stuck_seconds: float = 0.0
    kind: Literal["instance", "random"] = "instance"
    problem: str = ""
    """Why the text is not a valid instance, when it is not."""
    problem_at: tuple[str | int, ...] = ()
    """The schema path of the keyword the text fails (:attr:`OutputProblem.schema_path`)."""
    compile_seconds: float | None = None
    """How long the engine took to compile the schema for this walk (None: it never finished)."""
    compile_warnings: tuple[str, ...] = ()
    """What the engine printed while compiling: parts of the schema it says it ignores."""
    reached: frozenset[str] = frozenset()
    """The subschemas of the values it wrote at least one step of (instance walks)."""
    goals: tuple[Goal, ...] = ()
    """The plan's goals its instance was written for and reaches (planned walks)."""

    @property
    def compile_abandoned(self) -> bool:
        """The walk stopped while the engine was still compiling the schema (any budget)."""
        return self.detail.startswith("compile abandoned")

    @property
    def let_invalid_through(self) -> bool:
        """A random walk the engine let finish with output jsonschema rejects. Output that does
        not even parse is left out: decodings of random token streams can differ on partial
        characters, so it would not be evidence."""
        return (
            self.kind == "random"
            and self.outcome == "complete"
            and not self.valid
            and not self.problem.startswith("not JSON")
        )

    @property
    def shown_text(self) -> str:
        """The walked text, cut to 120 characters for a message."""
        return self.text if len(self.text) <= 120 else self.text[:117] + "..."

    def to_json(self) -> dict[str, Any]:
        times = timed_ms(s.step for s in self.steps)
        return {
            "label": self.label,
            "kind": self.kind,
            "valid_instance": self.valid,
            "tokens": len(self.steps),
            "seconds": round(self.seconds, 4),
            "median_ms": round(statistics.median(times), 3) if times else None,
            "p95_ms": round(percentile(times, 95), 3) if times else None,
            "max_ms": round(max(times), 3) if times else None,
            "preempted_steps": sum(s.step.preempted for s in self.steps),
            "outcome": self.outcome,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class PointerStats:
    pointer: str
    steps: int
    median_allowed: float
    max_allowed: int
    median_ms: float
    p95_ms: float
    max_ms: float
    total_ms: float
    preempted: int = 0
    """Steps timed at their CPU time: pre-empted, their wall time partly the machine's
    (:attr:`~schemalint.measure.walk.Step.preempted`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            key: round(value, 3) if isinstance(value, float) else value
            for key, value in vars(self).items()
        }


@dataclass
class Measurement:
    tokenizer: str
    vocab_size: int
    lmfe_version: str
    config: EnforcerConfig
    setup_seconds: float
    walks: list[MeasuredWalk] = field(default_factory=list)
    to_source: Callable[[str], str] = field(default=lambda pointer: pointer)
    """Maps the analysed schema's pointers to the user's file (set by the engine)."""
    engines: Comparison | None = None
    """The same walks through other engines (``check --measure --engine``)."""
    coverage: Coverage | None = None
    """How much of the schema the instance walks reached."""
    left_out: tuple[str, ...] = ()
    """Planned walks the budget did not leave time for."""

    @property
    def steps(self) -> list[MeasuredStep]:
        return [step for walk in self.walks for step in walk.steps]

    @property
    def compile_seconds(self) -> list[float]:
        """Every walk's compile time, in the order walked."""
        return [w.compile_seconds for w in self.walks if w.compile_seconds is not None]

    @property
    def compile_warnings(self) -> tuple[str, ...]:
        """The distinct warnings the engine printed while compiling, over all walks."""
        return tuple(dict.fromkeys(line for w in self.walks for line in w.compile_warnings))

    def source_pointer(self, pointer: str) -> str:
        return pointer if pointer == END else self.to_source(pointer)

    def pointer_table(self, kind: str | None = None) -> list[PointerStats]:
        """Per analysed-schema pointer, costliest first (total time, abandoned steps included,
        pre-empted steps at their CPU time); only the walks of one ``kind`` ("instance" or
        "random") when given. Only the steps a model would take too: every step of an
        instance walk, and a random walk's only where an escape began (role ``escape``); the
        rest of a random walk's text is what no model writes (:meth:`unrealistic_steps`). An
        abandoned compile is no step: it is reported apart, as :meth:`compile_seconds` are."""
        walks = [w for w in self.walks if kind is None or w.kind == kind]
        grouped: dict[str, list[MeasuredStep]] = defaultdict(list)
        stuck: dict[str, list[float]] = defaultdict(list)  # abandoned steps' ms, per pointer
        for walk in walks:
            for step in walk.steps:
                if _realistic(walk, step):
                    grouped[step.pointer].append(step)
            if walk.stuck and not walk.compile_abandoned and _realistic(walk, walk.stuck):
                stuck[walk.stuck.pointer].append(walk.stuck_seconds * 1000)
                grouped.setdefault(walk.stuck.pointer, [])
        table = []
        for pointer, steps in grouped.items():
            completed, abandoned = timed_ms(s.step for s in steps), stuck.get(pointer, [])
            times = completed or abandoned
            allowed = [s.step.allowed for s in steps] or [0]
            table.append(
                PointerStats(
                    pointer=pointer,
                    steps=len(steps),
                    median_allowed=float(statistics.median(allowed)),
                    max_allowed=max(allowed),
                    median_ms=statistics.median(times),
                    p95_ms=percentile(times, 95),
                    max_ms=max(completed + abandoned),
                    total_ms=sum(completed + abandoned),
                    preempted=sum(s.step.preempted for s in steps),
                )
            )
        return sorted(table, key=lambda row: -row.total_ms)

    def escape_stalls(self, min_ms: float) -> dict[str, tuple[float, MeasuredWalk, MeasuredStep]]:
        """Per pointer, the slowest random-walk step of at least ``min_ms`` taken right after an
        escape began in free text (abandoned steps included), with its walk: where a model that
        writes a quote or a newline stalls too."""
        found: dict[str, tuple[float, MeasuredWalk, MeasuredStep]] = {}
        for walk in self.walks:
            if walk.kind != "random":
                continue
            timed = [(s.step.engine_seconds * 1000, s) for s in walk.steps]
            if walk.stuck is not None:
                timed.append((walk.stuck_seconds * 1000, walk.stuck))
            for ms, step in timed:
                best = found.get(step.pointer)
                if step.role == "escape" and ms >= min_ms and (best is None or ms > best[0]):
                    found[step.pointer] = (ms, walk, step)
        return found

    def unrealistic_steps(self) -> int:
        """Random-walk steps left out of the table: text no model writes."""
        return sum(not _realistic(w, s) for w in self.walks for s in w.steps)

    def random_note(self) -> str:
        """Why the table holds fewer random-walk steps than were walked ("" when none)."""
        left = self.unrealistic_steps()
        if not left:
            return ""
        return (
            f"random walks: {left:,} steps of text no model writes are left out of the table "
            "and the findings; their steps right after an escape in free text are kept"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tokenizer": {"name": self.tokenizer, "vocab_size": self.vocab_size},
            "lmfe_version": self.lmfe_version,
            "lmfe_settings": vars(self.config),
            "setup_seconds": round(self.setup_seconds, 3),
            "coverage": self.coverage.to_json() if self.coverage else None,
            "walks": [walk.to_json() for walk in self.walks],
            "pointers": [
                row.to_json() | {"pointer": self.source_pointer(row.pointer)}
                for row in self.pointer_table()
            ],
            "random_steps_left_out": self.unrealistic_steps(),
        } | ({"engine_comparison": self.engines.to_json()} if self.engines else {})


def enforcer_config(
    strict_field_order: bool | None = None,
    max_consecutive_whitespaces: int | None = None,
    max_json_array_length: int | None = None,
) -> EnforcerConfig:
    """LMFE's options: the given values, else the ``LMFE_*`` environment variables LMFE reads."""
    from schemalint.lmfe import strict_field_order_from_env

    def from_env(name: str, default: int) -> int:
        try:
            return int(os.environ.get(name, default))
        except ValueError:
            return default

    return EnforcerConfig(
        max_consecutive_whitespaces=max_consecutive_whitespaces
        if max_consecutive_whitespaces is not None
        else from_env("LMFE_MAX_CONSECUTIVE_WHITESPACES", 12),
        force_json_field_order=strict_field_order_from_env()
        if strict_field_order is None
        else strict_field_order,
        max_json_array_length=max_json_array_length
        if max_json_array_length is not None
        else from_env("LMFE_MAX_JSON_ARRAY_LENGTH", 20),
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Prober:
    """Loads the tokenizer and LMFE's tokenizer data once, then measures schema after schema."""

    def __init__(
        self, settings: MeasureSettings, progress: Callable[[str, int], None] | None = None
    ) -> None:
        self.settings = settings
        self.progress = progress
        """Told the walk's label and its step count after every step (a progress bar)."""
        self.engine: Engine = LmfeEngine(settings.config, settings.use_cache)
        self.compile_budget = 0.0
        """Seconds the engine may take to compile a schema beyond the step budget (see
        ``MeasureSettings.compile_budget``)."""
        self._tokenizer: Tokenizer | None = None
        self._data: Any = None
        self._loading: Future[Any] | None = None
        """The engine's per-tokenizer data, once :meth:`prepare` has loaded it."""
        self.user_instances = self._read_instances()
        """The ``--instance`` file's instances, labelled ``FILE:LINE`` (None: generated)."""
        self.fixed_instances: list[tuple[str, Any]] | None = None
        """When set, the instances every measurement walks (rewrite's before/after)."""
        self.walker = Walker()
        """The worker every walk runs in, kept from walk to walk until :meth:`close`."""
        self._clock_started = settings.started
        """Where the next measurement's budget starts, when not at the call (used once)."""

    def __enter__(self) -> Prober:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """End the walks' worker process."""
        self.walker.close()

    def _progress_for(self, label: str) -> Callable[[int], None] | None:
        report = self.progress
        return None if report is None else functools.partial(report, label)

    def prepare(self, wait: bool = True) -> float:
        """Load what every walk needs; returns the seconds it took (0 when already loaded).

        With ``wait=False`` only the tokenizer loads here (its errors still come at once) and
        the engine's data loads in the background: importing LMFE imports torch, seconds that
        a budget must be able to cut short, so the first measurement waits for the data only
        while its budget lasts."""
        started = time.perf_counter()
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.settings.tokenizer)
            self._loading = Future()
            if wait:
                self._load(self._tokenizer, self._loading)
            else:
                loader = (self._tokenizer, self._loading)
                threading.Thread(target=self._load, args=loader, daemon=True).start()
        if wait:
            self._ready(None)
        return time.perf_counter() - started

    def _load(self, tokenizer: Tokenizer, loading: Future[Any]) -> None:
        try:
            loading.set_result(self._prepare_engine(tokenizer))
        except BaseException as error:  # raised again where the data is awaited
            loading.set_exception(error)

    def _ready(self, deadline: float | None) -> bool:
        """Whether the engine's data has loaded, waiting for it until ``deadline`` (None: for as
        long as it takes); raises what loading it raised."""
        assert self._loading is not None, "prepare() first"
        timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
        try:
            self._data = self._loading.result(timeout)
        except TimeoutError:
            return False
        return True

    # The three hooks below are where another engine plugs in (schemalint.measure.compare).

    def _prepare_engine(self, tokenizer: Tokenizer) -> Any:
        """The engine's per-tokenizer data (LMFE's: from its cache when possible)."""
        return self.engine.prepare(tokenizer)

    def _encode(self, text: str) -> list[int]:
        assert self._tokenizer is not None
        return self._tokenizer.encode(text)

    def _subject(self, schema: Any) -> Subject:
        """What a walk of ``schema`` drives."""
        return lmfe_subject(self._data, schema, self.settings.config)

    def measure(
        self,
        analysis: Analysis,
        tools: list[tuple[str, str]] | None = None,
        goals: list[Goal] | None = None,
    ) -> Measurement:
        """Walk the instances (fixed, the user's, else a plan that covers the schema), then
        random walks. ``tools`` (pointer, name) are the tools of a tool list (default: the
        branches of a union of calls told apart by ``name``); ``goals`` are pointers the plan
        must reach first, such as those of static findings."""
        started = time.perf_counter() if self._clock_started is None else self._clock_started
        self._clock_started = None
        setting_up = time.perf_counter()
        self.prepare(wait=False)
        assert self._tokenizer is not None
        # Keep back a little for the report and the exit, so the command ends within budget.
        margin = min(0.5, self.settings.budget * 0.05)
        deadline = started + self.settings.budget - margin
        budget = Budget(deadline, self.settings.step_budget, self.compile_budget)
        ready = self._ready(deadline)
        setup = time.perf_counter() - setting_up
        measurement = Measurement(
            tokenizer=self._tokenizer.name,
            vocab_size=self._tokenizer.vocab_size,
            lmfe_version=installed_version() or "not installed",
            config=self.settings.config,
            setup_seconds=setup,
        )
        tools = tool_branches(analysis) if tools is None else tools
        instances = self._instances(analysis, tools, goals or [])
        if not ready:  # set-up took the whole budget: every walk is left out
            measurement.left_out = tuple(label for label, *_ in instances)
            measurement.coverage = coverage(analysis, tools or None, set())
            return measurement
        walked = self._walk_instances(measurement, analysis, instances, budget)
        if walked == len(instances) and self._planned():
            again = self._replan(analysis, tools, measurement)
            instances += again
            walked += self._walk_instances(measurement, analysis, again, budget)
        for number in range(1, self.settings.random_walks + 1):
            if budget.remaining() <= 0 or any(w.compile_abandoned for w in measurement.walks):
                break
            measurement.walks.append(
                self._random_walk(analysis, self.settings.seed + number, budget)
            )
        measurement.left_out = tuple(label for label, *_ in instances[walked:])
        reached = {p for w in measurement.walks if w.kind == "instance" for p in w.reached}
        measurement.coverage = coverage(analysis, tools or None, reached)
        return measurement

    def _walk_instances(
        self,
        measurement: Measurement,
        analysis: Analysis,
        instances: list[tuple[str, Any, tuple[Goal, ...]]],
        budget: Budget,
    ) -> int:
        """Walk ``instances`` in order while the budget lasts; how many were walked. A walk
        that tests a static finding gets the shorter test step budget."""
        testing = replace(
            budget, step_seconds=min(budget.step_seconds, self.settings.test_step_budget)
        )
        for count, (label, instance, met) in enumerate(instances):
            if budget.remaining() <= 0 or any(w.compile_abandoned for w in measurement.walks):
                return count  # a compile abandoned stalls every walk of the schema the same way
            finding = any(goal.kind == FINDING for goal in met)
            walk = self._walk(analysis, label, instance, testing if finding else budget, met)
            measurement.walks.append(walk)
        return len(instances)

    def _planned(self) -> bool:
        return self.fixed_instances is None and self.user_instances is None

    def _replan(
        self, analysis: Analysis, tools: list[tuple[str, str]], measurement: Measurement
    ) -> list[tuple[str, Any, tuple[Goal, ...]]]:
        """Walks for the tools and coverage goals that the planned walks meant to reach but did
        not, because a walk stalled or failed first: once more, with other generated text."""
        reached = {p for w in measurement.walks if w.kind == "instance" for p in w.reached}
        missed = [
            goal
            for goal in tool_goals(analysis, tools) + coverage_goals(analysis)
            if goal.pointer not in reached
        ]
        if not missed:
            return []
        plan = make_plan(analysis, missed, self.settings.seed + len(measurement.walks))
        return [(f"{w.label} (again)", w.instance, tuple(w.goals)) for w in plan.walks]

    def _random_walk(self, analysis: Analysis, seed: int, budget: Budget) -> MeasuredWalk:
        label = f"random (seed {seed})"
        steps, progress = self.settings.random_steps, self._progress_for(label)
        subject = self._subject(analysis.schema)
        result = self.walker.random_walk(subject, seed, steps, budget, progress)
        problem = output_problem(analysis.schema, result.text)
        stuck = None
        if result.outcome in ("step-budget", "walk-budget"):
            abandoned = Step(len(result.text), None, 0, 0, result.stuck_seconds, False)
            (stuck,) = random_steps(analysis, result.text, [abandoned])
        return MeasuredWalk(
            label=label,
            text=result.text,
            valid=problem is None,
            problem=problem.message if problem else "",
            problem_at=problem.schema_path if problem else (),
            steps=random_steps(analysis, result.text, result.steps),
            outcome=result.outcome,
            detail=result.detail,
            seconds=result.seconds,
            stuck=stuck,
            stuck_seconds=result.stuck_seconds,
            kind="random",
            compile_seconds=result.compile_seconds,
            compile_warnings=result.compile_warnings,
        )

    def _read_instances(self) -> list[tuple[str, Any]] | None:
        path = self.settings.instances
        if path is None:
            return None
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise SetupError(f"{path}: cannot read instances: {error}") from None
        found = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                found.append((f"{path.name}:{number}", json.loads(line)))
            except json.JSONDecodeError as error:
                message = f"{path}:{number}:{error.colno}: invalid JSON: {error.msg}"
                raise SetupError(message) from None
        if not found:
            raise SetupError(f"{path}: no instances (one JSON document per line)")
        return found

    def _instances(
        self, analysis: Analysis, tools: list[tuple[str, str]], goals: list[Goal]
    ) -> list[tuple[str, Any, tuple[Goal, ...]]]:
        """(label, instance, the goals it is written for) for each instance to walk."""
        given = self.fixed_instances if self.fixed_instances is not None else self.user_instances
        if given is not None:
            return [(label, instance, ()) for label, instance in given]
        wanted = goals + tool_goals(analysis, tools) + coverage_goals(analysis)
        plan = make_plan(analysis, wanted, self.settings.seed)
        return [(walk.label, walk.instance, tuple(walk.goals)) for walk in plan.walks]

    def _walk(
        self,
        analysis: Analysis,
        label: str,
        instance: Any,
        budget: Budget,
        goals: tuple[Goal, ...] = (),
    ) -> MeasuredWalk:
        assert self._tokenizer is not None
        text, spans = serialise(instance)
        described = describe_instance(analysis, instance)
        pointers = {path: pointer for path, pointer, _ in described}
        tokens = self._encode(text)
        offsets = token_offsets(tokens, self._tokenizer.decode, text)
        subject, progress = self._subject(analysis.schema), self._progress_for(label)
        result = self.walker.walk_text(subject, text, tokens, offsets, budget, progress)

        def attribute(step: Step) -> MeasuredStep:
            if step.offset >= len(text):
                return MeasuredStep(END, "", "end", step)
            span = span_at(spans, step.offset)
            return MeasuredStep(pointers.get(span.path, ""), span.path, span.role, step)

        steps = [attribute(step) for step in result.steps]
        written = {step.path for step in steps}
        reached = frozenset(p for path, _, parts in described if path in written for p in parts)
        stuck = None
        if result.outcome in ("step-budget", "walk-budget"):
            last = result.steps[-1] if result.steps else None
            offset = last.offset + last.length if last else 0
            stuck = attribute(Step(offset, None, 0, 0, result.stuck_seconds, False))
        return MeasuredWalk(
            label=label,
            text=text,
            valid=_is_valid(analysis.schema, instance),
            steps=steps,
            outcome=result.outcome,
            detail=result.detail,
            seconds=result.seconds,
            stuck=stuck,
            stuck_seconds=result.stuck_seconds,
            compile_seconds=result.compile_seconds,
            compile_warnings=result.compile_warnings,
            reached=reached,
            goals=goals,
        )


@dataclass(frozen=True)
class OutputProblem:
    """Why a text is not a valid instance: jsonschema's first error."""

    message: str
    schema_path: tuple[str | int, ...] = ()
    """Where in the schema the failing keyword is (jsonschema's ``absolute_schema_path``,
    through ``$ref``s as written); empty when the text is not JSON."""


def output_problem(schema: Any, text: str) -> OutputProblem | None:
    """None when ``text`` is a valid instance of ``schema``, else the first reason why not."""
    try:
        instance = json.loads(text)
    except json.JSONDecodeError as error:
        return OutputProblem(f"not JSON: {error.msg} at character {error.pos}")
    try:
        validator = validator_class_for(schema)(schema)
        first = next(iter(validator.iter_errors(instance)), None)
    except Exception as failure:  # a schema jsonschema itself cannot use
        return OutputProblem(f"cannot validate: {failure}")
    if first is None:
        return None
    where = "/" + "/".join(str(part) for part in first.absolute_path)
    return OutputProblem(f"{first.message} at {where}", tuple(first.absolute_schema_path))


def _is_valid(schema: Any, instance: Any) -> bool:
    try:
        return bool(validator_class_for(schema)(schema).is_valid(instance))
    except Exception:
        return False
