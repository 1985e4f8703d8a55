"""Rule pages: ``rules/SLnnn.md``, shipped in the wheel as ``schemalint/_rules``."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "rules"
#: schemalint's repository (``[project.urls]`` in pyproject.toml): SARIF (``informationUri``),
#: the Markdown summary and the HTML report link rule pages there.
PROJECT_URL = "https://github.com/schemalint/schemalint"
#: What a relative rule-page address (``rules/CODE.md``) resolves against, outside the repository.
PAGES_BASE_URL = f"{PROJECT_URL}/blob/main/"


def rule_page(code: str) -> str | None:
    """The Markdown page of rule ``code``, from the installed package or the source tree."""
    name = f"{code}.md"
    packaged = resources.files("schemalint").joinpath("_rules", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source = _SOURCE_TREE / name
    return source.read_text(encoding="utf-8") if source.is_file() else None


def page_codes() -> set[str]:
    """Codes that have a page, wherever the pages live."""
    packaged = resources.files("schemalint").joinpath("_rules")
    folder = packaged if packaged.is_dir() else _SOURCE_TREE
    return {entry.name[:-3] for entry in folder.iterdir() if entry.name.endswith(".md")}


_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def print_rule_page(page: str, console: Console) -> None:
    """Prose rendered by rich; code blocks printed whole, fences included, as ``ruff rule``
    does: rich's renderer hard-wraps them at the console's width, and a wrapped example is
    no longer JSON anyone can copy."""
    from rich.markdown import Markdown
    from rich.syntax import Syntax
    from rich.text import Text

    start = 0
    for block in _FENCE.finditer(page):
        if prose := page[start : block.start()].strip():
            console.print(Markdown(prose))
        lang, code = block["lang"], block["code"].rstrip("\n")
        body = Syntax(code, lang or "text", theme="ansi_dark").highlight(code)
        body.rstrip()
        console.print()
        console.print(
            Text(f"```{lang}\n", style="dim") + body + Text("\n```", style="dim"), soft_wrap=True
        )
        console.print()
        start = block.end()
    if prose := page[start:].strip():
        console.print(Markdown(prose))


def rules_json() -> list[dict[str, str | None]]:
    """``schemalint rules --output-format json``: the rule table, for scripts and editors."""
    from schemalint.rules import RULES

    return [
        {
            "code": rule.code,
            "name": rule.name,
            "severity": rule.severity.label,
            "fix": rule.fix.value if rule.fix else None,
            "summary": rule.summary,
        }
        for rule in RULES.values()
    ]


_SUMMARY_WIDTH = 16
"""The narrowest summary column worth a table; narrower, each summary gets its own line."""
_COLUMNS = ("code", "name", "severity", "fix", "summary")


def _rules_table(rules: list[dict[str, str | None]], columns: tuple[str, ...]) -> Table:
    from rich.table import Table

    table = Table(box=None)
    for column in columns:
        table.add_column(column, no_wrap=column != "summary", overflow="fold")
    for rule in rules:
        table.add_row(*(rule[key] or "-" for key in columns))
    return table


def print_rules(console: Console) -> None:
    """The rule table with the summary wrapped; on a console too narrow for the code, name,
    severity and fix whole, each rule's summary goes on a line of its own instead."""
    from rich.measure import Measurement
    from rich.padding import Padding

    rules = rules_json()
    unbounded = console.options.update_width(1_000_000)  # Measurement.get clamps to it
    fixed = Measurement.get(console, unbounded, _rules_table(rules, _COLUMNS[:-1])).maximum
    if fixed + _SUMMARY_WIDTH < console.width:
        console.print(_rules_table(rules, _COLUMNS))
        return
    for rule in rules:
        console.print(
            f"{rule['code']}  {rule['name']}  {rule['severity']}  fix: {rule['fix'] or '-'}"
        )
        console.print(Padding(rule["summary"] or "", (0, 0, 0, 4)), highlight=False)
