"""A rule is data plus one function; the registry assigns every code once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from schemalint.analysis import Analysis
from schemalint.model import Applicability, Severity, Violation
from schemalint.targets import Effect

Options = Mapping[str, Any]
Test = Literal["", "reach", "before-decision", "enum-prefix", "prose"]
"""The condition in which ``check --measure`` puts a static rule's prediction to the test:
``reach`` walks an instance that writes the value at the finding's pointer; ``before-decision``
also writes it before the union's discriminator, as a model may under loose key order;
``enum-prefix`` writes a value of the union's string-enum branch, so every prefix of it is
written with the free-string branch alive too; ``prose`` writes a sentence into a patterned
string; "" for rules a walk cannot test."""
Prediction = Literal["", "slow", "fails"]
"""What the rule predicts the enforcer does there: steps slow enough to stall generation, or
no valid value written (rejected, a silent stop, an error)."""
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
    test: Test = ""
    predicts: Prediction = ""
    target: str = "lmfe"
    """The engine or provider the rule speaks for (``schemalint.targets``), or ``all``."""
    effect: Effect = "cost"
    drops_for: tuple[str, ...] = ()
    """Targets that compile past what this rule of every target reports, and generate anything
    there: for them its finding is silently dropped, not refused."""

    def defaults(self) -> dict[str, int]:
        return {option.name: option.default for option in self.options}

    def effect_for(self, target: str) -> Effect:
        return "dropped" if target in self.drops_for else self.effect


REGISTRY: dict[str, Rule] = {}


def is_measured(code: str) -> bool:
    """Whether a rule reads a measurement (``check --measure``): the SM codes."""
    return code.startswith("SM")


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    fix: Applicability | None = None,
    options: tuple[Option, ...] = (),
    test: Test = "",
    predicts: Prediction = "",
    target: str = "lmfe",
    effect: Effect = "cost",
    drops_for: tuple[str, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check of rule ``code``."""

    def register(check: CheckFunction) -> CheckFunction:
        add_rule(
            Rule(
                code,
                name,
                severity,
                summary,
                check,
                fix,
                options,
                test,
                predicts,
                target,
                effect,
                drops_for,
            )
        )
        return check

    return register


def add_rule(new: Rule) -> None:
    if new.code in REGISTRY:
        raise ValueError(f"rule code {new.code} registered twice")
    REGISTRY[new.code] = new
