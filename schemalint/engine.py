"""The pipeline: load → normalise → analyse → findings, for files and folders."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from schemalint import pointer as jp
from schemalint import risk
from schemalint.analysis import Analysis, analyse
from schemalint.blame import library_failure
from schemalint.checks.base import is_measured
from schemalint.checks.free_text import is_string_choice
from schemalint.checks.validity import INVALID_INPUT
from schemalint.config import DEFAULT_EXCLUDE, Settings, excluded_name
from schemalint.fingerprint import fingerprint, tool_at
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import NormalisedSchema, NotASchema, Tool, looks_like_schema, normalise
from schemalint.load.positions import PositionIndex, index_json
from schemalint.load.reader import SCHEMA_SUFFIXES, Document, read_document
from schemalint.matrix import TargetVerdict, verdicts
from schemalint.model import (
    BaselineState,
    Finding,
    LoadError,
    Origin,
    Severity,
    SourcePosition,
    Violation,
    shorten,
)
from schemalint.rules import RULES
from schemalint.sources import SourceError
from schemalint.suppress import split_suppressed
from schemalint.targets import DEFAULT as DEFAULT_TARGETS
from schemalint.verdicts import MEASURED_CHECKS
from schemalint.verdicts.judge import judge, scope_of
from schemalint.walk import SchemaTooLarge, check_depth

#: Below this many files per process, starting processes costs more than it saves.
_FILES_PER_WORKER = 32

if TYPE_CHECKING:
    from schemalint.measure.plan import Goal
    from schemalint.measure.probe import Measurement, Prober

SettingsFor = Callable[[Path], Settings]
"""The settings for one file: each file may sit under its own config."""


class PathNotFound(FileNotFoundError):
    """A path given on the command line does not exist (exit code 2)."""


@dataclass(frozen=True)
class WorstStep:
    """A file's slowest measured step (ms), overall and per tool name: what a measured baseline
    compares. Kept apart from the measurement so that a JSON report can carry it back."""

    ms: float | None
    by_tool: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, measurement: Measurement, tools: Iterable[Tool]) -> WorstStep:
        """From the per-pointer table (abandoned steps included), tools found by pointer."""
        tools = list(tools)
        worst: float | None = None
        by_tool: dict[str, float] = {}
        for row in measurement.pointer_table():
            worst = max(worst or 0.0, row.max_ms)
            tool = tool_at(measurement.source_pointer(row.pointer), tools)
            if tool is not None:
                by_tool[tool.name] = max(by_tool.get(tool.name, 0.0), row.max_ms)
        return cls(worst, by_tool)

    @classmethod
    def from_json(cls, measurement: dict[str, Any]) -> WorstStep:
        """From a JSON report's ``measurement``; one written before ``worst_ms`` existed gives
        the worst of its per-pointer table, and no tools."""
        if "worst_ms" in measurement:
            by_tool = measurement.get("worst_ms_by_tool") or {}
            return cls(measurement["worst_ms"], {str(k): float(v) for k, v in by_tool.items()})
        times = [float(row["max_ms"]) for row in measurement.get("pointers") or []]
        return cls(max(times, default=None))

    def to_json(self) -> dict[str, Any]:
        return {
            "worst_ms": _round(self.ms),
            "worst_ms_by_tool": {name: _round(ms) for name, ms in self.by_tool.items()},
        }


def _round(ms: float | None) -> float | None:
    return None if ms is None else round(ms, 3)


@dataclass(frozen=True)
class FileBaseline:
    """The file as the baseline had it (``check --baseline-ref``): its risk then and the
    findings it no longer has. ``path`` is where it was, None for a file new since. Measured
    (``--measure``), its worst step before and after, overall and per tool name; None where
    unknown: no measurement before, a tool new since, or not measured now."""

    risk: risk.Risk
    fixed: list[Finding]
    path: str | None
    removed: bool = False
    worst_ms_before: float | None = None
    worst_ms_after: float | None = None
    worst_ms_by_tool: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        return self.worst_ms_after is not None or self.worst_ms_before is not None

    def slowed_past(self, slow_ms: float) -> bool:
        """Whether the worst step — of the file or of one of its tools — is at least
        ``slow_ms`` now and was below it before (or unknown: new, or never measured)."""
        pairs = [(self.worst_ms_before, self.worst_ms_after), *self.worst_ms_by_tool.values()]
        return any(
            after is not None and after >= slow_ms and (before is None or before < slow_ms)
            for before, after in pairs
        )


@dataclass
class FileReport:
    path: str
    kind: str | None
    findings: list[Finding]
    metrics: dict[str, int] = field(default_factory=dict)
    measurement: Measurement | None = None
    baseline: FileBaseline | None = None
    worst: WorstStep | None = None
    """The slowest measured step, when measured."""
    suppressed: list[Finding] = field(default_factory=list)
    """Findings a ``$comment`` or a pointer in per-file-ignores silenced: reported, never
    counted for the exit code or the risk. Their ``suppressed`` field says why."""
    origin: Origin | None = None
    """Where a document that is no file came from (an MCP server, a Python object)."""
    targets: tuple[str, ...] = DEFAULT_TARGETS
    """The engines and providers the file was judged for (``--target``)."""
    risk: risk.Risk = field(init=False)

    def __post_init__(self) -> None:
        self.risk = risk.score(self.findings)

    def count(self, state: BaselineState) -> int:
        if state is BaselineState.FIXED:
            return len(self.baseline.fixed) if self.baseline else 0
        return sum(finding.baseline_state is state for finding in self.findings)

    @property
    def risk_rose(self) -> bool:
        return self.baseline is not None and self.risk.level > self.baseline.risk.level

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "path": self.path,
                "kind": self.kind,
                "risk": self.risk.to_json(),
                "metrics": self.metrics,
                "findings": [finding.to_json() for finding in self.findings],
                "suppressed": [finding.to_json() for finding in self.suppressed],
            }
            | ({"source": self.origin.to_json()} if self.origin else {})
            | ({"targets": self._targets_json()} if self.targets != DEFAULT_TARGETS else {})
            | ({"measurement": self._measurement_json()} if self.measurement else {})
            | ({"baseline": self._baseline_json()} if self.baseline else {})
        )

    def verdicts(self) -> list[TargetVerdict]:
        """Per target judged: accepted?, what it drops, the limits passed, its own risk."""
        return verdicts(self.findings, self.targets)

    def _targets_json(self) -> dict[str, Any]:
        return {verdict.target: verdict.to_json() for verdict in self.verdicts()}

    def _measurement_json(self) -> dict[str, Any]:
        assert self.measurement is not None
        return self.measurement.to_json() | (self.worst.to_json() if self.worst else {})

    def _baseline_json(self) -> dict[str, Any]:
        was = self.baseline
        assert was is not None
        measured = {
            "worst_ms_before": _round(was.worst_ms_before),
            "worst_ms_after": _round(was.worst_ms_after),
            "worst_ms_by_tool": {
                name: [_round(before), _round(after)]
                for name, (before, after) in was.worst_ms_by_tool.items()
            },
        }
        return {
            "path_before": was.path,
            "removed": was.removed,
            "risk_before": was.risk.score,
            "level_before": was.risk.level.label,
            "new": self.count(BaselineState.NEW),
            "unchanged": self.count(BaselineState.UNCHANGED),
            "fixed": [finding.to_json() for finding in was.fixed],
        } | (measured if was.measured else {})


def skipped_note(count: int) -> str:
    """What ``check`` and ``rewrite`` say of the files a folder walk passed over."""
    if count == 1:
        return "skipped 1 file that is not a schema"
    return f"skipped {count} files that are not schemas"


@dataclass
class Report:
    files: list[FileReport]
    baseline: str | None = None
    """What the files were compared with (a git ref or a JSON report), if anything."""
    skipped: list[str] = field(default_factory=list)
    """Files a folder walk found that are neither schemas nor tool lists (package.json)."""
    errors: list[SourceError] = field(default_factory=list)
    """Sources that gave no document (an MCP server that did not start): exit code 2."""

    @property
    def suppressed(self) -> list[Finding]:
        return [finding for report in self.files for finding in report.suppressed]

    def notes(self) -> str:
        """What a summary adds about findings and files left out, so nothing goes silently:
        "2 suppressed; skipped 3 files that are not schemas." (empty when none)."""
        notes = [f"{len(self.suppressed)} suppressed"] if self.suppressed else []
        notes += [self.skipped_note()] if self.skipped else []
        if self.errors:
            count = len(self.errors)
            notes.append(f"{count} source{'s' if count != 1 else ''} could not be read (above)")
        return "; ".join(notes).capitalize() + "." if notes else ""

    def skipped_note(self) -> str:
        return skipped_note(len(self.skipped))

    @property
    def findings(self) -> list[Finding]:
        return [finding for report in self.files for finding in report.findings]

    def by_severity(self) -> dict[str, int]:
        counts = {severity.label: 0 for severity in reversed(Severity)}
        for finding in self.findings:
            counts[finding.severity.label] += 1
        return counts

    def exit_code(
        self, fail_on: Severity, fail_on_risk_rise: bool = True, slow_ms: float | None = None
    ) -> int:
        """1 for a finding at or above ``fail_on``; against a baseline, only for a new one,
        or (with ``fail_on_risk_rise``) for a file whose risk level rose, or (with
        ``slow_ms``) for a file whose worst measured step rose to ``slow_ms`` or past it."""
        if self.baseline is None:
            return int(any(finding.severity >= fail_on for finding in self.findings))
        new = any(
            finding.severity >= fail_on and finding.baseline_state is BaselineState.NEW
            for finding in self.findings
        )
        rose = fail_on_risk_rise and any(file.risk_rose for file in self.files)
        return int(new or rose or (slow_ms is not None and bool(self.slowed_past(slow_ms))))

    def slowed_past(self, slow_ms: float) -> list[str]:
        """The files whose worst measured step rose to ``slow_ms`` or past it."""
        return [f.path for f in self.files if f.baseline and f.baseline.slowed_past(slow_ms)]

    def baseline_summary(self) -> dict[str, int]:
        """How many findings are new, unchanged and fixed, over all files."""
        return {
            state.value: sum(file.count(state) for file in self.files) for state in BaselineState
        }


def _settings_for(settings: Settings | SettingsFor) -> SettingsFor:
    return settings if callable(settings) else lambda _: settings


def expand_paths(
    paths: Iterable[Path], settings: Settings | SettingsFor | None = None
) -> Iterator[Path]:
    """Files as given; folders recursively, keeping JSON and YAML files, skipping hidden
    ones and what the nearest config's ``exclude`` and ``extend-exclude`` name."""
    for path, _ in find_files(paths, settings or Settings()):
        yield path


def find_files(
    paths: Iterable[Path], settings: Settings | SettingsFor
) -> Iterator[tuple[Path, bool]]:
    """``expand_paths`` with, for each file, whether a folder walk found it: such a file is
    skipped, not reported, when it is no schema (a package.json beside the schemas)."""
    settings_for = _settings_for(settings)
    for path in paths:
        if path.is_dir():
            for candidate in _walk(path, settings_for):
                yield candidate, True
        elif path.exists():
            yield path, False
        else:
            raise PathNotFound(f"{path}: no such file or directory")


def _walk(folder: Path, settings_for: SettingsFor) -> list[Path]:
    """The checked files under ``folder``, in path order, never entering a skipped folder
    (a .venv or node_modules may hold more files than the project)."""
    found = []
    for where, folders, names in os.walk(folder):
        here = Path(where)
        folders[:] = [
            name
            for name in folders
            if is_checked(PurePath(name), folder=True, names=())
            and not settings_for(here / name).excludes(here / name, folder)
        ]
        found += [
            here / name
            for name in names
            if is_checked((here / name).relative_to(folder), names=())
            and not settings_for(here / name).excludes(here / name, folder)
        ]
    return sorted(found)


def is_checked(
    relative: PurePath, folder: bool = False, names: tuple[str, ...] = DEFAULT_EXCLUDE
) -> bool:
    """Whether a file (or ``folder``) at ``relative`` inside a walked folder is checked: a
    JSON or YAML file, not hidden, not under a hidden folder or one ``names`` excludes."""
    if any(p.startswith(".") for p in relative.parts) or excluded_name(relative, names):
        return False
    return folder or relative.suffix.lower() in SCHEMA_SUFFIXES


def check_paths(
    paths: Iterable[Path],
    settings: Settings | SettingsFor,
    jobs: int | None = None,
    prober: Prober | None = None,
) -> Report:
    """Check every file, each with its settings; with many files, spread them over ``jobs``
    processes (default: CPUs). With a ``prober`` every schema is also measured, one file at a
    time. Files a folder walk found that are no schemas are counted as skipped."""
    settings_for = _settings_for(settings)
    found = list(find_files(paths, settings_for))
    files = [path for path, _ in found]
    each = [settings_for(path) for path in files]
    walked = [was_walked for _, was_walked in found]
    workers = min(jobs or os.cpu_count() or 1, len(files) // _FILES_PER_WORKER)
    if workers < 2 or prober is not None:
        results = [_check_found(*item, prober) for item in zip(files, each, walked, strict=True)]
    else:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = list(pool.map(_check_found, files, each, walked, chunksize=16))
    return Report(
        [result for result in results if result is not None],
        skipped=[str(path) for path, result in zip(files, results, strict=True) if result is None],
    )


def _check_found(
    path: Path, settings: Settings, walked: bool, prober: Prober | None = None
) -> FileReport | None:
    """``check_file``; None for a file a folder walk found that is neither a schema nor a
    tool list. Named on the command line, such a file is an SL000 error."""
    document = read_document(path, settings.max_file_size)
    return (
        check_walked(document, settings, prober)
        if walked
        else check_loaded(document, settings, prober)
    )


def check_walked(
    document: Document | LoadError, settings: Settings, prober: Prober | None = None
) -> FileReport | None:
    """``check_loaded`` for a file a folder walk found: None when it is neither a schema nor
    a tool list (a file that cannot be parsed is still reported: it may be a broken schema)."""
    if isinstance(document, Document) and not looks_like_schema(document.data):
        return None
    return check_loaded(document, settings, prober)


def check_file(path: Path, settings: Settings, prober: Prober | None = None) -> FileReport:
    return check_loaded(read_document(path, settings.max_file_size), settings, prober)


def check_loaded(
    document: Document | LoadError, settings: Settings, prober: Prober | None = None
) -> FileReport:
    """Check a document read from anywhere (a file, a git revision), or report why it could
    not be read."""
    if isinstance(document, LoadError):
        return FileReport(document.path, None, _input_error(document, settings))
    return check_document(document, settings, prober)


def check_data(
    data: Any, settings: Settings, path: str = "<data>", prober: Prober | None = None
) -> FileReport:
    """Lint an in-memory schema or tools list; positions refer to its indented JSON."""
    try:
        check_depth(data)
    except SchemaTooLarge as error:  # before json.dumps, which would hit the recursion limit
        failure = LoadError(path, f"schema too large to analyse: {error}")
        return FileReport(path, None, _input_error(failure, settings))
    text = json.dumps(data, indent=2)
    return check_document(
        Document(path, "json", text, data, PositionIndex(lambda: index_json(text))),
        settings,
        prober,
    )


def check_document(
    document: Document, settings: Settings, prober: Prober | None = None
) -> FileReport:
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    kind: str | None = None
    try:
        check_depth(document.data)
        normalised = normalise(document.data)
        kind = normalised.kind
        analysis = analyse(normalised.schema, enforcer, roots=_provider_roots(normalised))
        enabled = settings.enabled_codes(document.path)
        static = frozenset(code for code in enabled if not is_measured(code))
        violations = list(_run_rules(analysis, static, settings))
        measurement: Measurement | None = None
        worst: WorstStep | None = None
        if prober is not None:
            goals = _finding_goals(violations, analysis)
            measurement = prober.measure(analysis, _tools(normalised), goals)
            measurement.to_source = normalised.to_source
            worst = WorstStep.of(measurement, normalised.tools)
            slow_ms = settings.rule_options("SM201")["high-ms"]
            violations = list(judge(violations, RULES, analysis, measurement, slow_ms))
            violations += _run_rules(analysis, enabled - static, settings, measurement)
        metrics = analysis.metrics()
    except NotASchema as error:
        position = document.positions.find(error.pointer)
        failure = LoadError(document.path, str(error), position)
        return FileReport(
            document.path,
            None,
            _input_error(failure, settings, error.pointer),
            origin=document.origin,
        )
    except SchemaTooLarge as error:
        reason = f"schema too large to analyse: {error}"
    except RecursionError:
        reason = "schema nested too deeply to analyse"
    except Exception as error:  # one file a library fails on must not end a folder's report
        blamed = library_failure(error)
        if blamed is None:
            raise
        reason = f"cannot analyse this file: {blamed}"
    else:
        findings, suppressed = split_suppressed(
            _place(violations, document, normalised, settings),
            document.data,
            settings.ignored_pointers(document.path),
        )
        return FileReport(
            document.path,
            kind,
            findings,
            metrics,
            measurement,
            worst=worst,
            suppressed=suppressed,
            origin=document.origin,
            targets=settings.targets,
        )
    failure = LoadError(document.path, reason)
    return FileReport(document.path, kind, _input_error(failure, settings), origin=document.origin)


def _tools(normalised: NormalisedSchema) -> list[tuple[str, str]] | None:
    """A tool list's tools as (analysed-schema pointer, name); None for other documents."""
    if not normalised.tools:
        return None
    if len(normalised.tools) == 1:
        return [("", normalised.tools[0].name)]
    return [(f"/anyOf/{index}", tool.name) for index, tool in enumerate(normalised.tools)]


def _provider_roots(normalised: NormalisedSchema) -> tuple[str, ...]:
    """Where each tool's parameters sit in the analysed schema: what a provider is sent."""
    tools = _tools(normalised)
    if tools is None:
        return ("",)
    return tuple(jp.join(pointer, "properties", "arguments") for pointer, _ in tools)


def _finding_goals(violations: list[tuple[str, Violation]], analysis: Analysis) -> list[Goal]:
    """Where the walk plan must go first: the pointers of static findings a walk can test,
    in the condition their rule describes."""
    from schemalint.measure.plan import FINDING, Goal

    loose = not analysis.enforcer.strict_field_order
    goals = []
    for code, violation in violations:
        test = RULES[code].test
        pointer = _enum_branch(analysis, violation.pointer) if test == "enum-prefix" else None
        pointer = pointer or scope_of(analysis, violation.pointer)
        if test and pointer in analysis.by_pointer:
            decision = test == "before-decision"
            goals.append(
                Goal(
                    pointer,
                    FINDING,
                    code,
                    key_first=loose and decision,
                    first_in_object=loose and not decision,
                    quoted=decision,
                    prose=test == "prose",
                )
            )
    return goals


def _enum_branch(analysis: Analysis, union: str) -> str | None:
    """The string-enum (or string-const) branch of the union at ``union`` (``/x/anyOf``)."""
    owner, keyword = jp.split(union)[:-1], (jp.split(union) or [""])[-1]
    node = analysis.by_pointer.get(jp.join("", *owner))
    branches = node.schema.get(keyword) if node and isinstance(node.schema, dict) else None
    for index, branch in enumerate(branches if isinstance(branches, list) else []):
        if isinstance(branch, dict) and is_string_choice(branch):
            return jp.join(union, index)
    return None


def _run_rules(
    analysis: Analysis,
    enabled: frozenset[str],
    settings: Settings,
    measurement: Measurement | None = None,
) -> Iterator[tuple[str, Violation]]:
    """The enabled static rules, or with a ``measurement`` the enabled measured ones."""
    for code, rule in RULES.items():
        if code not in enabled:
            continue
        options = settings.rule_options(code)
        measured = MEASURED_CHECKS.get(code)
        run: Callable[[], Iterable[Violation]] | None = None
        if measurement is None and rule.check is not None:
            run = functools.partial(rule.check, analysis, options)
        elif measurement is not None and measured is not None:
            run = functools.partial(measured, analysis, measurement, options)
        if run is None:
            continue
        try:
            for violation in run():
                yield code, violation
        except (RecursionError, SchemaTooLarge):
            raise
        except Exception as error:  # a bug in a rule must not hide the other findings
            yield (
                INVALID_INPUT.code,
                Violation(
                    "",
                    f"internal error in rule {code} "
                    f"({type(error).__name__}: {shorten(str(error))}); please report it",
                ),
            )


def _place(
    violations: list[tuple[str, Violation]],
    document: Document,
    normalised: NormalisedSchema,
    settings: Settings,
) -> list[Finding]:
    """Findings at the user's pointers, with positions and configured severities, deduplicated."""
    findings: dict[tuple[str, str, str], Finding] = {}
    for code, violation in violations:
        rule = RULES[code]
        pointer = normalised.to_source(violation.pointer)
        position = document.positions.find(pointer)
        severity = settings.severity.get(code) or violation.severity or rule.severity
        finding = Finding(
            code=code,
            name=rule.name,
            severity=severity,
            path=document.path,
            pointer=pointer,
            message=violation.message,
            line=position.line if position else None,
            column=position.column if position else None,
            end_line=position.end_line if position else None,
            end_column=position.end_column if position else None,
            fix=violation.fix,
            evidence=violation.evidence,
            measured=violation.measured,
            fingerprint=fingerprint(
                code, pointer, document.data, normalised, _union(violation, normalised)
            ),
            tool=tool.name if (tool := tool_at(pointer, normalised.tools)) else None,
            target=rule.target,
            origin=document.origin,
        )
        findings.setdefault((code, pointer, violation.message), finding)
    return sorted(findings.values(), key=_finding_order)


def _union(violation: Violation, normalised: NormalisedSchema) -> str | None:
    """Where in the file the union a violation is about sits, if its rule names one."""
    union = violation.evidence.get("union")
    return normalised.to_source(union) if isinstance(union, str) else None


def _finding_order(finding: Finding) -> tuple[int, int, str, str]:
    return (finding.line or 0, finding.column or 0, finding.pointer, finding.code)


def _input_error(error: LoadError, settings: Settings, pointer: str = "") -> list[Finding]:
    if INVALID_INPUT.code not in settings.enabled_codes(error.path):
        return []
    position: SourcePosition | None = error.position
    return [
        Finding(
            code=INVALID_INPUT.code,
            name=INVALID_INPUT.name,
            severity=settings.severity.get(INVALID_INPUT.code, INVALID_INPUT.severity),
            path=error.path,
            pointer=pointer,
            message=error.message,
            line=position.line if position else None,
            column=position.column if position else None,
            fingerprint=fingerprint(INVALID_INPUT.code, pointer, None, None),
            target=INVALID_INPUT.target,
        )
    ]
