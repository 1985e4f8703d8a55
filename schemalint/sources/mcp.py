"""The tools a running MCP server lists, read with the official ``mcp`` SDK's client.

Each server is started (stdio) or reached (streamable HTTP), initialised, and asked for every
page of ``tools/list``, all within one timeout; the SDK's client ends a stdio server and its
process group on every way out (success, error, timeout, Ctrl-C). Servers are listed
concurrently, so a broken one costs its timeout once, not once per server after it. The
environment and headers a server is given are secrets: they reach the server and nothing
else, and any of their values found in an error message is masked.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO
from urllib.parse import urlsplit, urlunsplit

from schemalint.load.reader import Document, live_document
from schemalint.model import Origin, shorten
from schemalint.sources import DEFAULT_TIMEOUT, SourceError

if TYPE_CHECKING:
    from anyio import CancelScope
    from mcp import Client

#: A listing that pages on past this is a server bug, not a big server.
MAX_PAGES = 1_000
_INSTALL_HINT = 'reading MCP servers needs the mcp extra: pip install "schemalint[mcp]"'


@dataclass(frozen=True)
class McpServer:
    """A server to list: a command to start (stdio) or a URL (streamable HTTP)."""

    name: str
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    inherit_env: bool = False
    """Give the server this process's whole environment (a command typed on our command line),
    rather than the SDK's safe default set that MCP clients give configured servers."""
    cwd: str | None = None
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    """The server's entry in an MCP config file, when it came from one."""

    @property
    def label(self) -> str:
        return f"mcp:{self.name}"

    @property
    def origin(self) -> Origin:
        kind: Literal["mcp-http", "mcp-stdio"] = "mcp-http" if self.url else "mcp-stdio"
        return Origin(kind, self.name, self.file, self.line, tuple(sorted(self.env)))

    def mask(self, text: str) -> str:
        """``text`` with every environment and header value of this server masked."""
        for secret in [*self.env.values(), *self.headers.values()]:
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def display_url(url: str) -> str:
    """A URL as reports may show it: without user, password, query or fragment, where tokens
    hide."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def list_servers(
    servers: list[McpServer], timeout: float = DEFAULT_TIMEOUT
) -> list[Document | SourceError]:
    """Each server's tools as an MCP ``tools/list`` document, in the order given; a server that
    fails gives a one-line error and the others are still listed."""
    try:
        import anyio
    except ImportError:  # anyio comes with mcp
        return [SourceError(server.label, _INSTALL_HINT) for server in servers]
    results: list[Document | SourceError | None] = [None] * len(servers)

    async def run_all() -> bool:
        listings = anyio.CancelScope()
        with contextlib.ExitStack() as stack:
            async with anyio.create_task_group() as outer:
                if _can_receive_signals():
                    signals = stack.enter_context(anyio.open_signal_receiver(signal.SIGINT))
                    outer.start_soon(_cancel_on_interrupt, signals, listings)
                with listings:
                    async with anyio.create_task_group() as group:
                        for index, server in enumerate(servers):
                            group.start_soon(_list_into, results, index, server, timeout)
                outer.cancel_scope.cancel()  # every listing has ended: stop watching
        return listings.cancel_called

    if anyio.run(run_all):
        raise KeyboardInterrupt  # after every server was stopped: the CLI exits with 130
    return [result for result in results if result is not None]


def _can_receive_signals() -> bool:
    """Signal handlers can be installed: on POSIX, from the main thread."""
    return os.name == "posix" and threading.current_thread() is threading.main_thread()


async def _cancel_on_interrupt(signals: AsyncIterator[int], listings: CancelScope) -> None:
    """On Ctrl-C, cancel the ``listings`` scope. asyncio's own Ctrl-C handling cancels the main
    task natively, once, which the SDK's shielded shutdown of a stdio server does not always
    survive (its source says so): a stalled server then held the command until its timeout.
    A cancelled anyio scope is what that shutdown is written for: it ends each server and its
    process group, within its own bounded waits."""
    async for _ in signals:
        listings.cancel()
        return


async def _list_into(
    results: list[Document | SourceError | None], index: int, server: McpServer, timeout: float
) -> None:
    results[index] = await list_server(server, timeout)


async def list_server(
    server: McpServer, timeout: float = DEFAULT_TIMEOUT
) -> Document | SourceError:
    """One server's tools, or why there are none."""
    try:
        import anyio
        from mcp import Client  # noqa: F401  (the SDK is what reads the server)
    except ImportError:
        return SourceError(server.label, _INSTALL_HINT)
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errlog:
        try:
            with anyio.fail_after(timeout):
                tools = await _fetch_tools(server, errlog)
        except TimeoutError:
            return _failure(server, f"no answer within {timeout:g} s", errlog)
        except OSError as error:
            reason = error.strerror or str(error)
            return _failure(server, f"cannot start {server.command!r}: {reason}", errlog)
        except Exception as error:
            return _failure(server, _describe(_innermost(error)), errlog)
    data = {"tools": tools}
    return live_document(server.origin, server.label, data)


async def _fetch_tools(server: McpServer, errlog: TextIO) -> list[dict[str, Any]]:
    async with _client(server, errlog) as client:
        tools: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = await client.list_tools(cursor=cursor)
            tools += [_tool_entry(tool) for tool in page.tools]
            cursor = page.next_cursor
            if cursor is None:
                return tools
            if cursor in seen:
                raise _ServerBug(f"tools/list repeats the cursor {shorten(cursor)!r}")
            seen.add(cursor)
        raise _ServerBug(f"tools/list goes on past {MAX_PAGES} pages")


class _ServerBug(Exception):
    """The server answers, but not as the protocol says."""


def _client(server: McpServer, errlog: TextIO) -> Client:
    from mcp import Client, StdioServerParameters

    if server.url is not None:
        if not server.headers:
            return Client(server.url)
        from mcp.shared._httpx_utils import create_mcp_http_client

        return Client(_WithHttpClient(server.url, create_mcp_http_client(dict(server.headers))))
    from mcp.client.stdio import get_default_environment, stdio_client

    assert server.command is not None
    base = dict(os.environ) if server.inherit_env else get_default_environment()
    parameters = StdioServerParameters(
        command=server.command,
        args=list(server.args),
        env=base | dict(server.env),
        cwd=server.cwd,
    )
    return Client(stdio_client(parameters, errlog=errlog))


class _WithHttpClient:
    """A streamable-HTTP transport whose HTTP client (carrying the configured headers) lives
    exactly as long as the connection: the SDK leaves a client it was handed open."""

    def __init__(self, url: str, http_client: Any) -> None:
        self.url, self.http_client = url, http_client
        self._stack: Any = None

    async def __aenter__(self) -> Any:
        from contextlib import AsyncExitStack

        from mcp.client.streamable_http import streamable_http_client

        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(self.http_client)
        return await self._stack.enter_async_context(
            streamable_http_client(self.url, http_client=self.http_client)
        )

    async def __aexit__(self, *exc: Any) -> bool | None:
        return bool(await self._stack.__aexit__(*exc))


def _tool_entry(tool: Any) -> dict[str, Any]:
    """The tool as ``tools/list`` sends it, its schemas untouched (``null`` values kept)."""
    entry: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        entry["description"] = tool.description
    entry["inputSchema"] = tool.input_schema
    if getattr(tool, "output_schema", None) is not None:
        entry["outputSchema"] = tool.output_schema
    return entry


def _innermost(error: BaseException) -> BaseException:
    """The first exception a task group wrapped, however deep."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _describe(error: BaseException) -> str:
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = "/".join(str(part) for part in first.get("loc", ()))
        return f"sent a malformed tools/list result ({where}: {first.get('msg')})"
    if isinstance(error, _ServerBug):
        return str(error)
    text = str(error) or type(error).__name__
    if text == "Connection closed":
        return "closed the connection before listing its tools (did it exit?)"
    return f"failed before listing its tools ({shorten(text)})"


def _failure(server: McpServer, message: str, errlog: TextIO) -> SourceError:
    """The message, with the last line the server wrote on stderr, secrets masked."""
    errlog.flush()
    errlog.seek(0)
    lines = [line.strip() for line in errlog.read()[-4096:].splitlines() if line.strip()]
    if lines:
        message += f"; its stderr ended: {shorten(lines[-1])}"
    where = f"{server.file}:{server.line}: " if server.file and server.line else ""
    return SourceError(server.label, where + server.mask(message))
