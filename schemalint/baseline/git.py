"""Read files as a git revision has them, without checking anything out or taking locks."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from schemalint.baseline import BaselineError
from schemalint.model import shorten

#: Seconds one git command may take: a baseline must not hang a CI job.
TIMEOUT = 30.0


@dataclass(frozen=True)
class Revision:
    """A commit of the repository at ``root``, named ``ref`` by the user."""

    root: Path
    ref: str
    commit: str


def open_revision(start: Path, ref: str) -> Revision:
    """The commit ``ref`` names in the repository that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    root = _git(
        folder, "rev-parse", "--show-toplevel", failure=f"{folder}: not in a git repository"
    )
    commit = _git(
        folder,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{ref}^{{commit}}",
        failure=f"unknown git ref {ref!r}",
    )
    return Revision(Path(root.decode().strip()).resolve(), ref, commit.decode().strip())


def relative(revision: Revision, path: Path) -> str:
    """``path`` relative to the repository root, as git names it ("" for the root)."""
    try:
        inside = path.resolve().relative_to(revision.root)
    except ValueError:
        raise BaselineError(f"{path}: outside the git repository {revision.root}") from None
    return "" if inside == Path(".") else inside.as_posix()


def files_at(revision: Revision, pathspecs: list[str]) -> set[str]:
    """The files the commit has at or under ``pathspecs`` (repository-relative)."""
    out = _git(
        revision.root,
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        revision.commit,
        "--",
        *(spec or "." for spec in pathspecs),
    )
    return {name for name in out.decode("utf-8", "surrogateescape").split("\0") if name}


def changed(revision: Revision, pathspecs: list[str]) -> set[str]:
    """Files whose content differs between the commit and the working tree (tracked ones;
    a file deleted or untracked since counts as changed), at or under ``pathspecs``."""
    out = _git(
        revision.root,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        revision.commit,
        "--",
        *(spec or "." for spec in pathspecs),
    )
    return {name for name in out.decode("utf-8", "surrogateescape").split("\0") if name}


def renames(revision: Revision, pathspecs: list[str]) -> dict[str, str]:
    """Files git sees renamed between the commit and the working tree: new path → old path.
    Only tracked files take part: a moved file not yet ``git add``-ed reads as new."""
    out = _git(
        revision.root,
        "diff",
        "--name-status",
        "-z",
        "--find-renames",
        revision.commit,
        "--",
        *(spec or "." for spec in pathspecs),
    )
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    moved: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[:1] in ("R", "C"):
            if status[0] == "R":
                moved[fields[index + 2]] = fields[index + 1]
            index += 3
        else:
            index += 2
    return moved


def read_at(revision: Revision, path: str) -> bytes:
    """The bytes of ``path`` (repository-relative) in the commit."""
    return _git(revision.root, "show", f"{revision.commit}:{path}")


def _git(folder: Path, *args: str, failure: str | None = None) -> bytes:
    """Run git in ``folder``; a failure is a BaselineError saying ``failure``, else what git
    said last."""
    # No optional locks: reading must not race a git command the user runs at the same time.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=folder,
            capture_output=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise BaselineError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise BaselineError(f"git {args[0]} took over {TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = shorten(said[-1]) if said else f"git {args[0]} exited {done.returncode}"
        raise BaselineError(failure or detail)
    return done.stdout
