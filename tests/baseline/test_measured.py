"""`check --measure` against a baseline: each file's worst measured step before → after,
overall and per tool, both sides measured by the same prober in the same run."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from schemalint.baseline.compare import Baseline, compare
from schemalint.engine import FileBaseline, FileReport, Report, WorstStep
from schemalint.model import Severity
from schemalint.report import renderer
from tests.baseline.test_gate import ENUM_OR_FREE, check, commit, new_repository, write

#: Where a step is abandoned: the slowed file's worst step is one (at least this long), the
#: unchanged file's never is (shorter, however slow the machine, without a fixed bound).
STEP_BUDGET_MS = 1000

#: Small enough that each side is measured in a few seconds.
QUICK = ("--measure", "--budget", "8", "--step-budget", str(STEP_BUDGET_MS / 1000))


def abandoned_then_not(after: float, before: float) -> bool:
    """Whether a step was abandoned after the change and none before it."""
    return after >= STEP_BUDGET_MS > before


TICKETS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": "A help-desk action.",
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
        },
    }
    for name, properties in (
        (
            "set_priority",
            {
                "ticket_id": {"type": "string", "maxLength": 20},
                "priority": {"type": "string", "enum": ["low", "medium", "high"]},
            },
        ),
        ("close_ticket", {"ticket_id": {"type": "string", "maxLength": 20}}),
    )
]


def slowed(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``tools`` with set_priority's enum widened by a free string: LMFE walks the enum's
    token trie for both branches, and a step inside the value takes seconds."""
    edited = copy.deepcopy(tools)
    edited[0]["function"]["parameters"]["properties"]["priority"] = ENUM_OR_FREE
    return edited


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit holds a two-tool list and a file that stays as it is."""
    new_repository(tmp_path)
    write(tmp_path / "tickets.json", TICKETS)
    write(tmp_path / "same.json", TICKETS[1:])
    commit(tmp_path, "tickets")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {file["path"]: file for file in data["files"]}


def test_a_changed_file_is_measured_at_the_ref_and_now(repo: Path) -> None:
    write(repo / "tickets.json", slowed(TICKETS))
    _, data, _ = check("tickets.json", "same.json", "--baseline-ref", "HEAD", *QUICK)
    was = files(data)["tickets.json"]["baseline"]
    assert was["worst_ms_before"] is not None
    assert abandoned_then_not(was["worst_ms_after"], was["worst_ms_before"])
    assert set(was["worst_ms_by_tool"]) == {"set_priority", "close_ticket"}
    before, after = was["worst_ms_by_tool"]["set_priority"]
    assert abandoned_then_not(after, before)
    # An unchanged file is measured once: before is after, its measured findings unchanged.
    same = files(data)["same.json"]
    assert same["baseline"]["worst_ms_before"] == same["baseline"]["worst_ms_after"]
    assert same["baseline"]["new"] == 0
    assert same["measurement"]["worst_ms"] == same["baseline"]["worst_ms_after"]


def test_a_saved_measured_report_gives_the_worst_step_before(repo: Path) -> None:
    _, old, _ = check("tickets.json", *QUICK)
    (repo / "old.json").write_text(json.dumps(old), encoding="utf-8")
    write(repo / "tickets.json", slowed(TICKETS))
    _, data, _ = check("tickets.json", "--baseline", "old.json", *QUICK)
    was = files(data)["tickets.json"]["baseline"]
    recorded = old["files"][0]["measurement"]
    assert was["worst_ms_before"] == recorded["worst_ms"]
    by_tool = recorded["worst_ms_by_tool"]
    assert was["worst_ms_by_tool"]["set_priority"][0] == by_tool["set_priority"]
    assert abandoned_then_not(was["worst_ms_after"], was["worst_ms_before"])


def measured(ms: float | None, **by_tool: float) -> FileReport:
    report = FileReport("a.json", "openai-tools", [])
    report.worst = None if ms is None else WorstStep(ms, by_tool)
    return report


def test_before_is_unknown_when_the_baseline_was_not_measured() -> None:
    saved = {"pointers": [{"pointer": "/0", "max_ms": 12.5}, {"pointer": "/1", "max_ms": 3.0}]}
    assert WorstStep.from_json(saved) == WorstStep(12.5)
    report = compare(
        Report([measured(40.0, lookup=40.0)]), Baseline("old.json", {"a.json": measured(None)})
    )
    was = report.files[0].baseline
    assert was is not None
    assert (was.worst_ms_before, was.worst_ms_after) == (None, 40.0)
    assert was.worst_ms_by_tool == {"lookup": (None, 40.0)}


def test_a_file_not_measured_now_has_no_worst_steps() -> None:
    report = compare(Report([measured(None)]), Baseline("x", {"a.json": measured(9.0)}))
    was = report.files[0].baseline
    assert was is not None and not was.measured
    assert "worst_ms_before" not in report.files[0].to_json()["baseline"]


def test_the_slower_gate_fails_only_when_a_worst_step_rises_to_the_threshold() -> None:
    baseline = Baseline("x", {"a.json": measured(150.0, lookup=20.0, refund=150.0)})

    def gate(ms: float, **by_tool: float) -> int:
        report = compare(Report([measured(ms, **by_tool)]), baseline)
        return report.exit_code(Severity.CRITICAL, slow_ms=100)

    assert gate(99.0, lookup=99.0, refund=20.0) == 0
    assert gate(400.0, lookup=20.0, refund=400.0) == 0  # refund was slow already
    assert gate(150.0, lookup=150.0, refund=20.0) == 1
    assert gate(100.0, lookup=20.0, refund=20.0, added=100.0) == 1  # a new tool, from nothing
    rose = compare(Report([measured(150.0, lookup=150.0)]), baseline)
    assert rose.exit_code(Severity.CRITICAL) == 0  # the gate is off unless asked for


def test_text_shows_the_worst_step_and_each_tool_that_changed() -> None:
    was = FileBaseline(
        measured(None).risk,
        [],
        "a.json",
        worst_ms_before=5837.2,
        worst_ms_after=12.4,
        worst_ms_by_tool={"lookup": (5837.2, 12.4), "refund": (3.0, 3.04), "added": (None, 2.5)},
    )
    report = Report([FileReport("a.json", "openai-tools", [], baseline=was)], "git ref main")
    out = io.StringIO()
    renderer("text")(report, out)
    text = out.getvalue()
    assert "worst step 5,837 ms → 12 ms" in text
    assert "tool lookup: 5,837 ms → 12 ms" in text
    assert "tool added: - → 2.5 ms" in text
    assert "refund" not in text
