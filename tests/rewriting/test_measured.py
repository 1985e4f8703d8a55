"""With ``--measure``, the unsafe free-text rewrites are chosen by walking the real enforcer:
a change is kept only when it removes slow steps where it applies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.lmfe import detect_settings
from schemalint.measure.probe import MeasureSettings, Prober
from schemalint.rewriting.engine import Verdict, rewrite_schema
from schemalint.rewriting.measured import MeasuredJudge
from tests.conftest import SAMPLES

SETTINGS = Settings(lmfe_version="0.11.3", strict_field_order=False)
NOTE = {"type": "string", "description": "A short note."}


def with_note(**constraints: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"title": {"type": "string"}, "note": {**NOTE, **constraints}},
        "required": ["title", "note"],
    }


@pytest.fixture(scope="module")
def judge() -> Iterator[MeasuredJudge]:
    prober = Prober(MeasureSettings(budget=8.0, step_budget=1.0, random_walks=0))
    prober.prepare()
    yield MeasuredJudge(prober, detect_settings("0.11.3", False))


def test_a_change_that_removes_slow_steps_is_kept(judge: MeasuredJudge) -> None:
    verdict = judge(with_note(pattern="^.+$"), with_note(), ("/properties/note",))
    assert verdict.keep, verdict.reason
    assert "applied" in verdict.reason


def test_a_change_that_lets_lmfe_write_a_valid_instance_it_failed_is_kept(
    judge: MeasuredJudge,
) -> None:
    # LMFE 0.11.3 raises on a string with both a pattern and a length (SL408).
    before, after = with_note(pattern="^.+$", maxLength=80), with_note(maxLength=80)
    verdict = judge(before, after, ("/properties/note",))
    assert verdict.keep
    assert verdict.reason == "the walk ended 'error' before and 'complete' after: applied"


def test_a_change_where_measurement_finds_nothing_slow_is_not_kept(
    judge: MeasuredJudge,
) -> None:
    before = with_note(pattern="^.+$")
    after = {**before, "properties": {**before["properties"], "title": {"type": "string", "x": 1}}}
    verdict = judge(before, after, ("/properties/title",))
    assert not verdict.keep
    assert "no gain" in verdict.reason


def test_rewrite_with_a_judge_applies_measured_rewrites_only_when_it_agrees() -> None:
    schema = with_note(pattern="^.+$")
    asked: list[tuple[str, ...]] = []

    def refuse(before: Any, after: Any, scope: tuple[str, ...]) -> Verdict:
        asked.append(scope)
        return Verdict(False, "refused")

    result = rewrite_schema(schema, SETTINGS, unsafe=True, judge=refuse)
    assert asked == [("/properties/note",)]
    assert result.schema == schema
    assert result.decisions == ["drop-prose-pattern: dropped prose pattern '^.+$': refused"]
    assert (
        not rewrite_schema(schema, SETTINGS, unsafe=True)
        .schema["properties"]["note"]
        .get("pattern")
    )


def test_measured_rewrite_of_the_pattern_sample_drops_each_slow_pattern_but_the_id(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        app,
        [
            "rewrite",
            str(SAMPLES / "pathological" / "pattern_strings.json"),
            "--unsafe-fixes",
            "--measure",
            "--budget",
            "20",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    measured = [line for line in result.stderr.splitlines() if line.startswith("measured:")]
    assert len(measured) == 3 and all(line.endswith(": applied") for line in measured)
    assert '"pattern": "^[A-Z]{3}-[0-9]{6}$"' in out.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").count('"pattern"') == 1


def test_without_measure_the_free_text_rewrites_say_they_were_chosen_statically() -> None:
    result = CliRunner().invoke(
        app, ["rewrite", str(SAMPLES / "pathological" / "pattern_strings.json"), "--unsafe-fixes"]
    )
    assert result.exit_code == 0
    assert "add --measure to keep only those that measure faster" in result.stderr
