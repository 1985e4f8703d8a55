"""Rule pages in rules/ and the registry agree, and each page's examples are honest."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from schemalint.config import Settings
from schemalint.docs import page_codes, rule_page
from schemalint.engine import check_data
from schemalint.rewriting.rewrites import REWRITES
from schemalint.rules import RULES
from tests.checks.test_rule_cases import judged_for
from tests.conftest import ROOT

HEADINGS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options"]
#: Settings a page's examples are judged under, for rules that depend on the enforcer.
PAGE_SETTINGS: dict[str, dict[str, Any]] = {
    "SL204": {"lmfe_version": "0.10.7"},
    "SL411": {"strict_field_order": True},
}
#: Budgets a measured rule's page is judged under (default: 1 s a step, 15 s in all: the
#: tokenizer data is built cold in a fresh checkout, and CI machines are busy).
PAGE_BUDGETS: dict[str, dict[str, float]] = {
    "SM102": {"step_budget": 10.0, "budget": 3.0},
    "SM302": {"step_budget": 3.0, "budget": 15.0},  # the escape step is slow on a busy machine
    "SM504": {"step_budget": 0.1, "compile_budget": 0.1, "budget": 8.0},
}
#: Engines compared beside LMFE when a page's examples are judged (the SM5xx rules).
PAGE_ENGINES: dict[str, list[str]] = {
    "SM501": ["llguidance"],
    "SM502": ["xgrammar"],
    "SM503": ["xgrammar"],
    "SM504": ["xgrammar"],
    "SM505": ["lmfe", "llguidance"],
}


def section(page: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert match, f"missing section {heading!r}"
    return match.group(1)


def json_blocks(page: str, heading: str) -> list[Any]:
    blocks = re.findall(r"```json\n(.*?)```", section(page, heading), re.S)
    assert blocks, f"no ```json block under {heading!r}"
    return [json.loads(block) for block in blocks]


def codes_found(code: str, page: str, heading: str, tmp_path: Path) -> list[str]:
    """Lint the section's schema; measured rules walk the section's second block through LMFE."""
    settings = Settings(select=(code,), targets=judged_for(code), **PAGE_SETTINGS.get(code, {}))
    schema, *rest = json_blocks(page, heading)
    prober = None
    if code.startswith("SM"):
        from schemalint.measure.compare import ComparingProber
        from schemalint.measure.probe import MeasureSettings, Prober

        instances = tmp_path / "instance.jsonl"
        instances.write_text(json.dumps(rest[0]) + "\n", encoding="utf-8")
        budgets = {"step_budget": 1.0, "budget": 15.0} | PAGE_BUDGETS.get(code, {})
        measuring = MeasureSettings(instances=instances, **budgets)
        engines = PAGE_ENGINES.get(code)
        for name in engines or []:
            if name != "lmfe" and importlib.util.find_spec(name) is None:
                pytest.skip(f"{code}'s page is judged with {name}, which is not installed")
        prober = ComparingProber(measuring, engines) if engines else Prober(measuring)
    return [f.code for f in check_data(schema, settings, prober=prober).findings]


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    assert page_codes() == set(RULES)


@pytest.mark.parametrize("code", list(RULES))
def test_page_has_title_and_headings_in_order(code: str) -> None:
    page = rule_page(code)
    assert page is not None
    assert page.splitlines()[0] == f"# {code} {RULES[code].name}"
    positions = [page.find(f"\n## {heading}\n") for heading in HEADINGS]
    assert -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize("code", list(RULES))
def test_page_lists_every_option(code: str) -> None:
    options = section(rule_page(code) or "", "Options")
    for option in RULES[code].options:
        assert f"`{option.name}`" in options and str(option.default) in options


@pytest.mark.parametrize("code", list(RULES))
def test_example_triggers_the_rule(code: str, tmp_path: Path) -> None:
    assert code in codes_found(code, rule_page(code) or "", "Example", tmp_path)


@pytest.mark.parametrize("code", list(RULES))
def test_use_instead_does_not_trigger_the_rule(code: str, tmp_path: Path) -> None:
    assert code not in codes_found(code, rule_page(code) or "", "Use instead", tmp_path)


def test_readme_lists_every_rule_with_its_fix() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        fix = rule.fix.value if rule.fix else "-"
        row = f"| [{code}](rules/{code}.md) | {rule.name} | {rule.severity.label} | {fix} |"
        assert row in readme


@pytest.mark.parametrize("code", [code for code, rule in RULES.items() if rule.fix])
def test_a_rule_that_offers_a_fix_has_a_rewrite_that_makes_it(code: str) -> None:
    fixing = [rewrite for rewrite in REWRITES if code in rewrite.fixes]
    assert any(rewrite.applicability is RULES[code].fix for rewrite in fixing)


def test_every_rewrite_fixes_registered_rules() -> None:
    for rewrite in REWRITES:
        assert rewrite.fixes and set(rewrite.fixes) <= set(RULES)


@pytest.mark.parametrize("code", list(RULES))
def test_page_header_states_the_registered_severity_and_fix(code: str) -> None:
    rule = RULES[code]
    fix = rule.fix.value if rule.fix else "none"
    header = (rule_page(code) or "").splitlines()[2]
    assert header.startswith(f"**Severity:** {rule.severity.label} · **Fix:** {fix} · ")
