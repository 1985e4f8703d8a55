"""LMFE, xgrammar and llguidance on the same walks: the samples' table and the Glaive spread.

    python benchmarks/engines.py [--budget 60] [--step-budget 10] [--engines all]
        [--corpus ../shared/corpus/Glaiveai2K --every K --limit N --minutes M] [--out FILE]
        [--doc FILE]
        [--render]

Part 1 walks the first instance of each sample (``samples/instances/<stem>.jsonl``) through
every engine with ``ComparingProber`` — exactly what ``schemalint check --measure --engine
all --instance ...`` does — and tabulates compile time, median / p95 / worst step and the
outcome. LMFE's slow cases stop at the step budget and are reported as "≥ budget".

Part 2 (``--corpus``) runs every K-th Glaive schema the same way (generated instance, one
random walk) and records each engine's worst step, whether it was correct, and any crash (an
exception escaping ``check_data``).

Writes JSON (default benchmarks/results/engines.json) and Markdown (default docs/engines.md);
``--render`` only rewrites the Markdown from the saved JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from schemalint.config import Settings
from schemalint.engine import check_data, check_file
from schemalint.engines import parse_engines
from schemalint.engines.compare import ComparingProber, Comparison, EngineRun, worst_label
from schemalint.measure.probe import MeasureSettings, percentile

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
    for sample, shape in SHAPES.items():
        settings = MeasureSettings(
            budget=arguments.budget,
            step_budget=arguments.step_budget,
            instances=first_instance(sample, folder),
            random_walks=0,
        )
        prober = ComparingProber(settings, engines)
        prober.prepare()
        started = time.perf_counter()
        report = check_file(SAMPLES / sample, Settings(), prober)
        comparison = report.measurement.engines if report.measurement else None
        assert comparison is not None
        rows.append(
            {
                "sample": sample,
                "shape": shape,
                "seconds": time.perf_counter() - started,
                "engines": [run_row(run) for run in comparison.runs],
                "recommendation": comparison.recommendation(),
            }
        )
        print(f"{sample}: {comparison.recommendation()}", flush=True)
    return rows


def corpus(arguments: argparse.Namespace, engines: list[str]) -> dict[str, Any]:
    files = sorted(Path(arguments.corpus).glob("*.json"))[:: arguments.every][: arguments.limit]
    settings = MeasureSettings(
        budget=arguments.corpus_budget, step_budget=arguments.step_budget, random_walks=1
    )
    prober = ComparingProber(settings, engines)
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


def _picked(every: int) -> str:
    return "Every schema" if every == 1 else f"Every {every}th schema"


def markdown(results: dict[str, Any]) -> str:
    engines = results["engines"]
    lines = [
        "# Engines compared on the same walks",
        "",
        "Generated by `python benchmarks/engines.py` "
        f"({results['machine']}, Mistral v1 tokenizer, 32,000 tokens; budget "
        f"{results['budget']:g} s per engine, step budget {results['step_budget']:g} s). "
        "Each row walks the sample's first instance (`samples/instances/`) token by token; "
        "what `schemalint check --measure --engine all --instance FILE` prints. Machine noise "
        "is up to ~1.6x between runs.",
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
    lines += ["", "Recommendations printed:", ""]
    lines += [f"- `{row['sample']}`: {row['recommendation']}" for row in results["samples"]]
    lines += [
        "",
        "How to read it: engines enforce slightly different grammars (xgrammar, llguidance and "
        "outlines-core keep the schema's key order; LMFE allows any order unless "
        "`LMFE_STRICT_JSON_FIELD_ORDER`), and each engine walks the instance tokenized as a "
        "continuation, with its own defaults otherwise. Compile time is paid once per schema "
        "when the engine caches compiled grammars; a compile past the step budget plus 10 s is "
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
            lines.append(
                f"| {row['engine']} | {row['schemas']} | {row['correct']} | "
                f"{number(row['worst_median_ms'], 3)} ms | {number(row['worst_p95_ms'], 3)} ms | "
                f"{number(row['worst_max_ms'], 1)} ms | {row['over_10ms']} | "
                f"{row.get('rejects_schema', '')} | {row.get('dead_ends', '')} | "
                f"{row.get('ignores_keyword', '')} | {row.get('over_budget', '')} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--step-budget", type=float, default=10.0)
    parser.add_argument("--engines", default="all")
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--corpus-budget", type=float, default=5.0)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--minutes", type=float, default=15.0, help="corpus wall-time cap")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/engines.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs/engines.md")
    parser.add_argument("--render", action="store_true", help="only rewrite --doc from --out")
    arguments = parser.parse_args()
    if arguments.render:
        saved = json.loads(arguments.out.read_text(encoding="utf-8"))
        arguments.doc.write_text(markdown(saved), encoding="utf-8")
        return
    engines = parse_engines(arguments.engines)
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python "
        f"{platform.python_version()}",
        "budget": arguments.budget,
        "step_budget": arguments.step_budget,
        "engines": engines,
        "every": arguments.every,
        "corpus_budget": arguments.corpus_budget,
    }
    with tempfile.TemporaryDirectory() as folder:
        results["samples"] = samples(arguments, engines, Path(folder))
    if arguments.corpus is not None:
        results["corpus"] = corpus(arguments, engines)
        results["corpus_summary"] = corpus_summary(results["corpus"], engines)
    arguments.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    arguments.doc.write_text(markdown(results), encoding="utf-8")
    print(f"wrote {arguments.out} and {arguments.doc}")


if __name__ == "__main__":
    main()
