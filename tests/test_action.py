"""The GitHub Action: action.yml declares the inputs and hands them to scripts/gate.sh, which
runs end to end here on a real git repository, with schemalint already installed."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from schemalint.report.markdown import RULES_URL as RULES_PAGES
from schemalint.report.markdown import RULES_URL_VARIABLE as RULES_URL
from tests.baseline.test_gate import (
    ENUM_OR_FREE,
    TOOLS,
    commit,
    git,
    new_repository,
    tool,
    write,
)
from tests.conftest import ROOT
from tests.report.test_baseline_formats import SARIF_SCHEMA

ACTION = ROOT / "action.yml"
GATE = ROOT / "scripts" / "gate.sh"
PINNED = '[tool.schemalint]\nlmfe-version = "0.11.3"\nstrict-field-order = false\n'


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A repository whose base commit holds a clean tools list, and whose head commit gives
    one tool an enum-or-free-string priority (SL205, critical)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    new_repository(repo)
    (repo / "pyproject.toml").write_text(PINNED, encoding="utf-8")
    (repo / "tools").mkdir()
    write(repo / "tools" / "openai.json", TOOLS)
    commit(repo, "base")
    edited: list[dict[str, Any]] = copy.deepcopy(TOOLS)
    tool(edited, "lookup_order")["function"]["parameters"]["properties"]["priority"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", edited)
    commit(repo, "head")
    return repo


def run_gate(repo: Path, **inputs: str) -> tuple[int, str, dict[str, str]]:
    """Run the action's script as the action does; returns its exit code, the step summary
    and the step's outputs."""
    summary, outputs = repo.parent / "summary.md", repo.parent / "outputs"
    # Not the environment of a CI job this test may run in: only what the action would set.
    outer = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", RULES_URL))}
    env = {
        **outer,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SCHEMALINT_SKIP_INSTALL": "1",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "SCHEMALINT_SARIF_FILE": str(repo.parent / "schemalint.sarif"),
        **{f"SCHEMALINT_{name.upper()}": value for name, value in inputs.items()},
    }
    done = subprocess.run(
        ["bash", str(GATE)], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    written = outputs.read_text(encoding="utf-8") if outputs.exists() else ""
    return (
        done.returncode,
        summary.read_text(encoding="utf-8"),
        dict(line.split("=", 1) for line in written.splitlines()),
    )


def test_action_declares_its_inputs_and_runs_the_gate_script() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert set(action["inputs"]) == {"paths", "baseline-ref", "fail-on", "measure", "sarif"}
    assert "github.base_ref" in action["inputs"]["baseline-ref"]["default"]
    assert action["inputs"]["measure"]["default"] == "false"
    assert action["inputs"]["sarif"]["default"] == "true"
    assert action["runs"]["using"] == "composite"
    (gate,) = [step for step in action["runs"]["steps"] if "run" in step]
    assert "scripts/gate.sh" in gate["run"]
    assert {f"inputs.{name}" for name in action["inputs"]} <= {
        value.strip("${} ") for value in gate["env"].values()
    }
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.gate.outputs.sarif-file }}"


def test_a_pull_request_adding_a_critical_finding_fails_with_a_summary_and_sarif(
    pull_request: Path,
) -> None:
    code, summary, outputs = run_gate(
        pull_request,
        paths="tools",
        baseline_ref="HEAD~1",
        action_path="/home/runner/work/_actions/acme/schemalint/0123abc",
    )
    assert code == 1
    assert summary.startswith("## schemalint\n")
    assert "**2 new**, 0 fixed, 14 unchanged; risk rose in 1 file." in summary
    assert "| `tools/openai.json` | 32 medium → 84 critical **rose** |" in summary
    assert "[SL205](https://github.com/acme/schemalint/blob/0123abc/rules/SL205.md)" in summary
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert "SL205" in {result["ruleId"] for result in results}
    assert all("baselineState" not in result for result in results)


def test_findings_the_base_already_had_pass_the_gate(pull_request: Path) -> None:
    git(pull_request, "commit", "-q", "--allow-empty", "-m", "nothing new")
    code, summary, _ = run_gate(pull_request, paths="tools", baseline_ref="HEAD~1", fail_on="info")
    assert code == 0
    assert "**0 new**" in summary
    assert "No changes to findings or risk in 1 file checked." in summary


def test_without_a_baseline_every_finding_counts_and_sarif_can_be_off(pull_request: Path) -> None:
    code, summary, outputs = run_gate(pull_request, paths="tools", sarif="false")
    assert code == 1
    assert "| critical | 1 |" in summary
    assert f"[SL205]({RULES_PAGES}SL205.md)" in summary, "outside an action folder: main's pages"
    assert outputs == {}
    assert not (pull_request.parent / "schemalint.sarif").exists()
