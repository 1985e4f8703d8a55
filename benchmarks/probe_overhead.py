"""What the measured probe costs on top of LMFE itself, and what the tokenizer-data cache saves.

    python benchmarks/probe_overhead.py [--runs 7] [--cache-runs 3] [--skip-cache]
        [--tokenizers mistral-v1,tekken] [--out FILE]

(a) Per-walk overhead. For the seed sample and its rewritten twin, each with the first line
of its ``samples/instances/*.jsonl``, these run side by side in one process, in rotating order,
``--runs`` times (median):

* ``measure``: ``Prober(MeasureSettings(instances=<that line>, random_walks=0)).measure()``,
  what ``check --measure`` does for one walk: serialise, tokenize, locate pointers, fork the
  worker, walk, collect the steps over the pipe, attribute them, validate the instance;
* ``measure-lmfe-alphabet``: the same with the worker's ``CharacterLevelParserConfig``
  given the tokenizer's alphabet, as ``TokenEnforcer`` sets it (the probe's worker replaces
  it with LMFE's 93-character default): what ``measure`` costs once that is fixed;
* ``walk_text``: the forked walk alone;
* ``bare``: the minimal LMFE loop in this process: ``TokenEnforcer(data,
  JsonSchemaParser(schema))`` then ``get_allowed_tokens(prefix)`` for every prefix of the
  token sequence the probe walked (same tokenizer-data object, fresh enforcer every run);
* ``bare-same-config``: the same with the ``CharacterLevelParserConfig`` that schemalint's
  worker sets after building the enforcer (LMFE's work is then identical to the probe's);
* ``bare-cold-cache``: ``bare-same-config`` with LMFE's lazily filled free-text allowlist
  cache emptied first (a forked worker always starts from the parent's empty one);
* ``bare-forked``: ``bare-same-config`` in a forked child that reports once at the end.

Ratios (goal at most 1.2): ``measure / bare`` as asked, ``measure / bare-same-config`` like
for like (LMFE doing the same work), and ``measure-lmfe-alphabet / bare``. Then LMFE's step
times under both configs (the steps that differ most), and a breakdown, each piece timed on
its own: the probe's work outside the fork, a no-op fork, the per-step ``token in allowed``
test, the pipe messages, and the search for a shorter token where the text's is refused.

(b) Cold against warm tokenizer-data cache. Fresh ``python`` processes (imports included
alike) run ``enforcer_data(load_tokenizer(NAME), use_cache=True)``, alternating an empty
temporary ``SCHEMALINT_CACHE_DIR`` (cold: builds and writes) with one already filled (warm:
loads); median of ``--cache-runs``, for the data step alone and for the whole process.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from schemalint.analysis import Analysis, analyse
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure import walk as walk_module
from schemalint.measure.instances import locate, serialise
from schemalint.measure.probe import MeasureSettings, Prober, _is_valid
from schemalint.measure.tokenizers import Tokenizer
from schemalint.measure.walk import Budget, EnforcerConfig, Step, token_offsets, walk_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CASES = ("function_calling_seed", "function_calling_rewritten")
VARIANTS = (
    "measure",
    "measure-lmfe-alphabet",
    "walk_text",
    "bare",
    "bare-same-config",
    "bare-cold-cache",
    "bare-forked",
)
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


@contextmanager
def lmfe_alphabet(data: Any) -> Iterator[None]:
    """While active, a ``CharacterLevelParserConfig`` built without an alphabet gets the
    tokenizer's, as ``TokenEnforcer`` gives it: the probe's worker (forked inside) then
    configures LMFE exactly as a generation does. Emulates the recommended fix."""
    import lmformatenforcer

    original = lmformatenforcer.CharacterLevelParserConfig

    def patched(**options: Any) -> Any:
        options.setdefault("alphabet", data.tokenizer_alphabet)
        return original(**options)

    lmformatenforcer.CharacterLevelParserConfig = patched
    try:
        yield
    finally:
        lmformatenforcer.CharacterLevelParserConfig = original


def parser_config(config: EnforcerConfig) -> Any:
    from lmformatenforcer import CharacterLevelParserConfig

    return CharacterLevelParserConfig(
        max_consecutive_whitespaces=config.max_consecutive_whitespaces,
        force_json_field_order=config.force_json_field_order,
        max_json_array_length=config.max_json_array_length,
    )


def bare_walk(
    data: Any,
    schema: Any,
    prompt: int,
    walked: list[int],
    config: EnforcerConfig | None = None,
    membership: bool = False,
    per_step: bool = False,
) -> dict[str, Any]:
    """The minimal LMFE loop: a fresh enforcer, then every prefix of ``walked``."""
    from lmformatenforcer import JsonSchemaParser, TokenEnforcer

    started = time.perf_counter()
    enforcer = TokenEnforcer(data, JsonSchemaParser(schema))
    if config is not None:  # what schemalint's worker does after building the enforcer
        enforcer.root_parser.config = parser_config(config)
    sequence = [prompt]
    inside = checking = 0.0
    counts, times = [], []
    for index in range(len(walked) + 1):
        step = time.perf_counter()
        allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
        seconds = time.perf_counter() - step
        inside += seconds
        counts.append(len(allowed))
        if per_step:
            times.append(seconds)
        if index == len(walked):
            break
        if membership:
            step = time.perf_counter()
            _ = walked[index] in allowed
            checking += time.perf_counter() - step
        sequence.append(walked[index])
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "inside": inside,
        "membership": checking,
        "allowed": counts,
        "times": times,
    }


def _bare_child(sender: Connection, *args: Any) -> None:
    result = bare_walk(*args)
    sender.send({"wall": result["wall"], "inside": result["inside"]})
    sender.close()


def bare_forked(
    data: Any, schema: Any, prompt: int, walked: list[int], config: Any
) -> dict[str, float]:
    context: Any = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_bare_child, args=(sender, data, schema, prompt, walked, config), daemon=True
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

        def measure_alphabet() -> dict[str, float]:
            with lmfe_alphabet(self.data):
                walk = self.prober.measure(self.analysis).walks[0]
            return {"inside": walk.seconds}

        def walk() -> dict[str, float]:
            budget = Budget(time.perf_counter() + 600, 600)
            result = walk_text(
                self.data, schema, self.config, self.text, self.tokens, self.offsets, budget
            )
            return {"inside": result.seconds}

        def bare() -> dict[str, float]:
            return {"inside": bare_walk(*args)["inside"]}

        def same_config() -> dict[str, float]:
            return {"inside": bare_walk(*args, self.config)["inside"]}

        def cold() -> dict[str, float]:
            cache = self.data.tokenizer_tree.json_freetext_tokens
            kept, cache.allowlist_cache = cache.allowlist_cache, {}
            try:
                return {"inside": bare_walk(*args, self.config)["inside"]}
            finally:
                cache.allowlist_cache = kept

        def forked() -> dict[str, float]:
            return {"inside": bare_forked(*args, self.config)["inside"]}

        return {
            "measure": measure,
            "measure-lmfe-alphabet": measure_alphabet,
            "walk_text": walk,
            "bare": bare,
            "bare-same-config": same_config,
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
            membership = bare_walk(
                self.data, self.analysis.schema, self.prompt, self.walked, self.config, True
            )["membership"]
            pieces.setdefault("membership_test", []).append(membership)
            pieces.setdefault("pipe_messages", []).append(pipe_cost(self.steps))
            pieces.setdefault("longest_continuation", []).append(self.split_cost())
        return {name: statistics.median(values) * 1000 for name, values in pieces.items()}

    def split_cost(self) -> float:
        """The worker's search for a shorter allowed token, at every refused token."""
        from lmformatenforcer import JsonSchemaParser, TokenEnforcer

        search = getattr(walk_module, "_longest_continuation", None)
        if search is None:
            return 0.0
        enforcer = TokenEnforcer(self.data, JsonSchemaParser(self.analysis.schema))
        enforcer.root_parser.config = parser_config(self.config)
        strings = self.data.tokenizer_tree.tokens_to_strs
        sequence, elapsed = [self.prompt], 0.0
        for step in self.steps:
            allowed = enforcer.get_allowed_tokens(sequence).allowed_tokens
            if step.token is None:
                break
            if not step.accepted:
                started = time.perf_counter()
                search(allowed, strings, self.text, step.offset)
                elapsed += time.perf_counter() - started
            sequence.append(step.token)
        return elapsed

    def config_effect(self, runs: int = 3) -> dict[str, Any]:
        """LMFE's step times with its default config (the tokenizer's alphabet) against the
        config the probe's worker sets: totals and the steps that differ most."""
        args = (self.data, self.analysis.schema, self.prompt, self.walked)
        default = [bare_walk(*args, None, False, True)["times"] for _ in range(runs)]
        probe = [bare_walk(*args, self.config, False, True)["times"] for _ in range(runs)]
        default_ms = [statistics.median(values) * 1000 for values in zip(*default, strict=True)]
        probe_ms = [statistics.median(values) * 1000 for values in zip(*probe, strict=True)]
        order = sorted(range(len(probe_ms)), key=lambda i: probe_ms[i] - default_ms[i])
        worst = []
        for index in order[:3]:
            offset = self.steps[index].offset
            worst.append(
                {
                    "step": index,
                    "after": self.text[max(0, offset - 30) : offset],
                    "default_ms": round(default_ms[index], 2),
                    "probe_config_ms": round(probe_ms[index], 2),
                }
            )
        return {
            "default_total_ms": sum(default_ms),
            "probe_config_total_ms": sum(probe_ms),
            "worst_steps": worst,
        }

    def allowed_differences(self) -> dict[str, int]:
        """Steps whose allowed-token count differs between LMFE's default config and the
        probe's (the probe's own counts are from its walk)."""
        probe = [s.allowed for s in self.steps]
        default = bare_walk(self.data, self.analysis.schema, self.prompt, self.walked)["allowed"]
        same = bare_walk(self.data, self.analysis.schema, self.prompt, self.walked, self.config)
        with lmfe_alphabet(self.data):
            fixed = [s.step.allowed for s in self.prober.measure(self.analysis).walks[0].steps]
        return {
            "steps": len(probe),
            "differ_default_config": sum(a != b for a, b in zip(probe, default, strict=False)),
            "differ_default_config_with_lmfe_alphabet": sum(
                a != b for a, b in zip(fixed, default, strict=False)
            ),
            "differ_same_config": sum(a != b for a, b in zip(probe, same["allowed"], strict=False)),
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
                "ratio_measure_bare_same_config": wall_ms["measure"] / wall_ms["bare-same-config"],
                "ratio_measure_lmfe_alphabet_bare": wall_ms["measure-lmfe-alphabet"]
                / wall_ms["bare"],
                "ratio_walk_text_bare_same_config": wall_ms["walk_text"]
                / wall_ms["bare-same-config"],
                "breakdown_ms": case.breakdown(runs),
                "allowed_counts": case.allowed_differences(),
                "config_effect": case.config_effect(),
                "runs": runs,
            }
    return results


# --- (b) cold against warm tokenizer-data cache ---------------------------------------------

CHILD = """
import gc, json, sys, time
started = time.perf_counter()
from schemalint.measure.enforcer_data import enforcer_data
from schemalint.measure.tokenizers import load_tokenizer
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
#: cold: empty cache (build and write); warm: filled cache (load); warm-nogc: the same load with
#: the garbage collector off during it (what unpickling with gc disabled would give).
CACHE_KINDS = ("cold", "warm", "warm-nogc")
CACHE_KEYS = ("data_s", "data_with_lmfe_import_s", "process_s")


def child(name: str, cache: Path, kind: str) -> dict[str, float]:
    environment = os.environ | {"SCHEMALINT_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name, "nogc" if kind == "warm-nogc" else "gc"],
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
                order = CACHE_KINDS[run % 3 :] + CACHE_KINDS[: run % 3]
                for kind in order:
                    cache = Path(folder) / f"empty-{run}" if kind == "cold" else filled
                    rows[kind].append(child(name, cache, kind))
            size = sum(p.stat().st_size for p in filled.rglob("*.pickle"))
        keys = (*CACHE_KEYS, "import_s", "lmfe_import_s", "tokenizer_s")
        entry: dict[str, Any] = {
            key: {kind: statistics.median(r[key] for r in rows[kind]) for kind in CACHE_KINDS}
            for key in keys
        }
        for key in CACHE_KEYS:
            entry[key]["speedup"] = entry[key]["cold"] / entry[key]["warm"]
            entry[key]["speedup_nogc"] = entry[key]["cold"] / entry[key]["warm-nogc"]
        results[name] = entry | {"cache_bytes": size, "runs": runs}
    return results


def vocab_sizes(names: list[str]) -> dict[str, int]:
    from schemalint.measure.tokenizers import load_tokenizer

    return {name: load_tokenizer(name).vocab_size for name in names}


# --- report ---------------------------------------------------------------------------------


def print_overhead(results: dict[str, Any]) -> None:
    for name, row in results.items():
        print(
            f"\n(a) {name}: {row['steps']} steps, outcome {row['outcome']}, median of {row['runs']}"
        )
        print(f"{'variant':<22} {'wall ms':>10} {'in LMFE ms':>11} {'/ bare':>8} {'/ same':>8}")
        for variant in VARIANTS:
            wall = row["wall_ms"][variant]
            lmfe = row["lmfe_ms"].get(variant)
            shown = f"{lmfe:>11.1f}" if lmfe is not None else f"{'-':>11}"
            print(
                f"{variant:<22} {wall:>10.1f} {shown} {wall / row['wall_ms']['bare']:>8.2f} "
                f"{wall / row['wall_ms']['bare-same-config']:>8.2f}"
            )
        same = row["ratio_measure_bare_same_config"]
        print(
            f"measure / bare = {row['ratio_measure_bare']:.2f}; like for like (LMFE doing the "
            f"same work), measure / bare-same-config = {same:.2f}: goal <= {GOAL_RATIO} "
            f"{'met' if same <= GOAL_RATIO else 'NOT met'}"
        )
        fixed = row["ratio_measure_lmfe_alphabet_bare"]
        print(
            f"with LMFE's alphabet (the recommended fix), measure-lmfe-alphabet / bare = "
            f"{fixed:.2f}: goal <= {GOAL_RATIO} {'met' if fixed <= GOAL_RATIO else 'NOT met'}"
        )
        effect = row["config_effect"]
        print(
            f"LMFE time with its default config {effect['default_total_ms']:.1f} ms against "
            f"{effect['probe_config_total_ms']:.1f} ms with the probe's config; most different:"
        )
        for step in effect["worst_steps"]:
            print(
                f"  step {step['step']} after {step['after']!r}: {step['default_ms']:.1f} ms "
                f"against {step['probe_config_ms']:.1f} ms"
            )
        counts = row["allowed_counts"]
        print(
            f"allowed-count mismatches vs the probe: LMFE default config "
            f"{counts['differ_default_config']}/{counts['steps']} steps, same config "
            f"{counts['differ_same_config']}/{counts['steps']}, probe with LMFE's alphabet vs "
            f"default {counts['differ_default_config_with_lmfe_alphabet']}/{counts['steps']}"
        )
        print(f"{'probe piece':<22} {'ms':>10}")
        for piece, value in row["breakdown_ms"].items():
            print(f"{piece:<22} {value:>10.2f}")


def print_cache(results: dict[str, Any], sizes: dict[str, int]) -> None:
    runs = next(iter(results.values()))["runs"]
    print(f"\n(b) tokenizer-data cache, fresh processes, median of {runs}")
    print(
        f"{'tokenizer':<11} {'vocab':>7} {'what':<26} {'cold s':>7} {'warm s':>7} {'x':>5} "
        f"{'nogc s':>7} {'x':>5}"
    )
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
                f"{entry['warm']:>7.3f} {entry['speedup']:>5.1f} {entry['warm-nogc']:>7.3f} "
                f"{entry['speedup_nogc']:>5.1f}"
            )
        print(
            f"{name:<11} {'':>7} {'(import lmformatenforcer':<26} "
            f"{row['lmfe_import_s']['cold']:>7.3f} s, tokenizer load "
            f"{row['tokenizer_s']['cold']:.3f} s, cache {row['cache_bytes'] / 1e6:.1f} MB)"
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
