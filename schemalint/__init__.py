"""schemalint: find, measure and fix JSON-Schema shapes that make constrained decoding slow.

The Python API is ``schemalint.check(...)`` and ``schemalint.rewrite(...)`` (``schemalint.api``).
Importing the package imports neither until one is used, so ``import schemalint`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CheckResult", "InvalidSource", "RewriteOutput", "__version__", "check", "rewrite"]

if TYPE_CHECKING:
    from schemalint.api import CheckResult, InvalidSource, RewriteOutput, check, rewrite

_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from schemalint import api

        return getattr(api, name)
    raise AttributeError(f"module 'schemalint' has no attribute {name!r}")
