"""The engines on the same walks: the samples' table, the probe against a bare loop of each
engine's own API, and the Glaive spread.

    python benchmarks/engines.py [--budget 60] [--step-budget 10] [--compile-budget 10]
        [--engines all]
        [--rounds 24] [--blocks 3] [--bare-cap 6]
        [--corpus ../shared/corpus/Glaiveai2K --every K --limit N --minutes M] [--out FILE]
        [--doc FILE]
        [--render | --keep-corpus]

Part 1 walks the first instance of each sample (``samples/instances/<stem>.jsonl``) through
every engine with ``ComparingProber`` — exactly what ``schemalint check --measure --engine
all --instance ...`` does — and tabulates compile time, median / p95 / worst step and the
outcome. LMFE's slow cases stop at the step budget and are reported as "≥ budget".

Then, for each sample and engine whose compile and walk took at most ``--bare-cap`` seconds, the
probe's walk (one ``Prober``/``EngineProber`` per engine, whose worker serves every round as
``check --measure``'s serves every walk) alternates with a bare loop of the engine's own API
over the same token ids in a forked process of its own, kept for the rounds as the probe's
worker is (the schema compiled and a fresh matcher each round, as the worker does for each walk,
its mask call into a buffer allocated right after the matcher, timed like the worker's: wall and
CPU time, a pre-empted step at its CPU time), one warm-up round and ``--rounds`` measured ones,
all on one CPU. A second bare loop, the control, takes the probe's place in every round (the
probe and the control swap ends round by round, the bare loop between them): control / bare is
what noise alone makes of the ratio. Each step's time is its fastest round (and, shown apart,
its median round); the ratio probe / bare of the median step and of the worst step is what the
probe adds to the engine (goal: at most 1.3), shown with its spread over ``--blocks`` disjoint
sets of the rounds (round n in set n mod blocks).

Part 2 (``--corpus``) runs every K-th Glaive schema the same way (generated instance, one
random walk) and records each engine's worst step, whether it was correct, and any crash (an
exception escaping ``check_data``).

Writes JSON (default benchmarks/results/engines.json) and Markdown (default docs/engines.md);
``--render`` only rewrites the Markdown from the saved JSON; ``--keep-corpus`` reruns part 1
and keeps part 2 from the saved JSON.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.engine import check_data, check_file
from schemalint.engines import load_engine, parse_engines
from schemalint.engines.lmfe import build_enforcer, problem_log
from schemalint.lmfe import EnforcerConfig, detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure.compare import (
    ComparingProber,
    Comparison,
    EngineProber,
    EngineRun,
    worst_label,
)
from schemalint.measure.probe import MeasureSettings, Prober, percentile
from schemalint.measure.walk import Step, timed_ms
from schemalint.rewriting.engine import unsafe_rewrite

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
SHAPES = {
    "function_calling_seed.json": "seed, 6 tools, per-call reason",
    "pathological/reason_maxlength_one_branch.json": "one tool's reason with maxLength",
    "pathological/pattern_strings.json": "strings with pattern",
    "pathological/enum_or_free_string.json": "anyOf [string enum, free string]",
    "pathological/free_dict.json": "free dict (additionalProperties: true)",
}


def first_instance(sample: str, folder: Path) -> Path:
    """A one-line instances file holding the sample's first instance."""
    stem = Path(sample).stem
    line = (SAMPLES / "instances" / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()[0]
    path = folder / f"{stem}.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    return path


def run_row(run: EngineRun) -> dict[str, Any]:
    times = run.step_ms()
    return {
        "engine": run.name,
        "version": run.version,
        "skipped": run.skipped,
        "compile_ms": None if run.compile_seconds is None else run.compile_seconds * 1000,
        "median_ms": statistics.median(times) if times else None,
        "p95_ms": percentile(times, 95) if times else None,
        "worst": worst_label(run),
        "worst_ms": run.worst_ms,
        "correct": run.correct,
        "rejects_schema": bool(run.compile_error),
        "dead_ends": 0 if run.compile_error else len(run.dead_end_walks()),
        "invalid_output": len(run.invalid_output_walks()),
        "compile_warnings": list(run.compile_warnings),
        "over_budget": len(run.over_budget()),
        "problem": ([run.compile_error] if run.compile_error else [])
        + run.dead_ends()
        + run.over_budget()
        + run.accepted_invalid()
        + list(run.compile_warnings),
    }


def samples(
    arguments: argparse.Namespace, engines: list[str], folder: Path
) -> list[dict[str, Any]]:
    rows = []
    loops = BareLoops(engines, arguments)
    for sample, shape in SHAPES.items():
        instances = first_instance(sample, folder)
        settings = MeasureSettings(
            budget=arguments.budget,
            step_budget=arguments.step_budget,
            compile_budget=arguments.compile_budget,
            instances=instances,
            random_walks=0,
        )
        prober = ComparingProber(settings, engines, rewrite=unsafe_rewrite)
        prober.prepare()
        started = time.perf_counter()
        report = check_file(SAMPLES / sample, Settings(), prober)
        comparison = report.measurement.engines if report.measurement else None
        assert comparison is not None
        seconds = time.perf_counter() - started
        instance = json.loads(instances.read_text(encoding="utf-8"))
        rows.append(
            {
                "sample": sample,
                "shape": shape,
                "seconds": seconds,
                "engines": [run_row(run) for run in comparison.runs],
                "recommendation": comparison.recommendation(),
                "bare": {run.name: loops.compare(sample, instance, run) for run in comparison.runs},
            }
        )
        print(f"{sample}: {comparison.recommendation()}", flush=True)
        print(f"  probe / bare: {json.dumps(rows[-1]['bare'])}", flush=True)
    return rows


# --- the probe against a bare loop of the engine's own API ---------------------------------

Generation = tuple[Callable[[], object], Callable[[int], object], object]
"""A fresh generation: its mask call, its advance, and the buffer the mask call writes (held
here while the generation runs: the call may hold only its address). The buffer is allocated
right after the matcher, as the engines' documentation and the probe's adapters do (a buffer
written just before step 0 is in the cache)."""

Start = Callable[[], Generation]


def bare_start(name: str, prepared: Any, schema: Any) -> Start:
    """A fresh generation with engine ``name``'s own API, as its documentation shows: the schema
    compiled, then a matcher, every round, as the walk's worker does for every walk (a step
    right after a compile finds the caches cold, in both)."""
    if name == "lmfe":
        eos = prepared.eos_token_id

        def lmfe() -> Generation:
            enforcer = build_enforcer(prepared, schema, EnforcerConfig())
            sequence = [eos[0] if isinstance(eos, list) else eos]
            fill = functools.partial(enforcer.get_allowed_tokens, sequence)
            return fill, sequence.append, sequence

        return lmfe
    if name == "xgrammar":
        import xgrammar

        def xgrammar_() -> Generation:
            compiler = xgrammar.GrammarCompiler(prepared, max_threads=1, cache_enabled=False)
            grammar = compiler.compile_json_schema(json.dumps(schema))
            matcher = xgrammar.GrammarMatcher(grammar)
            bitmask = xgrammar.allocate_token_bitmask(1, prepared.vocab_size)
            fill = functools.partial(matcher.fill_next_token_bitmask, bitmask)
            return fill, matcher.accept_token, bitmask

        return xgrammar_
    if name == "llguidance":
        import llguidance
        import llguidance.numpy

        def llguidance_() -> Generation:
            compiled = llguidance.LLMatcher.grammar_from_json_schema(schema)
            matcher = llguidance.LLMatcher(prepared, compiled, log_level=0)
            words = llguidance.numpy.allocate_token_bitmask(1, prepared.vocab_size)
            mask_into = matcher.unsafe_compute_mask_ptr
            fill = functools.partial(mask_into, words.ctypes.data, words.nbytes)
            return fill, matcher.consume_token, words

        return llguidance_
    import numpy
    import outlines_core
    from outlines_core.json_schema import build_regex_from_schema

    vocabulary, vocab_size = prepared

    def outlines() -> Generation:
        index = outlines_core.Index(build_regex_from_schema(json.dumps(schema)), vocabulary)
        guide = outlines_core.Guide(index)
        buffer = numpy.zeros((vocab_size + 31) // 32, dtype=numpy.int32)
        fill = functools.partial(guide.write_mask_into, buffer.ctypes.data, buffer.size, 4)
        return fill, functools.partial(guide.advance, return_tokens=False), buffer

    return outlines


def bare_loop(start: Start, tokens: list[int | None]) -> list[tuple[float, float]]:
    """One generation along ``tokens`` (None: the last step, nothing to advance by), each mask
    call timed as the walk's worker times it (wall and CPU time), and nothing else in the loop."""
    fill, advance, _written = start()
    timed = []
    for token in tokens:
        cpu = time.process_time()
        started = time.perf_counter()
        fill()
        seconds = time.perf_counter() - started
        timed.append((seconds, time.process_time() - cpu))
        if token is not None:
            advance(token)
    return timed


def _serve_bare(jobs: Connection, start: Start, reset: Callable[[], None]) -> None:
    """A bare loop's process: one generation per job received, until the caller closes."""
    while True:
        try:
            tokens = jobs.recv()
        except EOFError:
            return
        reset()
        gc.freeze()  # as the probe's worker does before each walk
        jobs.send(bare_loop(start, tokens))


class BareWorker:
    """A bare loop in a forked process of its own, kept for one comparison's rounds, as the
    probe's worker is kept for its walks. A step of a microsecond depends on the process it
    runs in (its memory layout, what ran in it before): in the benchmark's own process the same
    loop ran 0.9 µs steps, in smaller processes 1.0-1.3 µs. Forked from the same process as the
    probe's worker, the bare loop differs from the probe only by what the probe does."""

    def __init__(self, start: Start, reset: Callable[[], None]) -> None:
        context: Any = multiprocessing.get_context("fork")
        self._jobs, jobs = context.Pipe()
        self._process = context.Process(target=_serve_bare, args=(jobs, start, reset), daemon=True)
        self._process.start()
        jobs.close()

    def walk(self, tokens: list[int | None]) -> list[Step]:
        self._jobs.send(tokens)
        timed = self._jobs.recv()
        pairs = zip(tokens, timed, strict=True)
        return [Step(0, token, 0, 0, wall, True, cpu) for token, (wall, cpu) in pairs]

    def close(self) -> None:
        self._jobs.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


class BareLoops:
    """One prepared prober per engine (tokenizer data of its own, so LMFE's bare loop never
    fills the cache the comparison's walks start from), and the rounds of probe against bare."""

    def __init__(self, engines: list[str], arguments: argparse.Namespace) -> None:
        self.rounds, self.cap, self.blocks = arguments.rounds, arguments.bare_cap, arguments.blocks
        # LMFE logs its failure from inside the timed call: the worker keeps the message (the
        # handler its adapter installs), so the bare loop must too, or its step formats a
        # traceback onto stderr (0.3 ms on the free dict's last step) that the probe's does not.
        problem_log()
        settings = MeasureSettings(
            budget=600.0,
            step_budget=arguments.step_budget,
            compile_budget=arguments.compile_budget,
            random_walks=0,
        )
        self.probers: dict[str, Prober] = {}
        for name in engines:
            prober = (
                Prober(settings) if name == "lmfe" else EngineProber(settings, load_engine(name))
            )
            try:
                prober.prepare()
            except Exception:  # not installed: the comparison reports it skipped
                continue
            self.probers[name] = prober

    def compare(self, sample: str, instance: Any, run: EngineRun) -> dict[str, Any]:
        walks = (
            [w for w in run.measurement.walks if w.kind == "instance"] if run.measurement else []
        )
        if run.skipped or run.name not in self.probers or not walks or not walks[0].steps:
            return {"skipped": "not measured"}
        if walks[0].outcome in ("step-budget", "walk-budget"):
            return {"skipped": "over budget"}
        if walks[0].seconds + (walks[0].compile_seconds or 0.0) > self.cap:
            return {"skipped": f"compile and walk over {self.cap:g} s: too slow to repeat"}
        data = json.loads((SAMPLES / sample).read_text(encoding="utf-8"))
        analysis = analyse(normalise(data).schema, detect_settings())
        prober = self.probers[run.name]
        prober.fixed_instances = [("first", instance)]
        start = bare_start(run.name, prober._data, analysis.schema)
        tokens = [s.step.token for s in walks[0].steps]
        workers = {side: BareWorker(start, self._reset(run.name)) for side in SIDES[1:]}
        kept: list[Round] = []
        try:
            for number in range(self.rounds + 1):  # round 0 warms up; probe, control swap ends
                timed: dict[str, list[Step]] = {}
                for side in SIDES if number % 2 else SIDES[::-1]:
                    if side != "probe":
                        timed[side] = workers[side].walk(tokens)
                        continue
                    walk = prober.measure(analysis).walks[0]
                    if walk.outcome != walks[0].outcome or len(walk.steps) != len(tokens):
                        return {"skipped": f"a repeated walk ended otherwise: {walk.detail}"}
                    timed[side] = [s.step for s in walk.steps]
                if number:
                    kept.append(tuple(timed[side] for side in SIDES))
        finally:
            for worker in workers.values():
                worker.close()
        return summary(kept, self.blocks) | {"steps": len(tokens), "rounds": self.rounds}

    def _reset(self, name: str) -> Callable[[], None]:
        """What a bare loop's process does before each generation: LMFE fills its free-text
        allowlist cache as it walks, and each walk of the probe's worker starts from an empty
        one."""
        if name != "lmfe":
            return lambda: None
        cache = self.probers[name]._data.tokenizer_tree.json_freetext_tokens

        def empty() -> None:
            cache.allowlist_cache = {}

        return empty


SIDES = ("probe", "bare", "control")
"""A round's order (reversed every other round): the bare loop stays between the probe and the
control, a second bare loop, so the control sits where the probe sits."""

Round = tuple[list[Step], ...]
"""One round's steps, a list per side in :data:`SIDES`' order."""


def fastest(rounds: list[Round], side: int) -> list[float]:
    """Each step's fastest round (ms) on one side."""
    return [min(step) for step in zip(*(timed_ms(r[side]) for r in rounds), strict=True)]


def ratios(rounds: list[Round], side: int) -> tuple[float, float]:
    """``side`` / bare of the median step and of the worst step, each step at its fastest."""
    over, bare = fastest(rounds, side), fastest(rounds, 1)
    return statistics.median(over) / statistics.median(bare), max(over) / max(bare)


def summary(rounds: list[Round], blocks: int = 1) -> dict[str, Any]:
    """Each side's time per step over the rounds, two ways: the median (what a round typically
    costs) and the minimum (what the code costs: another process on the machine only ever adds
    time, so the fastest round is the least disturbed, as ``timeit`` takes it); then the median
    step and the worst step of those, probe / bare, control / bare (noise alone), and the
    spread of probe / bare over ``blocks`` disjoint sets of the rounds."""
    row: dict[str, Any] = {}
    for index, side in enumerate(SIDES):
        times = [timed_ms(steps[index]) for steps in rounds]
        for kind, pick in (("", statistics.median), ("min_", min)):
            per_step = [pick(step) for step in zip(*times, strict=True)]
            row[f"{side}_{kind}steps_ms"] = per_step
            row[f"{side}_{kind}median_ms"] = statistics.median(per_step)
            row[f"{side}_{kind}worst_ms"] = max(per_step)
        row[f"{side}_preempted"] = sum(s.preempted for steps in rounds for s in steps[index])
    for kind in ("", "min_"):
        row[f"{kind}median_ratio"] = row[f"probe_{kind}median_ms"] / row[f"bare_{kind}median_ms"]
        row[f"{kind}worst_ratio"] = row[f"probe_{kind}worst_ms"] / row[f"bare_{kind}worst_ms"]
    row["control_min_median_ratio"], row["control_min_worst_ratio"] = ratios(rounds, 2)
    parts = [ratios(rounds[block::blocks], 0) for block in range(blocks) if rounds[block::blocks]]
    for position, name in enumerate(("min_median_ratio", "min_worst_ratio")):
        row[f"spread_{name}"] = [min(p[position] for p in parts), max(p[position] for p in parts)]
    row["blocks"] = len(parts)
    return row


def corpus(arguments: argparse.Namespace, engines: list[str]) -> dict[str, Any]:
    files = sorted(Path(arguments.corpus).glob("*.json"))[:: arguments.every][: arguments.limit]
    settings = MeasureSettings(
        budget=arguments.corpus_budget, step_budget=arguments.step_budget, random_walks=1
    )
    prober = ComparingProber(settings, engines, rewrite=unsafe_rewrite)
    prober.prepare()
    results, crashes = [], []
    deadline = time.perf_counter() + arguments.minutes * 60
    for path in files:
        if time.perf_counter() > deadline:
            break
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
            report = check_data(schema, Settings(), str(path.name), prober)
        except Exception:
            crashes.append({"file": path.name, "traceback": traceback.format_exc()})
            continue
        internal = [f.message for f in report.findings if "internal error in rule" in f.message]
        if internal:  # a rule that raised: reported as a finding, but a crash all the same
            crashes.append({"file": path.name, "traceback": internal[0]})
        comparison: Comparison | None = report.measurement.engines if report.measurement else None
        if comparison is None:
            crashes.append({"file": path.name, "traceback": "no measurement"})
            continue
        results.append({"file": path.name, "engines": [run_row(r) for r in comparison.runs]})
    return {
        "files": len(files),
        "results": results,
        "crashes": crashes,
        "minutes": round((time.perf_counter() - deadline) / 60 + arguments.minutes, 1),
    }


def corpus_summary(found: dict[str, Any], engines: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in engines:
        runs = [e for r in found["results"] for e in r["engines"] if e["engine"] == name]
        worst = [e["worst_ms"] for e in runs if e["worst_ms"] is not None]
        if not worst:
            rows.append({"engine": name, "schemas": 0})
            continue
        rows.append(
            {
                "engine": name,
                "schemas": len(runs),
                "correct": sum(1 for e in runs if e["correct"]),
                "worst_median_ms": statistics.median(worst),
                "worst_p95_ms": percentile(worst, 95),
                "worst_max_ms": max(worst),
                "over_10ms": sum(1 for w in worst if w >= 10),
                "rejects_schema": sum(1 for e in runs if e.get("rejects_schema")),
                "dead_ends": sum(1 for e in runs if e.get("dead_ends")),
                "ignores_keyword": sum(
                    1 for e in runs if e.get("invalid_output") or e.get("compile_warnings")
                ),
                "over_budget": sum(1 for e in runs if e.get("over_budget")),
            }
        )
    return rows


def number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def bare_cell(found: dict[str, Any] | None, kind: str) -> str:
    if not found or "median_ratio" not in found:
        return f"- ({found['skipped']})" if found and "skipped" in found else "-"
    cells = []
    for step in ("median", "worst"):
        spread = found.get(f"spread_{kind}{step}_ratio")
        shown = f" ({spread[0]:.2f}-{spread[1]:.2f})" if spread else ""
        cells.append(
            f"{number(found[f'probe_{kind}{step}_ms'], 4)} / "
            f"{number(found[f'bare_{kind}{step}_ms'], 4)} = "
            f"**{found[f'{kind}{step}_ratio']:.2f}**{shown}"
        )
    return f"{cells[0]}; worst {cells[1]}"


def largest(rows: list[dict[str, Any]], name: str, keys: tuple[str, str]) -> tuple[float, float]:
    """The largest of two ratios over the samples measured for engine ``name``."""
    found = [r["bare"][name] for r in rows if keys[0] in r["bare"].get(name, {})]
    return max(f[keys[0]] for f in found), max(f[keys[1]] for f in found)


def bare_table(results: dict[str, Any]) -> list[str]:
    """The probe against a bare loop of each engine's API, per sample, and the largest ratios:
    each step at its fastest round, then at its median round."""
    engines, rows = results["engines"], results["samples"]
    rounds = next((f["rounds"] for r in rows for f in r["bare"].values() if "rounds" in f), 0)
    lines = [
        "",
        "The probe against a bare loop of each engine's own API over the same token ids, in "
        f"the same run ({rounds} rounds after a warm-up round). The bare loop runs in a "
        "forked process of its own, kept for the rounds as the probe's worker is kept for its "
        "walks (a microsecond step depends on the process it runs in), and allocates its mask "
        "buffer right after its matcher, as the engines' documentation and the probe do. A "
        "second bare loop, the "
        "control, takes the probe's place in each round (probe and control swap ends every "
        "round, the bare loop between them), so control / bare is what noise alone does to "
        "the ratio. The process and its workers run on one CPU (a pre-empted step timed by "
        "its CPU time). Each step's time is its fastest round (another process on the machine "
        "only adds time, so the fastest round is the least disturbed, as `timeit` takes it); "
        "the median round follows below. Median step and worst step in ms, probe / bare = "
        "ratio (goal ≤ 1.3), in brackets its range over "
        f"{next((f['blocks'] for r in rows for f in r['bare'].values() if 'blocks' in f), 1)} "
        "disjoint sets of the rounds (round n in set n mod sets). Walks over the step budget, "
        f"or whose compile and walk took over {results.get('bare_cap', 3):g} s, are not "
        "repeated:",
    ]
    for kind, title in (("min_", "fastest round"), ("", "median round")):
        if not any(f"{kind}median_ratio" in f for r in rows for f in r["bare"].values()):
            continue
        lines += [
            "",
            f"Each step at its {title}:",
            "",
            "| schema shape | " + " | ".join(engines) + " |",
            "|---|" + "---|" * len(engines),
        ]
        for row in rows:
            cells = [bare_cell(row["bare"].get(name), kind) for name in engines]
            lines.append(f"| {row['shape']} | " + " | ".join(cells) + " |")
        measured = [n for n in engines if any("median_ratio" in r["bare"].get(n, {}) for r in rows)]
        found = {
            n: largest(rows, n, (f"{kind}median_ratio", f"{kind}worst_ratio")) for n in measured
        }
        shown = ", ".join(f"{n} **{m:.2f}** / **{w:.2f}**" for n, (m, w) in found.items())
        lines += ["", f"Largest ratio of any sample, median step / worst step ({title}): {shown}."]
        if kind != "min_":
            continue
        met = all(max(pair) <= 1.3 for pair in found.values())
        keys = ("control_min_median_ratio", "control_min_worst_ratio")
        controls = {
            n: largest(rows, n, keys)
            for n in measured
            if any(keys[0] in r["bare"].get(n, {}) for r in rows)
        }
        noise = ", ".join(f"{n} {m:.2f} / {w:.2f}" for n, (m, w) in controls.items())
        lines += [
            "",
            f"Goal (≤ 1.3 on both, every engine and sample, in this run): "
            f"**{'met' if met else 'not met'}**. Control / bare, largest of any sample (noise "
            f"alone): {noise}.",
        ]
    return lines


def _picked(every: int) -> str:
    return "Every schema" if every == 1 else f"Every {every}th schema"


def markdown(results: dict[str, Any]) -> str:
    engines = results["engines"]
    lines = [
        "# Engines compared on the same walks",
        "",
        "Generated by `python benchmarks/engines.py` "
        f"({results['machine']}, Mistral v1 tokenizer, 32,000 tokens; budget "
        f"{results['budget']:g} s per engine, step budget {results['step_budget']:g} s, "
        f"compile budget {results.get('compile_budget', 10):g} s). "
        "Each row walks the sample's first instance (`samples/instances/`) token by token; "
        "what `schemalint check --measure --engine all --instance FILE` prints. Machine noise "
        "is up to ~1.6x between runs.",
        "",
        "A step's time is the engine's own mask call and nothing else (xgrammar "
        "`fill_next_token_bitmask`, llguidance `unsafe_compute_mask_ptr`, outlines-core "
        "`write_mask_into`, each into a buffer allocated once per matcher; LMFE "
        "`get_allowed_tokens`), after one untimed warm-up per worker on a throwaway grammar. "
        "A step whose wall time exceeds its CPU time by more than 0.2 ms was pre-empted (the "
        "machine ran something else): it counts at its CPU time, so it is never the worst step "
        "for the time it waited.",
        "",
        "Worst step per engine (compile time in brackets; `≥` = abandoned at the step budget):",
        "",
        "| schema shape | " + " | ".join(engines) + " |",
        "|---|" + "---|" * len(engines),
    ]
    for row in results["samples"]:
        cells = []
        for run in row["engines"]:
            if run["skipped"]:
                cells.append("skipped")
                continue
            cell = run["worst"]
            if run["compile_ms"] is not None:
                cell += f" (compile {number(run['compile_ms'], 1)} ms)"
            if not run["correct"]:
                cell += " — " + (run["problem"][0] if run["problem"] else "incorrect")
            cells.append(cell.replace("|", "\\|"))
        lines.append(f"| {row['shape']} (`{row['sample']}`) | " + " | ".join(cells) + " |")
    lines += ["", "Median / p95 step (ms):", "", "| schema shape | " + " | ".join(engines) + " |"]
    lines.append("|---|" + "---|" * len(engines))
    for row in results["samples"]:
        cells = [
            "skipped" if r["skipped"] else f"{number(r['median_ms'], 3)} / {number(r['p95_ms'], 3)}"
            for r in row["engines"]
        ]
        lines.append(f"| {row['shape']} | " + " | ".join(cells) + " |")
    if any("bare" in row for row in results["samples"]):
        lines += bare_table(results)
    lines += ["", "Recommendations printed:", ""]
    lines += [f"- `{row['sample']}`: {row['recommendation']}" for row in results["samples"]]
    lines += [
        "",
        "How to read it: engines enforce slightly different grammars (xgrammar, llguidance and "
        "outlines-core keep the schema's key order; LMFE allows any order unless "
        "`LMFE_STRICT_JSON_FIELD_ORDER`), and each engine walks the instance tokenized as a "
        "continuation, with its own defaults otherwise. Compile time is paid once per schema "
        "when the engine caches compiled grammars; a compile past the step budget plus the "
        "compile budget is "
        "reported as over budget. A rejected instance is a valid document the engine could "
        "not write: a correctness bug, whatever the speed. `check --measure --engine` reports "
        "each of these per engine as a finding: SM501 (refuses the schema), SM502 (cannot "
        "write a valid instance), SM503 (ignores a keyword: says so when compiling, or lets "
        "invalid output through), SM504 (compile or step over budget), and SM505 when another "
        "engine is correct where LMFE fails or is slow.",
    ]
    found = results.get("corpus")
    if found:
        lines += [
            "",
            f"## Glaive corpus ({len(found['results'])} schemas measured of {found['files']} "
            f"picked, {len(found['crashes'])} crashes)",
            "",
            f"{_picked(results.get('every', 1))} of ../shared/corpus/Glaiveai2K, in name "
            f"order, for {found.get('minutes', '?')} minutes of wall time (budget "
            f"{results.get('corpus_budget', 5):g} s per engine and schema). A crash is an "
            "exception escaping `check_data` or a rule reporting an internal error.",
            "",
            "Worst step of the generated instance's walk per schema, over the schemas "
            "(correct: compiled, wrote the instance, and one random walk ended in valid output "
            "or the step limit). The last four columns count schemas with the SM5xx finding "
            "(for LMFE: SM305, SM302/SM304, SM401, SM202):",
            "",
            "| engine | schemas | correct | median | p95 | max | ≥ 10 ms "
            "| rejects schema | dead end | ignores a keyword | over budget |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in results["corpus_summary"]:
            if not row["schemas"]:
                lines.append(f"| {row['engine']} | 0 |" + " |" * 9)
                continue
            worst = row["worst_max_ms"]
            lines.append(
                f"| {row['engine']} | {row['schemas']} | {row['correct']} | "
                f"{number(row['worst_median_ms'], 3)} ms | {number(row['worst_p95_ms'], 3)} ms | "
                f"{number(worst, 1 if worst >= 10 else 3)} ms | {row['over_10ms']} | "
                f"{row.get('rejects_schema', '')} | {row.get('dead_ends', '')} | "
                f"{row.get('ignores_keyword', '')} | {row.get('over_budget', '')} |"
            )
    return "\n".join(lines) + "\n"


def pin_to_one_cpu() -> int | None:
    """Run this process and every worker it forks on one CPU: the bare loop and the probe's
    worker then share its caches and its place among hyperthreads, which otherwise differ from
    run to run by more than the probe's own cost. A pre-empted step is timed by its CPU time."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--step-budget", type=float, default=10.0)
    parser.add_argument("--compile-budget", type=float, default=10.0)
    parser.add_argument("--engines", default="all")
    parser.add_argument("--rounds", type=int, default=24, help="probe against bare loop rounds")
    parser.add_argument("--blocks", type=int, default=3, help="sets of rounds for the spread")
    parser.add_argument(
        "--bare-cap", type=float, default=6.0, help="compile and walk longer (s): not repeated"
    )
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--corpus-budget", type=float, default=5.0)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--minutes", type=float, default=15.0, help="corpus wall-time cap")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/engines.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs/engines.md")
    parser.add_argument("--render", action="store_true", help="only rewrite --doc from --out")
    parser.add_argument(
        "--keep-corpus", action="store_true", help="rerun the samples, keep --out's corpus part"
    )
    arguments = parser.parse_args()
    if arguments.render:
        saved = json.loads(arguments.out.read_text(encoding="utf-8"))
        arguments.doc.write_text(markdown(saved), encoding="utf-8")
        return
    engines = parse_engines(arguments.engines)
    pinned = pin_to_one_cpu()
    results: dict[str, Any] = {
        "pinned_cpu": pinned,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python "
        f"{platform.python_version()}",
        "budget": arguments.budget,
        "step_budget": arguments.step_budget,
        "compile_budget": arguments.compile_budget,
        "bare_cap": arguments.bare_cap,
        "engines": engines,
        "every": arguments.every,
        "corpus_budget": arguments.corpus_budget,
    }
    with tempfile.TemporaryDirectory() as folder:
        results["samples"] = samples(arguments, engines, Path(folder))
    if arguments.corpus is not None:
        results["corpus"] = corpus(arguments, engines)
        results["corpus_summary"] = corpus_summary(results["corpus"], engines)
    elif arguments.keep_corpus:
        saved = json.loads(arguments.out.read_text(encoding="utf-8"))
        for key in ("every", "corpus_budget", "corpus", "corpus_summary"):
            if key in saved:
                results[key] = saved[key]
    arguments.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    arguments.doc.write_text(markdown(results), encoding="utf-8")
    print(f"wrote {arguments.out} and {arguments.doc}")


if __name__ == "__main__":
    main()
