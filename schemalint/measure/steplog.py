"""How a walk's worker hands its steps to the caller: a log in shared memory.

A step sent over the pipe costs a system call and wakes the caller, which on a small machine
runs on the worker's core: the engine's next timed call then starts with its data out of the
caches, or is interrupted. Writing a record into shared memory costs neither, so the worker
only nudges the caller through the pipe now and then (:data:`NUDGE_SECONDS`), and the caller
reads the log again when a step runs long: a walk abandoned at a step budget loses no step
written before it.
"""

from __future__ import annotations

import struct
import time
from typing import Any

_HEADER = struct.Struct("<qdd")
"""The log's header: how many records the worker has written, and when it finished compiling
the schema and how long that took (both negative until it has)."""
_COUNT = struct.Struct("<q")
_COMPILE = struct.Struct("<dd")
_RECORD = struct.Struct("<qqqqd?dd")
"""offset, token (-1: none), length, allowed, seconds, accepted, cpu seconds, written at."""

#: The longest the worker goes without nudging the caller while it writes steps.
NUDGE_SECONDS = 0.05

Record = tuple[int, int | None, int, int, float, bool, float]
"""A step's fields, in :class:`~schemalint.measure.walk.Step`'s order."""


class StepLog:
    """Room for ``capacity`` step records (writing more raises), shared between the caller and
    the worker it starts: allocated before the worker starts, with "fork" and "spawn" alike."""

    def __init__(self, context: Any, capacity: int) -> None:
        self.capacity = capacity
        self._memory = context.RawArray("b", _HEADER.size + capacity * _RECORD.size)
        self._written = 0
        """Worker side: records written."""
        self._nudged = time.perf_counter()
        self._read = 0
        """Caller side: records read."""
        self.written_at = 0.0
        """Caller side: when the worker wrote the last record read (``time.perf_counter()``,
        the same clock in both processes)."""

    def clear(self) -> None:
        """Start a new walk's log (each side, before the walk: the worker waits for its job)."""
        _HEADER.pack_into(self._memory, 0, 0, -1.0, -1.0)
        self._written = self._read = 0
        self._nudged = time.perf_counter()
        self.written_at = 0.0

    def compiled(self, seconds: float) -> None:
        """Record that the schema is compiled (worker side): written here rather than sent, so
        the caller is not woken while the first step is timed."""
        _COMPILE.pack_into(self._memory, _COUNT.size, time.perf_counter(), seconds)

    def compile_ended(self) -> tuple[float, float] | None:
        """When the worker finished compiling (``time.perf_counter()``) and how long it took;
        None while it has not (caller side)."""
        at, seconds = _COMPILE.unpack_from(self._memory, _COUNT.size)
        return None if seconds < 0 else (at, seconds)

    def write(self, record: Record) -> bool:
        """Append a step (worker side); True when the caller is due a nudge."""
        offset, token, length, allowed, seconds, accepted, cpu = record
        at = time.perf_counter()
        where = _HEADER.size + self._written * _RECORD.size
        fields = (offset, -1 if token is None else token, length, allowed, seconds, accepted)
        _RECORD.pack_into(self._memory, where, *fields, cpu, at)
        self._written += 1
        _COUNT.pack_into(self._memory, 0, self._written)  # after the record: never half read
        if at - self._nudged < NUDGE_SECONDS:
            return False
        self._nudged = at
        return True

    def read(self) -> list[Record]:
        """The records written since the last read (caller side)."""
        (written,) = _COUNT.unpack_from(self._memory, 0)
        records: list[Record] = []
        for index in range(self._read, written):
            where = _HEADER.size + index * _RECORD.size
            *fields, cpu, at = _RECORD.unpack_from(self._memory, where)
            offset, token, length, allowed, seconds, accepted = fields
            records.append(
                (offset, None if token < 0 else token, length, allowed, seconds, accepted, cpu)
            )
            self.written_at = at
        self._read = written
        return records
