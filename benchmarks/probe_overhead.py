"""What the measured probe costs on top of LMFE itself, and what the tokenizer-data cache saves.

    python benchmarks/probe_overhead.py [--runs 7] [--cache-runs 3] [--skip-cache]
        [--tokenizers mistral-v1,tekken] [--out FILE]

(a) Per-walk overhead. For the seed sample and its rewritten twin, each with the first line
of its ``samples/instances/*.jsonl``, these run side by side in one process, in rotating order,
``--runs`` times (median):

* ``measure``: ``Prober(MeasureSettings(instances=<that line>, random_walks=0)).measure()``,
  what ``check --measure`` does for one walk: serialise, tokenize, locate pointers, send the
  walk to the prober's worker (forked at its first walk, kept for the next), walk, collect the
  steps, attribute them, validate the instance;
* ``walk_text``: one walk in a worker forked for it alone (what every walk cost before the
  worker was kept);
* ``bare``: the minimal LMFE loop in this process: ``TokenEnforcer(data,
  JsonSchemaParser(schema))`` then ``get_allowed_tokens(prefix)`` for every prefix of the
  token sequence the probe walked (same tokenizer-data object, fresh enforcer every run);
* ``bare-cold-cache``: ``bare`` with LMFE's lazily filled free-text allowlist cache emptied
  first (a forked worker always starts from the parent's, which no walk fills);
* ``bare-forked``: ``bare`` in a forked child that reports once at the end.

The ratio ``measure / bare`` is the headline (goal at most 1.2); the allowed-token counts of
the probe's steps are checked against ``bare``'s (LMFE must do the same work in both). A
breakdown follows, each piece timed on its own: the probe's work outside the fork, a no-op
fork, the per-step ``token in allowed`` test, the pipe messages, and the search for a shorter
token where the text's own is refused, with a prefix-tree prototype of that search beside it.

(b) Cold against warm tokenizer-data cache. Fresh ``python`` processes (imports included
alike) run ``enforcer_data(load_tokenizer(NAME), use_cache=True)``, alternating an empty
temporary ``SCHEMALINT_CACHE_DIR`` (cold: builds and writes) with one already filled (warm:
loads); median of ``--cache-runs``, for the data step alone (``lmformatenforcer`` imported
before it, its import timed apart), with that import, and for the whole process. Each is also
run with the garbage collector off around ``enforcer_data()`` (nogc), the proposed change.

Prints tables and writes JSON (default benchmarks/results/probe_overhead.json).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from schemalint.analysis import Analysis, analyse
from schemalint.engines.base import Mask
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure import walk as walk_module
from schemalint.measure.locate import locate
from schemalint.measure.probe import MeasureSettings, Prober, _is_valid
from schemalint.measure.serialise import serialise
from schemalint.measure.walk import Budget, Step, Walker, lmfe_subject, token_offsets
from schemalint.tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CASES = ("function_calling_seed", "function_calling_rewritten")
VARIANTS = ("measure", "walk_text", "bare", "bare-cold-cache", "bare-forked")
GOAL_RATIO = 1.2
GOAL_CACHE_SPEEDUP = 3.0


# --- (a) per-walk overhead -------------------------------------------------------------------


def load_analysis(name: str) -> Analysis:
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return analyse(normalise(data).schema, detect_settings())


def first_instance(name: str) -> str:
    lines = (SAMPLES / "instances" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.strip())


def measure_settings(instances: Path) -> MeasureSettings:
    """One instance walk, budgets out of the way; no random walks where the field exists."""
    wanted: dict[str, Any] = {"instances": instances, "budget": 600.0, "step_budget": 600.0}
    known = {f.name for f in fields(MeasureSettings)}
    if "random_walks" in known:
        wanted["random_walks"] = 0
    return MeasureSettings(**wanted)


def bare_walk(
    data: Any,
    schema: Any,
    prompt: int,
    walked: list[int],
    membership: bool = False,
) -> dict[str, Any]:
    """The minimal LMFE loop: a fresh enforcer, then every prefix of ``walked``."""
    from lmformatenforcer import JsonSchemaParser, TokenEnforcer

    started = time.perf_counter()
    enforcer = TokenEnforcer(data, JsonSchemaParser(schema))
    sequence = [prompt]
    inside = checking = 0.0
    counts = []
    for index in range(len(walked) + 1):
        step = time.perf_counter()
        allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
        inside += time.perf_counter() - step
        counts.append(len(allowed))
        if index == len(walked):
            break
        if membership:
            step = time.perf_counter()
            _ = walked[index] in allowed
            checking += time.perf_counter() - step
        sequence.append(walked[index])
    wall = time.perf_counter() - started
    return {"wall": wall, "inside": inside, "membership": checking, "allowed": counts}


def _bare_child(sender: Connection, *args: Any) -> None:
    result = bare_walk(*args)
    sender.send({"wall": result["wall"], "inside": result["inside"]})
    sender.close()


def bare_forked(data: Any, schema: Any, prompt: int, walked: list[int]) -> dict[str, float]:
    context: Any = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_bare_child, args=(sender, data, schema, prompt, walked), daemon=True
    )
    worker.start()
    sender.close()
    result: dict[str, float] = receiver.recv()
    worker.join()
    receiver.close()
    return result


def _noop(sender: Connection) -> None:
    sender.send(("end",))


def fork_noop() -> float:
    """Start, one message, and join of a forked process that does nothing."""
    started = time.perf_counter()
    context: Any = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_noop, args=(sender,), daemon=True)
    worker.start()
    sender.close()
    receiver.recv()
    worker.join()
    receiver.close()
    return time.perf_counter() - started


def pipe_cost(steps: list[Step]) -> float:
    """Pickle, send and receive every step message once, within this process."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    started = time.perf_counter()
    for step in steps:
        sender.send(("step", step))
        receiver.recv()
    elapsed = time.perf_counter() - started
    sender.close()
    receiver.close()
    return elapsed


def trie_continuation(
    allowed: list[int], root: Any, text: str, offset: int
) -> tuple[int, int] | None:
    """Prototype for ``walk._longest_continuation``: the same answer, found by following
    LMFE's token prefix tree along ``text`` (a few dozen nodes) and then scanning ``allowed``
    once with a dict lookup, instead of a ``startswith`` per allowed token."""
    paths = [(text[offset:], 0)]
    if offset == 0 and not text.startswith(" "):
        paths.append((" " + text, 1))  # a word-start token's space before the first character
    found: dict[int, int] = {}
    for path, skipped in paths:
        node = root
        for depth, character in enumerate(path, start=1):
            node = node.children.get(character)
            if node is None:
                break
            if depth > skipped:
                for token in node.tokens:
                    found[token] = max(found.get(token, 0), depth - skipped)
    best: tuple[int, int] | None = None
    if found:
        for token in allowed:
            length = found.get(token)
            if length and (best is None or length > best[1]):
                best = (token, length)
    return best


class Case:
    """One schema and one instance, with the probe's prepared inputs and walked tokens."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.analysis = load_analysis(name)
        self.line = first_instance(name)
        self.instance = json.loads(self.line)
        path = folder / f"{name}.jsonl"
        path.write_text(self.line + "\n", encoding="utf-8")
        self.prober = Prober(measure_settings(path))
        self.setup_s = self.prober.prepare()
        self.data: Any = self.prober._data
        tokenizer = self.prober._tokenizer
        assert tokenizer is not None
        self.tokenizer: Tokenizer = tokenizer
        self.config = self.prober.settings.config
        eos = self.data.eos_token_id
        self.prompt: int = eos[0] if isinstance(eos, list) else eos
        walk = self.prober.measure(self.analysis).walks[0]
        self.outcome = walk.outcome
        self.steps = [s.step for s in walk.steps]
        self.walked = [s.token for s in self.steps if s.token is not None]
        self.text, _ = serialise(self.instance)
        self.tokens = self.tokenizer.encode(self.text)
        self.offsets = token_offsets(self.tokens, self.tokenizer.decode, self.text)

    def variant(self, name: str) -> Callable[[], dict[str, float]]:
        schema = self.analysis.schema
        args = (self.data, schema, self.prompt, self.walked)

        def measure() -> dict[str, float]:
            walk = self.prober.measure(self.analysis).walks[0]
            return {"inside": walk.seconds}

        def walk() -> dict[str, float]:
            budget = Budget(time.perf_counter() + 600, 600)
            subject = lmfe_subject(self.data, schema, self.config)
            with Walker() as walker:  # a worker for this walk alone
                result = walker.walk_text(subject, self.text, self.tokens, self.offsets, budget)
            return {"inside": result.seconds}

        def bare() -> dict[str, float]:
            return {"inside": bare_walk(*args)["inside"]}

        def cold() -> dict[str, float]:
            cache = self.data.tokenizer_tree.json_freetext_tokens
            kept, cache.allowlist_cache = cache.allowlist_cache, {}
            try:
                return {"inside": bare_walk(*args)["inside"]}
            finally:
                cache.allowlist_cache = kept

        def forked() -> dict[str, float]:
            return {"inside": bare_forked(*args)["inside"]}

        return {
            "measure": measure,
            "walk_text": walk,
            "bare": bare,
            "bare-cold-cache": cold,
            "bare-forked": forked,
        }[name]

    def breakdown(self, runs: int) -> dict[str, float]:
        """The probe's pieces, each timed alone (median ms)."""
        pieces: dict[str, list[float]] = {}

        def timed(name: str, action: Callable[[], object]) -> None:
            started = time.perf_counter()
            action()
            pieces.setdefault(name, []).append(time.perf_counter() - started)

        for _ in range(runs):
            timed("serialise", lambda: serialise(self.instance))
            timed("locate", lambda: locate(self.analysis, self.instance))
            timed("encode", lambda: self.tokenizer.encode(self.text))
            timed(
                "token_offsets",
                lambda: token_offsets(self.tokens, self.tokenizer.decode, self.text),
            )
            timed("is_valid", lambda: _is_valid(self.analysis.schema, self.instance))
            pieces.setdefault("fork_noop", []).append(fork_noop())
            membership = bare_walk(self.data, self.analysis.schema, self.prompt, self.walked, True)[
                "membership"
            ]
            pieces.setdefault("membership_test", []).append(membership)
            pieces.setdefault("pipe_messages", []).append(pipe_cost(self.steps))
            search, prototype = self.split_cost()
            pieces.setdefault("longest_continuation", []).append(search)
            pieces.setdefault("longest_continuation_trie", []).append(prototype)
        return {name: statistics.median(values) * 1000 for name, values in pieces.items()}

    def split_cost(self) -> tuple[float, float]:
        """The worker's search for a shorter allowed token at every refused token, and the
        prefix-tree prototype's (same answers asserted)."""
        from lmformatenforcer import JsonSchemaParser, TokenEnforcer

        search = getattr(walk_module, "_longest_continuation", None)
        if search is None:
            return 0.0, 0.0
        enforcer = TokenEnforcer(self.data, JsonSchemaParser(self.analysis.schema))
        pieces = walk_module.token_pieces(self.data.tokenizer_tree.tokens_to_strs)
        root = self.data.tokenizer_tree.root
        sequence, elapsed, prototype = [self.prompt], 0.0, 0.0
        for step in self.steps:
            allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
            if step.token is None:
                break
            if not step.accepted:
                started = time.perf_counter()
                found = search(Mask(ids=allowed), pieces, self.text, step.offset)
                elapsed += time.perf_counter() - started
                started = time.perf_counter()
                again = trie_continuation(allowed, root, self.text, step.offset)
                prototype += time.perf_counter() - started
                assert found == again, (found, again)
            sequence.append(step.token)
        return elapsed, prototype

    def allowed_differences(self) -> dict[str, int]:
        """Steps whose allowed-token count differs between the probe's walk and ``bare``
        (none: LMFE is configured alike and does the same work)."""
        probe = [s.allowed for s in self.steps]
        bare = bare_walk(self.data, self.analysis.schema, self.prompt, self.walked)["allowed"]
        return {
            "steps": len(probe),
            "differ": sum(a != b for a, b in zip(probe, bare, strict=True)),
        }


def overhead(runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in CASES:
            case = Case(name, Path(folder))
            for variant in VARIANTS:  # one warm-up each
                case.variant(variant)()
            walls: dict[str, list[float]] = {v: [] for v in VARIANTS}
            inside: dict[str, list[float]] = {v: [] for v in VARIANTS}
            for run in range(runs):
                order = VARIANTS[run % len(VARIANTS) :] + VARIANTS[: run % len(VARIANTS)]
                for variant in order:
                    action = case.variant(variant)
                    gc.collect()
                    started = time.perf_counter()
                    extra = action()
                    walls[variant].append(time.perf_counter() - started)
                    if "inside" in extra:
                        inside[variant].append(extra["inside"])
            wall_ms = {v: statistics.median(walls[v]) * 1000 for v in VARIANTS}
            lmfe_ms = {v: statistics.median(inside[v]) * 1000 for v in VARIANTS if inside[v]}
            results[name] = {
                "tokens": len(case.tokens),
                "steps": len(case.steps),
                "outcome": case.outcome,
                "wall_ms": wall_ms,
                "lmfe_ms": lmfe_ms,
                "ratio_measure_bare": wall_ms["measure"] / wall_ms["bare"],
                "ratio_walk_text_bare": wall_ms["walk_text"] / wall_ms["bare"],
                "breakdown_ms": case.breakdown(runs),
                "allowed_counts": case.allowed_differences(),
                "runs": runs,
            }
    return results


# --- (b) cold against warm tokenizer-data cache ---------------------------------------------

CHILD = """
import gc, json, sys, time
started = time.perf_counter()
from schemalint.engines.lmfe_data import enforcer_data
from schemalint.tokenizers import load_tokenizer
imported = time.perf_counter()
import lmformatenforcer
lmfe = time.perf_counter()
tokenizer = load_tokenizer(sys.argv[1])
loaded = time.perf_counter()
if sys.argv[2] == "nogc":
    gc.disable()
enforcer_data(tokenizer, use_cache=True)
gc.enable()
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "lmfe_import_s": lmfe - imported,
                  "tokenizer_s": loaded - lmfe, "data_s": done - loaded}))
"""
#: cold: empty cache (build and write); warm: filled cache (load); *-nogc: the same with
#: the garbage collector off during it (what unpickling with gc disabled would give).
CACHE_KINDS = ("cold", "warm", "cold-nogc", "warm-nogc")
CACHE_KEYS = ("data_s", "data_with_lmfe_import_s", "process_s")


def child(name: str, cache: Path, kind: str) -> dict[str, float]:
    environment = os.environ | {"SCHEMALINT_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name, "nogc" if kind.endswith("nogc") else "gc"],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    process = time.perf_counter() - started
    row: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    row["data_with_lmfe_import_s"] = row["data_s"] + row["lmfe_import_s"]
    return row | {"process_s": process}


def cache_start(names: list[str], runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names:
        rows: dict[str, list[dict[str, float]]] = {kind: [] for kind in CACHE_KINDS}
        with tempfile.TemporaryDirectory() as folder:
            filled = Path(folder) / "filled"
            child(name, filled, "cold")  # fill the warm cache (and the file cache)
            for run in range(runs):
                turn = run % len(CACHE_KINDS)
                order = CACHE_KINDS[turn:] + CACHE_KINDS[:turn]
                for kind in order:
                    empty = Path(folder) / f"empty-{run}-{kind}"
                    cache = empty if kind.startswith("cold") else filled
                    rows[kind].append(child(name, cache, kind))
            size = sum(p.stat().st_size for p in filled.rglob("*.pickle"))
        keys = (*CACHE_KEYS, "import_s", "lmfe_import_s", "tokenizer_s")
        entry: dict[str, Any] = {
            key: {kind: statistics.median(r[key] for r in rows[kind]) for kind in CACHE_KINDS}
            for key in keys
        }
        for key in CACHE_KEYS:
            entry[key]["speedup"] = entry[key]["cold"] / entry[key]["warm"]
            entry[key]["speedup_nogc"] = entry[key]["cold-nogc"] / entry[key]["warm-nogc"]
        results[name] = entry | {"cache_bytes": size, "runs": runs}
    return results


def vocab_sizes(names: list[str]) -> dict[str, int]:
    from schemalint.tokenizers import load_tokenizer

    return {name: load_tokenizer(name).vocab_size for name in names}


# --- report ---------------------------------------------------------------------------------


def print_overhead(results: dict[str, Any]) -> None:
    for name, row in results.items():
        print(
            f"\n(a) {name}: {row['steps']} steps, outcome {row['outcome']}, median of {row['runs']}"
        )
        print(f"{'variant':<18} {'wall ms':>10} {'in LMFE ms':>11} {'/ bare':>8}")
        for variant in VARIANTS:
            wall = row["wall_ms"][variant]
            lmfe = row["lmfe_ms"].get(variant)
            shown = f"{lmfe:>11.1f}" if lmfe is not None else f"{'-':>11}"
            print(f"{variant:<18} {wall:>10.1f} {shown} {wall / row['wall_ms']['bare']:>8.2f}")
        ratio = row["ratio_measure_bare"]
        counts = row["allowed_counts"]
        print(
            f"measure / bare = {ratio:.2f}: goal <= {GOAL_RATIO} "
            f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}; allowed-token counts differing "
            f"from bare's: {counts['differ']} of {counts['steps']} steps"
        )
        print(f"{'probe piece':<26} {'ms':>7}")
        for piece, value in row["breakdown_ms"].items():
            print(f"{piece:<26} {value:>7.2f}")


def print_cache(results: dict[str, Any], sizes: dict[str, int]) -> None:
    runs = next(iter(results.values()))["runs"]
    print(f"\n(b) tokenizer-data cache, fresh processes, median of {runs}")
    print("    as shipped: cold / warm; nogc: the same with gc off around enforcer_data()")
    print(
        f"{'tokenizer':<11} {'vocab':>7} {'what':<26} {'cold s':>7} {'warm s':>7} {'x':>5} "
        f"{'cold s':>7} {'warm s':>7} {'x':>5}"
    )
    print(f"{'':<46} {'as shipped':^21} {'nogc':^21}")
    labels = {
        "data_s": "enforcer_data()",
        "data_with_lmfe_import_s": "+ import lmformatenforcer",
        "process_s": "whole process",
    }
    for name, row in results.items():
        for key, label in labels.items():
            entry = row[key]
            print(
                f"{name:<11} {sizes[name]:>7} {label:<26} {entry['cold']:>7.3f} "
                f"{entry['warm']:>7.3f} {entry['speedup']:>5.1f} {entry['cold-nogc']:>7.3f} "
                f"{entry['warm-nogc']:>7.3f} {entry['speedup_nogc']:>5.1f}"
            )
        print(
            f"{name:<11} {'':>7} (import lmformatenforcer {row['lmfe_import_s']['cold']:.3f} s, "
            f"tokenizer load {row['tokenizer_s']['cold']:.3f} s, "
            f"cache file {row['cache_bytes'] / 1e6:.1f} MB)"
        )
    print(f"goal: warm at least {GOAL_CACHE_SPEEDUP:g}x faster than cold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="Repetitions in (a).")
    parser.add_argument("--cache-runs", type=int, default=5, help="Repetitions in (b).")
    parser.add_argument("--tokenizers", default="mistral-v1,tekken")
    parser.add_argument("--skip-cache", action="store_true", help="Only part (a).")
    parser.add_argument("--skip-overhead", action="store_true", help="Only part (b).")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "probe_overhead.json"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if not args.skip_overhead:
        results["overhead"] = overhead(args.runs)
        print_overhead(results["overhead"])
    if not args.skip_cache:
        names = [name.strip() for name in args.tokenizers.split(",") if name.strip()]
        sizes = vocab_sizes(names)
        results["cache"] = cache_start(names, args.cache_runs)
        for name in names:
            results["cache"][name]["vocab_size"] = sizes[name]
        print_cache(results["cache"], sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
