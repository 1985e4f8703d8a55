"""Documents that are no files: the tools a running MCP server lists, and the schemas of Python
models and functions. Each source gives a ``load.Document`` (with an ``Origin``) or a
``SourceError``, and the pipeline checks it like a file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceError:
    """One line naming the source: what the user sees, and why the command exits 2."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "message": self.message}


#: Seconds a server may take to start and list its tools, or an import to finish.
DEFAULT_TIMEOUT = 20.0
