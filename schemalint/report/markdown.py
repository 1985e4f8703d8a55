"""GitHub-flavoured Markdown for a pull request: short enough for ``$GITHUB_STEP_SUMMARY`` or a
PR comment. Against a baseline it shows what the change did (risk per changed file, new findings
with their fixes, fixed ones as a count); without one, every finding."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TextIO

from schemalint.docs import PAGES_BASE_URL
from schemalint.engine import FileReport, Report
from schemalint.model import BaselineState, Finding
from schemalint.risk import Risk

#: Where rule pages live (``rules/CODE.md`` of schemalint's repository, on its main branch);
#: the GitHub Action sets ``SCHEMALINT_RULES_URL`` to the pages of the exact commit it runs.
RULES_URL = f"{PAGES_BASE_URL}rules/"
RULES_URL_VARIABLE = "SCHEMALINT_RULES_URL"
#: Rows per table: a step summary is capped at 1 MiB, and a reviewer reads the first few.
MAX_ROWS = 100

_FINDING_COLUMNS = ("severity", "rule", "file", "where", "finding", "fix")
#: Characters Markdown would read as markup (emphasis, links, HTML, code, table cells).
_MARKUP = re.compile(r"([\\`*_\[\]<>|#~])")


def rule_url(code: str) -> str:
    base = os.environ.get(RULES_URL_VARIABLE) or RULES_URL
    return f"{base.rstrip('/')}/{code}.md"


def text(value: str) -> str:
    """Plain text for a table cell: markup escaped, on one line."""
    return _MARKUP.sub(r"\\\1", " ".join(value.split()))


def code(value: str) -> str:
    """A code span for a table cell, whatever backticks or pipes ``value`` holds."""
    value = " ".join(value.split())
    runs = [len(run) for run in re.findall(r"`+", value)]
    fence = "`" * (max(runs, default=0) + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
    # GFM splits table cells before it reads code spans: a pipe needs its backslash even here.
    return f"{fence}{padded}{fence}".replace("|", "\\|")


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Iterable[str], rows: list[list[str]], total: int) -> list[str]:
    header = list(header)
    lines = [_row(header), _row("---" for _ in header), *(_row(row) for row in rows)]
    if total > len(rows):
        lines.append(f"\n…and {total - len(rows)} more (`schemalint check` lists them all).")
    return lines


def _risk(risk: Risk) -> str:
    return f"{risk.score} {risk.level.label}"


def _where(finding: Finding) -> str:
    pointer = code(finding.pointer or "/")
    return f"{pointer} (line {finding.line})" if finding.line is not None else pointer


def _finding_row(finding: Finding) -> list[str]:
    fix = finding.fix
    return [
        finding.severity.label,
        f"[{finding.code}]({rule_url(finding.code)})",
        code(finding.path),
        _where(finding),
        text(finding.message),
        text(f"{fix.description} ({fix.applicability.value})") if fix else "",
    ]


def _findings_table(findings: list[Finding]) -> list[str]:
    ordered = sorted(findings, key=lambda f: (-f.severity, f.path, f.line or 0, f.code))
    rows = [_finding_row(finding) for finding in ordered[:MAX_ROWS]]
    return _table(_FINDING_COLUMNS, rows, len(findings))


def _changed(file: FileReport) -> bool:
    """A file the change touched as far as findings, risk and the worst step go."""
    was = file.baseline
    assert was is not None
    return bool(
        was.removed
        or was.path is None
        or was.fixed
        or file.count(BaselineState.NEW)
        or was.risk != file.risk
        or (was.measured and was.worst_ms_before != was.worst_ms_after)
    )


def _file_cell(file: FileReport) -> str:
    was = file.baseline
    assert was is not None
    if was.removed:
        return f"{code(file.path)} (removed)"
    if was.path is None:
        return f"{code(file.path)} (new file)"
    if was.path != file.path:
        return f"{code(file.path)} (was {code(was.path)})"
    return code(file.path)


def _risk_cell(file: FileReport) -> str:
    assert file.baseline is not None
    after = "none" if file.baseline.removed else _risk(file.risk)
    rose = " **rose**" if file.risk_rose else ""
    return f"{_risk(file.baseline.risk)} → {after}{rose}"


def _ms(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms:,.1f} ms"


def _worst_cell(file: FileReport) -> str:
    """The worst measured step before → after (``check --measure``)."""
    was = file.baseline
    assert was is not None
    return f"{_ms(was.worst_ms_before)} → {_ms(was.worst_ms_after)}" if was.measured else ""


def _against_baseline(report: Report) -> list[str]:
    assert report.baseline is not None
    states = report.baseline_summary()
    rose = sum(file.risk_rose for file in report.files)
    lines = [
        f"Against {text(report.baseline)}: **{states['new']} new**, {states['fixed']} fixed, "
        f"{states['unchanged']} unchanged"
        + (f"; risk rose in {rose} file{'s' if rose != 1 else ''}." if rose else "."),
        "",
    ]
    changed = [file for file in report.files if _changed(file)]
    if not changed:
        files = len(report.files)
        noun = "file" if files == 1 else "files"
        return [*lines, f"No changes to findings or risk in {files} {noun} checked."]
    header = ["file", "risk before → after"]
    rows = [[_file_cell(file), _risk_cell(file)] for file in changed[:MAX_ROWS]]
    if any(file.baseline and file.baseline.measured for file in changed):
        header.append("worst step before → after")
        for row, file in zip(rows, changed, strict=False):
            row.append(_worst_cell(file))
    lines += [*_table(header, rows, len(changed)), ""]
    new = [f for f in report.findings if f.baseline_state is BaselineState.NEW]
    if new:
        lines += [f"### New findings ({len(new)})", "", *_findings_table(new), ""]
    if states["fixed"]:
        noun = "finding" if states["fixed"] == 1 else "findings"
        lines.append(f"Fixed: {states['fixed']} {noun}.")
    return lines


def _all_findings(report: Report) -> list[str]:
    findings = report.findings
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    if not findings:
        return [f"All clear: {files} {noun} checked, no findings."]
    counts = [(label, n) for label, n in report.by_severity().items() if n]
    return [
        f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} in {files} {noun}.",
        "",
        *_table(("severity", "findings"), [[label, str(n)] for label, n in counts], len(counts)),
        "",
        *_findings_table(findings),
    ]


def render(report: Report, stream: TextIO) -> None:
    body = _against_baseline(report) if report.baseline is not None else _all_findings(report)
    stream.write("\n".join(["## schemalint", "", *body]).rstrip() + "\n")
