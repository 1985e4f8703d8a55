"""Differential fuzzing of the safe rewrites, long profile: the whole corpus and every vendored
JSON Schema Test Suite draft.

    python benchmarks/differential_fuzz.py [--examples 20] [--every 1] [--seconds-per-schema 1]
        [--near-misses 12] [--jobs 2] [--corpus ../shared/corpus] [--out FILE]

For every schema the safe rewrites change (LMFE loose and strict field order), jsonschema's
verdict under the original and under the rewrite is compared on instances Hypothesis generates
from both, on near-misses of those and of the labelled instances, and on the labelled instances
(the harness is ``tests/rewriting/differential.py``, shared with the bounded test
``tests/rewriting/test_differential.py``). ``--every K`` takes every K-th corpus file and suite
group; ``--seconds-per-schema`` bounds generation, and again comparison, per schema.
Prints a table per source and every distinct verdict change, and writes JSON (default
benchmarks/results/differential_fuzz.json).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the harness lives with the tests
    sys.path.insert(0, str(ROOT))

from tests.rewriting.differential import (  # noqa: E402
    SUITE,
    Case,
    Outcome,
    Tally,
    corpus_cases,
    fuzz_case,
    prepared_from_schema,
    suite_cases,
)

REWRITES = ROOT / "schemalint" / "rewrite" / "rewrites.py"
COLUMNS = (
    ("schemas", "schemas"),
    ("rewritten", "rewritten"),
    ("fuzzed", "fuzzed"),
    ("with_generated", "with generated"),
    ("instances", "instances"),
    ("divergent_instances", "verdicts changed"),
    ("schemas_with_divergences", "schemas changed"),
    ("timed_out", "timed out"),
)


def _fuzz(job: tuple[Case, int, float, int]) -> Outcome:
    return fuzz_case(*job)


def run(cases: Iterator[Case], arguments: argparse.Namespace) -> Tally:
    jobs = ((case, arguments.examples, arguments.seconds, arguments.near_misses) for case in cases)
    tally = Tally()
    started = time.perf_counter()
    prepared_from_schema()  # once, before the workers fork: each starts warm
    with multiprocessing.Pool(arguments.jobs) as pool:
        for outcome in pool.imap(_fuzz, jobs, chunksize=4):
            tally.add(outcome)
            for divergence in outcome.divergences:
                print(f"  verdict changed: {divergence.describe()}", flush=True)
            if tally.schemas % 250 == 0:
                print(
                    f"{tally.schemas} schemas, {tally.fuzzed} fuzzed, {tally.instances} "
                    f"instances, {tally.divergent} changed "
                    f"({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    return tally


def table(tally: Tally) -> str:
    rows = [("source", *(title for _, title in COLUMNS))]
    for name, group in sorted(tally.groups.items()):
        rows.append((name, *(f"{group.counts()[key]:,}" for key, _ in COLUMNS)))
    rows.append(("total", *(f"{tally.counts()[key]:,}" for key, _ in COLUMNS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--seconds-per-schema", dest="seconds", type=float, default=1.0)
    parser.add_argument("--near-misses", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks/results/differential_fuzz.json"
    )
    arguments = parser.parse_args()
    if not arguments.corpus.is_dir():
        raise SystemExit(f"no corpus at {arguments.corpus}")
    started = time.perf_counter()
    rewrites_sha256 = hashlib.sha256(REWRITES.read_bytes()).hexdigest()  # what this run tests
    cases = itertools.chain(
        corpus_cases(arguments.corpus, arguments.every), suite_cases(SUITE, arguments.every)
    )
    tally = run(cases, arguments)
    seconds = time.perf_counter() - started
    times = os.times()
    cpu_seconds = times.user + times.system + times.children_user + times.children_system
    distinct = tally.distinct()
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "parameters": {
            "examples": arguments.examples,
            "every": arguments.every,
            "seconds_per_schema": arguments.seconds,
            "near_misses": arguments.near_misses,
            "jobs": arguments.jobs,
        },
        "rewrites_sha256": rewrites_sha256,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "totals": tally.counts(),
        "sources": {name: group.counts() for name, group in sorted(tally.groups.items())},
        "skipped": dict(tally.skipped),
        "generation_failures": dict(tally.generation_failures.most_common()),
        "rewrite_crashes": tally.crashes,
        "divergences": {culprit: [asdict(d) for d in found] for culprit, found in distinct.items()},
    }
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print()
    print(table(tally))
    print(
        f"\n{tally.with_generated:,} of {tally.fuzzed:,} fuzzed schemas got generated instances; "
        f"generation stopped early: {dict(tally.generation_failures.most_common())}"
    )
    print(f"run time {seconds:,.0f} s, {cpu_seconds:,.0f} CPU seconds ({arguments.jobs} jobs)")
    for culprit, found in distinct.items():
        print(f"\n{culprit}: {len(found)} distinct verdict changes")
        for divergence in found:
            print(f"  {divergence.describe()}")
    for crash in tally.crashes:
        print(f"rewrite raised: {crash}")


if __name__ == "__main__":
    main()
