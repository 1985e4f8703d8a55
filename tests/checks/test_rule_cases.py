"""Every rule is specified by small YAML cases: schemas that must fail at given pointers, and
schemas that must pass (sqlfluff's fail/pass style). One file per rule in ``cases/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.model import Severity
from schemalint.rules import RULES
from schemalint.targets import ALL
from schemalint.targets import DEFAULT as DEFAULT_TARGETS

CASES = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return params


def judged_for(code: str) -> tuple[str, ...]:
    """A rule is judged for its own target (LMFE's rules, and those of every target, for LMFE)."""
    target = RULES[code].target
    return DEFAULT_TARGETS if target == ALL else (target,)


def run_rule(code: str, data: Any, case: dict[str, Any]) -> list[Any]:
    settings = Settings(
        select=(code,),
        options={code: case.get("options", {})} if case.get("options") else {},
        targets=judged_for(code),
        **case.get("settings", {}),
    )
    return [f for f in check_data(data, settings).findings if f.code == code]


def test_every_static_rule_has_cases() -> None:
    """Measured rules (SM) are specified against the real enforcer in tests/measure."""
    covered = {path.stem for path in CASES.glob("*.yaml")}
    assert {code for code in RULES if code.startswith(("SL", "SP", "SE"))} - covered == set()


@pytest.mark.parametrize(("code", "case"), _load_cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    findings = run_rule(code, case["schema"], case)
    pointers = sorted(f.pointer for f in findings)
    if "fail" in case:
        assert pointers == sorted(case["fail"])
        if "severity" in case:
            assert {f.severity for f in findings} == {Severity.parse(case["severity"])}
        if "message_contains" in case:
            assert all(case["message_contains"] in f.message for f in findings)
    else:
        assert case["pass"] is True
        assert pointers == []
