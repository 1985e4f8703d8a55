"""The exllamav2 backend: a plain message where it cannot load; a real run only on a GPU."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from schemalint.generate import GenerateError
from schemalint.generate.exl2 import import_exllamav2
from tests.conftest import SEED


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def test_import_failure_is_a_one_line_generate_error() -> None:
    if importlib.util.find_spec("exllamav2") is not None and _cuda():
        pytest.skip("exllamav2 loads here")
    with pytest.raises(GenerateError) as caught:
        import_exllamav2()
    assert "\n" not in str(caught.value) and "exllamav2" in str(caught.value)


@pytest.mark.gpu
@pytest.mark.skipif(
    importlib.util.find_spec("exllamav2") is None or not _cuda(),
    reason="needs CUDA and exllamav2 (pip install 'schemalint[gpu]')",
)
def test_exllamav2_generates_valid_constrained_output(closing_model: Path) -> None:
    from typer.testing import CliRunner

    from schemalint.cli import app

    result = CliRunner().invoke(
        app,
        ["generate", str(SEED), "--model", str(closing_model), "--prompt", "Plan my trip.",
         "--backend", "exllamav2", "--max-new-tokens", "160",
         "--max-consecutive-whitespaces", "0", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    phases = {p["variant"]: p for p in json.loads(result.stdout)["phases"]}
    assert phases["original"]["validates"] and phases["rewritten"]["validates"]


def test_a_folder_without_tokenizer_json_is_refused_before_loading(tmp_path: Path) -> None:
    from schemalint.generate.exl2 import ExLlamaV2Backend

    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "tokenizer.model").write_bytes(b"")
    with pytest.raises(GenerateError, match=r"reads only tokenizer\.json"):
        ExLlamaV2Backend(tmp_path)
