"""--target judges a schema for the engine or provider that enforces it: only that target's
rules speak, each finding names its target, and the report gives a matrix per target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import schemalint
from schemalint.cli import app
from schemalint.config import ConfigError, load_settings
from schemalint.targets import UnknownTarget, parse_targets
from tests.conftest import SAMPLES, SEED

runner = CliRunner()


def tools(count: int, optional: int = 0) -> list[dict[str, object]]:
    """``count`` Anthropic tools, the first with ``optional`` optional parameters."""
    listed = []
    for index in range(count):
        names = [f"p{i}" for i in range(optional if index == 0 else 0)]
        schema = {
            "type": "object",
            "properties": {name: {"type": "string"} for name in names},
            "required": [],
            "additionalProperties": False,
        }
        listed.append({"name": f"tool_{index}", "strict": True, "input_schema": schema})
    return listed


def test_targets_parse_from_a_comma_list_in_order_without_repeats() -> None:
    assert parse_targets("openai, Anthropic,openai") == ("openai", "anthropic")
    with pytest.raises(UnknownTarget, match="unknown target 'bedrock'"):
        parse_targets("bedrock")


def test_an_unknown_target_on_the_command_line_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["check", str(SEED), "--target", "openai,bedrock"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("schemalint: error: --target: unknown target")


def test_config_names_targets_and_refuses_unknown_ones(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.schemalint]\ntarget = ["openai", "gemini"]\n')
    assert load_settings(config).targets == ("openai", "gemini")
    config.write_text('[tool.schemalint]\ntarget = ["vertex"]\n')
    with pytest.raises(ConfigError, match="target: unknown target 'vertex'"):
        load_settings(config)


def test_lmfe_s_rules_are_silent_when_lmfe_is_not_judged() -> None:
    lmfe = {f.code for f in schemalint.check(SEED).findings}
    openai = {f.code for f in schemalint.check(SEED, target="openai").findings}
    assert "SL206" in lmfe and "SL206" not in openai
    assert all(code.startswith("SP1") for code in openai)


def test_what_breaks_every_target_is_reported_for_each() -> None:
    broken = {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}
    result = schemalint.check(broken, target="gemini")
    (finding,) = [f for f in result.findings if f.code == "SL410"]
    assert finding.target == "all"
    assert not result.files[0].verdicts()[0].accepted


def test_twenty_one_tools_pass_anthropic_s_twenty_tool_limit() -> None:
    result = schemalint.check(tools(21), target="openai,anthropic")
    limits = [f for f in result.findings if f.code == "SP201"]
    assert [f.message.split(":")[0] for f in limits] == ["21 strict tools"]
    assert "Anthropic takes at most 20" in limits[0].message
    assert schemalint.check(tools(20), target="anthropic").files[0].verdicts()[0].accepted


def test_twenty_five_optional_parameters_pass_the_limit_of_twenty_four() -> None:
    (limit,) = [f for f in schemalint.check(tools(1, 25), target="anthropic").findings]
    assert limit.code == "SP201"
    assert limit.message.startswith("25 optional parameters across the strict schemas")
    assert "the limit is 24" in limit.message


def test_json_gives_each_target_a_verdict_and_its_own_risk() -> None:
    path = SAMPLES / "openai_tools.json"
    result = runner.invoke(app, ["check", str(path), "-f", "json", "--target", "lmfe,openai"])
    file = json.loads(result.stdout)["files"][0]
    assert list(file["targets"]) == ["lmfe", "openai"]
    openai = file["targets"]["openai"]
    assert openai["accepted"] is False and openai["refused"] == ["SP102"]
    assert openai["risk"]["level"] == "high"
    assert {f["target"] for f in file["findings"]} == {"lmfe", "openai"}


def test_without_target_the_json_has_no_matrix() -> None:
    result = runner.invoke(app, ["check", str(SAMPLES / "openai_tools.json"), "-f", "json"])
    assert "targets" not in json.loads(result.stdout)["files"][0]


def test_the_text_report_prints_the_matrix() -> None:
    path = str(SAMPLES / "openai_tools.json")
    result = runner.invoke(app, ["check", path, "--target", "openai,gemini"], terminal_width=120)
    lines = result.stdout.splitlines()
    header = lines.index("  targets")
    assert lines[header + 1].split() == [
        "target",
        "accepted",
        "refused",
        "for",
        "dropped",
        "limits",
        "risk",
    ]
    assert lines[header + 2].split()[:3] == ["openai", "no", "SP102"]
    assert lines[header + 3].split()[:2] == ["gemini", "yes"]


def test_rewrite_for_a_target_then_check_accepts_it(tmp_path: Path) -> None:
    out = tmp_path / "strict.json"
    path = str(SAMPLES / "openai_tools.json")
    done = runner.invoke(
        app, ["rewrite", path, "--target", "openai", "--unsafe-fixes", "-o", str(out)]
    )
    assert done.exit_code == 0, done.stderr
    assert "unsafe: openai-require-all" in done.stderr
    assert "LMFE_STRICT_JSON_FIELD_ORDER" not in done.stderr  # LMFE's hints only for LMFE
    checked = runner.invoke(app, ["check", str(out), "--target", "openai"])
    assert checked.exit_code == 0 and "All clear" in checked.stdout


def test_a_remote_ref_is_refused_by_most_targets_and_dropped_by_xgrammar() -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": "https://example.com/a.json"}}}
    result = schemalint.check(schema, target="xgrammar,llguidance,outlines,vllm,openai")
    verdicts = {verdict.target: verdict for verdict in result.files[0].verdicts()}
    assert {target for target, verdict in verdicts.items() if verdict.accepted} == {
        "xgrammar",
        "vllm",
    }
    assert "SL405" in {finding.code for finding in verdicts["xgrammar"].dropped}
    assert "SL405" in {finding.code for finding in verdicts["openai"].refused}
