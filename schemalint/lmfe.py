"""What lm-format-enforcer does with each JSON Schema keyword, and how it is configured.

The tables are verified against the installed LMFE by ``tests/test_lmfe.py``; the
version and settings are read without importing LMFE so the static path stays fast.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import metadata

#: Version whose behaviour the tables describe, assumed when LMFE is not installed.
REFERENCE_VERSION = "0.11.3"
#: First version whose free-text shortcut works with more than one live union branch.
MULTI_BRANCH_SHORTCUT_VERSION = (0, 10, 8)

#: Keywords LMFE accepts but does not enforce: generated output may violate them.
IGNORED_KEYWORDS: tuple[str, ...] = (
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "uniqueItems",
    "prefixItems",
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "patternProperties",
)


@dataclass(frozen=True)
class EnforcerConfig:
    """LMFE's CharacterLevelParserConfig options, as users set them for generation."""

    max_consecutive_whitespaces: int = 12
    force_json_field_order: bool = False
    max_json_array_length: int = 20


@dataclass(frozen=True)
class EnforcerSettings:
    """The LMFE version and settings a schema is judged against."""

    version: str
    version_installed: bool
    strict_field_order: bool

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.version)

    @property
    def has_multi_branch_shortcut(self) -> bool:
        return self.version_tuple >= MULTI_BRANCH_SHORTCUT_VERSION

    def describe(self) -> str:
        origin = "installed" if self.version_installed else "assumed"
        order = "on" if self.strict_field_order else "off"
        return f"LMFE {self.version} ({origin}), LMFE_STRICT_JSON_FIELD_ORDER {order}"


def parse_version(text: str) -> tuple[int, ...]:
    """Leading numeric parts: ``0.10.7rc1`` -> (0, 10, 7)."""
    parts: list[int] = []
    for piece in text.split("."):
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group()))
        if match.end() < len(piece):
            break
    return tuple(parts)


@functools.cache
def installed_version() -> str | None:
    try:
        return metadata.version("lm-format-enforcer")
    except metadata.PackageNotFoundError:
        return None


def strict_field_order_from_env() -> bool:
    """Mirror LMFE's own parsing of ``LMFE_STRICT_JSON_FIELD_ORDER``."""
    return os.environ.get("LMFE_STRICT_JSON_FIELD_ORDER", "false").strip().lower() in ("true", "1")


def detect_settings(
    version: str | None = None, strict_field_order: bool | None = None
) -> EnforcerSettings:
    """Settings from explicit values, else the installed LMFE and the environment."""
    found = installed_version()
    chosen = version or found or REFERENCE_VERSION
    return EnforcerSettings(
        version=chosen,
        version_installed=version is None and found is not None,
        strict_field_order=strict_field_order_from_env()
        if strict_field_order is None
        else strict_field_order,
    )
