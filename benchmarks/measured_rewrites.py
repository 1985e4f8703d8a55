"""What measurement decides about the unsafe free-text rewrites over a corpus.

    python benchmarks/measured_rewrites.py [--corpus ../shared/corpus/Glaiveai2K] [--limit N]
        [--budget 5] [--step-budget 1] [--out FILE]

For every schema, ``rewrite_schema(..., unsafe=True, judge=MeasuredJudge(...))`` runs as
``schemalint rewrite --unsafe-fixes --measure`` would, without the other unsafe rewrites: each
proposed uniform-free-text, drop-prose-pattern or enum-hint-free-string change is walked
through the real LMFE before and after, and kept only when it removes slow steps or cures a
failure. Prints how many changes were proposed, applied, refused for no gain and not reached,
the slow time removed, and whether every instance the corpus labels valid still validates
after the applied changes (they only relax the schema).
Writes JSON (default benchmarks/results/measured_rewrites.json).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from schemalint.config import Settings
from schemalint.dialect import validator_class_for
from schemalint.lmfe import detect_settings
from schemalint.measure.probe import MeasureSettings, Prober
from schemalint.rewriting.engine import rewrite_schema
from schemalint.rewriting.measured import MeasuredJudge
from schemalint.rewriting.rewrites import REWRITES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
MEASURED_MS = re.compile(r"measured slow steps here ([\d,]+) -> ([\d,]+) ms")


def outcome_of(decision: str) -> str:
    if decision.endswith(": applied"):
        return "applied"
    if "no gain" in decision:
        return "no gain"
    if "never writes it" in decision:
        return "not reached"
    return "walk ended"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--step-budget", type=float, default=1.0)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks/results/measured_rewrites.json"
    )
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.json"))[: args.limit or None]
    if not files:
        print(f"no schemas in {args.corpus}", file=sys.stderr)
        return 2
    # Safe rewrites plus the measured ones only: the other unsafe rewrites (thought-first,
    # close-open-objects) change the instances accepted on purpose, which would blur the check
    # that measured relaxations keep every valid instance valid.
    unsafe_static = [
        r.code for r in REWRITES if r.applicability.value == "unsafe" and not r.measured
    ]
    settings = Settings(ignore=tuple(unsafe_static), strict_field_order=True)
    prober = Prober(
        MeasureSettings(budget=args.budget, step_budget=args.step_budget, random_walks=0)
    )
    prober.prepare()
    enforcer = detect_settings(None, True)
    outcomes: Counter[str] = Counter()
    by_rewrite: Counter[tuple[str, str]] = Counter()
    removed_ms = 0.0
    still_valid = broken = schemas_changed = 0
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for path in files:
        entry = json.loads(path.read_text(encoding="utf-8"))
        judge = MeasuredJudge(prober, enforcer)
        began = time.perf_counter()
        result = rewrite_schema(entry["schema"], settings, unsafe=True, judge=judge)
        if not result.decisions:
            continue
        applied = [d for d in result.decisions if outcome_of(d) == "applied"]
        for decision in result.decisions:
            outcome = outcome_of(decision)
            outcomes[outcome] += 1
            by_rewrite[(decision.split(":", 1)[0], outcome)] += 1
            match = MEASURED_MS.search(decision)
            if match and outcome == "applied":
                before, after = (float(g.replace(",", "")) for g in match.groups())
                removed_ms += before - after
        if applied:
            schemas_changed += 1
            validator = validator_class_for(result.schema)(result.schema)
            for test in entry.get("tests", []):
                if test.get("valid"):
                    if validator.is_valid(test["data"]):
                        still_valid += 1
                    else:
                        broken += 1
        rows.append(
            {
                "file": path.name,
                "decisions": result.decisions,
                "seconds": round(time.perf_counter() - began, 2),
            }
        )
    seconds = time.perf_counter() - started
    print(f"{len(files)} schemas, {len(rows)} with measured rewrites proposed, {seconds:.0f} s")
    print(f"{'rewrite':24} {'outcome':12} {'changes':>7}")
    for (name, outcome), count in sorted(by_rewrite.items()):
        print(f"{name:24} {outcome:12} {count:7}")
    print(f"applied in {schemas_changed} schemas; slow time removed {removed_ms:,.0f} ms")
    print(f"valid corpus instances after the applied changes: {still_valid} valid, {broken} not")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "schemas": len(files),
                "with_proposals": len(rows),
                "outcomes": dict(outcomes),
                "applied_schemas": schemas_changed,
                "slow_ms_removed": round(removed_ms),
                "valid_instances_kept": still_valid,
                "valid_instances_broken": broken,
                "seconds": round(seconds),
                "budget": args.budget,
                "step_budget": args.step_budget,
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
