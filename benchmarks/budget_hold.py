"""Does ``check --measure --budget S`` return within S seconds (start-up included)?

    python benchmarks/budget_hold.py [--budgets 5 10 20] [--runs 1] [--sample FILE] [--out FILE]

Runs the installed command (``python -m schemalint``) on a slow sample once per budget and
run, timing the whole process from outside. The goal: wall time at most budget + 0.5 s. Reports
how many walks the budget left time for and how long the measurement waited for set-up, since
on a loaded machine set-up (LMFE imports torch) can take all of a small budget. Prints a table
and writes JSON (default benchmarks/results/budget_hold.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "pathological" / "pattern_strings.json"
#: What the issue allows past the budget: the report, and the process ending.
TOLERANCE_S = 0.5


def run_once(sample: Path, budget: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "schemalint", "check", str(sample), "--measure"]
    command += ["--budget", str(budget), "--format", "json", "--exit-zero"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    measurement = _measurement(json.loads(done.stdout))
    return {
        "budget_s": budget,
        "wall_s": round(wall, 3),
        "over_s": round(wall - budget, 3),
        "holds": wall <= budget + TOLERANCE_S,
        "walks": len(measurement.get("walks", [])),
        "setup_s": measurement.get("setup_seconds"),
    }


def _measurement(report: Any) -> dict[str, Any]:
    """The first file's measurement in a ``check --format json`` report (empty if none)."""
    for entry in report.get("files", []) if isinstance(report, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("measurement"), dict):
            measured: dict[str, Any] = entry["measurement"]
            return measured
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[5.0, 10.0, 20.0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/budget_hold.json")
    args = parser.parse_args()
    rows = [run_once(args.sample, b) for b in args.budgets for _ in range(args.runs)]
    print(f"{'budget s':>9} {'wall s':>8} {'over s':>7} {'holds':>6} {'walks':>6} {'set-up s':>9}")
    for row in rows:
        print(
            f"{row['budget_s']:>9.1f} {row['wall_s']:>8.2f} {row['over_s']:>7.2f} "
            f"{'yes' if row['holds'] else 'NO':>6} {row['walks']:>6} {row['setup_s'] or 0:>9.2f}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result = {"sample": str(args.sample.relative_to(ROOT)), "load_average": load, "runs": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
