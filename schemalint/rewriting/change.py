"""What a rewrite is, and what it proposes: a named change recorded as JSON Patch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from schemalint.analysis import Analysis
from schemalint.model import Applicability
from schemalint.rewriting.patch import Operation


@dataclass(frozen=True)
class Change:
    description: str
    operations: list[Operation]
    reads: tuple[str, ...] = ()
    """Pointers the change copies from: another change of the same pass must not alter them."""
    scope: tuple[str, ...] = ()
    """Where measurement sees the change's effect, when not at the pointers it rewrites."""

    @property
    def measured_at(self) -> tuple[str, ...]:
        return self.scope or tuple(operation["path"] for operation in self.operations)


@dataclass(frozen=True)
class Rewrite:
    name: str
    fixes: tuple[str, ...]
    """The rules whose findings this rewrite fixes; the first is the one it is listed under."""
    applicability: Applicability
    propose: Callable[[Analysis, int], Iterator[Change]]
    """Proposed changes for the analysed schema; the int is the expansion cap."""
    trade: str = ""
    """For an unsafe rewrite, what it did and what the result accepts differently, with
    ``{n}`` for the number of changes and ``{s}`` for a plural ending."""
    measured: bool = False
    """Whether the change trades what the schema accepts for speed that measurement should
    confirm: with ``--measure`` each change is kept only when it measures faster."""

    @property
    def code(self) -> str:
        return self.fixes[0]
