"""lm-format-enforcer behind the engine interface, built the way ``check --measure`` builds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from schemalint.engines.base import Mask, package_version
from schemalint.measure.tokenizers import Tokenizer
from schemalint.measure.walk import EnforcerConfig, _ProblemLog, build_enforcer


class _LmfeMatcher:
    def __init__(self, enforcer: Any, eos: int, problems: _ProblemLog) -> None:
        self._enforcer = enforcer
        self._sequence = [eos]  # any prompt: LMFE keys its states by the token tuple
        self._problems = problems

    def allowed(self) -> Mask:
        return Mask(ids=self._enforcer.get_allowed_tokens(self._sequence).allowed_tokens)

    def advance(self, token: int) -> bool:
        self._sequence.append(token)
        return True  # LMFE checks nothing here: a refused token is simply never allowed

    def problem(self) -> str:
        return self._problems.messages[-1] if self._problems.messages else ""


@dataclass(frozen=True)
class LmfeEngine:
    config: EnforcerConfig = field(default_factory=EnforcerConfig)
    name: str = "lmfe"
    install_hint: str = "pip install 'schemalint[measure]'"

    def version(self) -> str:
        return package_version("lm-format-enforcer", self.install_hint)

    def prepare(self, tokenizer: Tokenizer) -> Any:
        from schemalint.measure.enforcer_data import enforcer_data

        return enforcer_data(tokenizer)

    def compile(self, schema: Any, prepared: Any) -> _LmfeMatcher:
        problems = _ProblemLog()
        logging.getLogger().addHandler(problems)
        logging.getLogger().setLevel(logging.WARNING)
        eos = prepared.eos_token_id
        first = eos[0] if isinstance(eos, list) else eos
        return _LmfeMatcher(build_enforcer(prepared, schema, self.config), first, problems)
