"""What checking a live MCP server costs beyond checking the same tools saved as a file.

    python benchmarks/mcp_source.py [--tools 20] [--runs 7] [--corpus ../shared/corpus/Glaiveai2K]
        [--out FILE]

A 20-tool list is built from the Glaive corpus (the first tools by name; generated tools when
the corpus is absent) and saved as an MCP tools file; a server written with the SDK's low-level
API (``tests/sources/servers/paged_server.py``) serves it over stdio. Three whole processes
alternate, ``--runs`` times each, and their medians are compared:

- ``file``: ``schemalint check tools.json``;
- ``server``: ``schemalint check --mcp-stdio "python paged_server.py tools.json 100"``;
- ``list only``: the SDK's own client starting the same server and listing its tools, which is
  the server's start-up and listing cost with nothing of schemalint's.

The goal: ``server - file`` is the ``list only`` time, nothing more. Prints a table and writes
JSON (default benchmarks/results/mcp_source.json).
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
SERVER = ROOT / "tests" / "sources" / "servers" / "paged_server.py"
LIST_ONLY = """
import sys, anyio
from mcp import Client, StdioServerParameters
async def main():
    params = StdioServerParameters(command=sys.executable, args=sys.argv[1:])
    async with Client(params) as client:
        cursor = None
        while True:
            page = await client.list_tools(cursor=cursor)
            cursor = page.next_cursor
            if cursor is None:
                break
anyio.run(main)
"""


def tools_file(corpus: Path, count: int, folder: Path) -> Path:
    """An MCP tools file of ``count`` corpus schemas (``tool_NNN`` generated ones without it)."""
    tools = []
    for index, path in enumerate(sorted(corpus.glob("*.json"))[:count]):
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        tools.append({"name": f"{path.stem[:50]}_{index}", "inputSchema": schema})
    for index in range(len(tools), count):
        generated = {"type": "object", "properties": {"id": {"type": "string"}}}
        tools.append({"name": f"tool_{index:03d}", "inputSchema": generated})
    target = folder / "tools.json"
    target.write_text(json.dumps({"tools": tools}, indent=2), encoding="utf-8")
    return target


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{shlex.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/mcp_source.json")
    arguments = parser.parse_args()
    schemalint = str(Path(sys.executable).parent / "schemalint")
    with tempfile.TemporaryDirectory() as name:
        tools = tools_file(arguments.corpus, arguments.tools, Path(name))
        server = f"{shlex.quote(sys.executable)} {SERVER} {tools} 100"
        commands = {
            "file": [schemalint, "check", "-f", "json", str(tools)],
            "server": [schemalint, "check", "-f", "json", "--mcp-stdio", server],
            "list only": [sys.executable, "-c", LIST_ONLY, str(SERVER), str(tools), "100"],
        }
        for command in commands.values():
            wall(command)  # warm the file cache and the bytecode
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(arguments.runs):
            for label, command in commands.items():
                times[label].append(wall(command))
    medians = {label: statistics.median(values) for label, values in times.items()}
    overhead = medians["server"] - medians["file"]
    result = {
        "tools": arguments.tools,
        "runs": arguments.runs,
        "median_s": medians,
        "all_s": times,
        "server_minus_file_s": overhead,
        "list_only_s": medians["list only"],
        "overhead_over_listing_s": overhead - medians["list only"],
    }
    print(f"{arguments.tools} tools, median of {arguments.runs} alternating runs (whole process)")
    print(f"{'command':<12} {'median s':>9}")
    for label, value in medians.items():
        print(f"{label:<12} {value:>9.3f}")
    print(
        f"server - file = {overhead:.3f} s; the server's own start-up and listing = "
        f"{medians['list only']:.3f} s; difference {result['overhead_over_listing_s']:+.3f} s"
    )
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
