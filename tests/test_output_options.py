"""``check``'s output options, in the names ruff and check-jsonschema users type: where the
report goes, what it shows, and that nothing in it is cut to fit the terminal."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.docs import page_codes, rule_page
from schemalint.engine import FileReport, Report, check_file
from schemalint.model import Finding, Severity
from schemalint.report import Options, renderer
from schemalint.report.statistics import rule_counts
from schemalint.report.text import make_console
from schemalint.rules import RULES
from tests.conftest import SAMPLES, SEED

runner = CliRunner()
WIDTHS = (60, 80, 120)
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".json", ".yaml"})
ANSI = "\x1b["


def run(*args: str, stdin: str | None = None, **env: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, env=env or None)
    return result.exit_code, result.stdout, result.stderr


# Where the report goes


def test_output_format_is_the_flag_and_format_its_alias() -> None:
    outputs = {
        run("check", str(SEED), flag, "json")[1] for flag in ("--output-format", "--format", "-f")
    }
    assert len(outputs) == 1 and json.loads(outputs.pop())["files"]


def test_output_file_gets_the_report_and_stdout_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("check", str(SEED), "-f", "json", "--output-file", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_an_unwritable_output_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for target in (tmp_path / "missing" / "report.txt", tmp_path):
        code, out, err = run("check", str(SEED), "--output-file", str(target))
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("schemalint: error: ")
    assert list(tmp_path.iterdir()) == []


# What the report shows


def test_statistics_count_per_rule_most_frequent_first() -> None:
    code, out, _ = run("check", str(SEED), "--statistics")
    assert code == 1
    rows = [
        re.match(r"^\s*(\d+)  (SL\d{3})  (\[\*\]|   ) ([\w-]+)", line) for line in out.splitlines()
    ]
    assert rows and all(rows), out
    counts = [int(row[1]) for row in rows if row]
    assert counts == sorted(counts, reverse=True)
    found = json.loads(run("check", str(SEED), "-f", "json")[1])["files"][0]["findings"]
    assert sum(counts) == len(found)
    assert {row[2]: row[4] for row in rows if row} == {
        f["code"]: RULES[f["code"]].name for f in found
    }


def test_statistics_in_json_for_scripts() -> None:
    rows = json.loads(run("check", str(SEED), "--statistics", "-f", "json")[1])
    assert rows[0].keys() == {"code", "name", "count", "suppressed", "fix"}


def test_statistics_count_suppressed_findings_apart() -> None:
    hidden = Finding("SL201", "unbounded-free-text", Severity.INFO, "a.json", "/x", "free text")
    file = FileReport("a.json", None, [])
    file.suppressed = [hidden, hidden]
    [row] = rule_counts(Report([file]))
    assert (row.code, row.count, row.suppressed) == ("SL201", 0, 2)


def test_fixes_are_counted_by_default_and_listed_with_show_fixes() -> None:
    _, plain, _ = run("check", str(SEED))
    _, shown, _ = run("check", str(SEED), "--show-fixes")
    assert "fix (" not in plain and "--show-fixes shows how" in plain
    assert "schemalint rewrite --unsafe-fixes" in plain
    fixes = [finding for finding in check_file(SEED, Settings()).findings if finding.fix]
    assert shown.count("fix (") == len(fixes)


# Where the document comes from


def test_dash_reads_stdin_and_reports_it_under_stdin_filename() -> None:
    yaml_text = "type: object\nproperties:\n  note: {type: string}\n"
    code, out, _ = run(
        "check", "-", "--stdin-filename", "tools/note.yaml", "-f", "concise", stdin=yaml_text
    )
    assert code == 0
    assert out.splitlines()[0].startswith("tools/note.yaml:3:")  # parsed as YAML, positions too
    assert "SL201" in out
    _, out, _ = run("check", "-", "-f", "json", stdin=SEED.read_text(encoding="utf-8"))
    assert json.loads(out)["files"][0]["path"] == "-"


def test_stdin_mistakes_are_usage_errors() -> None:
    assert run("check", "-", str(SEED), stdin="{}")[0] == 2
    assert run("check", str(SEED), "--stdin-filename", "x.json")[0] == 2


# Colour


def test_color_always_and_never_beat_the_stream_and_no_color() -> None:
    always = run("check", str(SEED), "--color", "always", NO_COLOR="1")[1]
    never = run("check", str(SEED), "--color", "never")[1]
    assert ANSI in always and ANSI not in never


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_auto_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for stream, coloured in ((_Terminal(), True), (io.StringIO(), False)):
        make_console(stream, Options()).print("[red]x[/]")
        assert (ANSI in stream.getvalue()) is coloured
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    make_console(terminal, Options()).print("[red]x[/]")
    assert ANSI not in terminal.getvalue()


# Rules and completion


def test_rules_as_json_list_every_rule() -> None:
    rules = json.loads(run("rules", "--output-format", "json")[1])
    assert [rule["code"] for rule in rules] == list(RULES)
    assert all(r.keys() == {"code", "name", "severity", "fix", "summary"} for r in rules)


def test_shell_completion_is_offered() -> None:
    _, out, _ = run("--help")
    assert "--install-completion" in out and "--show-completion" in out
    # The installed command, in its own process, as a shell runs it: in-process, Click's
    # completion reads state that earlier tests in the same session leave behind.
    command = Path(sys.executable).with_name("schemalint")
    shown = subprocess.run(
        [str(command), "--show-completion", "bash"], capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0 and "_SCHEMALINT_COMPLETE" in shown.stdout, shown.stderr


# Nothing is cut


def _cut(text: str) -> list[str]:
    """Lines with rich's ellipsis, or Click's "..." after a word (not ``[ARGS]...``)."""
    return [line for line in text.splitlines() if "…" in line or re.search(r"\w\.\.\.$", line)]


@pytest.mark.parametrize("width", WIDTHS)
def test_text_reports_of_the_samples_are_never_cut(width: int) -> None:
    for sample in SAMPLE_FILES:
        code, out, _ = run("check", str(sample), "--show-fixes", COLUMNS=str(width))
        assert code in (0, 1), sample
        assert _cut(out) == [], sample
        for finding in check_file(sample, Settings()).findings:
            assert finding.pointer in out and finding.message in out


@pytest.mark.parametrize("width", WIDTHS)
def test_help_is_never_cut(width: int) -> None:
    for command in ([], ["check"], ["rewrite"], ["rules"], ["generate"]):
        code, out, _ = run(*command, "--help", COLUMNS=str(width))
        assert code == 0 and _cut(out) == [], out
    _, out, _ = run("check", "--help", COLUMNS=str(width))
    for option in ("--strict-field-order", "--no-strict-field-order", "--max-json-array-length"):
        assert option in out


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_table_is_never_cut(width: int) -> None:
    _, out, _ = run("rules", COLUMNS=str(width))
    words = set(out.split())
    assert _cut(out) == [] and all(
        rule.name in words or rule.code in words for rule in RULES.values()
    )


@pytest.mark.parametrize("code", sorted(page_codes()))
def test_rule_page_examples_are_printed_whole(code: str) -> None:
    """Each ```json block of the page, printed at 60 columns, can be copied and parsed."""
    _, out, _ = run("rule", code, COLUMNS="60")
    printed = re.findall(r"^```json\n(.*?)^```", out, re.MULTILINE | re.DOTALL)
    page = rule_page(code)
    assert page is not None
    assert len(printed) == page.count("```json")
    for block in printed:
        json.loads(block)


# A real measurement: slow, so measured once


@pytest.fixture(scope="module")
def measured() -> Report:
    from schemalint.measure.probe import MeasureSettings, Prober

    prober = Prober(MeasureSettings(budget=3))
    prober.prepare()
    try:
        return Report([check_file(SEED, Settings(), prober)])
    finally:
        prober.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_measured_numbers_and_pointers_are_never_cut(
    measured: Report, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    stream = io.StringIO()
    renderer("text")(measured, stream)
    out = stream.getvalue()
    measurement = measured.files[0].measurement
    assert measurement is not None and _cut(out) == []
    tokens = set(out.split())
    for row in measurement.pointer_table()[:15]:
        assert (measurement.source_pointer(row.pointer) or "/") in tokens
        assert {f"{row.max_allowed:,}", f"{row.max_ms:,.1f}", f"{row.p95_ms:.2f}"} <= tokens
