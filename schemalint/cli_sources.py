"""The command line's sources that are no files: MCP servers (``--mcp-stdio``, ``--mcp-url``,
``--mcp-config``) and Python objects (``--python``), shared by ``check`` and ``rewrite``."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from schemalint.config import Settings, SettingsFinder
    from schemalint.load.reader import Document
    from schemalint.sources import SourceError

McpStdio = Annotated[
    list[str] | None,
    typer.Option(
        "--mcp-stdio",
        help='Start this MCP server ("COMMAND ARGS...") over stdio and check the tools it lists '
        "(repeatable).",
    ),
]
McpUrl = Annotated[
    list[str] | None,
    typer.Option("--mcp-url", help="Check the tools of this streamable-HTTP MCP server."),
]
McpConfig = Annotated[
    list[Path] | None,
    typer.Option(
        "--mcp-config",
        help="Check every server of this mcpServers config (.mcp.json, "
        "claude_desktop_config.json, .cursor/mcp.json).",
    ),
]
PythonObjects = Annotated[
    list[str] | None,
    typer.Option(
        "--python",
        help="Check pkg.module:OBJECT (a Pydantic model, a typed function, a list or dict of "
        "them, or a tool list). This IMPORTS AND RUNS that module's code, in a child process.",
    ),
]
PythonPath = Annotated[
    list[Path] | None,
    typer.Option(
        "--python-path",
        help="Add this folder to the import path of --python (the working folder is not added "
        "unless named: --python-path .).",
    ),
]
SourceTimeout = Annotated[
    float,
    typer.Option(
        min=0.1,
        help="Seconds each MCP server may take to start and list its tools, and each "
        "--python import to finish.",
    ),
]


class SourceUsageError(ValueError):
    """A source option that cannot be used as given: one line, exit code 2."""


@dataclass(frozen=True)
class LiveSources:
    mcp_stdio: list[str]
    mcp_url: list[str]
    mcp_config: list[Path]
    python: list[str]
    python_path: list[Path]
    timeout: float

    @classmethod
    def of(
        cls,
        mcp_stdio: list[str] | None,
        mcp_url: list[str] | None,
        mcp_config: list[Path] | None,
        python: list[str] | None,
        python_path: list[Path] | None,
        timeout: float,
    ) -> LiveSources:
        if python_path and not python:
            raise SourceUsageError("--python-path goes with --python")
        return cls(
            mcp_stdio or [],
            mcp_url or [],
            mcp_config or [],
            python or [],
            python_path or [],
            timeout,
        )

    def __bool__(self) -> bool:
        return bool(self.mcp_stdio or self.mcp_url or self.mcp_config or self.python)

    def gather(
        self, finder: SettingsFinder
    ) -> tuple[list[tuple[Document, Settings]], list[SourceError]]:
        """Every source's document with the settings it is checked under (a config's servers:
        those of the config's folder), and the sources that failed. Failures are also said
        on stderr as they are known, one line each."""
        from schemalint.load.reader import Document

        documents: list[tuple[Document, Settings]] = []
        errors: list[SourceError] = []
        for item, settings in self._read(finder):
            if isinstance(item, Document):
                documents.append((item, settings))
            else:
                typer.echo(f"schemalint: error: {item}", err=True)
                errors.append(item)
        return documents, errors

    def _read(self, finder: SettingsFinder) -> list[tuple[Document | SourceError, Settings]]:
        from schemalint.sources.mcp import McpServer, display_url, list_servers
        from schemalint.sources.mcp_config import ConfigFileError, read_config
        from schemalint.sources.python import import_objects

        servers: list[tuple[McpServer, Settings]] = []
        config_errors: list[tuple[Document | SourceError, Settings]] = []
        for command in self.mcp_stdio:
            try:
                words = shlex.split(command)
            except ValueError as error:
                raise SourceUsageError(f"--mcp-stdio {command!r}: {error}") from None
            if not words:
                raise SourceUsageError("--mcp-stdio needs a command")
            server = McpServer(command, words[0], tuple(words[1:]), inherit_env=True)
            servers.append((server, finder.default))
        for url in self.mcp_url:
            if not url.startswith(("http://", "https://")):
                raise SourceUsageError(f"--mcp-url {display_url(url)}: not an http(s) URL")
            servers.append((McpServer(display_url(url), url=url), finder.default))
        for config in self.mcp_config:
            try:
                found = read_config(config)
            except ConfigFileError as error:
                raise SourceUsageError(str(error)) from None
            for name in found.disabled:
                typer.echo(f"note: {config}: server {name!r} is disabled: not checked", err=True)
            settings = finder(config)
            servers += [(server, settings) for server in found.servers]
            config_errors += [(error, settings) for error in found.errors]
        listed = list_servers([server for server, _ in servers], self.timeout)
        read: list[tuple[Document | SourceError, Settings]] = [
            (item, settings) for item, (_, settings) in zip(listed, servers, strict=True)
        ]
        imported = import_objects(self.python, self.python_path, self.timeout)
        return [*read, *config_errors, *((item, finder.default) for item in imported)]
