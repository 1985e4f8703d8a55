"""Every rule, static and measured, in code order: the one table that configuration, the
command line, the reports and the docs read."""

from schemalint import checks, verdicts
from schemalint.checks.base import REGISTRY, Rule

RULES: dict[str, Rule] = dict(sorted(REGISTRY.items()))

__all__ = ["RULES", "checks", "verdicts"]
