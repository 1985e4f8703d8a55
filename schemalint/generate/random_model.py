"""Llama models with random weights and a bundled tokenizer: the whole pipeline on a real
model, with no download, for the tests (tiny, on CPU) and the benchmark (7B-shaped on a GPU)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalint.tokenizers import DEFAULT, load_tokenizer

#: Characters that end a string or a container.
CLOSING = ('"', "}", "]")


@dataclass(frozen=True)
class Shape:
    hidden: int = 128
    layers: int = 2
    intermediate: int = 256
    heads: int = 4
    kv_heads: int = 2


TINY = Shape()
LLAMA_7B = Shape(hidden=4096, layers=32, intermediate=11008, heads=32, kv_heads=32)


def random_llama(
    shape: Shape = TINY,
    tokenizer: str = DEFAULT,
    seed: int = 0,
    device: str = "cpu",
    half: bool = False,
    closing_bias: bool = False,
) -> Any:
    """A ``LlamaForCausalLM`` over ``tokenizer``'s vocabulary with seeded random weights.

    With ``closing_bias`` every position prefers end-of-sequence and the tokens that close a
    string or container, as a trained model finishing a short tool call would: random weights
    otherwise write free text until the token cap, so no constrained output would ever end.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    loaded = load_tokenizer(tokenizer)
    config = LlamaConfig(
        vocab_size=loaded.vocab_size,
        hidden_size=shape.hidden,
        intermediate_size=shape.intermediate,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        num_key_value_heads=shape.kv_heads,
        max_position_embeddings=4096,
        bos_token_id=1 if loaded.vocab_size > 2 else None,
        eos_token_id=loaded.eos_ids[0],
    )
    torch.manual_seed(seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float16 if half else torch.float32)
    try:
        with torch.device(device):
            model: Any = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    if closing_bias:
        with torch.no_grad():
            # A constant direction in every embedding dominates the residual stream; the output
            # row of each token points along it as strongly as the token is preferred.
            model.model.embed_tokens.weight[:, 0] = 8.0
            texts = {token: text for token, text, _ in loaded.regular_tokens()}
            preferences = [
                _preference(texts.get(token, ""), token in loaded.eos_ids)
                for token in range(config.vocab_size)
            ]
            model.lm_head.weight[:, 0] = torch.tensor(preferences)
    return model.eval()


def _preference(text: str, is_eos: bool) -> float:
    """End of sequence first, then a token that closes a string (what lets anything else end),
    then one with any closing character, then the digit 1; minus signs and whitespace last.

    A trained model writes plausible values, and LMFE 0.11.3 enforces neither ``minimum`` nor
    sane whitespace: after a ``minLength`` string written as ``" "`` it allows only whitespace.
    """
    if is_eos:
        return 3.0
    if text != text.strip() or not text:
        return -1.0
    if "-" in text:
        return -0.5
    if text.startswith('"'):
        return 2.0
    if any(c in text for c in CLOSING):
        return 1.0
    return 0.5 if text == "1" else 0.0


def save_with_tokenizer(model: Any, folder: Path, tokenizer: str = DEFAULT) -> Path:
    """Save ``model`` with its tokenizer, as a model folder ships it: a SentencePiece model goes
    as ``tokenizer.model`` and as ``tokenizer.json`` (exllamav2 0.3 reads only the latter)."""
    source = load_tokenizer(tokenizer).source
    model.save_pretrained(str(folder))
    if source.suffix == ".json":
        shutil.copyfile(source, folder / "tokenizer.json")
    else:
        shutil.copyfile(source, folder / "tokenizer.model")
        _sentencepiece_as_json(source).save(str(folder / "tokenizer.json"))
    return folder


def _sentencepiece_as_json(model_file: Path) -> Any:
    """A ``tokenizers.Tokenizer`` that encodes and decodes as the SentencePiece BPE model does,
    built the way transformers' ``LlamaConverter`` builds it (without its protobuf need): every
    split of a piece into two pieces is a merge, ranked by the merged piece's score."""
    import sentencepiece
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers

    model = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
    pieces = [model.id_to_piece(token) for token in range(model.vocab_size())]
    vocab = {piece: token for token, piece in enumerate(pieces)}
    ranked: list[tuple[float, int, int, str, str]] = []
    for piece in pieces:
        halves = [(piece[:cut], piece[cut:]) for cut in range(1, len(piece))]
        ranked.extend(
            sorted(
                (model.get_score(vocab[piece]), vocab[left], vocab[right], left, right)
                for left, right in halves
                if left in vocab and right in vocab
            )
        )
    ranked.sort(key=lambda merge: -merge[0])
    bpe = models.BPE(
        vocab,
        [(left, right) for *_, left, right in ranked],
        unk_token=model.id_to_piece(model.unk_id()),
        fuse_unk=True,
        byte_fallback=True,
    )
    converted = Tokenizer(bpe)
    converted.normalizer = normalizers.Sequence(
        [normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")]
    )
    converted.decoder = decoders.Sequence(
        [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(),
         decoders.Strip(" ", 1, 0)]
    )  # fmt: skip
    specials = [t for t in range(len(pieces)) if model.is_control(t) or model.is_unknown(t)]
    converted.add_special_tokens(
        [AddedToken(pieces[t], special=True, normalized=False) for t in specials]
    )
    return converted
