"""A pytest helper, so a project keeps its tool schemas healthy in its own tests::

from schemalint.testing import assert_schema_ok

def test_tool_schemas():
    assert_schema_ok(MyToolArgs, fail_on="high")
"""

from __future__ import annotations

from typing import Any

from schemalint.api import Source, check


def assert_schema_ok(source: Source, *, fail_on: str = "high", **settings: Any) -> None:
    """Raise ``AssertionError`` listing every finding at or above ``fail_on``, one a line with
    its code, pointer (and tool) and message; ``settings`` are ``schemalint.check``'s."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    result = check(source, fail_on=fail_on, **settings)
    failing = result.failing()
    if failing:
        lines = [
            f"  {f.code} [{f.severity.label}] {f.pointer or '/'}"
            + (f" (tool {f.tool})" if f.tool else "")
            + f": {f.message}"
            for f in failing
        ]
        where = ", ".join(sorted({f.path for f in failing}))
        raise AssertionError(
            f"{len(failing)} schemalint finding(s) at or above {fail_on} in {where}:\n"
            + "\n".join(lines)
        )
