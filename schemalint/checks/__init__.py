"""The static rules, registered on import (the full table: :mod:`schemalint.rules`)."""

from schemalint.checks import free_text, keywords, local, providers, structure, validity
from schemalint.checks.base import Option, Rule

__all__ = [
    "Option",
    "Rule",
    "free_text",
    "keywords",
    "local",
    "providers",
    "structure",
    "validity",
]
