"""Classification against a baseline: a fingerprint pairs one to one, as in a multiset."""

from __future__ import annotations

from schemalint.baseline.compare import Baseline, classify, compare
from schemalint.engine import FileReport, Report
from schemalint.model import BaselineState, Finding, Severity


def finding(fingerprint: str, severity: Severity = Severity.LOW, path: str = "a.json") -> Finding:
    return Finding("SL107", "unbounded-array", severity, path, "/x", "m", fingerprint=fingerprint)


def states(findings: list[Finding]) -> list[tuple[str | None, BaselineState | None]]:
    return [(f.fingerprint, f.baseline_state) for f in findings]


def test_findings_pair_one_to_one_by_fingerprint() -> None:
    current, fixed = classify(
        [finding("a"), finding("a"), finding("b")], [finding("a"), finding("c"), finding("c")]
    )
    assert states(current) == [
        ("a", BaselineState.UNCHANGED),
        ("a", BaselineState.NEW),
        ("b", BaselineState.NEW),
    ]
    assert states(fixed) == [("c", BaselineState.FIXED), ("c", BaselineState.FIXED)]


def test_a_file_new_since_the_baseline_starts_from_nothing() -> None:
    report = compare(Report([FileReport("a.json", "json-schema", [finding("a")])]), Baseline("x"))
    (file,) = report.files
    assert file.baseline is not None and file.baseline.path is None
    assert file.baseline.risk.score == 0 and file.count(BaselineState.NEW) == 1


def test_a_removed_file_has_every_finding_fixed_and_no_risk_left() -> None:
    gone = FileReport("b.json", "json-schema", [finding("a", Severity.HIGH, "b.json")])
    report = compare(Report([]), Baseline("x", removed=[gone]))
    (file,) = report.files
    assert file.baseline is not None and file.baseline.removed
    assert states(file.baseline.fixed) == [("a", BaselineState.FIXED)]
    assert file.risk.score == 0 and file.baseline.risk.level is Severity.HIGH


def test_a_moved_file_is_paired_with_the_removed_one_by_its_findings() -> None:
    before = FileReport("old.json", "json-schema", [finding("a"), finding("b")])
    now = Report([FileReport("new.json", "json-schema", [finding("a"), finding("b")])])
    report = compare(now, Baseline("x", removed=[before]))
    (file,) = report.files
    assert file.baseline is not None and file.baseline.path == "old.json"
    assert file.count(BaselineState.UNCHANGED) == 2


def test_the_gate_fails_only_on_new_findings_at_the_threshold_or_a_risk_rise() -> None:
    before = FileReport("a.json", "json-schema", [finding("a", Severity.HIGH)])
    unchanged = compare(
        Report([FileReport("a.json", "json-schema", [finding("a", Severity.HIGH)])]),
        Baseline("x", {"a.json": before}),
    )
    assert unchanged.exit_code(Severity.HIGH) == 0
    worse = [finding("a", Severity.HIGH), finding("b", Severity.LOW)]
    added_low = compare(
        Report([FileReport("a.json", "json-schema", worse)]), Baseline("x", {"a.json": before})
    )
    assert added_low.exit_code(Severity.HIGH) == 0
    assert added_low.exit_code(Severity.LOW) == 1
    rose = compare(
        Report([FileReport("a.json", "json-schema", [finding("b", Severity.HIGH)])]),
        Baseline("x", {"a.json": FileReport("a.json", "json-schema", [])}),
    )
    assert rose.files[0].risk_rose
    assert rose.exit_code(Severity.CRITICAL) == 1
    assert rose.exit_code(Severity.CRITICAL, fail_on_risk_rise=False) == 0
