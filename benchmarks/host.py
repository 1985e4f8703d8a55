"""What machine a benchmark ran on, recorded beside its figures (shared by the scripts here)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def describe_host() -> dict[str, Any]:
    """CPU count and model, load average, Python and platform: enough to tell runs apart."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "load_average": load,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
