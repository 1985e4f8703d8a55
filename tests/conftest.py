"""Shared fixtures: paths to the repo's samples and the shared corpus."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "function_calling_seed.json"
TWIN = SAMPLES / "function_calling_rewritten.json"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never write to the user's cache folder."""
    folder = tmp_path_factory.mktemp("schemalint-cache")
    previous = os.environ.get("SCHEMALINT_CACHE_DIR")
    os.environ["SCHEMALINT_CACHE_DIR"] = str(folder)
    yield
    if previous is None:
        del os.environ["SCHEMALINT_CACHE_DIR"]
    else:
        os.environ["SCHEMALINT_CACHE_DIR"] = previous


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail any attempt to open a network connection; yields the attempts made."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise AssertionError(f"network use: connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
