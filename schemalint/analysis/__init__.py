"""Static analysis: walk a schema once, resolve its refs, and measure its shape."""

from schemalint.analysis.context import (
    Analysis,
    analyse,
    is_free_text,
    required_names,
    types_of,
)

__all__ = ["Analysis", "analyse", "is_free_text", "required_names", "types_of"]
