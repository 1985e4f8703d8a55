"""Tiny random Llamas over the bundled Mistral v1 tokenizer, saved like downloaded models."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.generate.hf import TransformersBackend
from schemalint.generate.random_model import random_llama, save_with_tokenizer


@pytest.fixture(scope="session")
def closing_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Prefers tokens that close strings and containers, so constrained output ends."""
    return save_with_tokenizer(random_llama(closing_bias=True), tmp_path_factory.mktemp("closing"))


@pytest.fixture(scope="session")
def free_text_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain random weights: writes free text until something stops it."""
    return save_with_tokenizer(random_llama(), tmp_path_factory.mktemp("free"))


@pytest.fixture(scope="session")
def closing_backend(closing_model: Path) -> TransformersBackend:
    return TransformersBackend.load(closing_model)


@pytest.fixture(scope="session")
def free_text_backend(free_text_model: Path) -> TransformersBackend:
    return TransformersBackend.load(free_text_model)
