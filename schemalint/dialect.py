"""Which jsonschema validator class a schema declares (2020-12 when it declares none)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.protocols import Validator


def validator_class_for(schema: Any) -> type[Validator]:
    declared = isinstance(schema, dict) and isinstance(schema.get("$schema"), str)
    if not declared:
        return Draft202012Validator
    found: type[Validator] = validators.validator_for(schema, default=Draft202012Validator)
    return found
