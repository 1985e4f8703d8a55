"""Safe rewrites accept exactly the same instances: every labelled instance of every corpus
schema keeps its valid/invalid verdict after `schemalint rewrite` (without --unsafe-fixes)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemalint.config import Settings
from schemalint.dialect import validator_class_for
from schemalint.rewriting.engine import rewrite_schema
from tests.conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent"),
]


def verdicts(schema: Any, instances: list[Any]) -> list[bool] | None:
    """Validity of each instance, or None when jsonschema itself cannot use the schema."""
    try:
        validator = validator_class_for(schema)(schema)
        return [bool(validator.is_valid(instance)) for instance in instances]
    except Exception:
        return None


def test_safe_rewrites_keep_every_corpus_verdict() -> None:
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False)
    rewritten = checked = 0
    changed_verdicts = []
    for path in sorted(CORPUS.glob("*/*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        instances = [test["data"] for test in entry["tests"]]
        before = verdicts(entry["schema"], instances)
        if before is None:
            continue
        result = rewrite_schema(entry["schema"], settings)
        if not result.changes:
            continue
        rewritten += 1
        checked += len(instances)
        after = verdicts(result.schema, instances)
        if after != before:
            changed_verdicts.append(
                (path.relative_to(CORPUS).as_posix(), [c.rewrite for c in result.changes])
            )
    print(f"\nsafe rewrites: {rewritten} corpus schemas rewritten, {checked} instances checked")
    assert changed_verdicts == []
    assert rewritten > 1000
