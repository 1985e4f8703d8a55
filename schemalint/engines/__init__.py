"""Other constrained-decoding engines measured beside lm-format-enforcer.

Each engine is one module with one adapter class (see :mod:`schemalint.engines.base`); this
registry is the only place that names them. Engine packages are optional
(``schemalint[engines]``) and imported only when an engine is measured.
"""

from __future__ import annotations

import importlib

from schemalint.engines.base import Engine, EngineUnavailable

#: Engine name -> "module:class" of its adapter, in the order reports list them.
ENGINES = {
    "lmfe": "schemalint.engines.lmfe:LmfeEngine",
    "xgrammar": "schemalint.engines.xgrammar:XgrammarEngine",
    "llguidance": "schemalint.engines.llguidance:LlguidanceEngine",
    "outlines": "schemalint.engines.outlines:OutlinesEngine",
}

#: LMFE's worst step (ms) from which LMFE counts as slow: SM505's default threshold, and the
#: point from which a comparison also measures LMFE on the rewritten schema.
LMFE_SLOW_MS = 100


class UnknownEngine(ValueError):
    """An engine name that is not in the registry (a usage error, exit code 2)."""


def parse_engines(spec: str) -> list[str]:
    """``"lmfe,xgrammar"`` or ``"all"`` -> registered names, in registry order."""
    names = [name.strip().lower() for name in spec.split(",") if name.strip()]
    if "all" in names:
        return list(ENGINES)
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        choices = ", ".join([*ENGINES, "all"])
        raise UnknownEngine(f"--engine takes a comma-separated list of {choices}; got {spec!r}")
    return [name for name in ENGINES if name in names]


def load_engine(name: str) -> Engine:
    module, _, attribute = ENGINES[name].partition(":")
    engine: Engine = getattr(importlib.import_module(module), attribute)()
    return engine


__all__ = [
    "ENGINES",
    "LMFE_SLOW_MS",
    "Engine",
    "EngineUnavailable",
    "UnknownEngine",
    "load_engine",
    "parse_engines",
]
