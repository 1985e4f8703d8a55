"""``rewrite --measure``: the original and its rewrite walked side by side through the real
enforcer, on the same content (the rewrite walks the original's instances mapped forward)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.load.reader import Document, read_document
from schemalint.measure.probe import MeasureSettings, Prober, enforcer_config
from schemalint.rewriting.compare import before_and_after
from schemalint.rewriting.document import rewrite_document
from tests.conftest import SAMPLES, SEED

INSTANCES = SAMPLES / "instances" / "function_calling_seed.jsonl"


def test_the_seed_and_its_unsafe_rewrite_both_walk_the_same_calls_to_the_end() -> None:
    document = read_document(SEED)
    assert isinstance(document, Document)
    settings = Settings(lmfe_version="0.11.3", strict_field_order=True)
    rewritten = rewrite_document(document, settings, unsafe=True)
    prober = Prober(MeasureSettings(budget=20.0, random_walks=0, config=enforcer_config(True)))
    before, after = before_and_after(document, rewritten, settings, prober)
    assert (before.label, after.label) == ("before", "after")
    assert before.walks == after.walks == "complete"
    assert after.median_allowed < 31_000  # the per-call reasons are gone from the walk
    assert int(after.risk.split()[0]) < int(before.risk.split()[0])


@pytest.mark.parametrize(
    ("order", "ended"),
    [("--no-strict-field-order", "3 complete"), ("--strict-field-order", "3 rejected")],
)
def test_instance_files_are_walked_under_the_field_order_the_rewrite_assumes(
    order: str, ended: str
) -> None:
    # The sample's own calls write some optional keys out of the schema's order: LMFE in strict
    # field order refuses them, before and after alike.
    arguments = ["rewrite", str(SEED), "--unsafe-fixes", "--measure", "--budget", "20", order]
    result = CliRunner().invoke(app, [*arguments, "--instance", str(INSTANCES)])
    assert result.exit_code == 0, result.output
    table = result.stderr[result.stderr.index("p95 ms") :]
    before, after = (
        line for line in table.splitlines() if line.strip().startswith(("before", "after"))
    )
    assert before.rstrip().endswith(ended) and after.rstrip().endswith(ended)


def test_instances_without_measure_are_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["rewrite", str(SEED), "--instance", str(INSTANCES)])
    assert result.exit_code == 2
    assert "--instance needs --measure" in result.output
