"""``check --measure --budget S`` returns within S seconds, start-up and loading the tokenizer
included; and the progress line of a walk that has ended stops its timer. The exact timings
are a benchmark's job (benchmarks/budget_hold.py): these tests allow a generous margin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from schemalint.analysis import Analysis, analyse
from schemalint.cli_progress import WalkProgress, live
from schemalint.lmfe import detect_settings
from schemalint.load.reader import Document, read_document
from schemalint.measure.probe import MeasureSettings, Prober
from tests.conftest import SAMPLES

PATTERNS = SAMPLES / "pathological" / "pattern_strings.json"
FREE_DICT = SAMPLES / "pathological" / "free_dict.json"


def analysed(path: Path) -> Analysis:
    document = read_document(path)
    assert isinstance(document, Document)
    return analyse(document.data, detect_settings())


def test_the_whole_command_ends_within_its_budget() -> None:
    budget = 4.0
    command = [sys.executable, "-m", "schemalint", "check", str(PATTERNS), "--measure"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--budget", str(budget)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    seconds = time.perf_counter() - started
    assert done.returncode in (0, 1), done.stderr
    assert seconds < budget + 1.5, f"took {seconds:.1f} s with --budget {budget}"


def test_the_budget_counts_from_when_the_command_started() -> None:
    """A budget already spent (on start-up, say) leaves every walk out, at once."""
    settings = MeasureSettings(budget=2.0, started=time.perf_counter() - 2.0, random_walks=1)
    with Prober(settings) as prober:
        started = time.perf_counter()
        measurement = prober.measure(analysed(PATTERNS))
        seconds = time.perf_counter() - started
    assert measurement.walks == []
    assert measurement.left_out
    assert seconds < 1.5


def test_only_the_first_measurement_counts_from_the_command_start() -> None:
    settings = MeasureSettings(budget=6.0, started=time.perf_counter() - 6.0, random_walks=0)
    with Prober(settings) as prober:
        prober.prepare()
        spent = prober.measure(analysed(FREE_DICT))
        second = prober.measure(analysed(FREE_DICT))
    assert spent.walks == []
    assert second.walks


def test_a_finished_walk_stops_its_timer() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    progress = WalkProgress(console)
    with Prober(MeasureSettings(budget=10.0, random_walks=2), progress) as prober, live(progress):
        prober.prepare()
        measurement = prober.measure(analysed(FREE_DICT))
        tasks = progress.bar.tasks
        assert len(tasks) == len(measurement.walks) > 1
        assert all(task.finished for task in tasks[:-1])
        assert not tasks[-1].finished  # the bar is still open: the last walk may go on
    assert all(task.finished for task in tasks)
    times = [task.finished_time for task in tasks]
    time.sleep(0.2)
    assert [task.finished_time for task in tasks] == times
    assert [task.completed for task in tasks] == [len(walk.steps) for walk in measurement.walks]
