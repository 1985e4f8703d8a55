"""A measured rule is data plus one function of the schema's analysis and its measurement.

Its data joins the one rule table (:mod:`schemalint.checks.base`), so configuration, docs and
reports treat it like any rule; its function is kept here, where measurements are read, so the
static rules never see one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from schemalint.analysis import Analysis
from schemalint.checks.base import Option, Options, Rule, add_rule
from schemalint.model import Applicability, Severity, Violation

if TYPE_CHECKING:
    from schemalint.measure.probe import Measurement

MeasuredCheck = Callable[[Analysis, "Measurement", Options], Iterable[Violation]]

#: Code -> the function of each measured rule (SMxxx, SM5xx for the engine comparison).
MEASURED_CHECKS: dict[str, MeasuredCheck] = {}


def measured_rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    fix: Applicability | None = None,
    options: tuple[Option, ...] = (),
) -> Callable[[MeasuredCheck], MeasuredCheck]:
    """Register the decorated function as the check of measured rule ``code``."""

    def register(check: MeasuredCheck) -> MeasuredCheck:
        add_rule(Rule(code, name, severity, summary, None, fix, options))
        MEASURED_CHECKS[code] = check
        return check

    return register
