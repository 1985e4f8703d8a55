"""`schemalint rewrite` over many files: each file is read, rewritten, reported and written on
its own, so that a pre-commit hook can pass any number of them and one file that cannot be read
or rewritten does not stop the others (it only makes the final exit code 2, ruff's)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from schemalint.atomic import write_atomically
from schemalint.config import Settings
from schemalint.engine import skipped_note
from schemalint.load.kinds import NotASchema, looks_like_schema
from schemalint.load.reader import Document, read_document
from schemalint.model import LoadError
from schemalint.rewriting.document import DocumentRewrite, rewrite_document, setting_hints
from schemalint.rewriting.engine import Judge
from schemalint.rewriting.rewrites import MEASURED, trades


class Output(StrEnum):
    """Where a rewritten document goes; only the last three make sense for many files."""

    STDOUT = "stdout"
    FILE = "file"
    IN_PLACE = "in-place"
    DIFF = "diff"
    CHECK = "check"

    @classmethod
    def chosen(cls, check: bool, diff: bool, in_place: bool, to_file: bool) -> Output:
        """--check wins over --diff, which wins over --in-place and --output."""
        if check:
            return cls.CHECK
        if diff:
            return cls.DIFF
        if in_place:
            return cls.IN_PLACE
        return cls.FILE if to_file else cls.STDOUT


ONE_FILE_ONLY = frozenset({Output.STDOUT, Output.FILE})


@dataclass(frozen=True)
class RewriteRun:
    settings: Settings
    unsafe: bool
    output: Output
    target: Path | None = None
    """The file ``--output`` names (with ``Output.FILE``)."""
    judge: Judge | None = None
    measured: Callable[[Document, DocumentRewrite], None] | None = None
    """Shows each file's measurements before and after its rewrite (``--measure``)."""


def rewrite_files(
    files: list[Path], run: RewriteRun, out: TextIO, err: TextIO, walked: Collection[Path] = ()
) -> int:
    """The exit code: 2 if a file failed, else 1 if ``--check`` found a file to change, else 0.
    With several files every stderr line names its file; notes about the settings come once.
    Files in ``walked`` (found by a folder walk) that are no schemas are skipped, as by
    ``check``: a package.json beside the schemas is not an error."""
    named = len(files) > 1
    codes, changed, skipped = [], [], 0
    for path in files:
        document = read_document(path, run.settings.max_file_size)
        walked_past = isinstance(document, Document) and not looks_like_schema(document.data)
        if walked_past and path in walked:
            skipped += 1
            continue
        code, result = _rewrite_file(path, document, run, out, err, f"{path}: " if named else "")
        codes.append(code)
        if result is not None:
            changed.append(result)
    if skipped:
        err.write(f"note: {skipped_note(skipped)}\n")
    if run.judge is None and any(
        change.rewrite in MEASURED for result in changed for _, change in result.changes
    ):
        err.write(
            "note: the free-text rewrites above were chosen from static findings; "
            "add --measure to keep only those that measure faster\n"
        )
    if changed:
        err.writelines(f"hint: {hint}\n" for hint in setting_hints(run.settings))
    return max(codes, default=0)


def rewrite_documents(documents: list[Document], run: RewriteRun, out: TextIO, err: TextIO) -> int:
    """Documents that are no files (an MCP server's tools): the result goes to stdout or
    ``--output``, never back to the source, which is only read."""
    named = len(documents) > 1
    codes = [
        _rewrite_file(Path(doc.path), doc, run, out, err, f"{doc.path}: " if named else "")[0]
        for doc in documents
    ]
    return max(codes, default=0)


def _rewrite_file(
    path: Path,
    document: Document | LoadError,
    run: RewriteRun,
    out: TextIO,
    err: TextIO,
    prefix: str,
) -> tuple[int, DocumentRewrite | None]:
    """The file's exit code, and its rewrite when that changed something."""
    if isinstance(document, LoadError):
        where = f":{document.position.line}:{document.position.column}" if document.position else ""
        return _error(err, f"{document.path}{where}: {document.message}"), None
    try:
        result = rewrite_document(document, run.settings, run.unsafe, run.judge)
    except NotASchema as error:
        return _error(err, f"{path}: {error}"), None
    if result.refused is not None:
        return _error(err, f"{path}: not rewritten: {result.refused}"), None
    err.writelines(f"{prefix}{line}\n" for line in _explained(result))
    if run.measured is not None:
        run.measured(document, result)
    code = _deliver(path, result, run, out, err)
    return code, result if result.changed else None


def _explained(result: DocumentRewrite) -> list[str]:
    """What measurement decided, each change, each rollback and each trade, one line apiece."""
    lines = [f"measured: {message}" for message in result.decisions]
    lines += [
        f"{change.code} {change.applicability.value} {change.rewrite}: {change.description}"
        + (f" (in {where})" if where else "")
        for where, change in result.changes
    ]
    lines += [f"rolled back: {message}" for message in result.rolled_back]
    return lines + [
        f"unsafe: {line}" for line in trades([change.rewrite for _, change in result.changes])
    ]


def _deliver(path: Path, result: DocumentRewrite, run: RewriteRun, out: TextIO, err: TextIO) -> int:
    if run.output is Output.CHECK:
        if not result.changed:
            return 0
        err.write(f"would rewrite {path}\n")
        return 1
    if run.output is Output.DIFF:
        out.writelines(
            difflib.unified_diff(
                result.original.splitlines(keepends=True),
                result.text.splitlines(keepends=True),
                fromfile=str(path),
                tofile=f"{path} (rewritten)",
            )
        )
        return 0
    if run.output is Output.STDOUT:
        out.write(result.text)
        return 0
    if run.output is Output.IN_PLACE:
        return _write_atomically(path, result.text, err) if result.changed else 0
    assert run.target is not None, "Output.FILE needs a target"
    return _write_atomically(run.target, result.text, err)


def _write_atomically(target: Path, text: str, err: TextIO) -> int:
    try:
        write_atomically(target, text)
    except OSError as error:
        return _error(err, f"{target}: cannot write: {error.strerror or error}")
    return 0


def _error(err: TextIO, message: str) -> int:
    err.write(f"schemalint: error: {message}\n")
    return 2
