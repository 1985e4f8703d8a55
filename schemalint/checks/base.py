"""A rule is data plus one function; the registry assigns every code once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from schemalint.analysis import Analysis
from schemalint.model import Applicability, Severity, Violation

Options = Mapping[str, Any]
CheckFunction = Callable[[Analysis, Options], Iterable[Violation]]


@dataclass(frozen=True)
class Option:
    name: str
    default: int
    description: str


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    check: CheckFunction | None
    """None for rules emitted by the pipeline itself (SL000, input errors)."""
    fix: Applicability | None = None
    options: tuple[Option, ...] = ()

    def defaults(self) -> dict[str, int]:
        return {option.name: option.default for option in self.options}


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    fix: Applicability | None = None,
    options: tuple[Option, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check of rule ``code``."""

    def register(check: CheckFunction) -> CheckFunction:
        add_rule(Rule(code, name, severity, summary, check, fix, options))
        return check

    return register


def add_rule(new: Rule) -> None:
    if new.code in REGISTRY:
        raise ValueError(f"rule code {new.code} registered twice")
    REGISTRY[new.code] = new
