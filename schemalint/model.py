"""The values that flow through schemalint: severities, findings and fixes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal


class SetupError(ValueError):
    """A tokenizer, model or instance file that cannot be used: one line, exit code 2."""


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` reads as "a is at least as serious as b"."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


#: Characters of a schema value or library error a message may quote.
QUOTE_LIMIT = 80


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: a message quotes
    schema values and library errors, and a 2 MB string in a schema must not make a 2 MB
    finding."""
    line = " ".join(text.splitlines())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, shortened: how a message names a value taken from the schema."""
    return shorten(repr(value), limit)


class Applicability(enum.Enum):
    """How far a fix can be trusted, in ruff's terms."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True)
class Fix:
    """A suggested change; rewrites (``schemalint rewrite``) apply the safe and unsafe ones."""

    description: str
    applicability: Applicability

    def to_json(self) -> dict[str, str]:
        return {"description": self.description, "applicability": self.applicability.value}


class BaselineState(enum.Enum):
    """A finding compared with a baseline (``check --baseline-ref``); the names SARIF uses,
    except that SARIF calls a fixed finding ``absent``."""

    NEW = "new"
    UNCHANGED = "unchanged"
    FIXED = "fixed"


@dataclass(frozen=True)
class Violation:
    """What a rule reports: a pointer into the analysed schema and a message."""

    pointer: str
    message: str
    fix: Fix | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    """Overrides the rule's default severity when the rule grades its own findings."""
    measured: dict[str, str] | None = None
    """The measured verdict on a static prediction: ``{"verdict", "evidence"}``."""


@dataclass(frozen=True)
class Finding:
    """A violation placed in the user's file, with the severity the configuration gives it."""

    code: str
    name: str
    severity: Severity
    path: str
    pointer: str
    message: str
    line: int | None = None
    column: int | None = None
    fix: Fix | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    measured: dict[str, str] | None = None
    """The measured verdict on a static prediction (``check --measure``)."""
    end_line: int | None = None
    end_column: int | None = None
    """Where the value at ``pointer`` ends, exclusive (see :class:`SourcePosition`)."""
    fingerprint: str | None = None
    """The finding's identity across edits (``schemalint.fingerprint``), for baselines."""
    baseline_state: BaselineState | None = None
    suppressed_by: str | None = None
    """Why the finding does not count, when suppressed: ``"$comment"`` (in the schema) or
    ``"per-file-ignores"`` (a pointer entry in the config)."""
    tool: str | None = None
    """The tool whose entry holds ``pointer``, in a tools list."""
    target: str = "lmfe"
    """The engine or provider the finding speaks for (``all``: every one)."""
    origin: Origin | None = None
    """Where the document came from when it is no file (an MCP server, a Python object)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "fix": self.fix.to_json() if self.fix else None,
            "fingerprint": self.fingerprint,
        }
        if self.baseline_state is not None:
            data["baseline_state"] = self.baseline_state.value
        if self.evidence:
            data["evidence"] = self.evidence
        if self.measured:
            data["measured"] = self.measured
        if self.suppressed_by is not None:
            data["reason"] = self.suppressed_by
        if self.tool is not None:
            data["tool"] = self.tool
        data["target"] = self.target
        return data


@dataclass(frozen=True)
class Origin:
    """A document that is no file: a running MCP server's tools, or a Python object's schema.
    ``file`` and ``line`` say where a person edits it, when known: the server's entry in an MCP
    config file, or the model's or function's source. Nothing here is a secret: a server's
    environment is never recorded, only the names of its variables."""

    kind: Literal["mcp-stdio", "mcp-http", "python"]
    name: str
    """What the user calls it: the config's server name, the command, the URL, or
    ``module:OBJECT``."""
    file: str | None = None
    line: int | None = None
    env: tuple[str, ...] = ()
    """The names of the environment variables the server was given (never their values)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "name": self.name}
        if self.file is not None:
            data |= {"file": self.file, "line": self.line}
        if self.env:
            data["env"] = list(self.env)
        return data


@dataclass(frozen=True)
class SourcePosition:
    """Where a value starts (1-based); where it ends, when the parser says, is exclusive, as in
    SARIF: ``end_column`` is the column just past its last character."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class LoadError:
    """A file that could not be read as a schema; reported as finding SL000."""

    path: str
    message: str
    position: SourcePosition | None = None
