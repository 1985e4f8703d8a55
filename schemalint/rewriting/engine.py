"""Apply rewrites in passes until nothing changes, validating every change.

Within a pass, a change whose patch touches a part of the schema that an earlier change of
the same pass already rewrote waits for the next pass (its proposal is stale). After each pass
the schema is checked against its meta-schema; when it fails, the pass is replayed change by
change and the changes that break it are rolled back and reported. Stable output means
rewriting twice gives the result of rewriting once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis, analyse
from schemalint.config import Settings
from schemalint.dialect import meta_message, meta_validator
from schemalint.lmfe import EnforcerSettings, detect_settings
from schemalint.model import Applicability
from schemalint.rewriting.change import Change, Rewrite
from schemalint.rewriting.patch import Operation, apply, overlaps
from schemalint.rewriting.rewrites import REWRITES
from schemalint.walk import SchemaTooLarge, check_depth

MAX_PASSES = 10
MAX_MEASURED_CHANGES = 50
"""Changes measurement may be asked to judge in one rewrite (each costs a measurement)."""


@dataclass(frozen=True)
class AppliedChange:
    rewrite: str
    code: str
    applicability: Applicability
    description: str
    operations: list[Operation]


@dataclass
class RewriteResult:
    schema: Any
    changes: list[AppliedChange] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)
    """Changes undone because they broke the schema; the others still apply."""
    refused: str | None = None
    """Why the input itself was not rewritten at all (it fails its meta-schema, or nests too
    deeply to check); None when it was."""
    decisions: list[str] = field(default_factory=list)
    """What measurement said of each change it was asked to judge."""
    passes: int = 0


@dataclass(frozen=True)
class Verdict:
    keep: bool
    reason: str


Judge = Callable[[Any, Any, tuple[str, ...]], Verdict]
"""Given the schema before and after one change, and the pointers where the change's effect
shows, whether to keep the change."""


def selected_rewrites(settings: Settings, unsafe: bool) -> list[Rewrite]:
    enabled = settings.enabled_codes("")
    return [
        rewrite
        for rewrite in REWRITES
        if rewrite.code in enabled and (unsafe or rewrite.applicability is Applicability.SAFE)
    ]


def unsafe_rewrite(schema: Any, strict_field_order: bool) -> tuple[Any, tuple[str, ...]]:
    """What ``rewrite --unsafe-fixes`` makes of ``schema``, and the rewrite behind each change:
    the engine comparison measures LMFE on it when LMFE is slow or wrong."""
    result = rewrite_schema(schema, Settings(strict_field_order=strict_field_order), unsafe=True)
    return result.schema, tuple(change.rewrite for change in result.changes)


def rewrite_schema(
    schema: Any, settings: Settings, unsafe: bool = False, judge: Judge | None = None
) -> RewriteResult:
    """``schema`` rewritten until stable; ``schema`` itself is never modified.

    With a ``judge``, the rewrites marked ``measured`` are tried one change at a time after
    the others have settled, and each is kept only when the judge (a measurement) says so.
    """
    rewrites = selected_rewrites(settings, unsafe)
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    cap = settings.rule_options("SL103")["max-expanded-nodes"]
    result = RewriteResult(schema)
    problem = _meta_problem(schema, [""])
    if problem is not None:
        result.refused = f"the input {problem}: fix that first (see `schemalint check`)"
        return result
    if judge is None:
        _until_stable(result, rewrites, enforcer, cap)
        return result
    static = [rewrite for rewrite in rewrites if not rewrite.measured]
    _until_stable(result, static, enforcer, cap)
    _choose_by_measurement(result, [r for r in rewrites if r.measured], judge, enforcer, cap)
    _until_stable(result, static, enforcer, cap)
    return result


def _until_stable(
    result: RewriteResult, rewrites: list[Rewrite], enforcer: EnforcerSettings, cap: int
) -> None:
    for _ in range(MAX_PASSES):
        result.passes += 1
        analysis = analyse(result.schema, enforcer)
        proposed = _non_overlapping(rewrites, analysis, cap)
        if not proposed:
            return
        candidate = apply(result.schema, [op for _, change in proposed for op in change.operations])
        changed = _changed_subschemas(analysis, [c for _, c in proposed])
        if _meta_problem(candidate, changed) is None:  # the common case: one check per pass
            result.schema = candidate
            result.changes += [_applied(rewrite, change) for rewrite, change in proposed]
            continue
        kept = False
        for rewrite, change in proposed:  # find the changes that break it
            candidate = apply(result.schema, change.operations)
            problem = _meta_problem(candidate, _changed_subschemas(analysis, [change]))
            if problem:
                result.rolled_back.append(_undone(rewrite, change, problem))
                continue
            result.schema = candidate
            result.changes.append(_applied(rewrite, change))
            kept = True
        if not kept:
            return  # everything proposed was rolled back: nothing more will change


def _choose_by_measurement(
    result: RewriteResult,
    rewrites: list[Rewrite],
    judge: Judge,
    enforcer: EnforcerSettings,
    cap: int,
) -> None:
    """Try each proposed change alone, keep it only when the judge measures a gain."""
    decided: set[tuple[str, ...]] = set()
    while len(decided) < MAX_MEASURED_CHANGES:
        analysis = analyse(result.schema, enforcer)
        pending = [
            (rewrite, change)
            for rewrite in rewrites
            for change in rewrite.propose(analysis, cap)
            if _key(rewrite, change) not in decided
        ]
        if not pending:
            return
        rewrite, change = pending[0]
        decided.add(_key(rewrite, change))
        candidate = apply(result.schema, change.operations)
        problem = _meta_problem(candidate, _changed_subschemas(analysis, [change]))
        if problem:
            result.rolled_back.append(_undone(rewrite, change, problem))
            continue
        verdict = judge(result.schema, candidate, change.measured_at)
        result.decisions.append(f"{rewrite.name}: {change.description}: {verdict.reason}")
        if verdict.keep:
            result.schema = candidate
            result.changes.append(_applied(rewrite, change))


def _key(rewrite: Rewrite, change: Change) -> tuple[str, ...]:
    return (rewrite.name, change.description, *(op["path"] for op in change.operations))


def _non_overlapping(
    rewrites: list[Rewrite], analysis: Any, cap: int
) -> list[tuple[Rewrite, Change]]:
    """This pass's changes; one that touches what an earlier one touches waits a pass."""
    touched: list[str] = []
    chosen = []
    for rewrite in rewrites:
        for change in rewrite.propose(analysis, cap):
            paths = [op["path"] for op in change.operations] + list(change.reads)
            if any(overlaps(path, seen) for path in paths for seen in touched):
                continue
            touched.extend(paths)
            chosen.append((rewrite, change))
    return chosen


def _applied(rewrite: Rewrite, change: Change) -> AppliedChange:
    return AppliedChange(
        rewrite.name, rewrite.code, rewrite.applicability, change.description, change.operations
    )


def _changed_subschemas(analysis: Analysis, changes: list[Change]) -> list[str]:
    """The smallest subschemas that contain every operation: only they need re-validating."""
    found: set[str] = set()
    for change in changes:
        for operation in change.operations:
            pointer = operation["path"]
            if operation["op"] == "remove":  # what held it is what changed
                pointer = pointer.rsplit("/", 1)[0]
            while pointer not in analysis.by_pointer:
                pointer = pointer.rsplit("/", 1)[0] if pointer else ""
                if not pointer:
                    break
            found.add(pointer)
    return sorted(p for p in found if not any(p != q and jp.within(p, q) for q in found))


def _meta_problem(schema: Any, pointers: list[str]) -> str | None:
    """What is wrong with the subschemas at ``pointers`` (every subschema is itself a schema)
    as schemas of the document's dialect, the way SL001 sees it; None when nothing is."""
    meta = meta_validator(schema)
    for pointer in pointers:
        subschema = schema
        for token in jp.split(pointer):
            subschema = subschema[int(token)] if isinstance(subschema, list) else subschema[token]
        try:
            check_depth(subschema)
        except SchemaTooLarge as error:
            return f"is {error}"
        invalid = next(meta.iter_errors(subschema), None)
        if invalid is not None:
            return f"fails its meta-schema ({meta_message(invalid)})"
    return None


def _undone(rewrite: Rewrite, change: Change, problem: str) -> str:
    return f"{rewrite.name}: {change.description}: the result {problem}; rolled back"
