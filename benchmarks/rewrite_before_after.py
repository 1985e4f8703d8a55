"""The README's rewrite table: each sample measured before and after its unsafe rewrite.

    python benchmarks/rewrite_before_after.py [--runs 3] [--budget 30] [--out FILE]

For every sample, ``schemalint rewrite --unsafe-fixes --measure`` runs once per LMFE field-order
setting (strict: ``LMFE_STRICT_JSON_FIELD_ORDER=true``; loose: LMFE's default): the free-text
rewrites are chosen by measurement, then the original and the rewrite are walked side by side
``--runs`` times (the rewrite walks the original's instance mapped forward). Each row gives the
median over the runs, and the p95 ratio is the median of the ratios taken within each run, so
machine noise between runs cancels. The seed is also walked with its own instances
(``samples/instances``, as ``--instance`` does).
Writes JSON (default benchmarks/results/rewrite_before_after.json).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from pathlib import Path
from typing import Any

from schemalint.config import Settings
from schemalint.lmfe import detect_settings
from schemalint.load.reader import Document, read_document
from schemalint.measure.probe import MeasureSettings, Prober, enforcer_config
from schemalint.rewriting.compare import Row, before_and_after
from schemalint.rewriting.document import rewrite_document
from schemalint.rewriting.measured import MeasuredJudge

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BOTH = (True, False)
#: (sample, its instance file or None for a generated instance, strict field order settings).
#: The seed's own instances list optional keys between required ones, which strict-order LMFE
#: refuses (SL411): they are walked in loose order only.
CASES = [
    ("function_calling_seed.json", None, BOTH),
    ("function_calling_seed.json", "function_calling_seed.jsonl", (False,)),
    ("pathological/reason_maxlength_one_branch.json", None, BOTH),
    ("pathological/pattern_strings.json", None, BOTH),
    ("pathological/enum_or_free_string.json", None, BOTH),
    ("pathological/free_dict.json", None, BOTH),
]


def measure_case(
    sample: str, instances: str | None, strict: bool, runs: int, budget: float
) -> dict[str, Any]:
    document = read_document(SAMPLES / sample)
    assert isinstance(document, Document)
    settings = Settings(strict_field_order=strict)
    instance_file = SAMPLES / "instances" / instances if instances else None
    prober = Prober(
        MeasureSettings(
            budget=budget,
            random_walks=0,
            instances=instance_file,
            config=enforcer_config(strict),
        )
    )
    prober.prepare()
    judge = MeasuredJudge(prober, detect_settings(settings.lmfe_version, strict))
    result = rewrite_document(document, settings, unsafe=True, judge=judge)
    measured = [before_and_after(document, result, settings, prober) for _ in range(runs)]
    ratios = [before.p95_ms / after.p95_ms for before, after in measured if after.p95_ms]
    return {
        "sample": sample,
        "instances": instances or "generated",
        "field_order": "strict" if strict else "loose",
        "changes": len(result.changes),
        "runs": [[_row(row) for row in pair] for pair in measured],
        "before": _median_row([pair[0] for pair in measured]),
        "after": _median_row([pair[1] for pair in measured]),
        "p95_ratio": statistics.median(ratios) if ratios else None,
        "p95_ratios": ratios,
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        "p95_ms": row.p95_ms,
        "max_ms": row.max_ms,
        "median_allowed": row.median_allowed,
        "walk_seconds": row.walk_seconds,
        "risk": row.risk,
        "walks": row.walks,
    }


def _median_row(rows: list[Row]) -> dict[str, Any]:
    middle = _row(rows[0])
    for name in ("p95_ms", "max_ms", "walk_seconds"):
        middle[name] = statistics.median(getattr(row, name) for row in rows)
    middle["walks"] = " / ".join(sorted({row.walks for row in rows}))
    return middle


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Measured by `python benchmarks/rewrite_before_after.py` ({results['machine']}; LMFE "
        f"0.11.3, Mistral v1; median of {results['runs']} side-by-side runs):",
        "",
        "| sample (instances) | LMFE field order | p95 step before → after (ratio) "
        "| worst step before → after | walk before → after | risk before → after | walks |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in results["cases"]:
        before, after = case["before"], case["after"]
        ratio = f" ({case['p95_ratio']:.1f}x)" if case["p95_ratio"] else ""
        lines.append(
            f"| `{case['sample']}` ({case['instances']}) | {case['field_order']} | "
            f"{before['p95_ms']:,.1f} → {after['p95_ms']:,.1f} ms{ratio} | "
            f"{before['max_ms']:,.1f} → {after['max_ms']:,.1f} ms | "
            f"{before['walk_seconds']:.2f} → {after['walk_seconds']:.2f} s | "
            f"{before['risk']} → {after['risk']} | {before['walks']} → {after['walks']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks/results/rewrite_before_after.json"
    )
    arguments = parser.parse_args()
    cases = []
    for sample, instances, orders in CASES:
        for strict in orders:
            case = measure_case(sample, instances, strict, arguments.runs, arguments.budget)
            cases.append(case)
            print(
                f"{sample} ({case['instances']}, {case['field_order']}): p95 "
                f"{case['before']['p95_ms']:.2f} -> {case['after']['p95_ms']:.2f} ms "
                f"(ratio {case['p95_ratio'] or 0:.2f}), worst {case['before']['max_ms']:,.1f} -> "
                f"{case['after']['max_ms']:,.1f} ms",
                flush=True,
            )
    machine = f"{platform.machine()}, {platform.python_version()}"
    results = {"machine": machine, "runs": arguments.runs, "cases": cases}
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print()
    print(markdown(results))


if __name__ == "__main__":
    main()
