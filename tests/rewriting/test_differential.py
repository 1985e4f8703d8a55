"""Safe rewrites keep every verdict on generated instances and near-misses: for each schema the
safe rewrites change (in either LMFE field order), jsonschema gives every instance Hypothesis
generates from the original or from the rewrite, every near-miss of those and of the labelled
instances, and every labelled instance the same verdict under both.

A bounded run: every test-suite group the rewrites change, and every ``EVERY``-th corpus file,
with few examples and a short budget per schema. ``benchmarks/differential_fuzz.py`` runs the
whole corpus with more.
"""

from __future__ import annotations

from typing import Any

import pytest

from schemalint.model import Applicability
from schemalint.rewriting.engine import AppliedChange
from schemalint.rewriting.patch import replace
from tests.conftest import CORPUS
from tests.rewriting.differential import (
    SUITE,
    Case,
    Outcome,
    Tally,
    Variant,
    compare,
    corpus_cases,
    fuzz,
    suite_cases,
)

EXAMPLES = 5
"""Instances Hypothesis generates per schema and direction."""
SECONDS = 0.5
"""CPU seconds per schema for generating, and again for comparing."""
NEAR_MISSES = 10
"""Near-misses per generated or labelled instance."""
EVERY = 30
"""Every 30th corpus file: 286 files, of which the rewrites change 182 (today)."""


def report(tally: Tally) -> str:
    lines = [d.describe() for found in tally.distinct().values() for d in found]
    lines += [f"rewrite raised: {crash}" for crash in tally.crashes]
    return "\n".join(lines)


def summary(tally: Tally) -> str:
    return (
        f"\n{tally.fuzzed} schemas fuzzed ({tally.with_generated} with generated instances), "
        f"{tally.instances} instances compared, {tally.divergent} verdicts changed"
    )


def test_the_harness_notices_a_rewrite_that_changes_verdicts() -> None:
    """oneOf integer-or-number refuses every integer; as an anyOf it accepts them. Only the
    near-misses find it when the labelled instance is a fraction."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"x": {"oneOf": [{"type": "integer"}, {"type": "number"}]}},
    }
    widened = replace("/properties/x", {"anyOf": schema["properties"]["x"]["oneOf"]})
    change = AppliedChange("oneof-to-anyof", "SL401", Applicability.SAFE, "widened", [widened])
    rewritten = {"type": "object", "properties": {"x": widened["value"]}}
    outcome = Outcome(Case("probe", schema, ({"x": 0.5},)))
    compare(outcome.case, [Variant("loose", rewritten, [change])], 0, 5.0, 50, outcome)
    assert outcome.divergent > 0
    found = outcome.divergences[0]
    assert (found.culprit, found.before, found.after) == ("oneof-to-anyof", "invalid", "valid")
    assert found.instance == {"x": 0}


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"test suite folder {SUITE} is absent")
def test_safe_rewrites_keep_every_verdict_on_test_suite_schemas() -> None:
    tally = fuzz(suite_cases(), EXAMPLES, SECONDS, NEAR_MISSES)
    print(summary(tally))
    assert tally.divergences == [], report(tally)
    assert tally.fuzzed >= 80
    assert tally.with_generated >= 60
    assert tally.instances >= 2000


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent")
def test_safe_rewrites_keep_every_verdict_on_corpus_schemas() -> None:
    tally = fuzz(corpus_cases(CORPUS, EVERY), EXAMPLES, SECONDS, NEAR_MISSES)
    print(summary(tally))
    assert tally.divergences == [], report(tally)
    assert tally.fuzzed > 150
    assert tally.with_generated > 120
    assert tally.instances > 8000
