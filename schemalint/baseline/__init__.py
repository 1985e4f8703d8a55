"""Compare a check with a baseline — the same files at a git ref, or an earlier JSON report —
so that a CI gate fails on what a change adds, not on what was already there."""

from __future__ import annotations


class BaselineError(ValueError):
    """The baseline cannot be read (no git repository, unknown ref, bad report): exit code 2."""
