"""Messages quote schema values and library errors briefly, on one line."""

from __future__ import annotations

from schemalint.model import QUOTE_LIMIT, quoted, shorten


def test_a_short_value_is_quoted_as_python_writes_it() -> None:
    assert quoted("a b") == "'a b'"
    assert quoted(["x", 1]) == "['x', 1]"


def test_a_long_value_is_cut_with_an_ellipsis() -> None:
    text = quoted("x" * 2_000_000)
    assert len(text) == QUOTE_LIMIT and text.startswith("'xxx") and text.endswith("…")


def test_a_library_message_is_put_on_one_line() -> None:
    assert shorten("first\nsecond\r\nthird") == "first second third"
    assert shorten("y" * 200, 10) == "yyyyyyyyy…"
