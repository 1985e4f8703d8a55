"""Random models are saved the way real model folders ship: loaders that read only
``tokenizer.json`` (exllamav2 0.3) see the same tokens as the SentencePiece model."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.tokenizers import load_tokenizer

TEXTS = [
    '{"name": "get_weather", "arguments": {"city": "Lisbon", "days": 3}}',
    "  leading spaces, then\n\ttabs and\r\nnewlines",
    'escapes \\u00e9 \\" \\\\ and emoji \U0001f916, umlauts \u00fc\u00f6, \u65e5\u672c\u8a9e',
    "1e-3 -0.5 null true false [] {}",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_saved_tokenizer_json_encodes_and_decodes_as_sentencepiece(
    closing_model: Path, text: str
) -> None:
    import sentencepiece
    from tokenizers import Tokenizer

    original = sentencepiece.SentencePieceProcessor(
        model_file=str(closing_model / "tokenizer.model")
    )
    converted = Tokenizer.from_file(str(closing_model / "tokenizer.json"))
    ids = original.encode(text)
    assert converted.encode(text, add_special_tokens=False).ids == ids
    assert converted.decode(ids) == original.decode(ids)


def test_the_saved_folder_holds_both_tokenizer_files_with_one_vocabulary(
    closing_model: Path,
) -> None:
    from_json = load_tokenizer(str(closing_model / "tokenizer.json"))
    from_model = load_tokenizer(str(closing_model / "tokenizer.model"))
    assert from_json.vocab_size == from_model.vocab_size == 32000
    assert from_json.eos_ids == from_model.eos_ids
