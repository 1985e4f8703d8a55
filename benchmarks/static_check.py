"""Static-check speed: start-up against check-jsonschema, and throughput over the corpus.

    python benchmarks/static_check.py [--runs 7] [--corpus ../shared/corpus] [--out FILE]
        [--against REV]

(1) Whole-process wall time of ``schemalint check`` on the seed sample against
``check-jsonschema --check-metaschema`` on the same file, alternating, median of ``--runs``.
(2) Schemas per second: every corpus schema written to its own file, then one
``schemalint check`` process over the folder.
With ``--against REV`` both are also measured for the code at git revision REV (checked out
in a temporary worktree, imported through PYTHONPATH), alternating with this tree's runs: the
before / after of a change, side by side in one run.
Prints a table and writes JSON (default benchmarks/results/static_check.json).
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

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "function_calling_seed.json"


def wall_time(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
    )
    return time.perf_counter() - started


def before_after(rev: str, runs: int, corpus: Path) -> dict[str, object]:
    """Start-up on the seed and corpus throughput for ``rev`` and for this tree, alternating."""
    ours = [str(Path(sys.executable).parent / "schemalint"), "check", str(SEED)]
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
            check=True,
            capture_output=True,
        )
        try:
            old = {**os.environ, "PYTHONPATH": str(tree)}
            times: dict[str, list[float]] = {"before": [], "after": []}
            wall_time(ours, old), wall_time(ours)
            for _ in range(runs):
                times["before"].append(wall_time(ours, old))
                times["after"].append(wall_time(ours))
            result: dict[str, object] = {
                "rev": rev,
                "startup_before_s": statistics.median(times["before"]),
                "startup_after_s": statistics.median(times["after"]),
            }
            if corpus.is_dir():
                result["throughput_before"] = throughput(corpus, old)
                result["throughput_after"] = throughput(corpus)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    return result


def startup(runs: int) -> dict[str, float]:
    bin_dir = Path(sys.executable).parent
    ours = [str(bin_dir / "schemalint"), "check", str(SEED)]
    theirs = [str(bin_dir / "check-jsonschema"), "--check-metaschema", str(SEED)]
    if not Path(theirs[0]).exists():
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[dev]'")
    wall_time(ours), wall_time(theirs)  # warm the file cache
    ours_times, theirs_times = [], []
    for _ in range(runs):
        ours_times.append(wall_time(ours))
        theirs_times.append(wall_time(theirs))
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    return {
        "schemalint_s": ours_median,
        "check_jsonschema_s": theirs_median,
        "ratio": ours_median / theirs_median,
        "runs": runs,
    }


def throughput(corpus: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    files = sorted(corpus.glob("*/*.json"))
    with tempfile.TemporaryDirectory() as folder:
        for index, path in enumerate(files):
            schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
            target = Path(folder) / f"{index:05d}.json"
            target.write_text(json.dumps(schema, indent=2), encoding="utf-8")
        command = [
            str(Path(sys.executable).parent / "schemalint"),
            "check",
            folder,
            "-f",
            "json",
            "--exit-zero",
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        elapsed = time.perf_counter() - started
    checked = json.loads(done.stdout)["summary"]["files"]
    return {"schemas": checked, "seconds": elapsed, "schemas_per_s": checked / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "static_check.json"
    )
    parser.add_argument("--against", metavar="REV", help="Also measure git revision REV.")
    args = parser.parse_args()
    results: dict[str, object] = {"cpus": os.cpu_count(), "startup": startup(args.runs)}
    if args.corpus.is_dir():
        results["throughput"] = throughput(args.corpus)
    if args.against:
        results["against"] = before_after(args.against, args.runs, args.corpus)
    start = results["startup"]
    assert isinstance(start, dict)
    print(f"{'measure':<44} {'value':>12}")
    print(f"{'schemalint check seed (median s)':<44} {start['schemalint_s']:>12.3f}")
    print(f"{'check-jsonschema --check-metaschema (s)':<44} {start['check_jsonschema_s']:>12.3f}")
    print(f"{'ratio schemalint / check-jsonschema':<44} {start['ratio']:>12.2f}")
    if "throughput" in results:
        rate = results["throughput"]
        assert isinstance(rate, dict)
        print(f"{'corpus schemas checked':<44} {rate['schemas']:>12}")
        print(f"{'corpus schemas per second':<44} {rate['schemas_per_s']:>12.1f}")
    if "against" in results:
        compared = results["against"]
        assert isinstance(compared, dict)
        print(
            f"{'start-up ' + compared['rev'] + ' -> this tree (s)':<44} "
            f"{compared['startup_before_s']:.3f} -> {compared['startup_after_s']:.3f}"
        )
        if "throughput_before" in compared:
            before, after = compared["throughput_before"], compared["throughput_after"]
            print(
                f"{'schemas/s ' + compared['rev'] + ' -> this tree':<44} "
                f"{before['schemas_per_s']:.1f} -> {after['schemas_per_s']:.1f}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
