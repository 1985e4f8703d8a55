"""Apply rewrites in passes until nothing changes, validating every change.

Within a pass, a change whose patch touches a part of the schema that an earlier change of
the same pass already rewrote waits for the next pass (its proposal is stale). After each
change the schema is checked against its meta-schema; a change that breaks it is rolled back
and reported. Stable output means rewriting twice gives the result of rewriting once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import SchemaError

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.dialect import validator_class_for
from schemalint.lmfe import detect_settings
from schemalint.model import Applicability
from schemalint.rewrite.patch import Operation, apply, overlaps
from schemalint.rewrite.rewrites import REWRITES, Rewrite

MAX_PASSES = 10


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
    passes: int = 0


def selected_rewrites(settings: Settings, unsafe: bool) -> list[Rewrite]:
    enabled = settings.enabled_codes("")
    return [
        rewrite
        for rewrite in REWRITES
        if rewrite.code in enabled and (unsafe or rewrite.applicability is Applicability.SAFE)
    ]


def rewrite_schema(schema: Any, settings: Settings, unsafe: bool = False) -> RewriteResult:
    """``schema`` rewritten until stable; ``schema`` itself is never modified."""
    rewrites = selected_rewrites(settings, unsafe)
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    cap = settings.rule_options("SL103")["max-expanded-nodes"]
    result = RewriteResult(schema)
    for _ in range(MAX_PASSES):
        result.passes += 1
        analysis = analyse(result.schema, enforcer)
        touched: list[str] = []
        changed = False
        for rewrite in rewrites:
            for change in rewrite.propose(analysis, cap):
                paths = [op["path"] for op in change.operations] + list(change.reads)
                if any(overlaps(path, seen) for path in paths for seen in touched):
                    continue
                candidate = apply(result.schema, change.operations)
                problem = _meta_problem(candidate)
                if problem:
                    result.rolled_back.append(f"{rewrite.name}: {change.description}: {problem}")
                    continue
                touched.extend(paths)
                result.schema = candidate
                result.changes.append(
                    AppliedChange(
                        rewrite.name,
                        rewrite.code,
                        rewrite.applicability,
                        change.description,
                        change.operations,
                    )
                )
                changed = True
        if not changed:
            break
    return result


def _meta_problem(schema: Any) -> str | None:
    try:
        validator_class_for(schema).check_schema(schema)
    except SchemaError as error:
        return f"the result fails its meta-schema ({error.message}); rolled back"
    return None
