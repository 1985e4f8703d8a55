"""SL0xx: the input itself — unreadable files and schemas that fail their meta-schema."""

from __future__ import annotations

from collections.abc import Iterator

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.checks.base import Options, Rule, add_rule, rule
from schemalint.dialect import meta_message, meta_validator
from schemalint.model import Severity, Violation
from schemalint.targets import ALL

INVALID_INPUT = Rule(
    code="SL000",
    name="invalid-input",
    severity=Severity.CRITICAL,
    summary="The file cannot be read as JSON or YAML, or is not a schema or tools list.",
    check=None,
    target=ALL,
    effect="refused",
)
add_rule(INVALID_INPUT)

_MAX_REPORTED = 10


@rule(
    "SL001",
    "schema-invalid",
    Severity.HIGH,
    "The schema fails its JSON Schema meta-schema; enforcers may misread it.",
    target=ALL,
    effect="refused",
)
def schema_invalid(analysis: Analysis, options: Options) -> Iterator[Violation]:
    errors = meta_validator(analysis.schema).iter_errors(analysis.schema)
    for count, error in enumerate(errors):
        if count == _MAX_REPORTED:
            return
        yield Violation(
            jp.join("", *error.absolute_path), f"fails the meta-schema: {meta_message(error)}"
        )
