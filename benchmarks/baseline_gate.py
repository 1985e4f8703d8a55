"""What the baseline gate costs: ``check --baseline-ref`` against a plain ``check`` of the tree.

    python benchmarks/baseline_gate.py [--runs 3] [--corpus ../shared/corpus] [--out FILE]

Every corpus schema is committed into a temporary git repository; a second commit adds an
enum-or-free-string property to 1% of them (every 100th file). Then, alternating, median of
``--runs``: (a) ``check --format json`` of the tree, (b) ``check --baseline-ref HEAD~1
--format json`` of the tree, (c) ``check --format json`` of only the changed files.
Prints a table and writes JSON (default benchmarks/results/baseline_gate.json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PINNED = ["--lmfe-version", "0.11.3", "--no-strict-field-order", "--exit-zero"]
ENUM_OR_FREE = {"anyOf": [{"type": "string", "enum": ["low", "high"]}, {"type": "string"}]}
#: One changed file in this many.
EVERY = 100


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=600)


def build_repo(corpus: Path, repo: Path) -> list[str]:
    """The corpus in two commits; returns the files the second one changed."""
    git(repo, "init", "-q")
    for key, value in (("user.name", "bench"), ("user.email", "bench@example.com")):
        git(repo, "config", key, value)
    git(repo, "config", "commit.gpgsign", "false")
    schemas: dict[Path, Any] = {}
    for path in sorted(corpus.glob("*/*.json")):
        target = repo / "schemas" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        schemas[target] = json.loads(path.read_text(encoding="utf-8"))["schema"]
        target.write_text(json.dumps(schemas[target], indent=2), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    changed = []
    for index, (target, schema) in enumerate(schemas.items()):
        if index % EVERY or not isinstance(schema, dict):
            continue
        properties = schema.setdefault("properties", {})
        if not isinstance(properties, dict):
            continue
        properties["bench_priority"] = ENUM_OR_FREE
        target.write_text(json.dumps(schema, indent=2), encoding="utf-8")
        changed.append(str(target.relative_to(repo)))
    git(repo, "commit", "-q", "-am", "head")
    return changed


def timed(command: list[str], repo: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} … failed: {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/baseline_gate.json")
    args = parser.parse_args()
    schemalint = str(Path(sys.executable).parent / "schemalint")
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        changed = build_repo(args.corpus, repo)
        plain = [schemalint, "check", "schemas", "-f", "json", *PINNED]
        commands = {
            "tree": plain,
            "gate": [*plain, "--baseline-ref", "HEAD~1"],
            "changed_only": [schemalint, "check", *changed, "-f", "json", *PINNED],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        summary: dict[str, Any] = {}
        for _ in range(args.runs):
            for name, command in commands.items():
                elapsed, data = timed(command, repo)
                times[name].append(elapsed)
                summary[name] = data["summary"]
    medians = {name: statistics.median(values) for name, values in times.items()}
    result = {
        "files": summary["tree"]["files"],
        "changed_files": len(changed),
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "median_s": medians,
        "all_s": times,
        "gate_over_tree": medians["gate"] / medians["tree"],
        "gate_minus_tree_s": medians["gate"] - medians["tree"],
        "changed_only_over_tree": medians["changed_only"] / medians["tree"],
        "gate_baseline": summary["gate"].get("baseline"),
    }
    print(f"{'run':<14}{'median s':>10}  all runs")
    for name, values in times.items():
        print(f"{name:<14}{medians[name]:>10.2f}  " + ", ".join(f"{v:.2f}" for v in values))
    states = {k: v for k, v in (result["gate_baseline"] or {}).items() if k != "risk_rose"}
    print(
        f"gate / tree {result['gate_over_tree']:.2f}; changed files {len(changed)}; "
        f"against the base: {states}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
