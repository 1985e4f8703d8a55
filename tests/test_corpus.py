"""The static check over ../shared/corpus (8.5k real schemas): zero crashes, every file scored."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from schemalint.config import Settings
from schemalint.engine import check_data
from tests.conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent"),
]


def test_static_check_over_the_corpus_never_crashes() -> None:
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False)
    levels: Counter[str] = Counter()
    crashes = []
    files = sorted(CORPUS.glob("*/*.json"))
    assert len(files) > 8000
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        report = check_data(schema, settings, str(path))
        levels[report.risk.level.label] += 1
        crashes += [f for f in report.findings if "internal error" in f.message]
    print(f"\ncorpus risk levels over {len(files)} schemas: {dict(levels)}")
    assert crashes == []
    assert sum(levels.values()) == len(files)
