"""Real tokenizers, loaded offline: Mistral's bundled files, or the user's own.

Every loader gives the same small interface, and the token list LMFE needs is built the way
LMFE's own transformers integration builds it (decode each token after a ``0`` to see whether
it starts a word), without importing that integration.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalint.model import SetupError

#: Tokenizers shipped in mistral-common's data folder, by the names users pick them with.
NAMED = {
    "mistral-v1": "tokenizer.model.v1",
    "mistral-v3": "mistral_instruct_tokenizer_240323.model.v3",
    "tekken": "tekken_240911.json",
}
DEFAULT = "mistral-v1"
_EOS_NAMES = ("</s>", "<|end_of_text|>", "<|eot_id|>", "<|im_end|>", "<|endoftext|>", "<eos>")

RegularToken = tuple[int, str, bool]


class TokenizerError(SetupError):
    """A tokenizer that cannot be found or read: one line, exit code 2."""


@dataclass
class Tokenizer:
    name: str
    source: Path
    """The file the tokenizer was read from; its hash keys the enforcer-data cache."""
    vocab_size: int
    eos_ids: list[int]
    encode: Callable[[str], list[int]]
    decode: Callable[[list[int]], str]
    regular_tokens: Callable[[], list[RegularToken]]
    token_bytes: Callable[[], list[bytes]]
    """Every token's raw bytes, as other engines (xgrammar, llguidance) want the vocabulary:
    a word-start token keeps its space, a byte-fallback token is its byte, a control or special
    token is ``b""``."""

    def token_text(self, token: int) -> str:
        return self.decode([token])


def word_start_tokens(
    size: int, zero: int, decode: Callable[[list[int]], str], skip: set[int]
) -> list[RegularToken]:
    """Each token's text as LMFE needs it, the way LMFE's transformers integration finds it:
    decoded after a ``0`` so a word-start token keeps its leading space."""
    tokens = []
    for token in range(size):
        if token in skip:
            continue
        after_zero = decode([zero, token])[1:]
        tokens.append((token, after_zero, len(after_zero) > len(decode([token]))))
    return tokens


def mistral_data_dir() -> Path:
    spec = importlib.util.find_spec("mistral_common")
    if spec is None or spec.origin is None:
        raise TokenizerError(
            "the bundled tokenizers need mistral-common: pip install 'schemalint[measure]'"
        )
    return Path(spec.origin).parent / "data"


def load_tokenizer(spec: str = DEFAULT) -> Tokenizer:
    """A named bundled tokenizer, or a path: a model folder, tokenizer.json, or a .model file."""
    if spec in NAMED:
        return _load_file(mistral_data_dir() / NAMED[spec], spec)
    path = Path(spec)
    if path.is_dir():
        for candidate in ("tokenizer.json", "tokenizer.model"):
            if (path / candidate).is_file():
                return _load_file(path / candidate, path.name or str(path))
        raise TokenizerError(f"{path}: no tokenizer.json or tokenizer.model in this folder")
    if path.is_file():
        return _load_file(path, path.name)
    names = ", ".join(NAMED)
    raise TokenizerError(f"{spec}: not a tokenizer file or folder, nor one of: {names}")


def _load_file(path: Path, name: str) -> Tokenizer:
    try:
        if path.suffix == ".json" or path.name.endswith(".json"):
            head = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(head, dict) and "config" in head and "vocab" in head:
                return _tekken(path, name)
            return _hugging_face(path, name, head)
        return _sentencepiece(path, name)
    except TokenizerError:
        raise
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as error:
        raise TokenizerError(f"{path}: cannot load tokenizer: {error}") from None


def _sentencepiece(path: Path, name: str) -> Tokenizer:
    import sentencepiece

    model = sentencepiece.SentencePieceProcessor(model_file=str(path))
    size = model.vocab_size()

    def regular() -> list[RegularToken]:
        skip = {t for t in range(size) if model.is_control(t) or model.is_unknown(t)}
        return word_start_tokens(size, model.encode("0")[-1], model.decode, skip)

    def raw() -> list[bytes]:
        special = {t for t in range(size) if model.is_control(t) or model.is_unknown(t)}
        return [b"" if t in special else _piece_bytes(model.id_to_piece(t)) for t in range(size)]

    return Tokenizer(
        name=name,
        source=path,
        vocab_size=size,
        eos_ids=[model.eos_id()],
        encode=lambda text: list(model.encode(text)),
        decode=lambda ids: str(model.decode(list(ids))).rstrip("\ufffd"),
        regular_tokens=regular,
        token_bytes=raw,
    )


def _piece_bytes(piece: str, byte_level: bool = False) -> bytes:
    """A vocabulary entry's bytes: SentencePiece's ``▁`` and ``<0xNN>``, or GPT-2's byte-level
    alphabet."""
    if byte_level:
        return bytes(_byte_level_alphabet().get(char, 0) for char in piece)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _byte_level_alphabet() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte, reversed."""
    visible = [*range(33, 127), *range(161, 173), *range(174, 256)]
    stand_ins = {byte: byte for byte in visible}
    extra = 0
    for byte in range(256):
        if byte not in stand_ins:
            stand_ins[byte] = 256 + extra
            extra += 1
    return {chr(code): byte for byte, code in stand_ins.items()}


def _hugging_face(path: Path, name: str, content: Any) -> Tokenizer:
    import tokenizers

    model = tokenizers.Tokenizer.from_str(json.dumps(content))
    size = model.get_vocab_size(with_added_tokens=True)
    special = {entry["id"] for entry in content.get("added_tokens", []) if entry.get("special")}
    vocab = model.get_vocab(with_added_tokens=True)
    eos = [vocab[token] for token in _EOS_NAMES if token in vocab]
    config = path.parent / "config.json"
    if config.is_file():
        declared = json.loads(config.read_text(encoding="utf-8")).get("eos_token_id")
        eos = [declared] if isinstance(declared, int) else list(declared or []) or eos
    if not eos:
        raise TokenizerError(f"{path}: cannot tell the end-of-sequence token")

    def decode_all(ids: list[int]) -> str:
        return str(model.decode(ids, skip_special_tokens=False))

    def regular() -> list[RegularToken]:
        zero = model.encode("0", add_special_tokens=False).ids[-1]
        return word_start_tokens(size, zero, decode_all, special)

    byte_level = "ByteLevel" in json.dumps(content.get("decoder"))

    def raw() -> list[bytes]:
        pieces = [model.id_to_token(t) or "" for t in range(size)]
        return [b"" if t in special else _piece_bytes(p, byte_level) for t, p in enumerate(pieces)]

    return Tokenizer(
        name=name,
        source=path,
        vocab_size=size,
        eos_ids=eos,
        encode=lambda text: list(model.encode(text, add_special_tokens=False).ids),
        decode=lambda ids: decode_all(list(ids)).rstrip("\ufffd"),
        regular_tokens=regular,
        token_bytes=raw,
    )


def _tekken(path: Path, name: str) -> Tokenizer:
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    model = Tekkenizer.from_file(str(path))
    size = model.n_words
    first_regular = model.num_special_tokens

    def regular() -> list[RegularToken]:
        tokens = []
        for token in range(first_regular, size):
            text = model.id_to_byte_piece(token).decode("utf-8", errors="replace")
            tokens.append((token, text, text.startswith(" ")))
        return tokens

    def raw() -> list[bytes]:
        return [b""] * first_regular + [
            model.id_to_byte_piece(t) for t in range(first_regular, size)
        ]

    return Tokenizer(
        name=name,
        source=path,
        vocab_size=size,
        eos_ids=[model.eos_id],
        encode=lambda text: list(model.encode(text, bos=False, eos=False)),
        decode=lambda ids: str(model.decode(list(ids))).rstrip("\ufffd"),
        regular_tokens=regular,
        token_bytes=raw,
    )
