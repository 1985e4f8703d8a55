"""``schemalint generate`` through the CLI: formats, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import SAMPLES, SEED

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["generate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_format_reports_every_variant(closing_model: Path) -> None:
    code, out, _ = run(
        str(SEED), "--model", str(closing_model), "--prompt", "Plan my trip.",
        "--compare", "original,unconstrained", "--max-new-tokens", "160",
        "--max-consecutive-whitespaces", "0", "--format", "json",
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["backend"] == "transformers" and report["device"] == "cpu"
    original, unconstrained = report["phases"]
    assert original["variant"] == "original" and original["validates"] is True
    assert set(original["filter_ms"]) == {"p50", "p95", "max"}
    assert unconstrained["filter_ms"] is None and unconstrained["stop"] == "eos"


def test_text_format_streams_to_stderr_and_tabulates(closing_model: Path, tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Refund order 42.")
    code, out, err = run(
        str(SAMPLES / "pathological" / "reason_maxlength_one_branch.json"),
        "--model", str(closing_model), "--prompt-file", str(prompt), "--compare", "rewritten",
        "--max-new-tokens", "160", "--max-consecutive-whitespaces", "0",
    )  # fmt: skip
    assert code == 0, out + err
    assert "[rewritten] {" in err
    assert "rewritten" in out and "filter ms" in out and "eos" in out


def test_a_budget_cut_exits_1(free_text_model: Path) -> None:
    code, out, _ = run(
        str(SEED), "--model", str(free_text_model), "--prompt", "Hi.",
        "--compare", "unconstrained", "--time-budget", "0.2", "--max-new-tokens", "100000",
        "-f", "json",
    )  # fmt: skip
    assert code == 1
    assert json.loads(out)["phases"][0]["stop"] == "time-budget"


def test_a_missing_model_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    code, out, err = run(str(SEED), "--model", str(tmp_path / "nope"), "--prompt", "x")
    assert code == 2 and out == ""
    assert err == f"schemalint: error: {tmp_path / 'nope'}: no such model folder\n"


def test_a_folder_without_a_model_is_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run(str(SEED), "--model", str(tmp_path), "--prompt", "x")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith("schemalint: error: ")


def test_bad_input_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": ')
    assert run(str(bad), "--model", str(tmp_path), "--prompt", "x")[0] == 2
    code, _, err = run(str(SEED), "--model", str(tmp_path), "--prompt", "x", "--compare", "best")
    assert code == 2 and "--compare" in err
    code, _, err = run(str(SEED), "--model", str(tmp_path))
    assert code == 2 and "--prompt" in err


def test_the_exllamav2_backend_without_it_is_one_line_exit_2(closing_model: Path) -> None:
    code, _, err = run(
        str(SEED), "--model", str(closing_model), "--prompt", "x", "--backend", "exllamav2"
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "exllamav2" in err
