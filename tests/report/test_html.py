"""The HTML report is one self-contained file: findings, the measured table, SVG charts."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import SAMPLES, SEED

runner = CliRunner()


def write_report(tmp_path: Path, *flags: str) -> str:
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["check", str(SEED), "--report", str(target), *flags])
    assert result.exit_code == 1, result.stderr
    return target.read_text(encoding="utf-8")


def test_static_report_lists_findings_with_their_pointers(tmp_path: Path) -> None:
    html = write_report(tmp_path)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "SL206" in html and "/$defs/search_web_call/properties/reason" in html
    assert "<svg" not in html  # nothing measured, nothing charted


def test_measured_report_has_the_table_and_a_chart_per_walk(tmp_path: Path) -> None:
    html = write_report(tmp_path, "--measure")
    assert "Measured with mistral-v1 (32,000 tokens), LMFE 0.11.3." in html
    charted = re.findall(r'aria-label="step time and allowed tokens for ([^"]*)"', html)
    assert html.count("<svg") == len(charted)  # one chart per walk that took a step
    assert sum(label.startswith("plan ") for label in charted) >= 6  # a walk per tool at least
    assert sum(label.startswith("random ") for label in charted) == 3
    assert re.search(r"measured 6/6 tools, (\d+)/\1 subschemas\.", html)
    assert re.search(r"<polyline[^>]+points=\"[0-9., ]+\"", html)


@pytest.mark.skipif(
    importlib.util.find_spec("llguidance") is None,
    reason="llguidance is not installed here: pip install 'schemalint[engines]'",
)
def test_engine_comparison_has_a_row_per_engine_the_pointers_and_the_recommendation(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.html"
    flags = ["--measure", "--engine", "lmfe,llguidance", "--budget", "8", "--step-budget", "2"]
    path = str(SAMPLES / "pathological" / "free_dict.json")
    result = runner.invoke(app, ["check", path, "--report", str(target), *flags])
    assert result.exit_code == 1, result.stderr
    html = target.read_text(encoding="utf-8")
    section = html[html.index("<h3>Engines, same walks</h3>") :]
    assert "<th>compile ms</th>" not in section  # numbers are right-aligned, headers too
    assert "<th class=num>compile ms</th>" in section and "<th>correct</th>" in section
    lmfe, llguidance = re.findall(r"<tr><td>(lmfe|llguidance) [^<]*</td>(.*?)</tr>", section)
    assert "<td>no</td>" in lmfe[1] and "silent-stop" in lmfe[1]
    assert "<td>yes</td>" in llguidance[1] and "<td>ok</td>" in llguidance[1]
    assert "<h3>Worst step per pointer, ms</h3>" in section
    assert "<strong>Recommendation:</strong> use llguidance" in section
    assert "SM505" in html  # the finding that says so


def test_report_loads_nothing_from_the_network(tmp_path: Path) -> None:
    html = write_report(tmp_path, "--measure")
    assert not re.search(r"(src|href)=", html)
    assert "<script" not in html and "@import" not in html


def test_unwritable_report_path_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.html"
    result = runner.invoke(
        app, ["check", str(SAMPLES / "openai_tools.json"), "--report", str(target)]
    )
    assert result.exit_code == 2 and "cannot write report" in result.stderr


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    write_report(tmp_path, "--measure")
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1000,1400",
            (tmp_path / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert screenshot.is_file() and screenshot.stat().st_size > 20_000
