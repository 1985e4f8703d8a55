"""Settings from ``[tool.schemalint]`` in the pyproject.toml nearest each file (as ruff finds
its config), overridden by flags."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

from schemalint.load.reader import DEFAULT_MAX_BYTES
from schemalint.model import Severity
from schemalint.rules import RULES
from schemalint.targets import ALL as ALL_TARGETS
from schemalint.targets import DEFAULT as DEFAULT_TARGETS
from schemalint.targets import UnknownTarget, parse_targets


class ConfigError(ValueError):
    """Invalid configuration: reported in one line, exit code 2."""


#: Folders a folder walk never enters, whatever ``exclude`` says: ruff's defaults (hidden files
#: and folders are skipped as well).
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("SL", "SM", "SP", "SE")
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pointer_ignores: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """``"glob#/pointer" = [codes]`` entries of per-file-ignores, as (glob, pointer, codes):
    findings there are reported as suppressed, not dropped."""
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, int]] = field(default_factory=dict)
    fail_on: Severity = Severity.HIGH
    lmfe_version: str | None = None
    strict_field_order: bool | None = None
    max_file_size: int = DEFAULT_MAX_BYTES
    targets: tuple[str, ...] = DEFAULT_TARGETS
    """The engines and providers the schema is judged for: only their rules run."""
    root: Path = field(default_factory=Path.cwd)
    """Folder that per-file-ignores patterns are relative to."""

    def enabled_codes(self, path: str) -> frozenset[str]:
        """The rule codes that apply to ``path``: selected, and not ignored by a longer prefix."""
        ignores = list(self.ignore)
        for pattern, codes in self.per_file_ignores.items():
            if self._matches(path, pattern):
                ignores.extend(codes)
        selected = (*self.select, *self.extend_select)
        judged = {ALL_TARGETS, *self.targets}
        return frozenset(
            code
            for code, rule in RULES.items()
            if rule.target in judged
            and (chosen := _longest_prefix(code, selected)) >= 0
            and chosen > _longest_prefix(code, ignores)
        )

    def ignored_pointers(self, path: str) -> dict[str, frozenset[str]]:
        """The pointer entries of per-file-ignores for ``path``: pointer -> code prefixes."""
        found: dict[str, frozenset[str]] = {}
        for pattern, pointer, codes in self.pointer_ignores:
            if self._matches(path, pattern):
                found[pointer] = found.get(pointer, frozenset()) | set(codes)
        return found

    def _matches(self, path: str, pattern: str) -> bool:
        """A per-file-ignores glob against the path relative to the config, or the file name."""
        relative = _relative(Path(path), self.root)
        return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(path).name, pattern)

    def excludes(self, path: Path, walked: Path) -> bool:
        """Whether walking folder ``walked`` skips ``path``, as ruff's ``exclude`` does: a
        pattern without a ``/`` matches any file or folder name below ``walked``, one with a
        ``/`` the path relative to the config's folder. A folder named on the command line
        is walked even when excluded, as a file named there is checked."""
        patterns = [p.rstrip("/") for p in (*self.exclude, *self.extend_exclude)]
        if excluded_name(path.relative_to(walked), [p for p in patterns if "/" not in p]):
            return True
        relative = _relative(path, self.root)
        return any(fnmatch.fnmatch(relative, p.lstrip("/")) for p in patterns if "/" in p)

    def rule_options(self, code: str) -> dict[str, int]:
        return RULES[code].defaults() | self.options.get(code, {})

    def override(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def excluded_name(relative: PurePath, patterns: list[str] | tuple[str, ...]) -> bool:
    """Whether a file or folder name in ``relative`` matches one of ``patterns``."""
    return any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in patterns)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _longest_prefix(code: str, prefixes: Any) -> int:
    """Length of the longest prefix of ``code`` in ``prefixes`` (-1 if none); ALL matches all."""
    lengths = [0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)]
    return max(lengths, default=-1)


_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "options",
    "fail-on",
    "lmfe-version",
    "strict-field-order",
    "max-file-size",
    "target",
    "exclude",
    "extend-exclude",
}


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` with a [tool.schemalint] table."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "schemalint" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config: {error}") from None


def load_settings(config: Path | None = None, start: Path | None = None) -> Settings:
    return _settings_in(config or find_config(start or Path.cwd()))


def _settings_in(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    table = _read_toml(path).get("tool", {}).get("schemalint", {})
    return parse_settings(table, str(path), path.parent)


class SettingsFinder:
    """The settings for each file, from the config nearest to it (ruff's rule: the closest
    pyproject.toml with [tool.schemalint] wins, parents are not merged); a file with none
    above it gets the one found from the working folder. ``--config`` names one for every
    file. Flags (``overrides``) beat every config."""

    def __init__(self, config: Path | None = None, **overrides: Any) -> None:
        self._fixed = config is not None
        self._overrides = overrides
        self._by_config: dict[Path | None, Settings] = {}
        self._by_folder: dict[Path, Path | None] = {}
        self.default = self._load(config or find_config(Path.cwd()))
        """The settings of the working folder (or ``--config``): what run-wide choices such
        as ``fail-on`` come from."""

    def __call__(self, path: Path) -> Settings:
        if self._fixed:
            return self.default
        folder = (path if path.is_dir() else path.parent).resolve()
        if folder not in self._by_folder:
            self._by_folder[folder] = find_config(folder)
        found = self._by_folder[folder]
        return self.default if found is None else self._load(found)

    def _load(self, config: Path | None) -> Settings:
        key = config.resolve() if config is not None else None
        if key not in self._by_config:
            self._by_config[key] = _settings_in(config).override(**self._overrides)
        return self._by_config[key]


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of rule code prefixes")
    for prefix in value:
        if prefix != "ALL" and not any(code.startswith(prefix) for code in RULES):
            raise ConfigError(f"{where}: {prefix!r} matches no rule code")
    return tuple(value)


def parse_codes(text: str, where: str) -> tuple[str, ...]:
    """Codes from a comma-separated flag value."""
    return _codes([part.strip() for part in text.split(",") if part.strip()], where)


def parse_settings(table: dict[str, Any], label: str, root: Path) -> Settings:
    where = f"{label}: [tool.schemalint]"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}")
    changes: dict[str, Any] = {"root": root}
    for key, attribute in (
        ("select", "select"),
        ("extend-select", "extend_select"),
        ("ignore", "ignore"),
    ):
        if key in table:
            changes[attribute] = _codes(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        changes.update(_per_file_ignores(table["per-file-ignores"], where))
    for key, attribute in (("exclude", "exclude"), ("extend-exclude", "extend_exclude")):
        if key in table:
            globs = table[key]
            if not isinstance(globs, list) or not all(isinstance(g, str) and g for g in globs):
                raise ConfigError(f"{where} {key} must be a list of globs")
            changes[attribute] = tuple(globs)
    if "severity" in table:
        changes["severity"] = _parse_severities(table["severity"], where)
    if "options" in table:
        changes["options"] = _parse_options(table["options"], where)
    if "fail-on" in table:
        changes["fail_on"] = _severity(table["fail-on"], f"{where} fail-on")
    if "lmfe-version" in table:
        if not isinstance(table["lmfe-version"], str):
            raise ConfigError(f"{where} lmfe-version must be a version string")
        changes["lmfe_version"] = table["lmfe-version"]
    if "strict-field-order" in table:
        if not isinstance(table["strict-field-order"], bool):
            raise ConfigError(f"{where} strict-field-order must be true or false")
        changes["strict_field_order"] = table["strict-field-order"]
    if "max-file-size" in table:
        size = table["max-file-size"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{where} max-file-size must be a positive number of bytes")
        changes["max_file_size"] = size
    if "target" in table:
        try:
            changes["targets"] = parse_targets(table["target"], f"{where} target")
        except UnknownTarget as error:
            raise ConfigError(str(error)) from None
    return Settings(**changes)


def _per_file_ignores(value: Any, where: str) -> dict[str, Any]:
    """Keys are globs, or ``glob#/json/pointer`` for one subschema of the matching files."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} per-file-ignores must be a table of glob = [codes]")
    globs: dict[str, tuple[str, ...]] = {}
    pointers: list[tuple[str, str, tuple[str, ...]]] = []
    for key, codes in value.items():
        parsed = _codes(codes, f"{where} per-file-ignores {key!r}")
        pattern, hash_sign, pointer = key.partition("#")
        if not hash_sign:
            globs[key] = parsed
        elif not pattern or (pointer and not pointer.startswith("/")):
            raise ConfigError(
                f"{where} per-file-ignores {key!r}: expected glob#/json/pointer, "
                'e.g. "tools/a.json#/0/function/parameters"'
            )
        else:
            pointers.append((pattern, pointer, parsed))
    return {"per_file_ignores": globs, "pointer_ignores": tuple(pointers)}


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(value) if isinstance(value, str) else Severity.parse(repr(value))
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _parse_severities(value: Any, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} severity must be a table of CODE = level")
    for code in value:
        if code not in RULES:
            raise ConfigError(f"{where} severity: unknown rule {code!r}")
    return {code: _severity(level, f"{where} severity.{code}") for code, level in value.items()}


def _parse_options(value: Any, where: str) -> dict[str, dict[str, int]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} options must be a table of CODE = {{option = value}}")
    parsed: dict[str, dict[str, int]] = {}
    for code, options in value.items():
        if code not in RULES:
            raise ConfigError(f"{where} options: unknown rule {code!r}")
        known = RULES[code].defaults()
        if not isinstance(options, dict):
            raise ConfigError(f"{where} options.{code} must be a table")
        for name, number in options.items():
            if name not in known:
                raise ConfigError(f"{where} options.{code}: unknown option {name!r}")
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise ConfigError(f"{where} options.{code}.{name} must be a whole number >= 0")
        parsed[code] = dict(options)
    return parsed
