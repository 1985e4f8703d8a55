"""The concise format: one clickable ``path:line:col: CODE [severity] message`` line per
finding, the fixes only on request, and a summary."""

from __future__ import annotations

import io
import re

from schemalint.config import Settings
from schemalint.engine import FileReport, Report, check_file
from schemalint.model import Applicability, BaselineState, Finding, Fix, Severity
from schemalint.report import Options, renderer
from tests.conftest import SEED

PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)
LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>SL\d{3}) \[(?P<sev>\w+)\] "
)


def concise(report: Report, options: Options | None = None) -> list[str]:
    stream = io.StringIO()
    renderer("concise", options or Options())(report, stream)
    return stream.getvalue().splitlines()


def finding(**changes: object) -> Finding:
    fields: dict[str, object] = {
        "code": "SL201",
        "name": "unbounded-free-text",
        "severity": Severity.INFO,
        "path": "tools.json",
        "pointer": "/properties/reason",
        "message": "free-text string without maxLength",
    }
    return Finding(**(fields | changes))  # type: ignore[arg-type]


def test_each_finding_is_one_line_at_its_source_position() -> None:
    report = Report([check_file(SEED, PINNED)])
    lines = concise(report)
    findings = report.findings
    assert len(lines) == len(findings) + 2  # the fixes line and the summary
    for line, found in zip(lines, findings, strict=False):
        match = LINE.match(line)
        assert match, line
        assert (match["path"], int(match["line"]), int(match["col"])) == (
            found.path,
            found.line,
            found.column,
        )
        assert match["code"] == found.code and match["sev"] == found.severity.label
        assert line.endswith(found.message)
    assert lines[-1] == f"Found {len(findings)} findings in 1 file."


def test_an_unknown_position_is_line_1_column_1() -> None:
    lines = concise(Report([FileReport("tools.json", None, [finding()])]))
    assert lines[0] == ("tools.json:1:1: SL201 [info] free-text string without maxLength")


def test_fixes_are_listed_only_with_show_fixes() -> None:
    fixed = finding(line=7, column=3, fix=Fix("Add a maxLength.", Applicability.DISPLAY_ONLY))
    report = Report([FileReport("tools.json", None, [fixed])])
    assert not any("Add a maxLength" in line for line in concise(report))
    lines = concise(report, Options(show_fixes=True))
    assert "tools.json:7:3: SL201 fix (display-only): Add a maxLength." in lines


def test_against_a_baseline_only_new_findings_are_listed() -> None:
    new = finding(baseline_state=BaselineState.NEW, message="new one")
    old = finding(baseline_state=BaselineState.UNCHANGED, message="old one")
    lines = concise(Report([FileReport("tools.json", None, [new, old])], baseline="main"))
    assert any(line.endswith("new one") for line in lines)
    assert not any(line.endswith("old one") for line in lines)


def test_never_wraps_a_long_message() -> None:
    long = finding(message=" ".join(["word"] * 60))
    line = concise(Report([FileReport("tools.json", None, [long])]))[0]
    assert line.endswith(" ".join(["word"] * 60))
