"""Calibration: do the static rules predict what the real LMFE does?

    python benchmarks/calibration.py [--singles 40] [--lists 24] [--flagged 60] [--budget 20]
        [--seed 0]
        [--slow-ms 100] [--corpus ../shared/corpus/Glaiveai2K] [--out FILE]

Cases are built from the Glaive function-calling corpus: single tool-argument schemas, and
lists of 6 tools, half of them with a per-call free-text ``reason`` (first in every tool's
arguments of an OpenAI list, or before the name in a union of calls, the seed's shape), some
judged under loose key order and some under strict. Glaive's tools rarely hold the shapes the
correctness rules describe, so schemas from the corpus's other subsets that a testable rule
flags are added (``--flagged``). Each case
goes through ``check --measure`` (``check_data`` with one ``Prober``), which puts every static
finding that predicts what LMFE does to the test in its rule's condition and gives it a
verdict (``confirmed``, ``not-observed``, ``not-reached``).

Per rule it prints and writes the verdict counts and the precision, confirmed over confirmed
plus not-observed. It also lists the misses, the pointers no static finding names (at the
pointer, above it or inside it) where an instance or targeted walk took a step of
``--slow-ms`` or more, a random walk stalled a second right after an escape began, or LMFE
failed a valid instance. Writes JSON (default benchmarks/results/calibration.json);
docs/calibration.md reports a run, with the reason for every miss.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from host import describe_host

from schemalint import pointer as jp
from schemalint.config import Settings
from schemalint.engine import FileReport, check_data
from schemalint.lmfe import installed_version
from schemalint.measure.probe import MeasureSettings, Prober
from schemalint.model import Severity
from schemalint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
REASON = {"type": "string", "description": "Why this tool is the right call, in one sentence."}
FAILED = ("rejected", "silent-stop", "error")
#: A random walk's escape step counts from here, as SM201 counts it (its critical-ms).
STALL_MS = 1000.0


@dataclass(frozen=True)
class Case:
    label: str
    data: Any
    strict: bool


def corpus_schemas(root: Path) -> list[tuple[str, Any]]:
    """One argument schema per tool name (the first file of each name), in name order."""
    found: dict[str, Any] = {}
    for path in sorted(root.glob("*.json")):
        name = path.stem.rsplit("_", 1)[0]
        schema = json.loads(path.read_text(encoding="utf-8")).get("schema")
        if isinstance(schema, dict) and name not in found:
            found[name] = schema
    return sorted(found.items())


def tool(name: str, schema: Any, reason: bool) -> dict[str, Any]:
    parameters = copy.deepcopy(schema)
    if reason and isinstance(parameters.get("properties"), dict):
        parameters["properties"] = {"reason": REASON, **parameters["properties"]}
        parameters["required"] = ["reason", *parameters.get("required", [])]
    function = {"name": name, "description": f"The {name} tool.", "parameters": parameters}
    return {"type": "function", "function": function}


def call(name: str, schema: Any) -> dict[str, Any]:
    """One branch of a union of tool calls, with the free-text reason before the name."""
    return {
        "type": "object",
        "properties": {"reason": REASON, "name": {"const": name}, "arguments": schema},
        "required": ["reason", "name", "arguments"],
    }


def build_cases(schemas: list[tuple[str, Any]], singles: int, lists: int, seed: int) -> list[Case]:
    """Singles, then lists of 6 tools: in turn plain or with a per-call reason, loose or strict
    key order; every other list with a reason is a union of calls with the reason before the
    name (the seed's shape), the others an OpenAI list with it first in the arguments."""
    chooser = random.Random(seed)
    cases = [
        Case(f"single {name}", schema, strict=number % 2 == 1)
        for number, (name, schema) in enumerate(chooser.sample(schemas, min(singles, len(schemas))))
    ]
    for number in range(lists):
        reason, strict, union = number % 2 == 0, number % 4 >= 2, number % 8 < 4
        picked = chooser.sample(schemas, 6)
        data: Any = [tool(name, schema, reason) for name, schema in picked]
        shape = "OpenAI list"
        if reason and union:
            data, shape = {"anyOf": [call(name, schema) for name, schema in picked]}, "call union"
        what = (
            f"{shape}, " + ("reason" if reason else "plain") + (", strict" if strict else ", loose")
        )
        cases.append(Case(f"list {number + 1} ({what})", data, strict))
    return cases


def flagged_corpus(root: Path, limit: int, seed: int) -> list[Case]:
    """Schemas from the corpus's other subsets that a testable static rule flags: where the
    shapes SL108, SL203, SL4xx describe occur, which tool lists rarely hold."""
    found = []
    for subset in sorted(p for p in root.iterdir() if p.is_dir() and p.name != CORPUS.name):
        for path in sorted(subset.glob("*.json")):
            schema = json.loads(path.read_text(encoding="utf-8")).get("schema")
            report = check_data(schema, Settings(), f"{subset.name}/{path.name}")
            if any(RULES[f.code].predicts for f in report.findings):
                found.append(Case(f"corpus {subset.name}/{path.stem}", schema, strict=False))
    return random.Random(seed).sample(found, min(limit, len(found)))


def misses(report: FileReport, slow_ms: float) -> list[dict[str, Any]]:
    """Measured slow or failing pointers that no static finding names (at, above or inside)."""
    measurement = report.measurement
    if measurement is None:
        return []
    named = [f.pointer for f in report.findings if f.code.startswith("SL") and f.code != "SL000"]
    hits: dict[str, dict[str, Any]] = {}
    for row in measurement.pointer_table(kind="instance"):
        if row.max_ms >= slow_ms and row.pointer != "(end)":
            hits[measurement.source_pointer(row.pointer)] = {"what": f"{row.max_ms:,.0f} ms"}
    for pointer, (ms, walk, _) in measurement.escape_stalls(STALL_MS).items():
        what = f"{ms:,.0f} ms after an escape ({walk.label})"
        hits.setdefault(measurement.source_pointer(pointer), {"what": what})
    for walk in measurement.walks:
        end = walk.stuck or (walk.steps[-1] if walk.steps else None)
        if walk.kind == "instance" and walk.outcome in FAILED and end is not None:
            where = measurement.source_pointer(end.pointer)
            hits.setdefault(where, {"what": f"{walk.outcome}: {walk.detail[:80]}"})
    return [
        {"pointer": pointer, **hit}
        for pointer, hit in hits.items()
        if not any(jp.within(pointer, p) or jp.within(p, pointer) for p in named)
    ]


def run(cases: list[Case], budget: float, slow_ms: float) -> dict[str, Any]:
    prober = Prober(MeasureSettings(budget=budget))
    prober.prepare()
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, dict[str, str]] = defaultdict(dict)
    missed, rows = [], []
    started = time.perf_counter()
    for case in cases:
        began = time.perf_counter()
        report = check_data(case.data, Settings(strict_field_order=case.strict), case.label, prober)
        judged = [f for f in report.findings if f.measured]
        for finding in judged:
            verdict = finding.measured["verdict"] if finding.measured else ""
            tally[finding.code][verdict] += 1
            examples[finding.code].setdefault(
                verdict, f"{case.label} {finding.pointer}: {finding.measured}"
            )
        case_misses = misses(report, slow_ms)
        missed += [{"case": case.label, **miss} for miss in case_misses]
        coverage = report.measurement.coverage if report.measurement else None
        rows.append(
            {
                "case": case.label,
                "seconds": round(time.perf_counter() - began, 2),
                "verdicts": dict(Counter(f.measured["verdict"] for f in judged if f.measured)),
                "misses": len(case_misses),
                "coverage": coverage.to_json() if coverage else None,
            }
        )
        print(f"{case.label:<46} {rows[-1]['seconds']:>6.1f} s  {rows[-1]['verdicts']}", flush=True)
    rules = {}
    for code in sorted(RULES):
        rule = RULES[code]
        if not rule.predicts:
            continue
        counts = tally.get(code, Counter())
        tested = counts["confirmed"] + counts["not-observed"]
        rules[code] = {
            "name": rule.name,
            "severity": rule.severity.label,
            "predicts": rule.predicts,
            "confirmed": counts["confirmed"],
            "not_observed": counts["not-observed"],
            "not_reached": counts["not-reached"],
            "precision": round(counts["confirmed"] / tested, 3) if tested else None,
            "examples": examples.get(code, {}),
        }
    return {
        "rules": rules,
        "misses": missed,
        "cases": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }


def precision_table(rules: dict[str, Any]) -> list[str]:
    lines = [
        "| rule | severity | predicts | confirmed | not observed | not reached | precision |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for code, r in rules.items():
        precision = "—" if r["precision"] is None else f"{r['precision']:.2f}"
        lines.append(
            f"| [{code}](../rules/{code}.md) {r['name']} | {r['severity']} | {r['predicts']} "
            f"| {r['confirmed']} | {r['not_observed']} | {r['not_reached']} | {precision} |"
        )
    return lines


def print_summary(results: dict[str, Any]) -> None:
    print()
    print(f"{'rule':<7} {'severity':<9} {'conf':>5} {'not-obs':>8} {'not-reach':>10} {'prec':>6}")
    for code, r in results["rules"].items():
        precision = "-" if r["precision"] is None else f"{r['precision']:.2f}"
        print(
            f"{code:<7} {r['severity']:<9} {r['confirmed']:>5} {r['not_observed']:>8} "
            f"{r['not_reached']:>10} {precision:>6}"
        )
    print(f"\nmisses (slow or failing, no static finding): {len(results['misses'])}")
    for miss in results["misses"][:20]:
        print(f"  {miss['case']}: {miss['pointer']}: {miss['what']}")


def high_rules_below(results: dict[str, Any], floor: float = 0.9) -> list[str]:
    """High or critical rules whose measured precision is under ``floor``."""
    serious = (Severity.HIGH.label, Severity.CRITICAL.label)
    return [
        code
        for code, r in results["rules"].items()
        if r["severity"] in serious and r["precision"] is not None and r["precision"] < floor
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--singles", type=int, default=40)
    parser.add_argument("--lists", type=int, default=24)
    parser.add_argument("--flagged", type=int, default=60)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--slow-ms", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/calibration.json")
    args = parser.parse_args()
    cases = build_cases(corpus_schemas(args.corpus), args.singles, args.lists, args.seed)
    cases += flagged_corpus(args.corpus.parent, args.flagged, args.seed)
    results = run(cases, args.budget, args.slow_ms)
    results["arguments"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    results["machine"] = describe_host() | {"lmfe": installed_version()}
    results["below_floor"] = high_rules_below(results)
    print_summary(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
