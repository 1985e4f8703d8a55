"""Live constrained generation: run a schema, its rewrite and no constraint on a real model and
report how fast each one generates, with per-token and whole-run budgets that cancel a job."""

from schemalint.model import SetupError


class GenerateError(SetupError):
    """A model folder, backend or input that cannot be used: one line, exit code 2."""
