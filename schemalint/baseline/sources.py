"""Build a baseline: the checked files as a git ref has them, or as an earlier JSON report
recorded them. Old contents are checked with today's settings — and measured with today's
prober — so that only the files differ."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from schemalint import risk
from schemalint.baseline import BaselineError
from schemalint.baseline import git as vcs
from schemalint.baseline.compare import Baseline
from schemalint.config import Settings
from schemalint.engine import FileReport, Report, WorstStep, check_loaded, check_walked, is_checked
from schemalint.load.reader import parse_document
from schemalint.model import Applicability, Finding, Fix, Severity

if TYPE_CHECKING:
    from schemalint.measure.probe import Prober


def from_ref(
    paths: list[Path],
    report: Report,
    ref: str,
    settings: Settings,
    prober: Prober | None = None,
) -> Baseline:
    """Each file of ``report`` as commit ``ref`` has it (followed through renames git sees),
    and the files under ``paths`` that ``ref`` has and the working tree no longer does. With
    a ``prober``, a file's old contents are measured too, unless they are today's (then its
    worst step is today's); removed files are not measured."""
    if not paths:
        raise BaselineError("no paths to compare")
    revision = vcs.open_revision(paths[0], ref)
    given = [(path, vcs.relative(revision, path)) for path in paths]
    specs = [spec for _, spec in given]
    at_ref = vcs.files_at(revision, specs)
    moved = vcs.renames(revision, specs)
    edited = vcs.changed(revision, specs)
    baseline = Baseline(f"git ref {ref}")
    seen: set[str] = set()
    for file in report.files:
        now = vcs.relative(revision, Path(file.path))
        seen.add(now)
        was = now if now in at_ref else moved.get(now)
        if was is not None:
            seen.add(was)
            if was == now and now not in edited:
                # The same bytes as at the ref (git says so without reading them): no second check.
                baseline.files[file.path] = _as_before(file)
                continue
            label = file.path if was == now else _label(revision, was, given)
            baseline.files[file.path] = _check_at(revision, was, label, settings, prober, file)
    seen.update(vcs.relative(revision, Path(path)) for path in report.skipped)
    for name in sorted(at_ref - seen):
        if any(_checked_under(name, spec) for path, spec in given if path.is_dir()):
            label = _label(revision, name, given)
            raw = vcs.read_at(revision, name)
            suffix = PurePosixPath(name).suffix
            document = parse_document(label, raw, suffix, settings.max_file_size)
            if (before := check_walked(document, settings)) is not None:  # not a package.json
                baseline.removed.append(before)
    return baseline


def from_report(paths: list[Path], report: Report, saved: Path) -> Baseline:
    """Each file of ``report`` as the JSON report ``saved`` recorded it (matched by path), and
    the files it recorded under ``paths`` that are not checked now."""
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{saved}: cannot read baseline: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{saved}: baseline is not JSON: {error}") from None
    recorded = _files_of(data, saved)
    baseline = Baseline(str(saved))
    current = {_key(file.path): file.path for file in report.files}
    roots = [_key(str(path)) for path in paths]
    for before in recorded:
        key = _key(before.path)
        if key in current:
            baseline.files[current[key]] = before
        elif any(key == root or key.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            baseline.removed.append(before)
    return baseline


def _check_at(
    revision: vcs.Revision,
    name: str,
    label: str,
    settings: Settings,
    prober: Prober | None = None,
    now: FileReport | None = None,
) -> FileReport:
    """``name`` as the commit has it, measured with ``prober``. When it is ``now``, the file
    checked today, with the same bytes, today's check is the answer: measured findings and
    the worst step included, without measuring the same schema twice."""
    raw = vcs.read_at(revision, name)
    if now is not None and label == now.path and raw == _read(Path(now.path)):
        return _as_before(now)
    document = parse_document(label, raw, PurePosixPath(name).suffix, settings.max_file_size)
    return check_loaded(document, settings, prober)


def _as_before(now: FileReport) -> FileReport:
    """Today's check of a file whose bytes the baseline has too, as its baseline."""
    return FileReport(now.path, now.kind, now.findings, now.metrics, worst=now.worst)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _checked_under(name: str, spec: str) -> bool:
    """Whether checking folder ``spec`` now would have checked file ``name``."""
    inside = PurePosixPath(name).relative_to(spec) if spec else PurePosixPath(name)
    return is_checked(inside)


def _label(revision: vcs.Revision, name: str, given: list[tuple[Path, str]]) -> str:
    """A path the working tree no longer has, written as the user wrote the folder it is in."""
    for path, spec in given:
        if not spec or name.startswith(spec + "/"):
            return str(path / (PurePosixPath(name).relative_to(spec) if spec else name))
    return os.path.relpath(revision.root / name)


def _key(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _files_of(data: Any, saved: Path) -> list[FileReport]:
    """The files of a ``check --format json`` report, with the risk it recorded."""

    def bad(why: str) -> BaselineError:
        return BaselineError(f"{saved}: not a schemalint JSON report ({why})")

    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise bad("no 'files' list")
    files = []
    for entry in data["files"]:
        try:
            findings = [_finding(item, entry["path"]) for item in entry["findings"]]
            file = FileReport(entry["path"], entry.get("kind"), findings)
            if isinstance(entry.get("measurement"), dict):
                file.worst = WorstStep.from_json(entry["measurement"])
            file.risk = risk.Risk(
                int(entry["risk"]["score"]), Severity.parse(entry["risk"]["level"])
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise bad(f"unexpected file entry: {type(error).__name__}: {error}") from None
        if not isinstance(file.path, str):
            raise bad("a file's path is not a string")
        if any(not isinstance(f.fingerprint, str) for f in findings):
            raise bad(f"{file.path} has findings without fingerprints: write it again")
        files.append(file)
    return files


def _finding(item: dict[str, Any], path: str) -> Finding:
    fix = item.get("fix")
    return Finding(
        code=item["code"],
        name=item.get("name", ""),
        severity=Severity.parse(item["severity"]),
        path=path,
        pointer=item["pointer"],
        message=item.get("message", ""),
        line=item.get("line"),
        column=item.get("column"),
        fix=Fix(fix["description"], Applicability(fix["applicability"])) if fix else None,
        fingerprint=item.get("fingerprint"),
    )
