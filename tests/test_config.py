"""[tool.schemalint] in the nearest pyproject.toml: validated, and overridden by flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import ConfigError, Settings, load_settings
from schemalint.model import Severity
from tests.conftest import SEED

runner = CliRunner()


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.schemalint]\n{config}", encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    target = tmp_path / "schemas" / "seed.json"
    target.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def codes(tmp_path: Path, target: Path, *flags: str) -> set[str]:
    result = runner.invoke(
        app,
        ["check", str(target), "-f", "json", "--config", str(tmp_path / "pyproject.toml"), *flags],
    )
    return {f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]}


def test_nearest_pyproject_with_a_schemalint_table_is_found(tmp_path: Path) -> None:
    project(tmp_path, 'fail-on = "critical"\n')
    nested = tmp_path / "schemas"
    assert load_settings(start=nested).fail_on is Severity.CRITICAL


def test_without_config_the_defaults_apply(tmp_path: Path) -> None:
    assert load_settings(start=tmp_path) == Settings(root=load_settings(start=tmp_path).root)


def test_select_and_ignore_with_longest_prefix_winning(tmp_path: Path) -> None:
    target = project(tmp_path, 'select = ["SL2"]\nignore = ["SL20"]\nextend-select = ["SL206"]\n')
    assert codes(tmp_path, target) == {"SL206"}


def test_flags_override_the_file(tmp_path: Path) -> None:
    target = project(tmp_path, 'select = ["SL2"]\n')
    assert codes(tmp_path, target, "--select", "SL3") == {"SL301"}


def test_per_file_ignores_match_paths_relative_to_the_config(tmp_path: Path) -> None:
    target = project(
        tmp_path, '[tool.schemalint.per-file-ignores]\n"schemas/*.json" = ["SL2", "SL3"]\n'
    )
    found = codes(tmp_path, target)
    assert found and not any(code.startswith(("SL2", "SL3")) for code in found)


def test_severity_overrides_change_the_gate(tmp_path: Path) -> None:
    target = project(tmp_path, '[tool.schemalint.severity]\nSL206 = "low"\n')
    result = runner.invoke(
        app, ["check", str(target), "--config", str(tmp_path / "pyproject.toml")]
    )
    assert result.exit_code == 0


def test_rule_options_change_thresholds(tmp_path: Path) -> None:
    target = project(tmp_path, "[tool.schemalint.options.SL101]\nmax-depth = 3\n")
    assert "SL101" in codes(tmp_path, target)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("colour = true\n", "unknown key 'colour'"),
        ('select = "SL2"\n', "select must be a list of rule code prefixes"),
        ('ignore = ["XX"]\n', "ignore: 'XX' matches no rule code"),
        ('fail-on = "severe"\n', "unknown severity 'severe'"),
        ('[tool.schemalint.severity]\nSL999 = "low"\n', "unknown rule 'SL999'"),
        ("[tool.schemalint.options.SL101]\ndepth = 3\n", "unknown option 'depth'"),
        ("[tool.schemalint.options.SL101]\nmax-depth = -1\n", "must be a whole number >= 0"),
        ("max-file-size = 0\n", "max-file-size must be a positive number of bytes"),
        ("strict-field-order = 1\n", "strict-field-order must be true or false"),
    ],
)
def test_invalid_config_is_exit_2_naming_the_problem(
    tmp_path: Path, config: str, message: str
) -> None:
    target = project(tmp_path, config)
    result = runner.invoke(
        app, ["check", str(target), "--config", str(tmp_path / "pyproject.toml")]
    )
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_unreadable_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.schemalint\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(start=tmp_path)


def test_exclude_must_be_a_list_of_globs(tmp_path: Path) -> None:
    project(tmp_path, 'extend-exclude = "generated"\n')
    with pytest.raises(ConfigError, match="extend-exclude must be a list of globs"):
        load_settings(start=tmp_path)


def test_a_pointer_key_in_per_file_ignores_keeps_the_rule_on_for_the_file(tmp_path: Path) -> None:
    """``glob#/pointer`` suppresses at one subschema; only a plain glob turns a rule off."""
    project(
        tmp_path, '[tool.schemalint.per-file-ignores]\n"schemas/*.json#/properties" = ["SL2"]\n'
    )
    settings = load_settings(start=tmp_path)
    target = str(tmp_path / "schemas" / "seed.json")
    assert "SL201" in settings.enabled_codes(target)
    assert settings.ignored_pointers(target) == {"/properties": frozenset({"SL2"})}
