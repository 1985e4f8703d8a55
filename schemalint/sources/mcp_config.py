"""The servers an MCP client config lists: ``mcpServers`` (Claude Desktop's
``claude_desktop_config.json``, ``.mcp.json``, ``.cursor/mcp.json``) or VS Code's ``servers``.

Each entry is a command to start (``command``, ``args``, ``env``, ``cwd``) or a URL
(``url``, ``headers``); ``${VAR}`` and ``${VAR:-default}`` are expanded from the environment
in all of them, as Claude Code does. An entry that cannot be used is an error naming the
server and its line, and the other servers are still listed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalint import pointer as jp
from schemalint.load.reader import read_document
from schemalint.model import LoadError
from schemalint.sources import SourceError
from schemalint.sources.mcp import McpServer

_SERVER_KEYS = ("mcpServers", "servers")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
#: Transports other than these (``sse``, deprecated since 2025-03-26) are refused by name.
_HTTP_TYPES = ("http", "streamable-http", "streamableHttp")


class ConfigFileError(ValueError):
    """The config file itself cannot be read: one line, exit code 2."""


@dataclass(frozen=True)
class ConfigServers:
    servers: list[McpServer]
    errors: list[SourceError]
    disabled: list[str]
    """Servers the config marks ``"disabled": true``: not started, and said so."""


def read_config(path: Path) -> ConfigServers:
    document = read_document(path)
    if isinstance(document, LoadError):
        where = f":{document.position.line}:{document.position.column}" if document.position else ""
        raise ConfigFileError(f"{path}{where}: {document.message}")
    data = document.data
    key = next((k for k in _SERVER_KEYS if isinstance(data, dict) and k in data), None)
    if key is None or not isinstance(data[key], dict):
        raise ConfigFileError(f"{path}: not an MCP config: no mcpServers (or servers) object")
    servers, errors, disabled = [], [], []
    for name, entry in data[key].items():
        pointer = jp.join("", key, name)
        position = document.positions.find(pointer)
        line = position.line if position else None
        if isinstance(entry, dict) and entry.get("disabled") is True:
            disabled.append(name)
            continue
        try:
            servers.append(_server(name, entry, str(path), line, path.parent))
        except _EntryError as error:
            where = f"{path}:{line}: " if line else f"{path}: "
            errors.append(SourceError(f"mcp:{name}", where + str(error)))
    return ConfigServers(servers, errors, disabled)


class _EntryError(ValueError):
    pass


def _server(name: str, entry: Any, file: str, line: int | None, folder: Path) -> McpServer:
    if not isinstance(entry, dict):
        raise _EntryError("server entry is not an object")
    kind = entry.get("type")
    if "url" in entry or kind in _HTTP_TYPES or kind == "sse":
        if kind == "sse":
            raise _EntryError("SSE servers are not supported: use the streamable HTTP transport")
        url = _expand(_string(entry, "url"), "url")
        if not url.startswith(("http://", "https://")):
            raise _EntryError("url must start with http:// or https://")
        return McpServer(name, url=url, headers=_strings(entry, "headers"), file=file, line=line)
    if "command" not in entry:
        raise _EntryError('server has neither "command" nor "url"')
    args = entry.get("args", [])
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        raise _EntryError("args must be a list of strings")
    cwd = entry.get("cwd")
    if cwd is not None and not isinstance(cwd, str):
        raise _EntryError("cwd must be a string")
    return McpServer(
        name,
        command=_expand(_string(entry, "command"), "command"),
        args=tuple(_expand(arg, "args") for arg in args),
        env=_strings(entry, "env"),
        cwd=str(folder / _expand(cwd, "cwd")) if cwd else None,
        file=file,
        line=line,
    )


def _string(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise _EntryError(f"{key} must be a non-empty string")
    return value


def _strings(entry: dict[str, Any], key: str) -> dict[str, str]:
    """A map of strings (env, headers), expanded; its values are never shown, even in errors."""
    value = entry.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _EntryError(f"{key} must map names to strings")
    return {name: _expand(text, f"{key}.{name}") for name, text in value.items()}


def _expand(text: str, where: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = os.environ.get(name)
        if found is None and default is None:
            raise _EntryError(f"{where} uses ${{{name}}}, which is not set")
        return found if found is not None else default

    return _VARIABLE.sub(value, text)
