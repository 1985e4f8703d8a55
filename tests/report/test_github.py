"""GitHub workflow annotations cover the whole member a finding is about."""

from __future__ import annotations

import io

from schemalint.engine import FileReport, Report
from schemalint.model import Finding, Severity
from schemalint.report import renderer


def annotation(line: int, column: int, end_line: int, end_column: int) -> str:
    finding = Finding(
        "SL201",
        "unbounded-free-text",
        Severity.LOW,
        "tool.json",
        "/properties/reason",
        "free-text string without maxLength",
        line,
        column,
        end_line=end_line,
        end_column=end_column,
    )
    stream = io.StringIO()
    renderer("github")(Report([FileReport("tool.json", "json-schema", [finding])]), stream)
    return stream.getvalue()


def test_on_one_line_the_annotation_has_both_columns_the_end_one_inclusive() -> None:
    assert annotation(4, 5, 4, 33).startswith(
        "::warning file=tool.json,line=4,col=5,endLine=4,endColumn=32,title="
    )


def test_across_lines_it_has_only_lines_as_github_ignores_columns_there() -> None:
    assert annotation(4, 5, 9, 6).startswith("::warning file=tool.json,line=4,endLine=9,title=")
