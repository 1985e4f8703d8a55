"""All rules, registered on import in code order."""

from schemalint.checks import compatibility, free_text, keywords, measured, structure, validity
from schemalint.checks.base import REGISTRY, Option, Rule

RULES: dict[str, Rule] = dict(sorted(REGISTRY.items()))

__all__ = [
    "RULES",
    "Option",
    "Rule",
    "compatibility",
    "free_text",
    "keywords",
    "measured",
    "structure",
    "validity",
]
