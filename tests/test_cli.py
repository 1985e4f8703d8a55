"""The command line, end to end: exit codes, formats, selection, and the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import ROOT, SAMPLES, SEED, TWIN

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_seed_sample_fails_the_default_gate() -> None:
    code, out, _ = run("check", str(SEED))
    assert code == 1
    assert "SL206" in out and "critical" in out.splitlines()[0]


def test_rewritten_twin_passes_the_default_gate() -> None:
    code, out, _ = run("check", str(TWIN))
    assert code == 0
    assert " low" in out.splitlines()[0]


def test_exit_zero_and_fail_on() -> None:
    assert run("check", str(SEED), "--exit-zero")[0] == 0
    assert run("check", str(TWIN), "--fail-on", "low")[0] == 1
    # The gate reads finding severities, not the risk level: the seed's worst finding is high.
    assert run("check", str(SEED), "--fail-on", "critical")[0] == 0
    assert (
        run("check", str(SAMPLES / "pathological" / "free_dict.json"), "--fail-on", "critical")[0]
        == 1
    )
    # Its order_number, free text three tools share, is SL209 (medium) under loose key order.
    assert run("check", str(SAMPLES / "openai_tools.json"), "--fail-on", "medium")[0] == 1
    assert run("check", str(SAMPLES / "openai_tools.json"), "--fail-on", "high")[0] == 0


def test_select_and_ignore_take_code_prefixes() -> None:
    _, out, _ = run("check", str(SEED), "-f", "json", "--select", "SL2", "--ignore", "SL201")
    codes = {f["code"] for f in json.loads(out)["files"][0]["findings"]}
    assert codes == {"SL206"}


def test_unknown_select_prefix_is_a_usage_error() -> None:
    code, _, err = run("check", str(SEED), "--select", "XYZ")
    assert code == 2 and "matches no rule code" in err


def test_missing_path_is_a_usage_error_in_one_line() -> None:
    code, out, err = run("check", "no/such/file.json")
    assert code == 2 and out == ""
    assert err.strip() == "schemalint: error: no/such/file.json: no such file or directory"


def test_folders_are_searched_for_json_and_yaml() -> None:
    _, out, _ = run("check", str(SAMPLES), "-f", "json", "--exit-zero")
    paths = {Path(f["path"]).relative_to(SAMPLES).as_posix() for f in json.loads(out)["files"]}
    assert "anthropic_tools.yaml" in paths and "pathological/free_dict.json" in paths
    assert not any(p.endswith((".jsonl", ".md")) for p in paths)


def test_malformed_input_is_an_sl000_finding_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "object",\n  "properties": {"a": }\n}')
    code, out, _ = run("check", str(bad), "-f", "github")
    assert code == 1
    assert out.startswith(f"::error file={bad},line=2,col=23,title=schemalint (SL000)::")


def test_strict_field_order_flag_changes_the_advice() -> None:
    _, loose, _ = run("check", str(SEED), "--select", "SL206", "--no-strict-field-order")
    _, strict, _ = run("check", str(SEED), "--select", "SL206", "--strict-field-order")
    assert "LMFE_STRICT_JSON_FIELD_ORDER=true" in loose
    assert "LMFE_STRICT_JSON_FIELD_ORDER=true" not in strict


def test_lmfe_version_flag_enables_old_version_rules() -> None:
    _, out, _ = run(
        "check", str(SEED), "-f", "json", "--lmfe-version", "0.10.7", "--select", "SL204"
    )
    findings = json.loads(out)["files"][0]["findings"]
    assert findings and all("0.10.7" in f["message"] for f in findings)


def test_rules_lists_every_rule() -> None:
    code, out, _ = run("rules")
    assert code == 0
    assert "SL206" in out and "free-text-before-discriminator" in out and "SL000" in out


def test_rule_prints_the_page() -> None:
    code, out, _ = run("rule", "sl206")
    assert code == 0 and "What it does" in out and "Use instead" in out


def test_unknown_rule_is_a_usage_error() -> None:
    code, _, err = run("rule", "SL999")
    assert code == 2 and "unknown rule 'SL999'" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("schemalint 0.")


@pytest.mark.skipif(shutil.which("schemalint") is None, reason="console script not installed")
def test_installed_console_script_runs_on_the_samples() -> None:
    script = shutil.which("schemalint")
    assert script is not None
    done = subprocess.run(
        [script, "check", "samples/function_calling_seed.json", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stderr == ""
    assert json.loads(done.stdout)["files"][0]["risk"]["level"] in ("high", "critical")


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "schemalint", "check", str(TWIN)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_static_check_does_not_import_heavy_packages() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from schemalint.cli import app; "
        f"CliRunner().invoke(app, ['check', {str(SEED)!r}]); "
        "heavy = ('torch', 'lmformatenforcer', 'exllamav2', 'transformers'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def a_bug(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a state not foreseen,\nin two lines")


@pytest.mark.parametrize(
    ("command", "where"),
    [
        (["check", str(SEED), "--exit-zero"], "schemalint.engine.check_paths"),
        (["rewrite", str(SEED)], "schemalint.rewriting.files.rewrite_document"),
    ],
)
def test_an_internal_error_exits_2_with_one_line_and_the_trace_in_a_file(
    command: list[str], where: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ruff's convention: 2 is the tool failing, never 1 (findings) nor 0 (--exit-zero)."""
    monkeypatch.setattr(where, a_bug)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, out, err = run(*command)
    assert code == 2 and out == ""
    [trace] = tmp_path.glob("schemalint-crash-*.txt")
    assert err == (
        "schemalint: internal error: RuntimeError: a state not foreseen, in two lines "
        f"(full trace in {trace}); please report it\n"
    )
    assert "Traceback" in trace.read_text() and "a_bug" in trace.read_text()
