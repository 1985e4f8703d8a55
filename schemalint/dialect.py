"""Which jsonschema validator class a schema declares (2020-12 when it declares none), and the
one way schemalint checks a schema against its meta-schema."""

from __future__ import annotations

import contextlib
from typing import Any

import regress
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from schemalint.model import quoted

REGEX_FORMAT = FormatChecker(formats=())
"""Checks ``format: regex`` (``pattern``, ``patternProperties``) only, and as ECMA-262, the
dialect JSON Schema specifies: Python's ``re`` refuses valid patterns such as ``\\p{Letter}``
and accepts invalid ones. Other formats stay unchecked, whatever optional packages are
installed, so ``check`` and ``rewrite`` give the same verdict everywhere."""


@REGEX_FORMAT.checks("regex", raises=regress.RegressError)
def _is_ecma_regex(instance: object) -> bool:
    """Raises RegressError for an invalid pattern; a lone surrogate, valid in JSON and in
    ECMA-262, is one regress cannot take, and passes."""
    if isinstance(instance, str):
        with contextlib.suppress(UnicodeEncodeError):
            regress.Regex(instance)
    return True


def validator_class_for(schema: Any) -> type[Validator]:
    declared = isinstance(schema, dict) and isinstance(schema.get("$schema"), str)
    if not declared:
        return Draft202012Validator
    found: type[Validator] = validators.validator_for(schema, default=Draft202012Validator)
    return found


def meta_validator(schema: Any) -> Validator:
    """A validator of the meta-schema of ``schema``'s dialect; SL001 and the rewriter's
    roll-back check both use it, so they agree on what a valid schema is."""
    validator_class = validator_class_for(schema)
    return validator_class(validator_class.META_SCHEMA, format_checker=REGEX_FORMAT)


def meta_message(error: ValidationError) -> str:
    """jsonschema's message with the offending value quoted briefly (it quotes it in full)."""
    return error.message.replace(repr(error.instance), quoted(error.instance))
