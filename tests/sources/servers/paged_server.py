"""An MCP server on the SDK's low-level API that lists tools a page at a time: ``N`` generated
ones, or those of an MCP tools file (``{"tools": [...]}``).
Run: ``paged_server.py N|TOOLS.json PAGE_SIZE [CRASH_ON_PAGE]``; with CRASH_ON_PAGE the process
dies while answering that page (1-based), as a server that crashes mid-listing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

PAGE = int(sys.argv[2])
CRASH_ON_PAGE = int(sys.argv[3]) if len(sys.argv) > 3 else None


def generated(index: int) -> types.Tool:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "count": {"type": "integer", "minimum": 1},
            "notes": {"type": "string", "maxLength": 200},
        },
        "required": ["id"],
        "additionalProperties": False,
    }
    return types.Tool(name=f"tool_{index:03d}", description=f"Tool {index}.", input_schema=schema)


if sys.argv[1].isdigit():
    ALL = [generated(index) for index in range(int(sys.argv[1]))]
else:
    listed = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["tools"]
    ALL = [types.Tool(name=t["name"], input_schema=t["inputSchema"]) for t in listed]


async def list_tools(
    ctx: object, params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    start = int(params.cursor) if params is not None and params.cursor else 0
    if CRASH_ON_PAGE is not None and start // PAGE + 1 == CRASH_ON_PAGE:
        os._exit(3)
    end = min(start + PAGE, len(ALL))
    cursor = str(end) if end < len(ALL) else None
    return types.ListToolsResult(tools=ALL[start:end], next_cursor=cursor)


server = Server("schemalint-test-paged", on_list_tools=list_tools)


async def main() -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
