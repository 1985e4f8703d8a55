"""A server that starts, writes its pid and its child's pid to the file named by its argument,
and never answers: what a hung start-up looks like. Its child stands for the helpers real
servers start (a language server, a browser), which must be ended with it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
Path(sys.argv[1]).write_text(f"{__import__('os').getpid()} {child.pid}\n")
print("listening soon", file=sys.stderr, flush=True)
time.sleep(600)
