"""The pipeline as a library: files, folders and in-memory data give the same reports."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemalint.analysis import Analysis
from schemalint.checks.base import Options
from schemalint.config import Settings
from schemalint.engine import check_data, check_file, check_paths
from schemalint.model import Violation
from schemalint.rules import RULES
from tests.conftest import SAMPLES, SEED

PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    for index in range(70):
        shutil.copy(sorted(SAMPLES.rglob("*.json"))[index % 8], tmp_path / f"{index:03d}.json")
    serial = check_paths([tmp_path], PINNED, jobs=1)
    parallel = check_paths([tmp_path], PINNED, jobs=2)
    assert [f.to_json() for f in parallel.files] == [f.to_json() for f in serial.files]
    assert len(serial.files) == 70


def test_in_memory_data_gives_the_same_findings_as_the_file() -> None:
    from_file = check_file(SEED, PINNED)
    from_data = check_data(json.loads(SEED.read_text()), PINNED, str(SEED))
    assert [(f.code, f.pointer) for f in from_data.findings] == [
        (f.code, f.pointer) for f in from_file.findings
    ]


def test_hidden_and_vendored_folders_are_skipped(tmp_path: Path) -> None:
    for folder in (".git", "node_modules", "schemas"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.json").write_text('{"type": "string"}')
    report = check_paths([tmp_path], PINNED)
    assert [Path(f.path).parent.name for f in report.files] == ["schemas"]


def test_a_rule_crash_becomes_a_finding_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(analysis: Analysis, options: Options) -> Iterator[Violation]:
        raise RuntimeError("boom")

    monkeypatch.setitem(RULES, "SL105", dataclasses.replace(RULES["SL105"], check=explode))
    report = check_data({"type": "string"}, PINNED)
    assert [f.message for f in report.findings if f.code == "SL000"] == [
        "internal error in rule SL105 (RuntimeError: boom); please report it"
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_a_library_fails_on_is_a_finding_and_the_rest_is_reported(
    tmp_path: Path, jobs: int
) -> None:
    """Also with worker processes (70 files make two)."""
    for index in range(70):
        shutil.copy(sorted(SAMPLES.rglob("*.json"))[index % 8], tmp_path / f"{index:03d}.json")
    (tmp_path / "035.yaml").write_text("type: object\ndefault: !!bool maybe\n")
    report = check_paths([tmp_path], PINNED, jobs=jobs)
    assert len(report.files) == 71
    [failed] = [file for file in report.files if file.path.endswith("035.yaml")]
    assert [(f.code, f.message) for f in failed.findings] == [
        ("SL000", "invalid YAML (yaml raised KeyError: 'maybe')")
    ]


class LibraryFailingProber:
    """Measures by reading YAML that PyYAML fails on: a library raising mid-analysis."""

    def measure(self, analysis: Analysis, tools: Any = None, goals: Any = None) -> Any:
        return yaml.safe_load("default: !!bool maybe")


def test_a_library_failing_while_a_file_is_analysed_is_a_finding_on_it() -> None:
    prober: Any = LibraryFailingProber()
    report = check_data({"type": "string"}, PINNED, prober=prober)
    assert [(f.code, f.message) for f in report.findings] == [
        ("SL000", "cannot analyse this file: yaml raised KeyError: 'maybe'")
    ]


def test_a_bug_of_ours_is_not_disguised_as_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("schemalint.engine.normalise", lambda data: None)  # forgets to return
    with pytest.raises(AttributeError):
        check_data({"type": "string"}, PINNED)


def test_in_memory_data_nested_past_the_limit_is_a_finding_not_a_recursion_error() -> None:
    deep: Any = "leaf"
    for _ in range(2_000):
        deep = [deep]
    report = check_data({"type": "string", "default": deep}, PINNED)
    assert [f.code for f in report.findings] == ["SL000"]
    assert "nested more than" in report.findings[0].message
