"""Differential fuzzing of the safe rewrites: one harness for the bounded test and the long
benchmark (``benchmarks/differential_fuzz.py``).

A safe rewrite must accept exactly the instances its original accepts, so for every schema the
rewrites change we compare jsonschema's verdict (valid, invalid, or the exception it raised)
under the original and under the rewrite on: instances Hypothesis generates from the original
and from each rewrite (``hypothesis-jsonschema``), near-misses of those and of the file's
labelled instances (a key dropped or added, a value of another type, ``1`` as ``1.0`` and
``1.5``, emptied strings and arrays, ``null``, longer arrays), and the labelled instances
themselves. Near-misses matter most: generated instances are mostly valid, while a rewrite that
widens or narrows a schema shows on the instances just outside it.

Each divergence is shrunk to a small instance and blamed on the first applied change that
flips its verdict. Every schema runs under a budget of CPU seconds, so one pathological schema
(a slow canonicalisation in hypothesis-jsonschema, a costly pattern) cannot stall a run.
"""

from __future__ import annotations

import copy
import functools
import json
import multiprocessing
import os
import random
import signal
import sys
import threading
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referencing import Registry

from schemalint.config import Settings
from schemalint.dialect import validator_class_for
from schemalint.rewriting.engine import AppliedChange, rewrite_schema
from schemalint.rewriting.patch import apply
from tests.conftest import ROOT

if TYPE_CHECKING:
    from hypothesis import settings as HypothesisSettings

SUITE = ROOT / "tests" / "data" / "json-schema-test-suite"
#: The vendored JSON Schema Test Suite drafts and the meta-schema a group without ``$schema``
#: is written against.
DRAFTS = {
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
    "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft4": "http://json-schema.org/draft-04/schema#",
}
#: Both LMFE field orders: strict order also enables the strict-order rewrite.
FIELD_ORDERS = {
    "loose": Settings(lmfe_version="0.11.3", strict_field_order=False),
    "strict": Settings(lmfe_version="0.11.3", strict_field_order=True),
}
UNKNOWN_KEY = "schemalint_unknown_key"
#: Values of every JSON type, to put where another type stood.
OTHER_VALUES: tuple[Any, ...] = (None, "", [], {}, 0, 1.5, True, "1")
SHRINK_STEPS = 300
BACKSTOP_SECONDS = 30
"""Wall-clock seconds (plus 20 per CPU second of budget) before a generating child is killed."""
KEPT_PER_VARIANT = 3
"""Divergences shrunk and kept per rewrite of one schema; the rest are only counted."""


@dataclass(frozen=True)
class Case:
    """One schema to fuzz: where it comes from, and its labelled instances."""

    source: str
    """``corpus/<Subset>/<file>`` or ``suite/<draft>/<file>#<group index>``."""
    schema: Any
    labelled: tuple[Any, ...]

    @property
    def group(self) -> str:
        """The per-source breakdown's key: the corpus subset or the suite draft."""
        return "/".join(self.source.split("/")[:2])


@dataclass(frozen=True)
class Variant:
    """One rewrite of a case's schema: under which LMFE field order, and the changes made."""

    field_order: str
    schema: Any
    changes: list[AppliedChange]


@dataclass(frozen=True)
class Divergence:
    """An instance the original and a rewrite give different verdicts."""

    source: str
    field_order: str
    rewrites: tuple[str, ...]
    """Every rewrite applied to the schema, in order, without repeats."""
    culprit: str
    """The rewrite of the first applied change after which the verdict differs."""
    origin: str
    instance: Any
    """Shrunk: as small as we could make it while the verdicts still differ."""
    before: str
    after: str

    def describe(self) -> str:
        return (
            f"{self.source} [{self.field_order}] {self.culprit}: "
            f"{json.dumps(self.instance)} is {self.before} before, {self.after} after "
            f"({self.origin}; rewrites {', '.join(self.rewrites)})"
        )


@dataclass
class Outcome:
    """What fuzzing one schema did and found."""

    case: Case
    rewritten: bool = False
    skipped: str | None = None
    """Why a rewritten schema was not fuzzed (jsonschema cannot use the original)."""
    crashes: list[str] = field(default_factory=list)
    """Rewrites that raised instead of returning (reported, not fuzzed)."""
    generated: int = 0
    """Distinct instances Hypothesis generated, from the original and the rewrites."""
    generation_failures: list[str] = field(default_factory=list)
    instances: int = 0
    """Instances compared, summed over the distinct rewrites."""
    divergent: int = 0
    """Instances whose verdict differs, summed over the rewrites (only some are kept)."""
    divergences: list[Divergence] = field(default_factory=list)
    timed_out: bool = False
    """Whether comparing stopped at the budget before every instance was compared."""


@dataclass
class Tally:
    """Totals over a run, overall and per source group."""

    schemas: int = 0
    rewritten: int = 0
    fuzzed: int = 0
    with_generated: int = 0
    instances: int = 0
    divergent: int = 0
    timed_out: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    generation_failures: Counter[str] = field(default_factory=Counter)
    groups: dict[str, Tally] = field(default_factory=dict)

    def add(self, outcome: Outcome, group: bool = True) -> None:
        self.schemas += 1
        self.rewritten += outcome.rewritten
        fuzzed = outcome.rewritten and outcome.skipped is None
        self.fuzzed += fuzzed
        self.with_generated += fuzzed and outcome.generated > 0
        self.instances += outcome.instances
        self.divergent += outcome.divergent
        self.timed_out += outcome.timed_out
        self.divergences += outcome.divergences
        self.crashes += [f"{outcome.case.source}: {crash}" for crash in outcome.crashes]
        if outcome.skipped:
            self.skipped[outcome.skipped] += 1
        self.generation_failures.update(outcome.generation_failures)
        if group:
            self.groups.setdefault(outcome.case.group, Tally()).add(outcome, group=False)

    def distinct(self) -> dict[str, list[Divergence]]:
        """Divergences by culprit rewrite, one per (schema, field order, verdict pair)."""
        seen: set[tuple[str, ...]] = set()
        found: dict[str, list[Divergence]] = {}
        for d in self.divergences:
            key = (d.culprit, d.source, d.field_order, d.before, d.after)
            if key not in seen:
                seen.add(key)
                found.setdefault(d.culprit, []).append(d)
        return found

    def counts(self) -> dict[str, int]:
        return {
            "schemas": self.schemas,
            "rewritten": self.rewritten,
            "fuzzed": self.fuzzed,
            "with_generated": self.with_generated,
            "instances": self.instances,
            "divergent_instances": self.divergent,
            "schemas_with_divergences": len({d.source for d in self.divergences}),
            "timed_out": self.timed_out,
            "rewrite_crashes": len(self.crashes),
        }


def corpus_cases(folder: Path, every: int = 1) -> Iterator[Case]:
    """Every ``every``-th corpus file, in name order."""
    for path in sorted(folder.glob("*/*.json"))[::every]:
        entry = json.loads(path.read_text(encoding="utf-8"))
        labelled = tuple(test["data"] for test in entry.get("tests", []))
        source = f"corpus/{path.relative_to(folder).as_posix()}"
        yield Case(source, entry["schema"], labelled)


def suite_cases(folder: Path = SUITE, every: int = 1) -> Iterator[Case]:
    """Every ``every``-th group of the vendored test suite's drafts (not ``optional/``)."""
    groups = []
    for draft, meta in DRAFTS.items():
        for path in sorted((folder / draft).glob("*.json")):
            for index, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                schema = group["schema"]
                if isinstance(schema, dict) and "$schema" not in schema:
                    schema = {"$schema": meta, **schema}
                labelled = tuple(test["data"] for test in group["tests"])
                groups.append(Case(f"suite/{draft}/{path.name}#{index}", schema, labelled))
    yield from groups[::every]


def fuzz(
    cases: Iterator[Case],
    examples: int,
    seconds: float,
    near_misses: int,
) -> Tally:
    tally = Tally()
    for case in cases:
        tally.add(fuzz_case(case, examples, seconds, near_misses))
    return tally


def fuzz_case(case: Case, examples: int, seconds: float, near_misses: int) -> Outcome:
    """Compare verdicts under ``case.schema`` and its safe rewrites (each field order).

    ``examples``: instances Hypothesis generates per schema and direction; ``seconds``: the
    CPU-time budget for generating, and again for comparing; ``near_misses``: mutations per
    instance.
    """
    outcome = Outcome(case)
    variants: list[Variant] = []
    for order, settings in FIELD_ORDERS.items():
        try:
            result = rewrite_schema(case.schema, settings)
        except Exception as error:
            outcome.crashes.append(f"[{order}] {type(error).__name__}: {error}")
            continue
        if result.changes and all(result.schema != v.schema for v in variants):
            variants.append(Variant(order, result.schema, result.changes))
    if variants:
        compare(case, variants, examples, seconds, near_misses, outcome)
    return outcome


def compare(
    case: Case,
    variants: list[Variant],
    examples: int,
    seconds: float,
    near_misses: int,
    outcome: Outcome,
) -> None:
    """Add to ``outcome`` what comparing ``case.schema`` with its ``variants`` finds."""
    outcome.rewritten = True
    original = _validator(case.schema)
    if original is None or (
        case.labelled and all(_verdict(original, i).startswith("error") for i in case.labelled)
    ):
        outcome.skipped = "jsonschema cannot use the original"
        return

    sources = {_key(case.schema): ("original", case.schema)}
    for variant in variants:  # a reordering alone generates nothing new
        sources.setdefault(_key(variant.schema), (f"{variant.field_order} rewrite", variant.schema))
    generated, failures = generate_apart(list(sources.values()), examples, seconds)
    outcome.generation_failures += failures
    outcome.generated = len(_distinct(x for pool in generated.values() for x in pool))
    pools = {"labelled": list(case.labelled)} | generated
    instances = _instances(pools, near_misses, random.Random(zlib.crc32(case.source.encode())))

    deadline = time.process_time() + seconds
    before: dict[int, str] = {}
    for variant in variants:
        rewritten = _validator(variant.schema)
        kept = 0
        for index, (origin, instance) in enumerate(instances):
            if time.process_time() > deadline:
                outcome.timed_out = True
                return
            if index not in before:
                before[index] = _verdict(original, instance)
            after = _verdict(rewritten, instance)
            outcome.instances += 1
            if before[index] == after:
                continue
            outcome.divergent += 1
            if kept < KEPT_PER_VARIANT:
                kept += 1
                rewrites = tuple(dict.fromkeys(change.rewrite for change in variant.changes))
                found = Divergence(
                    case.source, variant.field_order, rewrites, "", origin, instance, "", ""
                )
                outcome.divergences.append(_explain(found, case.schema, variant, deadline))


def generate_apart(
    sources: list[tuple[str, Any]], examples: int, seconds: float
) -> tuple[dict[str, list[Any]], list[str]]:
    """Instances generated from each named schema (``generated from <name>``), and why
    generation stopped early, sharing ``seconds`` of CPU time.

    In a forked child, where fork exists: the budget interrupts Hypothesis wherever it is, which
    can leave its caches half-updated (every later draw then fails, with a KeyError); the
    child and whatever it broke go away. The child sends each schema's instances as it
    finishes them, and the parent kills it if C code (a regular expression) holds it past a
    generous wall-clock backstop.
    """
    if not hasattr(os, "fork"):
        return _generate_each(sources, examples, seconds, lambda item: None)
    prepared_from_schema()  # in the parent, once: every child starts warm
    reader, writer = multiprocessing.Pipe(duplex=False)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child leaves by os._exit)
        status = 1
        try:
            reader.close()
            _generate_each(sources, examples, seconds, writer.send)
            status = 0
        finally:
            os._exit(status)
    writer.close()
    generated: dict[str, list[Any]] = {}
    failures: list[str] = []
    backstop = time.monotonic() + BACKSTOP_SECONDS + 20 * seconds
    try:
        while len(generated) < len(sources):
            if not reader.poll(max(0.0, backstop - time.monotonic())):
                failures.append("killed at the wall-clock backstop")
                break
            try:
                name, found, failure = reader.recv()
            except EOFError:
                failures.append("the generating process died")
                break
            generated[name] = found
            if failure:
                failures.append(failure)
    finally:
        reader.close()
        if len(generated) < len(sources):
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    return generated, failures


def _generate_each(
    sources: list[tuple[str, Any]],
    examples: int,
    seconds: float,
    send: Callable[[tuple[str, list[Any], str | None]], None],
) -> tuple[dict[str, list[Any]], list[str]]:
    generated: dict[str, list[Any]] = {}
    failures: list[str] = []
    started = time.process_time()
    for index, (name, schema) in enumerate(sources):
        share = (started + seconds - time.process_time()) / (len(sources) - index)
        found, failure = generate(schema, examples, share)
        generated[f"generated from {name}"] = found
        if failure:
            failures.append(failure)
        send((f"generated from {name}", found, failure))
    return generated, failures


def generate(schema: Any, examples: int, seconds: float) -> tuple[list[Any], str | None]:
    """Up to ``examples`` instances from hypothesis-jsonschema, and why it stopped early.

    Deterministic (``derandomize``) and without a database, so runs repeat; what was drawn
    before a failure or the budget's end is kept.
    """
    from hypothesis import given
    from hypothesis.errors import HypothesisWarning

    from_schema = prepared_from_schema()
    found: list[Any] = []
    if examples < 1:
        return found, None
    if seconds <= 0:
        return found, "out of time"
    limits = _hypothesis_settings(examples)
    try:
        with warnings.catch_warnings(), _hard_limit(seconds):
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", HypothesisWarning)
            # Inside the limit: from_schema canonicalises the schema (in place) right away.
            strategy = from_schema(copy.deepcopy(schema))

            @limits
            @given(strategy)
            def collect(instance: Any) -> None:
                found.append(instance)

            collect()
    except _OutOfTime:
        return found, "out of time"
    except Exception as error:  # InvalidArgument, Unsatisfiable, unresolvable refs, ...
        return found, type(error).__name__
    return found, None


def _hypothesis_settings(examples: int) -> HypothesisSettings:
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )


@functools.cache
def prepared_from_schema() -> Callable[[Any], Any]:
    """hypothesis-jsonschema's ``from_schema``, made to work with current Hypothesis.

    hypothesis-jsonschema 0.23.1 (the latest) draws an object's keys with
    ``many(...).more()``, a private Hypothesis helper that later Hypothesis releases replaced by
    ``with many(...) as elements: for _ in elements``; without this shim every schema that
    allows an object fails with ``AttributeError: 'many' object has no attribute 'more'``.
    The shim gives that one module a ``many`` with ``more()`` built on the new protocol.
    """
    from types import SimpleNamespace

    from hypothesis.internal.conjecture import utils
    from hypothesis_jsonschema import _from_schema, from_schema

    module: Any = _from_schema
    if not hasattr(utils.many, "more") and module.cu is utils:

        class LegacyMany(utils.many):
            steps: Iterator[None] | None = None

            def more(self) -> bool:
                if self.steps is None:
                    self.__enter__()
                    self.steps = iter(self)
                return next(self.steps, False) is None

        module.cu = SimpleNamespace(many=LegacyMany)
    # Warm up outside any budget: the first draw sets up Hypothesis's character tables and
    # hypothesis-jsonschema's strategies, seconds of CPU that would starve the first schema.
    from hypothesis import given

    _hypothesis_settings(5)(given(from_schema({}))(lambda instance: None))()
    return from_schema


def near_misses(instance: Any) -> Iterator[Any]:
    """Instances one small step away from ``instance``, at the root and at each of its
    first nodes (breadth first)."""
    for path, value in _nodes(instance):
        for other in _mutations(value):
            yield _replaced(instance, path, other)
        if isinstance(value, dict):
            for key in list(value)[:6]:
                yield _replaced(instance, path, {k: v for k, v in value.items() if k != key})
            yield _replaced(instance, path, {**value, UNKNOWN_KEY: "x"})
            yield _replaced(instance, path, {**value, UNKNOWN_KEY: {}})


def _mutations(value: Any) -> Iterator[Any]:
    """Other values for one node: another type, a neighbouring number, a shorter or longer
    string or array."""
    if isinstance(value, bool):
        yield not value
        yield int(value)
    elif isinstance(value, int):
        yield float(value)
        yield value + 0.5
        yield value + 1
        yield -value - 1
    elif isinstance(value, float):
        if value.is_integer():
            yield int(value)
        yield value + 0.5
    elif isinstance(value, str):
        yield value + "x"
        yield value[: len(value) // 2]
    elif isinstance(value, list):
        if value:
            yield value + value[-1:]
            yield value[1:]
        yield [*value, None]
    for other in OTHER_VALUES:
        if type(other) is not type(value) or other != value:
            yield other


def _nodes(instance: Any, limit: int = 40) -> Iterator[tuple[tuple[Any, ...], Any]]:
    queue: list[tuple[tuple[Any, ...], Any]] = [((), instance)]
    for path, value in queue:
        yield path, value
        if len(queue) >= limit:
            continue
        if isinstance(value, dict):
            queue.extend(((*path, key), child) for key, child in value.items())
        elif isinstance(value, list):
            queue.extend(((*path, index), child) for index, child in enumerate(value))


def _replaced(instance: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(instance, dict):
        return {**instance, head: _replaced(instance[head], rest, value)}
    copy = list(instance)
    copy[head] = _replaced(instance[head], rest, value)
    return copy


def _instances(
    pools: dict[str, list[Any]], per_instance: int, rng: random.Random
) -> list[tuple[str, Any]]:
    """Every pooled instance, then up to ``per_instance`` near-misses of each, without repeats
    (a near-miss keeps the origin of what it was made from)."""
    chosen: dict[str, tuple[str, Any]] = {}
    for origin, pool in pools.items():
        for instance in pool:
            chosen.setdefault(_key(instance), (origin, instance))
    bases = list(chosen.values())
    for origin, instance in bases:
        mutants = list(near_misses(instance))
        if len(mutants) > per_instance:
            mutants = rng.sample(mutants, per_instance)
        for mutant in mutants:
            chosen.setdefault(_key(mutant), (f"near-miss of {origin}", mutant))
    return list(chosen.values())


def _distinct(instances: Iterator[Any]) -> list[Any]:
    return list({_key(instance): instance for instance in instances}.values())


def _key(instance: Any) -> str:
    """Tells ``1`` from ``1.0`` and ``true`` (JSON Schema does not always)."""
    return json.dumps(instance, sort_keys=True)


def _validator(schema: Any) -> Any:
    """The declared dialect's validator, or None when jsonschema cannot build one. An empty
    registry: a remote ``$ref`` fails here rather than fetching over the network."""
    try:
        return validator_class_for(schema)(schema, registry=Registry())
    except Exception:
        return None


def _verdict(validator: Any, instance: Any) -> str:
    if validator is None:
        return "error: no validator"
    try:
        return "valid" if validator.is_valid(instance) else "invalid"
    except Exception as error:
        return f"error: {type(error).__name__}"


def _explain(found: Divergence, original: Any, variant: Variant, deadline: float) -> Divergence:
    """``found`` with its verdicts, its instance shrunk, and the change that causes it named."""
    validators = _validator(original), _validator(variant.schema)

    def differs(candidate: Any) -> bool:
        return _verdict(validators[0], candidate) != _verdict(validators[1], candidate)

    small = _shrink(found.instance, differs, deadline)
    before = _verdict(validators[0], small)
    culprit, current = "unattributed", original
    for change in variant.changes:
        current = apply(current, change.operations)
        if _verdict(_validator(current), small) != before:
            culprit = change.rewrite
            break
    return replace(
        found, culprit=culprit, instance=small, before=before, after=_verdict(validators[1], small)
    )


def _shrink(instance: Any, keeps: Callable[[Any], bool], deadline: float) -> Any:
    """Greedily take simpler candidates while ``keeps`` holds, within a budget of steps (and
    of CPU time: ``deadline``)."""
    current, steps = instance, 0
    while steps < SHRINK_STEPS and time.process_time() < deadline:
        for candidate in _simpler(current):
            steps += 1
            if _size(candidate) < _size(current) and keeps(candidate):
                current = candidate
                break
            if steps >= SHRINK_STEPS:
                break
        else:
            break
    return current


def _simpler(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
        for key in value:
            for name in ("", "a"):
                if name not in value:
                    yield {(name if k == key else k): v for k, v in value.items()}
        for key, child in value.items():
            for smaller in _simpler(child):
                yield {**value, key: smaller}
    elif isinstance(value, list):
        for index in range(len(value)):
            yield value[:index] + value[index + 1 :]
        for index, child in enumerate(value):
            for smaller in _simpler(child):
                yield [*value[:index], smaller, *value[index + 1 :]]
    elif isinstance(value, str):
        yield ""
        yield "a"
        yield value[: len(value) // 2]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield 0
        if isinstance(value, float) and value.is_integer():
            yield int(value)


def _size(value: Any) -> tuple[int, int]:
    text = _key(value)
    return len(text), sum(text.count(c) for c in "{[,")


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def _hard_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of this process's CPU time (SIGPROF; off the main
    thread, no limit). CPU time, not wall time: on a busy machine a schema still gets its
    share of work, and a run finds the same things however loaded the machine is."""
    if seconds <= 0:
        raise _OutOfTime
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True

    def stop(signum: int, frame: Any) -> None:
        if armed:
            raise _OutOfTime

    def unraisable(info: Any) -> None:  # the alarm can land in a callback Python ignores
        if not isinstance(info.exc_value, _OutOfTime):
            hook(info)

    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    previous = signal.signal(signal.SIGPROF, stop)
    # Repeating: an exception raised where Python ignores it (a weakref callback) is lost.
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.05)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        sys.unraisablehook = hook
