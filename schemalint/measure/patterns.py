"""Strings written from a regular expression, and safe regex matching.

A ``pattern`` or ``patternProperties`` key is the one constraint whose values cannot be
picked from word banks: this module writes a matching string from the regex's parse tree
(the minimum of every repeat, plus a little), and matches patterns without letting a bad
regex escape as an exception.
"""

from __future__ import annotations

import importlib
import random
import re
from typing import Any

# ``re._parser`` (formerly ``sre_parse``) has no stubs; it is only read, never patched.
_sre: Any = importlib.import_module("re._parser")

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CATEGORY_POOLS = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_NOT_DIGIT": "abcdefghijklmnopqrstuvwxyz",
    "CATEGORY_WORD": _PLAIN + "_",
    "CATEGORY_NOT_WORD": " -.",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": _PLAIN,
}
_NEGATED_POOL = _PLAIN + " -_.,:/@"
_MAX_PATTERN_TEXT = 2_000


class _PatternTooHard(Exception):
    pass


def _in_category(char: str, category: str) -> bool:
    tests = {
        "DIGIT": char.isdigit(),
        "WORD": char.isalnum() or char == "_",
        "SPACE": char.isspace(),
    }
    for key, result in tests.items():
        if category.endswith("NOT_" + key):
            return not result
        if category.endswith(key):
            return result
    return False


class PatternWriter:
    """Write a string matching a regex from its parse tree: the minimum of every repeat
    (plus ``extra``), the first branch of every alternation unless ``vary``."""

    def __init__(self, rng: random.Random, extra: int, vary: bool) -> None:
        self.rng = rng
        self.extra = extra
        self.vary = vary
        self.out: list[str] = []
        self.groups: dict[int, str] = {}

    def write(self, pattern: str) -> str | None:
        try:
            self._items(_sre.parse(pattern))
        except (_PatternTooHard, re.error, RecursionError, ValueError, TypeError, IndexError):
            return None
        return "".join(self.out)

    def _emit(self, text: str) -> None:
        self.out.append(text)
        if len(self.out) > _MAX_PATTERN_TEXT:
            raise _PatternTooHard

    def _items(self, items: Any) -> None:
        for op, av in items:
            self._item(str(op), av)

    def _item(self, op: str, av: Any) -> None:
        if op == "LITERAL":
            self._emit(chr(av))
        elif op == "NOT_LITERAL":
            self._emit(self.rng.choice([c for c in _PLAIN if ord(c) != av]))
        elif op == "ANY":
            self._emit(self.rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif op == "IN":
            self._emit(self._class(av))
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            if low > _MAX_PATTERN_TEXT:
                raise _PatternTooHard
            count = low + self.extra if high == _sre.MAXREPEAT else min(high, low + self.extra)
            for _ in range(count):
                self._items(sub)
        elif op == "SUBPATTERN":
            group, sub = av[0], av[-1]
            start = len(self.out)
            self._items(sub)
            if group is not None:
                self.groups[group] = "".join(self.out[start:])
        elif op == "ATOMIC_GROUP":
            self._items(av)
        elif op == "BRANCH":
            branches = av[1]
            self._items(self.rng.choice(branches) if self.vary else branches[0])
        elif op == "GROUPREF":
            self._emit(self.groups.get(av, ""))
        elif op == "GROUPREF_EXISTS":
            group, yes, no = av
            chosen = yes if group in self.groups else no
            if chosen is not None:
                self._items(chosen)
        elif op in ("AT", "ASSERT", "ASSERT_NOT"):
            return
        else:
            raise _PatternTooHard(op)

    def _class(self, items: Any) -> str:
        negate = False
        pool: list[str] = []
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                pool.append(chr(av))
            elif name == "RANGE":
                low, high = av
                pool.extend(chr(c) for c in range(low, min(high, low + 200) + 1))
            elif name == "CATEGORY":
                pool.extend(_CATEGORY_POOLS.get(str(av), ""))
        if not negate:
            if not pool:
                raise _PatternTooHard("empty class")
            return self.rng.choice(pool)
        allowed = [c for c in _NEGATED_POOL if not self._member(c, items)]
        if not allowed:
            raise _PatternTooHard("negated class excludes everything")
        return self.rng.choice(allowed)

    @staticmethod
    def _member(char: str, items: Any) -> bool:
        for op, av in items:
            name = str(op)
            if name == "LITERAL" and chr(av) == char:
                return True
            if name == "RANGE" and av[0] <= ord(char) <= av[1]:
                return True
            if name == "CATEGORY" and _in_category(char, str(av)):
                return True
        return False


def full_match(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text) is not None
    except (re.error, RecursionError):
        return False


def search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, RecursionError):
        return False
