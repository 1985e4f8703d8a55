"""The Python API: ``schemalint.check`` and ``schemalint.rewriting``, with the CLI's settings.

Stable in the way the JSON output is: later versions add parameters and attributes, and never
rename these. ``CheckResult.to_dict()`` is exactly what ``check --format json`` prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemalint.config import SettingsFinder, parse_codes
from schemalint.engine import FileReport, Report, check_loaded, check_paths
from schemalint.load.reader import Document, parse_document
from schemalint.model import Finding, LoadError, SetupError, Severity

if TYPE_CHECKING:
    from schemalint.measure.probe import MeasureSettings, Prober
    from schemalint.rewriting.engine import AppliedChange

Source = Any
"""A dict or list (a schema or tool list), JSON or YAML text, a path (``str`` or
``os.PathLike``, a file or a folder), a Pydantic model class, a typed function, or a list or
dict of models and functions."""


class InvalidSource(ValueError):
    """What was passed cannot be read as a schema: the message says why, in one line."""


@dataclass
class CheckResult:
    """What ``check`` found. ``findings`` are those that count (suppressed ones are kept per
    file); ``exit_code`` is the CLI's: 1 when a finding is at least ``fail_on``."""

    report: Report
    fail_on: Severity

    @property
    def files(self) -> list[FileReport]:
        return self.report.files

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def exit_code(self) -> int:
        return self.report.exit_code(self.fail_on)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def failing(self) -> list[Finding]:
        """The findings at or above ``fail_on``."""
        return [finding for finding in self.findings if finding.severity >= self.fail_on]

    def to_dict(self) -> dict[str, Any]:
        """The report as ``check --format json`` prints it."""
        from schemalint.report.json_format import to_json

        return to_json(self.report)


@dataclass
class RewriteOutput:
    """The rewritten document (``data``; ``text`` in the input's format when it was text or a
    file) and each change made, with the rule it fixes."""

    data: Any
    text: str
    changes: list[AppliedChange]
    refused: str | None
    """Why nothing was rewritten (the input fails its meta-schema, or nests too deeply)."""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def check(
    source: Source,
    *,
    name: str | None = None,
    measure: bool = False,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    fail_on: str = "high",
    config: str | os.PathLike[str] | None = None,
    lmfe_version: str | None = None,
    strict_field_order: bool | None = None,
    tokenizer: str = "mistral-v1",
    budget: float = 30.0,
    step_budget: float = 3.0,
    engines: str = "lmfe",
    instances: str | os.PathLike[str] | None = None,
    target: str | Iterable[str] | None = None,
) -> CheckResult:
    """Lint ``source`` as ``schemalint check`` does (``measure=True``: ``--measure``, which
    needs the ``measure`` extra). ``name`` labels an in-memory source in the report."""
    severity = Severity.parse(fail_on)
    finder = _finder(config, select, ignore, lmfe_version, strict_field_order, severity, target)
    prober = _prober(tokenizer, budget, step_budget, engines, instances) if measure else None
    try:
        if isinstance(source, str | os.PathLike) and _is_path(source):
            report = check_paths([Path(source)], finder, prober=prober)
        else:
            report = Report([check_loaded(_document(source, name), finder.default, prober)])
    finally:
        if prober is not None:
            prober.close()
    return CheckResult(report, severity)


def rewrite(
    source: Source,
    *,
    name: str | None = None,
    unsafe_fixes: bool = False,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    lmfe_version: str | None = None,
    strict_field_order: bool | None = None,
    target: str | Iterable[str] | None = None,
) -> RewriteOutput:
    """Rewrite ``source`` (one document) as ``schemalint rewrite`` does, without writing
    anything: the caller decides where the result goes."""
    from schemalint.load.kinds import NotASchema
    from schemalint.rewriting.document import rewrite_document

    if isinstance(source, str | os.PathLike) and _is_path(source) and Path(source).is_dir():
        raise InvalidSource(f"{source}: rewrite takes one document, not a folder")
    finder = _finder(config, select, ignore, lmfe_version, strict_field_order, None, target)
    document = _document(source, name)
    if isinstance(document, LoadError):
        raise InvalidSource(_load_message(document))
    try:
        done = rewrite_document(document, finder.default, unsafe_fixes)
    except NotASchema as error:
        raise InvalidSource(f"{document.path}: {error}") from None
    changes = [change for _, change in done.changes]
    return RewriteOutput(done.data, done.text, changes, done.refused)


def measuring_prober(engines: str, settings: MeasureSettings, progress: Any = None) -> Prober:
    """LMFE's prober; with other engines named, one that also compares them (raises
    ``UnknownEngine`` for a name that is none)."""
    from schemalint.engines import parse_engines
    from schemalint.measure.probe import Prober

    names = parse_engines(engines)
    if names == ["lmfe"]:
        return Prober(settings, progress)
    from schemalint.measure.compare import ComparingProber
    from schemalint.rewriting.engine import unsafe_rewrite

    return ComparingProber(settings, names, progress, unsafe_rewrite)


def _finder(
    config: str | os.PathLike[str] | None,
    select: str | Iterable[str] | None,
    ignore: str | Iterable[str] | None,
    lmfe_version: str | None,
    strict_field_order: bool | None,
    fail_on: Severity | None,
    target: str | Iterable[str] | None = None,
) -> SettingsFinder:
    from schemalint.targets import parse_targets

    targets = (
        None
        if target is None
        else parse_targets(target if isinstance(target, str) else tuple(target), "target")
    )
    return SettingsFinder(
        Path(config) if config is not None else None,
        select=_codes(select, "select"),
        ignore=_codes(ignore, "ignore"),
        fail_on=fail_on,
        lmfe_version=lmfe_version,
        strict_field_order=strict_field_order,
        targets=targets,
    )


def _codes(value: str | Iterable[str] | None, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    return parse_codes(value if isinstance(value, str) else ",".join(value), where)


def _prober(
    tokenizer: str,
    budget: float,
    step_budget: float,
    engines: str,
    instances: str | os.PathLike[str] | None,
) -> Prober:
    from schemalint.measure.probe import MeasureSettings

    settings = MeasureSettings(
        tokenizer=tokenizer,
        budget=budget,
        step_budget=step_budget,
        instances=Path(instances) if instances is not None else None,
    )
    prober = measuring_prober(engines, settings)
    try:
        prober.prepare()
    except SetupError:
        prober.close()
        raise
    return prober


def _is_path(source: str | os.PathLike[str]) -> bool:
    """A ``str`` is text when it holds a JSON value or YAML lines, a path otherwise."""
    if isinstance(source, os.PathLike):
        return True
    text = source.strip()
    if not (text.startswith(("{", "[")) or "\n" in text):
        return True
    try:
        return Path(source).exists()
    except (OSError, ValueError):  # a name too long, or with a NUL byte, is no file
        return False


def _document(source: Source, name: str | None) -> Document | LoadError:
    from schemalint.sources.python import NotConvertible, document_of

    if isinstance(source, str | os.PathLike) and _is_path(source):
        from schemalint.load.reader import read_document

        return read_document(Path(source))
    if isinstance(source, str):
        label = name or "<text>"
        suffix = ".json" if source.lstrip().startswith(("{", "[")) else ".yaml"
        return parse_document(label, source.encode("utf-8"), Path(label).suffix or suffix)
    try:
        text = json.dumps(source, indent=2, allow_nan=False)
    except (TypeError, ValueError):  # a model, a function, or a list or dict of them
        pass
    else:
        return parse_document(name or "<data>", text.encode("utf-8"), ".json")
    label = name or getattr(source, "__qualname__", None) or type(source).__name__
    try:
        return document_of(source, label)
    except NotConvertible as error:
        raise InvalidSource(f"{label}: {error}") from None


def _load_message(error: LoadError) -> str:
    where = f":{error.position.line}:{error.position.column}" if error.position else ""
    return f"{error.path}{where}: {error.message}"
