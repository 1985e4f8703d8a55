"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit on a real git repository that
holds several schemas: pre-commit passes them all to one command, as on every real commit."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None,
        reason="pre-commit is not installed (it is in the dev extra)",
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
NAMES = {hook["id"]: hook["name"] for hook in HOOKS}

SLOW = (
    '{"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}},'
    ' "$defs": {"a": {"type": "string"}}}'
)
"""No finding at the default --fail-on, but a safe rewrite inlines its `$ref`."""


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _clean_environment() -> dict[str, str]:
    """Without the GIT_* variables of a git hook that may be running the tests."""
    return {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}


def committed_repository(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return commit_all(folder)


def commit_all(folder: Path) -> Path:
    git("init", "--quiet", cwd=folder)
    git("config", "user.name", "Test", cwd=folder)
    git("config", "user.email", "test@example.com", cwd=folder)
    git("add", "--all", cwd=folder)
    git("commit", "--quiet", "--message", "schemas", cwd=folder)
    return folder


def snapshot_of_schemalint(folder: Path) -> Path:
    """schemalint's working tree as it is now, untracked files included, committed in a
    repository of its own: pre-commit installs a hook repository from a commit, and
    ``try-repo`` on the checkout itself would leave out a new module not yet added."""
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT)
    for name in listed.split("\0"):
        if name and (ROOT / name).is_file():  # not a tracked file deleted since
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, folder / name)
    return commit_all(folder)


def pre_commit_config(hooks: Path) -> str:
    """The README's configuration, with the snapshot's commit as ``rev``."""
    rev = git("rev-parse", "HEAD", cwd=hooks).strip()
    entries = "".join(f"      - id: {hook}\n        files: ^(schemas|tools)/\n" for hook in NAMES)
    return f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n{entries}"


def run_hooks(project: Path, cache: Path) -> tuple[int, str, dict[str, str]]:
    """Every configured hook on every file of ``project``: exit code, output, and each hook's
    name with its result. The tests' own bin folder comes first on PATH, where a ``language:
    system`` hook finds the schemalint under test."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=project,
        env={**_clean_environment(), "PRE_COMMIT_HOME": str(cache), "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    line = r"^(\S.*?)\.{3,}(?:\(no files to check\))?(Passed|Failed|Skipped)$"
    results = dict(re.findall(line, output, re.MULTILINE))
    return done.returncode, output, results


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="schemalint is not a git checkout here")
def test_both_hooks_take_every_schema_of_a_commit_and_nothing_else(tmp_path: Path) -> None:
    """pre-commit builds the hooks' own virtualenv and pip-installs schemalint into it from the
    hook repository, as for a user (the dependencies come from the package index, which
    developers and CI reach; ~15 s). ``pre-commit run`` with a configuration, not ``try-repo``:
    try-repo keeps no environment between calls, so checking the fixed files would install
    everything a second time. schemas/notes.txt would make either hook exit 2 if ``types_or``
    let it through."""
    assert set(NAMES) == {"schemalint", "schemalint-rewrite-check"}
    hooks = snapshot_of_schemalint(tmp_path / "schemalint")
    project = committed_repository(
        tmp_path / "project",
        {
            ".pre-commit-config.yaml": pre_commit_config(hooks),
            "schemas/clean.json": '{"type": "object", "properties": {"a": {"type": "string"}}}\n',
            "schemas/clean.yaml": "type: object\nproperties:\n  n: {type: integer}\n",
            "schemas/slow.json": SLOW + "\n",
            "schemas/notes.txt": "not a schema {\n",
            "tools/slow.yaml": f"- name: f\n  input_schema: {SLOW}\n",
        },
    )
    code, output, results = run_hooks(project, tmp_path / "cache")
    assert results == {NAMES["schemalint"]: "Passed", NAMES["schemalint-rewrite-check"]: "Failed"}
    assert code == 1, output
    assert "- hook id: schemalint-rewrite-check\n- exit code: 1\n" in output
    assert "would rewrite schemas/slow.json\n" in output
    assert "would rewrite tools/slow.yaml\n" in output
    assert "clean." not in output and "notes.txt" not in output

    fixed = CliRunner().invoke(
        app, ["rewrite", "--in-place", str(project / "schemas"), str(project / "tools")]
    )
    assert fixed.exit_code == 0, fixed.output
    git("commit", "--quiet", "--all", "--message", "rewritten", cwd=project)
    code, output, results = run_hooks(project, tmp_path / "cache")
    assert results == {NAMES["schemalint"]: "Passed", NAMES["schemalint-rewrite-check"]: "Passed"}
    assert code == 0, output


def readme_configuration() -> str:
    """The first YAML block of the README's pre-commit section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Pre-commit") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start : section.index("```\n", start)]


def test_the_readme_configuration_works_as_written(tmp_path: Path) -> None:
    """Its local hooks run the schemalint installed beside these tests, and select files as the
    hooks of .pre-commit-hooks.yaml do."""
    configuration = yaml.safe_load(readme_configuration())
    for hook in configuration["repos"][0]["hooks"]:
        published = next(h for h in HOOKS if h["id"] == hook["id"])
        assert {k: hook[k] for k in ("name", "entry", "types_or")} == {
            k: published[k] for k in ("name", "entry", "types_or")
        }
    project = committed_repository(
        tmp_path / "project",
        {
            ".pre-commit-config.yaml": readme_configuration(),
            "schemas/clean.json": '{"type": "object"}\n',
            "schemas/notes.txt": "not a schema {\n",
            "tools/slow.json": SLOW + "\n",
            "elsewhere/slow.json": SLOW + "\n",
        },
    )
    code, output, results = run_hooks(project, tmp_path / "cache")
    assert results == {NAMES["schemalint"]: "Passed", NAMES["schemalint-rewrite-check"]: "Failed"}
    assert code == 1, output
    assert "would rewrite tools/slow.json\n" in output and "elsewhere" not in output
