"""An MCP server written with the official SDK's server API, whose tools' Python signatures
produce known schemalint findings. Run: ``tools_server.py stdio`` or ``tools_server.py http
PORT``."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

server = MCPServer("schemalint-test-tools")


@server.tool()
def store_record(key: str, value: dict[str, Any]) -> str:
    """Store a free-form record (a dict[str, Any] argument: SL108)."""
    return key


@server.tool()
def search(
    reason: Annotated[str, Field(description="Why this search is needed.")],
    query: str,
    limit: int | None = None,
    mode: Literal["fast", "deep"] | str = "fast",
) -> list[str]:
    """Search (a free-text reason, an Optional, an enum-or-string union: SL205)."""
    return []


if __name__ == "__main__":
    if sys.argv[1:2] == ["http"]:
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
