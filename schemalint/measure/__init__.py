"""Measured analysis: drive the real enforcer with a real tokenizer."""


class SetupError(ValueError):
    """A tokenizer or instance file that cannot be used: one line, exit code 2."""
