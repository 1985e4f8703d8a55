"""How fast and how completely ``schemalint check --measure`` walks OpenAI-style tool lists.

    python benchmarks/walk_coverage.py [--lists 5] [--sizes 6,20] [--seed 0]
        [--corpus ../shared/corpus/Glaiveai2K] [--timeout 240] [--no-warmup]
        [--python .venv/bin/python] [--root DIR] [--out FILE]

Builds ``--lists`` tool lists of each size in ``--sizes`` (``[{"type": "function",
"function": {"name", "description", "parameters"}}, ...]``) from the Glaive function-calling
corpus: every ``*.json`` there is ``{"description", "meta", "schema", "tests"}``, the schema is a
tool's arguments and the file name ``<tool name>_<8 hex>.json`` gives the tool's name. The files
are shuffled once with ``--seed`` and each list takes the next files whose names do not collide
with a tool already in that list (a colliding file is left for a later list), so the lists are
disjoint and the same seed gives the same lists.

Each list goes to a temporary file and through the real CLI, as a user would run it, in a
subprocess with ``--timeout``: ``python -m schemalint check FILE --measure --format json`` with
the default measurement budget (read from ``check --help`` and recorded). Exit 0 or 1 (findings)
is a run; exit 2, any other code, a timeout, unparsable JSON or a file without a measurement is
a failure, recorded with the first line of stderr. From the report's
``files[0].measurement.coverage`` it records tools and subschemas walked / total, with the wall
seconds of the whole command (interpreter start, tokenizer load and static rules included) and
tools walked per second; the SM103 (coverage-incomplete) message says what was not walked and
why. Before the timed runs, one untimed warm-up run on a one-tool list fills LMFE's disk cache.
``--root`` runs the CLI in another folder (a snapshot of the package, say: ``git archive HEAD``
unpacked there) whose ``schemalint/`` then shadows the working tree's.

Prints a table per size (median and worst of tools walked per second and wall seconds, share of
lists fully covered: all tools walked; a failed list counts as not covered) and writes every row
with the summary to JSON (default benchmarks/results/walk_coverage.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from host import describe_host

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
NAME = re.compile(r"(?P<name>.+)_[0-9a-f]{8}")
#: The ``check --help`` options whose defaults shape the measurement.
DEFAULTS = ("budget", "step-budget", "tokenizer", "engine")


def tool_name(path: Path) -> str:
    """``book_flight`` for ``book_flight_05dcf13f.json``; a valid OpenAI function name."""
    match = NAME.fullmatch(path.stem)
    name = match.group("name") if match else path.stem
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64]


def tool(path: Path) -> dict[str, Any]:
    """One OpenAI-style tool: the corpus schema as its parameters."""
    schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
    name = tool_name(path)
    description = schema.get("description") if isinstance(schema, dict) else None
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description or f"{name.replace('_', ' ')} (Glaiveai2K {path.name})",
            "parameters": schema,
        },
    }


def build_lists(files: list[Path], sizes: list[int], lists: int, seed: int) -> list[list[Path]]:
    """``lists`` disjoint lists of each size, names unique within a list, drawn with ``seed``."""
    pool = list(files)
    random.Random(seed).shuffle(pool)
    chosen: list[list[Path]] = []
    for size in sizes:
        for _ in range(lists):
            names: set[str] = set()
            picked: list[Path] = []
            for path in pool:
                if tool_name(path) not in names:
                    names.add(tool_name(path))
                    picked.append(path)
                    if len(picked) == size:
                        break
            if len(picked) < size:
                raise SystemExit(
                    f"the corpus ran out: only {len(picked)} distinct tool names left for a "
                    f"{size}-tool list"
                )
            taken = set(picked)
            pool = [path for path in pool if path not in taken]
            chosen.append(picked)
    return chosen


def cli_defaults(python: Path, root: Path) -> dict[str, str | None]:
    """The defaults ``check --help`` states for the measurement options (None if not found)."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"}
    help_text = subprocess.run(
        [str(python), "-m", "schemalint", "check", "--help"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    found: dict[str, str | None] = {}
    for option in DEFAULTS:
        line = next(
            (row for row in help_text.splitlines() if re.match(rf"[\W_]*--{option}\s", row)), ""
        )
        match = re.search(r"\[default:\s*([^\]]+)\]", line)
        found[option] = match.group(1).strip() if match else None
    return found


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def run_check(
    python: Path, root: Path, path: Path, timeout: float
) -> tuple[int | None, float, str, dict[str, Any] | None]:
    """Exit code (None on a timeout), wall seconds, stderr and the parsed JSON report."""
    command = [str(python), "-m", "schemalint", "check", str(path), "--measure"]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*command, "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr or b""
        text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
        return None, time.perf_counter() - started, text, None
    wall = time.perf_counter() - started
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = None
    return done.returncode, wall, done.stderr, report


def measure_list(
    python: Path, root: Path, folder: Path, size: int, index: int, files: list[Path], timeout: float
) -> dict[str, Any]:
    tools = [tool(path) for path in files]
    path = folder / f"tools_{size}_{index}.json"
    path.write_text(json.dumps(tools, indent=2) + "\n", encoding="utf-8")
    code, wall, stderr, report = run_check(python, root, path, timeout)
    row: dict[str, Any] = {
        "size": size,
        "list": index,
        "tools": [t["function"]["name"] for t in tools],
        "files": [p.name for p in files],
        "exit_code": code,
        "wall_s": round(wall, 3),
    }
    failure = None
    if code is None:
        failure = f"timeout after {timeout:g} s"
    elif code not in (0, 1):
        failure = f"exit {code}"
    elif report is None:
        failure = "stdout is not JSON"
    entries = (report or {}).get("files") or [{}]
    entry = entries[0] if isinstance(entries[0], dict) else {}
    measurement = entry.get("measurement")
    if failure is None and not isinstance(measurement, dict):
        failure = "no measurement in the report"
    if failure is not None:
        row["status"] = "timeout" if code is None else "failed"
        row["failure"] = failure
        row["stderr_first_line"] = first_line(stderr)
        row["fully_covered"] = False
        row["sl000"] = [
            f.get("message", "") for f in entry.get("findings", []) if f.get("code") == "SL000"
        ][:3]
        return row
    assert isinstance(measurement, dict)
    coverage = measurement.get("coverage") or {}
    tools_cov = coverage.get("tools") or {}
    subs_cov = coverage.get("subschemas") or {}
    walked = tools_cov.get("walked")
    total = tools_cov.get("total")
    walks = measurement.get("walks", [])
    findings = entry.get("findings", [])
    row.update(
        status="ok",
        kind=entry.get("kind"),
        tools_walked=walked,
        tools_total=total,
        subschemas_walked=subs_cov.get("walked"),
        subschemas_total=subs_cov.get("total"),
        fully_covered=walked is not None and walked == total == size,
        tools_per_s=round(walked / wall, 3) if walked is not None and wall > 0 else None,
        setup_s=measurement.get("setup_seconds"),
        walks_s=round(sum(w.get("seconds", 0.0) for w in walks), 3),
        walk_outcomes=dict(Counter(f"{w.get('kind')}: {w.get('outcome')}" for w in walks)),
        walk_problems=[
            f"{w.get('label')}: {w.get('outcome')} {w.get('detail', '')}".strip()
            for w in walks
            if w.get("outcome") != "complete"
        ],
        sm_codes=dict(
            sorted(Counter(f["code"] for f in findings if f["code"].startswith("SM")).items())
        ),
        not_walked=[f["message"] for f in findings if f.get("code") == "SM103"],
        lmfe_version=measurement.get("lmfe_version"),
        tokenizer=(measurement.get("tokenizer") or {}).get("name"),
        schemalint_version=(report or {}).get("version"),
    )
    if stderr.strip():
        row["stderr_first_line"] = first_line(stderr)
    return row


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def summarise(rows: list[dict[str, Any]], size: int) -> dict[str, Any]:
    mine = [r for r in rows if r["size"] == size]
    ok = [r for r in mine if r["status"] == "ok"]
    rates = [r["tools_per_s"] for r in ok if r["tools_per_s"] is not None]
    walls = [r["wall_s"] for r in ok]
    covered = sum(1 for r in mine if r["fully_covered"])
    sub_shares = [
        r["subschemas_walked"] / r["subschemas_total"] for r in ok if r.get("subschemas_total")
    ]
    return {
        "size": size,
        "lists": len(mine),
        "ok": len(ok),
        "failures": len(mine) - len(ok),
        "tools_per_s_median": median(rates),
        "tools_per_s_worst": round(min(rates), 3) if rates else None,
        "wall_s_median": median(walls),
        "wall_s_worst": round(max(walls), 3) if walls else None,
        "fully_covered": covered,
        "fully_covered_share": round(covered / len(mine), 3) if mine else None,
        "tools_walked": sum(r.get("tools_walked") or 0 for r in ok),
        "tools_total": sum(r.get("tools_total") or 0 for r in ok),
        "subschema_share_median": median(sub_shares),
        "subschema_share_worst": round(min(sub_shares), 3) if sub_shares else None,
    }


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_tables(summaries: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    for s in summaries:
        print(f"\n{s['size']} tools per list: {s['lists']} lists, {s['failures']} failed")
        print(f"{'':<26} {'median':>9} {'worst':>9}")
        print(
            f"{'tools walked / s':<26} {fmt(s['tools_per_s_median'], '.2f'):>9} "
            f"{fmt(s['tools_per_s_worst'], '.2f'):>9}"
        )
        print(
            f"{'wall s':<26} {fmt(s['wall_s_median'], '.2f'):>9} {fmt(s['wall_s_worst'], '.2f'):>9}"
        )
        print(
            f"{'subschemas walked share':<26} {fmt(s['subschema_share_median'], '.1%'):>9} "
            f"{fmt(s['subschema_share_worst'], '.1%'):>9}"
        )
        share = fmt(s["fully_covered_share"], ".0%")
        print(f"{'fully covered lists':<26} {s['fully_covered']:>3} of {s['lists']:<3} ({share})")
        print(f"  {'list':>4} {'tools':>7} {'subschemas':>11} {'wall s':>8} {'tools/s':>8}  note")
        for r in (r for r in rows if r["size"] == s["size"]):
            if r["status"] != "ok":
                print(
                    f"  {r['list']:>4} {'-':>7} {'-':>11} {r['wall_s']:>8.2f} {'-':>8}  "
                    f"{r['failure']}: {r.get('stderr_first_line', '')[:60]}"
                )
                continue
            note = "; ".join(r["not_walked"])[:90]
            print(
                f"  {r['list']:>4} {r['tools_walked']:>3}/{r['tools_total']:<3} "
                f"{r['subschemas_walked']:>5}/{r['subschemas_total']:<5} {r['wall_s']:>8.2f} "
                f"{fmt(r['tools_per_s'], '.2f'):>8}  {note}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--lists", type=int, default=5, help="Lists of each size.")
    parser.add_argument(
        "--sizes", default="6,20", help="Comma-separated tools per list. [default: 6,20]"
    )
    parser.add_argument("--seed", type=int, default=0, help="Seed of the corpus shuffle.")
    parser.add_argument(
        "--timeout", type=float, default=240.0, help="Seconds one check command may run."
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable),
        help="Interpreter that runs `-m schemalint`. [default: .venv/bin/python]",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="Folder to run `-m schemalint` in (its schemalint/ is imported). [default: repo]",
    )
    parser.add_argument("--no-warmup", action="store_true", help="Skip the untimed warm-up run.")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "walk_coverage.json"
    )
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    if not sizes or min(sizes) < 1 or args.lists < 1:
        raise SystemExit("--sizes and --lists must be positive")
    files = sorted(args.corpus.glob("*.json"))
    if not files:
        raise SystemExit(f"no *.json in {args.corpus}")
    chosen = build_lists(files, sizes, args.lists, args.seed)
    defaults = cli_defaults(args.python, args.root)
    print(
        f"defaults from `check --help`: budget {defaults['budget']} s, step budget "
        f"{defaults['step-budget']} s, tokenizer {defaults['tokenizer']}, "
        f"engine {defaults['engine']}",
        file=sys.stderr,
    )
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    warmup: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="walk_coverage_") as tmp:
        folder = Path(tmp)
        if not args.no_warmup:
            warmup = measure_list(args.python, args.root, folder, 1, 0, chosen[0][:1], args.timeout)
            print(f"warm-up: {warmup['status']}, {warmup['wall_s']:.1f} s", file=sys.stderr)
        for number, picked in enumerate(chosen):
            size = len(picked)
            index = number % args.lists + 1
            row = measure_list(args.python, args.root, folder, size, index, picked, args.timeout)
            rows.append(row)
            state = (
                f"{row['tools_walked']}/{row['tools_total']} tools"
                if row["status"] == "ok"
                else row["failure"]
            )
            print(
                f"{size} tools, list {index}: {state}, {row['wall_s']:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    total = time.perf_counter() - started
    summaries = [summarise(rows, size) for size in sizes]
    print(
        f"`schemalint check FILE --measure --format json`, default budget "
        f"{defaults['budget']} s per file (step budget {defaults['step-budget']} s, tokenizer "
        f"{defaults['tokenizer']}), {args.lists} lists per size, seed {args.seed}"
    )
    print_tables(summaries, rows)
    verdicts = []
    for s in summaries:
        verdicts.append(
            f"{s['fully_covered']} of {s['lists']} {s['size']}-tool lists fully covered "
            f"(all tools walked) by the default budget of {defaults['budget']} s"
            + (f"; {s['failures']} failed" if s["failures"] else "")
        )
    print()
    for line in verdicts:
        print(line)
    print(f"{len(rows)} lists in {total:.0f} s on {os.cpu_count()} CPUs")
    ok = [r for r in rows if r["status"] == "ok"]
    results: dict[str, Any] = {
        "command": "python -m schemalint check FILE --measure --format json",
        "arguments": {
            "lists": args.lists,
            "sizes": sizes,
            "seed": args.seed,
            "timeout_s": args.timeout,
            "corpus": str(args.corpus),
            "warmup": not args.no_warmup,
            "python": str(args.python),
            "root": str(args.root),
        },
        "cli_defaults": defaults,
        "versions": {
            "schemalint": ok[0]["schemalint_version"] if ok else None,
            "lmfe": ok[0]["lmfe_version"] if ok else None,
            "tokenizer": ok[0]["tokenizer"] if ok else None,
        },
        "lmfe_environment": {k: v for k, v in os.environ.items() if k.startswith("LMFE_")},
        "machine": describe_host(),
        "total_s": round(total, 2),
        "verdicts": verdicts,
        "summary": summaries,
        "warmup": warmup,
        "lists": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
