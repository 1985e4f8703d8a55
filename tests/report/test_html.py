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


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One measured report of the seed, shared: measuring is the slow part."""
    return write_report(tmp_path_factory.mktemp("measured"), "--measure")


def test_static_report_lists_findings_with_their_pointers(tmp_path: Path) -> None:
    html = write_report(tmp_path)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "SL206" in html and "/$defs/search_web_call/properties/reason" in html
    assert "<svg" not in html  # nothing measured, nothing charted


def test_measured_report_has_the_table_and_a_chart_per_walk(measured: str) -> None:
    html = measured
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
    # ok: nothing went wrong (a loaded machine may add a note on pre-empted steps)
    ok = re.search(r"<td>ok( \(\d+ pre-empted steps? timed by CPU time\))?</td>", llguidance[1])
    assert "<td>yes</td>" in llguidance[1] and ok, llguidance[1]
    assert "<h3>Worst step per pointer, ms</h3>" in section
    assert "<strong>Recommendation:</strong> use llguidance" in section
    assert "SM505" in html  # the finding that says so


def test_report_loads_nothing_from_the_network(measured: str) -> None:
    html = measured
    assert "src=" not in html and "<link" not in html
    assert "<script" not in html and "@import" not in html
    links = re.findall(r'<a href="([^"]*)">', html)
    assert links and all(re.fullmatch(r"https://\S+/rules/S[LM]\d{3}\.md", url) for url in links)
    assert html.count("href=") == len(links)  # nothing but links to rule pages


def test_the_summary_comes_first_with_risk_counts_and_the_three_worst_findings(
    tmp_path: Path,
) -> None:
    html = write_report(tmp_path)
    summary = html[html.index("<h2>Summary</h2>") : html.index("</section>")]
    assert html.index("<h2>Summary</h2>") < html.index("<table")
    assert re.search(r"1 file\(s\), risk <span class=critical>\d+ critical</span>", summary)
    assert re.search(r"\d+ finding\(s\): (\d+ (critical|high|medium|low|info)(, )?)+\.", summary)
    worst = re.findall(r"<li><span class=(\w+)>.*?<br>Fix: ([^<]+)</li>", summary)
    assert len(worst) == 3 and all(fix for _, fix in worst)
    table = html[html.index("<th>fix</th>") :]
    assert [level for level, _ in worst] == re.findall(
        r"<td class=(critical|high|medium|low|info)>", table
    )[:3]


def test_findings_are_sorted_worst_first_with_fixes_and_codes_linked_to_rule_pages(
    tmp_path: Path,
) -> None:
    html = write_report(tmp_path)
    table = html[html.index("<th>fix</th>") :]
    rows = re.findall(
        r'<tr><td><a href="([^"]+)"><code>(\w+)</code></a></td><td class=(\w+)>.*?'
        r"<td>([^<]*)</td></tr>",
        table,
    )
    assert rows
    order = ["critical", "high", "medium", "low", "info"]
    ranks = [order.index(level) for _, _, level, _ in rows]
    assert ranks == sorted(ranks)
    assert all(url.endswith(f"/rules/{code}.md") for url, code, _, _ in rows)
    assert any(fix for *_, fix in rows)


def test_charts_have_axes_with_ticks_and_name_the_worst_steps_pointer(measured: str) -> None:
    chart = measured[measured.index("<h3>plan ") : measured.index("</svg>")]
    assert re.search(r"worst step [\d,.]+ ms( \(abandoned at the budget\))? at <code>/", chart)
    for tick in ("0.01", "0.1", "1", "10"):  # milliseconds, log scale
        assert f">{tick}</text>" in chart
    assert ">32,000</text>" in chart and ">0</text>" in chart  # allowed tokens
    assert ">step</text>" in chart and ">1</text>" in chart


def test_a_step_abandoned_at_the_budget_is_charted_and_marked(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    path = str(SAMPLES / "pathological" / "pattern_strings.json")
    flags = ["--measure", "--step-budget", "0.3"]
    result = runner.invoke(app, ["check", path, "--report", str(target), *flags])
    assert result.exit_code == 1, result.stderr
    html = target.read_text(encoding="utf-8")
    charts = re.findall(
        r"<h3>[^<]*; worst step ([\d,.]+) ms \(abandoned at the budget\) at "
        r"<code>([^<]+)</code></h3>(<svg.*?</svg>)",
        html,
    )
    # The pattern's first step runs past the 0.3 s step budget: it is the walk's worst.
    assert any(float(worst.replace(",", "")) >= 300 for worst, _, _ in charts)
    for worst, pointer, chart in charts:
        assert pointer.startswith("/")
        assert f"max {worst})" in chart  # the abandoned step is the chart's maximum
        assert "<title>abandoned at the budget after" in chart and ">abandoned</text>" in chart


def test_unwritable_report_path_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.html"
    result = runner.invoke(
        app, ["check", str(SAMPLES / "openai_tools.json"), "--report", str(target)]
    )
    assert result.exit_code == 2 and "cannot write report" in result.stderr


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="chromium is not installed (apt-get install chromium): the page is not rendered",
)
def test_report_renders_in_headless_chromium(tmp_path: Path, measured: str) -> None:
    (tmp_path / "report.html").write_text(measured, encoding="utf-8")
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
