"""lm-format-enforcer behind the engine interface, built the way ``check --measure`` builds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from schemalint.engines.base import Mask, package_version
from schemalint.lmfe import EnforcerConfig
from schemalint.tokenizers import Tokenizer


class _ProblemLog(logging.Handler):
    """Keeps what LMFE logs when it swallows an exception (then it only allows EOS)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


_PROBLEMS = _ProblemLog()


def problem_log() -> _ProblemLog:
    """The root logger's handler keeping what LMFE logs, installed once per process: LMFE's
    failure is then a message kept, never a traceback formatted onto stderr inside a step."""
    root = logging.getLogger()
    if _PROBLEMS not in root.handlers:
        root.addHandler(_PROBLEMS)
    root.setLevel(logging.WARNING)
    return _PROBLEMS


class _LmfeMatcher:
    def __init__(self, enforcer: Any, eos: int, problems: _ProblemLog) -> None:
        self._enforcer = enforcer
        self._sequence = [eos]  # any prompt: LMFE keys its states by the token tuple
        self._problems = problems
        self._allowed: list[int] = []

    def fill(self) -> None:
        self._allowed = self._enforcer.get_allowed_tokens(self._sequence).allowed_tokens

    def mask(self) -> Mask:
        return Mask(ids=self._allowed)

    def advance(self, token: int) -> bool:
        self._sequence.append(token)
        return True  # LMFE checks nothing here: a refused token is simply never allowed

    def problem(self) -> str:
        return self._problems.messages[-1] if self._problems.messages else ""


@dataclass(frozen=True)
class LmfeEngine:
    config: EnforcerConfig = field(default_factory=EnforcerConfig)
    use_cache: bool = True
    """Whether LMFE's per-tokenizer data is read from (and written to) the on-disk cache."""
    name: str = "lmfe"
    install_hint: str = "pip install 'schemalint[measure]'"

    def version(self) -> str:
        return package_version("lm-format-enforcer", self.install_hint)

    def prepare(self, tokenizer: Tokenizer) -> Any:
        from schemalint.engines.lmfe_data import enforcer_data

        return enforcer_data(tokenizer, self.use_cache)

    def compile(self, schema: Any, prepared: Any) -> _LmfeMatcher:
        problems = problem_log()
        problems.messages.clear()  # one matcher at a time per process
        return _LmfeMatcher(
            build_enforcer(prepared, schema, self.config), eos_ids(prepared)[0], problems
        )

    def forget(self, prepared: Any) -> None:
        """Empty LMFE's free-text allowlist cache, which it fills lazily as strings are walked
        (a fresh generation process starts with it empty)."""
        prepared.tokenizer_tree.json_freetext_tokens.allowlist_cache = {}


def eos_ids(data: Any) -> list[int]:
    """The end-of-sequence tokens of LMFE's tokenizer data (one id or a list)."""
    eos = data.eos_token_id
    return list(eos) if isinstance(eos, list) else [eos]


def build_enforcer(data: Any, schema: Any, config: EnforcerConfig) -> Any:
    """A TokenEnforcer configured like the user's generation; raises what LMFE raises when it
    refuses the schema."""
    from lmformatenforcer import JsonSchemaParser, TokenEnforcer

    enforcer = TokenEnforcer(data, JsonSchemaParser(schema))
    # TokenEnforcer replaces a config given to JsonSchemaParser with one whose alphabet is the
    # tokenizer's: keep that alphabet, set the user's options on it afterwards.
    settings = enforcer.root_parser.config
    settings.max_consecutive_whitespaces = config.max_consecutive_whitespaces
    settings.force_json_field_order = config.force_json_field_order
    settings.max_json_array_length = config.max_json_array_length
    return enforcer
