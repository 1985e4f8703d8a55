"""Static rules for providers' strict modes (``--target openai,anthropic,gemini``): what each
refuses, silently drops or limits, from its published documentation (quoted on the rule pages,
with the date read). Nothing here calls a provider."""

from schemalint.checks.providers import anthropic, gemini, openai

__all__ = ["anthropic", "gemini", "openai"]
