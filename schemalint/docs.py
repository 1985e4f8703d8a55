"""Rule pages: ``rules/SLnnn.md``, shipped in the wheel as ``schemalint/_rules``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "rules"


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
