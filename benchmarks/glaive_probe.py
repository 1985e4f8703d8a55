"""The measured probe over the Glaive function-calling corpus: step times, outcomes, crashes.

    python benchmarks/glaive_probe.py [--budget 2] [--step-budget 1] [--limit N] [--every K]
        [--corpus ../shared/corpus/Glaiveai2K] [--tokenizer mistral-v1] [--out FILE]
        [--doc FILE] [--compare EARLIER.json --compare-label TEXT --compare-note TEXT]
        [--render]

Every ``*.json`` in the corpus folder is ``{"schema": ..., "tests": [...]}``; the schema (a
tool's arguments) goes through ``check_data`` with one ``Prober`` for the whole run, as
``schemalint check --measure --budget B --step-budget S`` would measure it: the generated
instance walk, then the random walks, each in a forked worker under the budgets.

Per schema it records the p95 and worst step time over all walks (and the instance walk's
p95), the steps, every walk's outcome, the SM finding codes, the wall time, the schema node
with the slowest steps and its shape, and any crash (an exception escaping ``check_data`` or
an "internal error" SL000 finding). Prints a summary, writes JSON (default
benchmarks/results/glaive_probe.json) and, for a full run (no ``--limit``/``--every``) or with
an explicit ``--doc``, a Markdown report (default docs/glaive-probe.md); ``--compare`` sets
an earlier run's saved results beside this one there, ``--render`` only rewrites the report
from the saved JSON. ``--limit N`` (first N files) and ``--every K`` make quick runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from host import describe_host

from schemalint import pointer as jp
from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.lmfe import installed_version
from schemalint.measure.probe import MeasureSettings, Prober, percentile
from schemalint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"

#: Upper bounds (ms) of the p95 histogram; the last bucket is open.
BUCKETS = (1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0)
PSEUDO = ("(end)",)


def bucket_labels() -> list[str]:
    labels = [f"< {BUCKETS[0]:g} ms"]
    labels += [f"{low:g}-{high:g} ms" for low, high in itertools.pairwise(BUCKETS)]
    return [*labels, f"≥ {BUCKETS[-1]:g} ms"]


def bucket_of(value: float) -> int:
    for index, bound in enumerate(BUCKETS):
        if value < bound:
            return index
    return len(BUCKETS)


def resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in jp.split(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def shape(node: Any) -> str:
    """A few words on a schema node: its type and the keywords that shape what LMFE explores."""
    if not isinstance(node, dict):
        return "(not found)" if node is None else type(node).__name__
    kind = node.get("type")
    words = ["/".join(kind) if isinstance(kind, list) else str(kind or "untyped")]
    if "enum" in node and isinstance(node["enum"], list):
        words.append(f"enum of {len(node['enum'])}")
    if "const" in node:
        words.append("const")
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            words.append(f"{key} of {len(node[key])}")
    for key in ("pattern", "format"):
        if key in node:
            words.append(f"{key} {json.dumps(node[key])[:40]}")
    for key in ("minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"):
        if key in node:
            words.append(f"{key} {node[key]}")
    if isinstance(node.get("properties"), dict):
        words.append(f"{len(node['properties'])} properties")
    if isinstance(node.get("items"), dict):
        words.append(f"items {shape(node['items'])}")
    if "additionalProperties" in node:
        words.append(f"additionalProperties {json.dumps(node['additionalProperties'])[:30]}")
    return ", ".join(words)


def probe_one(path: Path, prober: Prober, settings: Settings) -> dict[str, Any]:
    record: dict[str, Any] = {"file": path.name}
    started = time.perf_counter()
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        report = check_data(schema, settings, path.name, prober)
    except Exception as error:  # a crash: keep going, record it
        record["wall_s"] = round(time.perf_counter() - started, 4)
        record["crash"] = f"{type(error).__name__}: {error}"
        record["traceback"] = traceback.format_exc(limit=-6)
        return record
    record["wall_s"] = round(time.perf_counter() - started, 4)
    codes = Counter(finding.code for finding in report.findings)
    record["sm_codes"] = {code: n for code, n in sorted(codes.items()) if code.startswith("SM")}
    internal = [
        finding.message
        for finding in report.findings
        if finding.code == "SL000" and "internal error" in finding.message
    ]
    if internal:
        record["crash"] = "SL000: " + internal[0]
    measurement = report.measurement
    if measurement is None:
        record["outcomes"] = ["not-measured"]
        record["sl000"] = [f.message for f in report.findings if f.code == "SL000"][:2]
        return record
    walks = measurement.walks
    times = [s.step.seconds * 1000 for w in walks for s in w.steps]
    stuck = [w.stuck_seconds * 1000 for w in walks if w.stuck_seconds]
    instance_times = [
        s.step.seconds * 1000
        for w in walks
        if getattr(w, "kind", "instance") == "instance"
        for s in w.steps
    ]
    record["steps"] = len(times)
    record["p95_ms"] = round(percentile(times, 95), 3) if times else None
    record["max_ms"] = round(max([*times, *stuck]), 3) if times or stuck else None
    record["instance_p95_ms"] = round(percentile(instance_times, 95), 3) if instance_times else None
    record["outcomes"] = [w.outcome for w in walks]
    record["walks"] = [
        {
            "label": w.label,
            "kind": getattr(w, "kind", "instance"),
            "outcome": w.outcome,
            "steps": len(w.steps),
            "seconds": round(w.seconds, 4),
            "detail": w.detail[:160],
        }
        for w in walks
    ]
    worst: tuple[float, Any, str] | None = None
    for walk in walks:
        kind = getattr(walk, "kind", "instance")
        candidates = [(s.step.seconds, s) for s in walk.steps]
        if walk.stuck is not None:
            candidates.append((walk.stuck_seconds, walk.stuck))
        for seconds, step in candidates:
            if worst is None or seconds > worst[0]:
                worst = (seconds, step, kind)
    if worst is not None:
        record["worst_step"] = {
            "ms": round(worst[0] * 1000, 3),
            "walk": worst[2],
            "pointer": measurement.source_pointer(worst[1].pointer),
            "role": worst[1].role,
            "allowed": worst[1].step.allowed,
        }
    rows = [row for row in measurement.pointer_table() if row.pointer not in PSEUDO]
    if rows:
        hot = max(rows, key=lambda row: (row.p95_ms, row.max_ms))
        where = measurement.source_pointer(hot.pointer)
        slowest = max(
            (s for w in walks for s in w.steps if s.pointer == hot.pointer),
            key=lambda s: s.step.seconds,
        )
        record["worst"] = {
            "role": slowest.role,
            "pointer": where,
            "steps": hot.steps,
            "p95_ms": round(hot.p95_ms, 3),
            "max_ms": round(hot.max_ms, 3),
            "median_allowed": hot.median_allowed,
            "shape": shape(resolve(schema, where)),
        }
    return record


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    histogram = Counter(bucket_of(r["p95_ms"]) for r in records if r.get("p95_ms") is not None)
    instance_histogram = Counter(
        bucket_of(r["instance_p95_ms"]) for r in records if r.get("instance_p95_ms") is not None
    )
    details: Counter[str] = Counter()
    for r in records:
        for walk in r.get("walks", []):
            if walk["outcome"] != "complete":
                detail = re.sub(r"\b\d+\b", "N", walk["detail"][:100])
                details[f"{walk['kind']} walk, {walk['outcome']}: {detail}"] += 1
    labels = bucket_labels()
    outcomes: Counter[str] = Counter()
    instance_outcomes: Counter[str] = Counter()
    for r in records:
        for walk in r.get("walks", []):
            outcomes[walk["outcome"]] += 1
            if walk["kind"] == "instance":
                instance_outcomes[walk["outcome"]] += 1
        if "walks" not in r:
            instance_outcomes["crash" if "crash" in r else r["outcomes"][0]] += 1
    findings: Counter[str] = Counter()
    schemas_with: Counter[str] = Counter()
    for r in records:
        for code, n in r.get("sm_codes", {}).items():
            findings[code] += n
            schemas_with[code] += 1
    crashes = [r for r in records if "crash" in r]
    walls = [r["wall_s"] for r in records]
    return {
        "schemas": len(records),
        "measured": sum(1 for r in records if r.get("p95_ms") is not None),
        "p95_histogram": {labels[i]: histogram.get(i, 0) for i in range(len(labels))},
        "instance_p95_histogram": {
            labels[i]: instance_histogram.get(i, 0) for i in range(len(labels))
        },
        "instance_measured": sum(1 for r in records if r.get("instance_p95_ms") is not None),
        "failure_details": dict(details.most_common(15)),
        "instance_walk_outcomes": dict(instance_outcomes.most_common()),
        "all_walk_outcomes": dict(outcomes.most_common()),
        "sm_findings": {code: findings[code] for code in sorted(findings)},
        "sm_schemas": {code: schemas_with[code] for code in sorted(schemas_with)},
        "crashes": len(crashes),
        "exceptions": sum(1 for r in crashes if not r["crash"].startswith("SL000")),
        "internal_errors": sum(1 for r in crashes if r["crash"].startswith("SL000")),
        "wall_s_median": round(percentile(walls, 50), 4) if walls else None,
        "wall_s_p95": round(percentile(walls, 95), 4) if walls else None,
        "wall_s_max": round(max(walls), 4) if walls else None,
    }


def costliest(records: list[dict[str, Any]], count: int = 10) -> list[dict[str, Any]]:
    measured = [r for r in records if r.get("p95_ms") is not None]
    return sorted(measured, key=lambda r: (-r["p95_ms"], -r["max_ms"]))[:count]


def markdown(results: dict[str, Any], other: dict[str, Any] | None = None) -> str:
    s, m, a = results["summary"], results["machine"], results["arguments"]
    lines = [
        "# The measured probe over the Glaive corpus",
        "",
        f"`benchmarks/glaive_probe.py` ran `check --measure` (via `check_data` with one `Prober`) "
        f"over the {s['schemas']} tool-argument schemas of `shared/corpus/Glaiveai2K` with "
        f"`--budget {a['budget']:g} --step-budget {a['step_budget']:g}` and the "
        f"`{a['tokenizer']}` tokenizer (LMFE {m['lmfe']}): per schema, the generated instance "
        f"walk, then up to {a['random_walks']} random walks while the budget lasts.",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu_model'] or 'unknown CPU'}), Python {m['python']}. "
        f"Total time {results['total_s']:.0f} s ({results['total_s'] / 60:.1f} min) for "
        f"{s['schemas']} schemas, tokenizer set-up {results['setup_s']:.2f} s; per schema "
        f"median {s['wall_s_median'] * 1000:.0f} ms, p95 {s['wall_s_p95'] * 1000:.0f} ms, "
        f"max {s['wall_s_max']:.2f} s (static rules included).",
        "",
        "## Crashes",
        "",
        f"**{s['crashes']} crashes** in {s['schemas']} schemas: {s['exceptions']} exceptions "
        f'escaping `check_data`, {s["internal_errors"]} "internal error" SL000 findings.'
        + (
            ""
            if s["crashes"]
            else " Every schema produced a report; the enforcer's own failures show up as "
            "walk outcomes and SM findings below, not as crashes."
        ),
        "",
    ]
    for r in [r for r in results["schemas"] if "crash" in r][:20]:
        lines.append(f"- `{r['file']}`: {r['crash'][:200]}")
    if s["crashes"]:
        lines.append("")
    lines += [
        "## Per-schema p95 step time",
        "",
        "p95 of a schema's enforcer step times: over every step of all its walks (the "
        "generated instance and the random walks), and over the instance walk alone. "
        f"{s['measured']} schemas have steps; the other {s['schemas'] - s['measured']} stop "
        "before the first step (LMFE cannot build a parser for them, see below).",
        "",
        "| p95 step time | schemas (all walks) | share | schemas (instance walk) | share |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, n in s["p95_histogram"].items():
        share = n / s["measured"] if s["measured"] else 0.0
        alone = s["instance_p95_histogram"][label]
        alone_share = alone / s["instance_measured"] if s["instance_measured"] else 0.0
        lines.append(f"| {label} | {n} | {share:.1%} | {alone} | {alone_share:.1%} |")
    lines += [
        "",
        "## Walk outcomes",
        "",
        "| outcome | instance walks | all walks |",
        "|---|---:|---:|",
    ]
    names = list(dict.fromkeys([*s["instance_walk_outcomes"], *s["all_walk_outcomes"]]))
    for name in names:
        lines.append(
            f"| {name} | {s['instance_walk_outcomes'].get(name, 0)} "
            f"| {s['all_walk_outcomes'].get(name, 0)} |"
        )
    if s["failure_details"]:
        lines += ["", "What the walks that did not complete report (most frequent first):", ""]
        lines += ["| walks | walk, outcome: detail |", "|---:|---|"]
        for detail, n in s["failure_details"].items():
            escaped = detail.replace("|", "\\|").replace("`", "'")
            lines.append(f"| {n} | {escaped} |")
    lines += [
        "",
        "## SM findings",
        "",
        "| code | rule | findings | schemas |",
        "|---|---|---:|---:|",
    ]
    for code, n in s["sm_findings"].items():
        name = RULES[code].name if code in RULES else ""
        lines.append(f"| {code} | {name} | {n} | {s['sm_schemas'][code]} |")
    if not s["sm_findings"]:
        lines.append("| (none) | | 0 | 0 |")
    lines += [
        "",
        "## The 10 costliest schemas (by p95 step time)",
        "",
        "p95 and max over all walks; *max in* says which walk had the slowest step. The worst "
        "pointer is the schema node whose instance-walk steps have the highest p95.",
        "",
        "| file | p95 ms | max ms | steps | max in | worst pointer | its p95 / max ms "
        "| slowest step writes | its shape |",
        "|---|---:|---:|---:|---|---|---:|---|---|",
    ]
    for r in results["costliest"]:
        worst = r.get("worst", {})
        step = r.get("worst_step", {})
        timing = f"{worst['p95_ms']:.1f} / {worst['max_ms']:.1f}" if worst else ""
        lines.append(
            f"| `{r['file']}` | {r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r['steps']} "
            f"| {step.get('walk', '')} walk | `{worst.get('pointer', '') or '(root)'}` "
            f"| {timing} | {worst.get('role', '')} | {worst.get('shape', '')} |"
        )
    if other is not None:
        lines += compared(results, other)
    lines += [
        "",
        "Reproduce: `python benchmarks/glaive_probe.py` (add `--limit 50` for a quick run); "
        "raw per-schema results in `benchmarks/results/glaive_probe.json`.",
        "",
    ]
    return "\n".join(lines)


def compared(results: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """This run beside an earlier one, over the files both measured."""
    shared = {r["file"] for r in other["schemas"]} & {r["file"] for r in results["schemas"]}
    this = [r for r in results["schemas"] if r["file"] in shared]
    then = [r for r in other["schemas"] if r["file"] in shared]
    s, o = summarise(this), summarise(then)
    name = other["label"]
    lines = [
        "",
        f"## Beside the {name}",
        "",
        (other["note"] + " " if other.get("note") else "")
        + f"The same {len(shared)} schemas; time {sum(r['wall_s'] for r in this):.0f} s now "
        f"against {sum(r['wall_s'] for r in then):.0f} s then.",
        "",
        f"| p95 step time | schemas now | schemas, {name} |",
        "|---|---:|---:|",
    ]
    for label, n in s["p95_histogram"].items():
        lines.append(f"| {label} | {n} | {o['p95_histogram'].get(label, 0)} |")
    lines += [
        "",
        "| per-schema worst step | now | then |",
        "|---|---:|---:|",
    ]
    worst = {
        side: sorted(r["worst_step"]["ms"] for r in records if "worst_step" in r)
        for side, records in (("now", this), ("then", then))
    }
    for label, q in (("median", 50), ("p90", 90), ("max", 100)):
        lines.append(
            f"| {label} | {percentile(worst['now'], q):.1f} ms "
            f"| {percentile(worst['then'], q):.1f} ms |"
        )
    lines += ["", "| outcome (instance walks) | now | then |", "|---|---:|---:|"]
    names = list(dict.fromkeys([*s["instance_walk_outcomes"], *o["instance_walk_outcomes"]]))
    for outcome in names:
        lines.append(
            f"| {outcome} | {s['instance_walk_outcomes'].get(outcome, 0)} "
            f"| {o['instance_walk_outcomes'].get(outcome, 0)} |"
        )
    lines += ["", "| SM code: schemas | now | then |", "|---|---:|---:|"]
    for code in sorted({*s["sm_schemas"], *o["sm_schemas"]}):
        lines.append(
            f"| {code} | {s['sm_schemas'].get(code, 0)} | {o['sm_schemas'].get(code, 0)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--step-budget", type=float, default=1.0)
    parser.add_argument("--tokenizer", default="mistral-v1")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N files.")
    parser.add_argument("--every", type=int, default=1, help="Only every K-th file (sorted).")
    parser.add_argument(
        "--render", action="store_true", help="Only rewrite the doc from the saved JSON results."
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "glaive_probe.json"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="Saved results of an earlier run (same corpus) to set beside this one in the doc.",
    )
    parser.add_argument("--compare-label", default="earlier run")
    parser.add_argument("--compare-note", default="", help="A sentence on what changed since.")
    parser.add_argument("--doc", type=Path, default=None, help="[default: docs/glaive-probe.md]")
    args = parser.parse_args()
    if args.render:
        saved = json.loads(args.out.read_text(encoding="utf-8"))
        write_doc(saved, args.doc, args.compare, args.compare_label, args.compare_note)
        return
    files = sorted(args.corpus.glob("*.json"))[:: args.every][: args.limit]
    if not files:
        raise SystemExit(f"no *.json in {args.corpus}")
    measure = MeasureSettings(
        tokenizer=args.tokenizer, budget=args.budget, step_budget=args.step_budget
    )
    prober = Prober(measure)
    started = time.perf_counter()
    setup = prober.prepare()
    settings = Settings()
    records = []
    for index, path in enumerate(files, start=1):
        records.append(probe_one(path, prober, settings))
        if index % 50 == 0 or index == len(files):
            elapsed = time.perf_counter() - started
            print(f"{index}/{len(files)} schemas, {elapsed:.0f} s", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    results: dict[str, Any] = {
        "arguments": {
            "budget": args.budget,
            "step_budget": args.step_budget,
            "tokenizer": args.tokenizer,
            "limit": args.limit,
            "every": args.every,
            "random_walks": getattr(measure, "random_walks", 0),
        },
        "machine": describe_host() | {"lmfe": installed_version()},
        "total_s": round(total, 2),
        "setup_s": round(setup, 3),
        "summary": summarise(records),
        "costliest": costliest(records),
        "schemas": records,
    }
    summary = results["summary"]
    print(f"{'p95 step time':<24} {'schemas':>8}")
    for label, n in summary["p95_histogram"].items():
        print(f"{label:<24} {n:>8}")
    print(f"\n{'instance-walk outcome':<24} {'walks':>8}")
    for name, n in summary["instance_walk_outcomes"].items():
        print(f"{name:<24} {n:>8}")
    print(f"\n{'SM code':<24} {'findings':>8} {'schemas':>8}")
    for code, n in summary["sm_findings"].items():
        print(f"{code:<24} {n:>8} {summary['sm_schemas'][code]:>8}")
    print(f"\n{'file':<48} {'p95 ms':>9} {'max ms':>9}  worst pointer")
    for r in results["costliest"]:
        worst = r.get("worst", {})
        where = worst.get("pointer") or "(root)"
        print(f"{r['file']:<48} {r['p95_ms']:>9.1f} {r['max_ms']:>9.1f}  {where}")
    print(
        f"\ncrashes {summary['crashes']} (exceptions {summary['exceptions']}, internal errors "
        f"{summary['internal_errors']}); {summary['schemas']} schemas in {total:.1f} s "
        f"on {os.cpu_count()} CPUs"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.doc is not None or (args.limit is None and args.every == 1):
        write_doc(results, args.doc, args.compare, args.compare_label, args.compare_note)


def write_doc(
    results: dict[str, Any], doc: Path | None, compare: Path | None, label: str, note: str = ""
) -> None:
    """The Markdown report, with an earlier run beside it when one is given."""
    doc = doc or ROOT / "docs" / "glaive-probe.md"
    results["summary"] = summarise(results["schemas"])
    other = None
    if compare is not None:
        other = json.loads(compare.read_text(encoding="utf-8"))
        other["summary"] = summarise(other["schemas"])
        other["label"], other["note"] = label, note
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(markdown(results, other), encoding="utf-8")
    print(f"wrote {doc}")


if __name__ == "__main__":
    main()
