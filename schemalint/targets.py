"""The engines and providers a schema can be judged for (``--target``). Each rule speaks for one
target, or for every target (an unreadable file, an invalid schema); LMFE is the default, the
seed's world (exllamav2 + lm-format-enforcer)."""

from __future__ import annotations

from typing import Literal

Target = Literal[
    "lmfe", "xgrammar", "llguidance", "outlines", "vllm", "openai", "anthropic", "gemini"
]
TARGETS: dict[str, str] = {
    "lmfe": "lm-format-enforcer (exllamav2, the default)",
    "xgrammar": "xgrammar 0.2.8 (vLLM's and SGLang's default backend)",
    "llguidance": "llguidance 1.9.1 (vLLM guidance, llama.cpp, exllamav3)",
    "outlines": "outlines-core 0.2.14",
    "vllm": "vLLM's auto backend: xgrammar, else guidance, else outlines",
    "openai": "OpenAI strict function calling / Structured Outputs",
    "anthropic": "Anthropic strict tool use",
    "gemini": "Gemini function declarations / responseJsonSchema",
}
ALL = "all"
"""The target of rules that hold for every target: the input cannot be read, or fails its
meta-schema."""
DEFAULT: tuple[str, ...] = ("lmfe",)

Effect = Literal["refused", "dropped", "limit", "cost"]
"""What a finding means for its target, as the matrix counts it: the target refuses the schema
(an error before generation), silently drops a keyword (output may break it), a documented size
limit is passed (also refused), or generation is slow or fails at run time (the risk)."""


class UnknownTarget(ValueError):
    """A ``--target`` or config name that is no target: one line, exit code 2."""


def parse_targets(
    text: str | list[str] | tuple[str, ...], where: str = "--target"
) -> tuple[str, ...]:
    """``"openai,anthropic"`` (or a list) as target names, in order, without repeats."""
    names = text.split(",") if isinstance(text, str) else list(text)
    found: list[str] = []
    for raw in names:
        name = raw.strip().lower() if isinstance(raw, str) else raw
        if not isinstance(name, str) or name not in TARGETS:
            known = ", ".join(TARGETS)
            raise UnknownTarget(f"{where}: unknown target {raw!r} (known: {known})")
        if name not in found:
            found.append(name)
    if not found:
        raise UnknownTarget(f"{where}: name at least one target ({', '.join(TARGETS)})")
    return tuple(found)
