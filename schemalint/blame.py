"""Whose fault an exception is: a library's, failing on the input, or schemalint's own."""

from __future__ import annotations

from traceback import walk_tb

from schemalint.model import shorten


def library_failure(error: BaseException) -> str | None:
    """``"<library> raised <Type>: <message>"`` on one line when a library (yaml, referencing,
    jsonschema, re...) raised ``error`` on the input; None when schemalint's own code did: a
    bug, to be reported as one.

    The innermost frame is where it was raised. A C function has no frame of its own, so an
    error one raises counts against the Python code that called it."""
    frames = [frame for frame, _ in walk_tb(error.__traceback__)]
    if not frames:
        return None
    package = str(frames[-1].f_globals.get("__name__", "")).partition(".")[0]
    if package == "schemalint":
        return None
    return f"{package} raised {type(error).__name__}: {shorten(str(error))}"
