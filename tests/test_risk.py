"""The risk score: the worst finding sets the level, the rest add a little."""

from __future__ import annotations

from schemalint.config import Settings
from schemalint.engine import check_file
from schemalint.model import Finding, Severity
from schemalint.risk import Risk, score
from tests.conftest import SAMPLES, SEED, TWIN


def findings(*severities: Severity) -> list[Finding]:
    return [Finding("SL999", "x", s, "f", "", "m") for s in severities]


def test_no_findings_is_zero_and_low() -> None:
    assert score([]) == Risk(0, Severity.LOW)


def test_the_worst_finding_sets_the_base() -> None:
    assert score(findings(Severity.CRITICAL)) == Risk(80, Severity.CRITICAL)
    assert score(findings(Severity.HIGH)) == Risk(55, Severity.HIGH)
    assert score(findings(Severity.MEDIUM)) == Risk(30, Severity.MEDIUM)
    assert score(findings(Severity.LOW)) == Risk(10, Severity.LOW)
    assert score(findings(Severity.INFO)) == Risk(0, Severity.LOW)


def test_many_findings_lift_the_level_and_saturate() -> None:
    assert score(findings(Severity.HIGH, *[Severity.HIGH] * 5)).level is Severity.CRITICAL
    assert score(findings(*[Severity.CRITICAL] * 50)).score == 100
    assert score(findings(*[Severity.INFO] * 500)) == Risk(0, Severity.LOW)


def test_seed_sample_is_high_or_critical_and_its_twin_low() -> None:
    settings = Settings(lmfe_version="0.11.3", strict_field_order=False)
    assert check_file(SEED, settings).risk.level in (Severity.HIGH, Severity.CRITICAL)
    assert check_file(TWIN, settings).risk.level is Severity.LOW
    strict = Settings(lmfe_version="0.11.3", strict_field_order=True)
    assert check_file(TWIN, strict).risk.level is Severity.LOW


def test_every_pathological_sample_is_critical() -> None:
    for path in sorted((SAMPLES / "pathological").glob("*.json")):
        assert check_file(path, Settings()).risk.level is Severity.CRITICAL, path.name
