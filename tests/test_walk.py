"""The depth guard: a document nested past the limit is refused before anything recurses."""

from __future__ import annotations

from typing import Any

import pytest

from schemalint.walk import MAX_DEPTH, SchemaTooLarge, check_depth


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def test_nesting_up_to_the_limit_is_accepted_and_one_more_level_is_not() -> None:
    check_depth({"title": nested(MAX_DEPTH - 1)})
    with pytest.raises(SchemaTooLarge, match=f"nested more than {MAX_DEPTH} levels deep"):
        check_depth({"title": nested(MAX_DEPTH)})


def test_values_shared_by_yaml_aliases_are_measured_once_each() -> None:
    shared: Any = ["x"] * 9
    for _ in range(30):  # 9**30 paths, 30 distinct lists
        shared = [shared] * 9
    check_depth(shared)


def test_a_cycle_is_too_deep() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(SchemaTooLarge):
        check_depth(loop)
