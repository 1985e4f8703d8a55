"""The JSON Schema Test Suite as an oracle: safe rewrites keep the verdict of every test of
every group that jsonschema itself gets right, in drafts 2020-12, 2019-09, 7 and 4, for each
safe rewrite alone and for all of them together. Our own reproducers, in the suite's format,
add the cases each rewrite's safety condition exists for, and say which rewrites may fire."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import referencing
import referencing.jsonschema
from jsonschema import validators
from jsonschema.protocols import Validator

from schemalint.config import Settings
from schemalint.model import Applicability
from schemalint.rewriting.engine import rewrite_schema
from schemalint.rewriting.rewrites import REWRITES
from schemalint.rules import RULES
from schemalint.targets import ALL as ALL_TARGETS
from tests.rewriting.differential import DRAFTS, SUITE

REPRODUCERS = (
    Path(__file__).resolve().parent.parent / "data" / "rewrite-safety" / "reproducers.json"
)
#: Where the suite's remote schemas live; served from disk here, never fetched.
REMOTE_URL = "http://localhost:1234"
SAFE_CODES = sorted({r.code for r in REWRITES if r.applicability is Applicability.SAFE})
#: Each rewrite runs under the target its rule judges for; the lmfe set is the default one.
SAFE_TARGETS = sorted({RULES[code].target for code in SAFE_CODES} - {ALL_TARGETS})


@dataclass(frozen=True)
class Group:
    name: str
    schema: Any
    validator: type[Validator]
    registry: referencing.Registry[Any]
    tests: list[tuple[str, Any, bool]]
    """The tests jsonschema gets right: description, instance, expected verdict."""


def remotes(draft: str, uri: str) -> referencing.Registry[Any]:
    """The suite's remote schemas for one draft, as jsonschema's own suite runner picks them."""
    root = SUITE / "remotes"
    found = []
    for path in root.rglob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        relative = path.relative_to(root).as_posix()
        if draft == "draft4" and path.stem == "tree":
            continue  # boolean schemas, which draft 4 lacks
        other_draft = relative.startswith("draft") and not relative.startswith(f"{draft}/")
        if "$schema" not in schema and other_draft:
            continue
        found.append((f"{REMOTE_URL}/{relative}", schema))
    specification = referencing.jsonschema.specification_with(uri)
    return referencing.Registry().with_contents(found, default_specification=specification)


def read_groups(
    path: Path, label: str, dialect: str, registry: referencing.Registry[Any]
) -> Iterator[Group]:
    for group in json.loads(path.read_text(encoding="utf-8")):
        schema = group["schema"]
        if isinstance(schema, dict) and "$schema" not in schema:
            schema = {"$schema": dialect, **schema}
        with warnings.catch_warnings():  # optional/cross-draft names unknown dialects
            warnings.simplefilter("ignore", DeprecationWarning)
            validator = validators.validator_for(schema)
        check = validator(schema, registry=registry)
        right = [
            (test["description"], test["data"], test["valid"])
            for test in group["tests"]
            if verdict(check, test["data"]) == test["valid"]
        ]
        yield Group(f"{label}: {group['description']}", schema, validator, registry, right)


def verdict(validator: Validator, instance: Any) -> bool | str:
    try:
        return validator.is_valid(instance)
    except Exception as error:  # e.g. a reference to nowhere, raised when reached
        return f"raises {type(error).__name__}"


def suite_groups() -> Iterator[Group]:
    for draft, uri in DRAFTS.items():
        registry = remotes(draft, uri)
        for path in sorted((SUITE / draft).rglob("*.json")):
            yield from read_groups(path, path.relative_to(SUITE).as_posix(), uri, registry)


REPRODUCER_GROUPS = list(
    read_groups(REPRODUCERS, "reproducers", DRAFTS["draft2020-12"], referencing.Registry())
)
GROUPS = list(suite_groups()) + REPRODUCER_GROUPS


def changed_verdicts(settings: Settings) -> tuple[int, list[str]]:
    rewritten, changed = 0, []
    for group in GROUPS:
        result = rewrite_schema(group.schema, settings)
        if not result.changes:
            continue
        rewritten += 1
        rewritten_validator = group.validator(result.schema, registry=group.registry)
        for description, instance, expected in group.tests:
            now = verdict(rewritten_validator, instance)
            if now != expected:
                names = sorted({c.rewrite for c in result.changes})
                changed.append(f"{group.name}: {description}: {now} ({', '.join(names)})")
    return rewritten, changed


def test_the_vendored_suite_covers_four_drafts_and_their_hard_keywords() -> None:
    names = " ".join(group.name for group in GROUPS)
    assert len(GROUPS) > 1200
    for draft in DRAFTS:
        assert f"{draft}/" in names
    for keyword in ("unevaluatedProperties", "unevaluatedItems", "dynamicRef", "refRemote"):
        assert f"{keyword}.json" in names


@pytest.mark.parametrize("strict_field_order", [False, True])
def test_all_safe_rewrites_together_keep_every_verdict(strict_field_order: bool) -> None:
    settings = Settings(lmfe_version="0.11.3", strict_field_order=strict_field_order)
    rewritten, changed = changed_verdicts(settings)
    assert changed == []
    assert rewritten > 80  # the oracle exercises the rewrites, not only the parser


@pytest.mark.parametrize("target", SAFE_TARGETS)
def test_all_safe_rewrites_for_a_target_keep_every_verdict(target: str) -> None:
    rewritten, changed = changed_verdicts(Settings(lmfe_version="0.11.3", targets=(target,)))
    assert changed == []
    assert rewritten > 0


@pytest.mark.parametrize("code", SAFE_CODES)
def test_each_safe_rewrite_alone_keeps_every_verdict(code: str) -> None:
    target = RULES[code].target
    settings = Settings(
        lmfe_version="0.11.3",
        strict_field_order=True,
        select=(code,),
        targets=Settings().targets if target == ALL_TARGETS else (target,),
    )
    rewritten, changed = changed_verdicts(settings)
    assert changed == []
    assert rewritten > 0


def test_every_reproducer_states_true_verdicts() -> None:
    """jsonschema agrees with every verdict written in the reproducers."""
    written = json.loads(REPRODUCERS.read_text(encoding="utf-8"))
    assert [len(group.tests) for group in REPRODUCER_GROUPS] == [len(g["tests"]) for g in written]


@pytest.mark.parametrize(
    "case",
    json.loads(REPRODUCERS.read_text(encoding="utf-8")),
    ids=lambda case: case["description"],
)
def test_a_rewrite_fires_only_where_its_safety_condition_holds(case: dict[str, Any]) -> None:
    result = rewrite_schema(case["schema"], Settings(lmfe_version="0.11.3"))
    assert sorted({c.rewrite for c in result.changes}) == sorted(case["rewrites"])
