"""When the process started, so that a measuring budget can count its start-up too."""

from __future__ import annotations

import os
import time

MAX_STARTUP_SECONDS = 10.0


def process_started() -> float:
    """The ``time.perf_counter()`` value at this process's start (Linux: from ``/proc``; now,
    where that cannot be read): interpreter start-up and imports are part of a command's time."""
    now = time.perf_counter()
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, "starttime": clock ticks after boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    # Older than start-up can be: a process that did other work before calling the command.
    return now - age if 0.0 <= age < MAX_STARTUP_SECONDS else now
