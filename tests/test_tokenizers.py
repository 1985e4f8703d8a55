"""Tokenizers load offline — Mistral's bundled files or the user's own — and LMFE's data for
them is cached on disk, keyed by the tokenizer file and the LMFE version."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from schemalint.engines.lmfe_data import cache_dir, cache_key, enforcer_data
from schemalint.tokenizers import TokenizerError, load_tokenizer


def test_the_default_tokenizer_is_mistral_v1_with_32000_tokens() -> None:
    tokenizer = load_tokenizer()
    assert tokenizer.name == "mistral-v1" and tokenizer.vocab_size == 32_000
    text = '{"reason": "Check the \\"order\\" first.\\n", "n": 1}'
    assert tokenizer.decode(tokenizer.encode(text)) == text


@pytest.mark.parametrize(("name", "size"), [("mistral-v3", 32_768), ("tekken", 131_072)])
def test_other_bundled_tokenizers_load_by_name(name: str, size: int) -> None:
    tokenizer = load_tokenizer(name)
    assert tokenizer.vocab_size == size
    assert tokenizer.decode(tokenizer.encode('{"a": "x y"}')) == '{"a": "x y"}'


def test_regular_tokens_mark_word_starts_and_skip_control_tokens() -> None:
    tokens = {token: (text, start) for token, text, start in load_tokenizer().regular_tokens()}
    assert 0 not in tokens and 1 not in tokens and 2 not in tokens  # <unk>, <s>, </s>
    space_token = load_tokenizer().encode("a b")[-1]
    assert tokens[space_token][1] is True and tokens[space_token][0].startswith(" ")


def tiny_hugging_face_tokenizer(folder: Path) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    model = Tokenizer(models.BPE(unk_token="<unk>"))
    model.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<unk>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    model.train_from_iterator(['{"name": "search", "arguments": {"q": "weather"}}'] * 20, trainer)
    model.decoder = decoders.ByteLevel()
    path = folder / "tokenizer.json"
    model.save(str(path))
    return path


def test_a_hugging_face_folder_or_tokenizer_json_loads(tmp_path: Path) -> None:
    path = tiny_hugging_face_tokenizer(tmp_path)
    for spec in (str(tmp_path), str(path)):
        tokenizer = load_tokenizer(spec)
        assert tokenizer.eos_ids == [1]
        assert tokenizer.decode(tokenizer.encode('{"q": "rain"}')) == '{"q": "rain"}'


def test_a_sentencepiece_model_file_loads_by_path() -> None:
    from schemalint.tokenizers import NAMED, mistral_data_dir

    tokenizer = load_tokenizer(str(mistral_data_dir() / NAMED["mistral-v1"]))
    assert tokenizer.vocab_size == 32_000


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no/such/tokenizer", "not a tokenizer file or folder, nor one of: mistral-v1"),
        ("{folder}", "no tokenizer.json or tokenizer.model in this folder"),
        ("{folder}/broken.json", "cannot load tokenizer"),
    ],
)
def test_bad_tokenizer_paths_are_one_line_errors(tmp_path: Path, spec: str, message: str) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(TokenizerError, match=message):
        load_tokenizer(spec.format(folder=tmp_path))


def test_enforcer_data_is_cached_by_tokenizer_hash_and_lmfe_version() -> None:
    tokenizer = load_tokenizer()
    cached = cache_dir() / "tokenizer-data" / f"{cache_key(tokenizer)}.pickle"
    cached.unlink(missing_ok=True)
    started = time.perf_counter()
    cold = enforcer_data(tokenizer)
    cold_seconds = time.perf_counter() - started
    assert cached.is_file() and "lmfe0.11.3" in cached.name
    started = time.perf_counter()
    warm = enforcer_data(tokenizer)
    warm_seconds = time.perf_counter() - started
    assert warm.regular_tokens == cold.regular_tokens and warm.decoder is not None
    print(f"tokenizer data: cold {cold_seconds:.2f} s, warm {warm_seconds:.2f} s")


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMALINT_CACHE_DIR", str(tmp_path / "cache"))
    enforcer_data(load_tokenizer(), use_cache=False)
    assert not (tmp_path / "cache").exists()


def test_a_damaged_cache_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMALINT_CACHE_DIR", str(tmp_path))
    tokenizer = load_tokenizer()
    entry = tmp_path / "tokenizer-data" / f"{cache_key(tokenizer)}.pickle"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"not a pickle")
    assert len(enforcer_data(tokenizer).regular_tokens) > 31_000
    assert entry.stat().st_size > 1000
