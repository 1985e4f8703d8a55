"""Writing a file the user named, and nothing else, in one step."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, text: str) -> None:
    """A temporary file beside the target, then a rename: a reader never sees half a report,
    and a failed write leaves nothing behind. Raises ``OSError``."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
    ) as stream:
        try:
            stream.write(text)
        except OSError:
            os.unlink(stream.name)
            raise
    try:
        os.replace(stream.name, target)
    except OSError:
        os.unlink(stream.name)
        raise
