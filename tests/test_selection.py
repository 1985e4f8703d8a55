"""Which files a run checks, as ruff users expect: a folder walk skips excluded folders and
files that are no schemas (counted, not reported); each file uses the config nearest to it;
a run that finds nothing to check says so and exits 2."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings, SettingsFinder
from schemalint.engine import check_paths, expand_paths
from schemalint.load.kinds import looks_like_schema
from schemalint.load.reader import Document, read_document
from tests.conftest import CORPUS, SAMPLES, SEED

runner = CliRunner()
PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)

PACKAGE_JSON = {
    "name": "web",
    "version": "1.2.0",
    "description": "the front end",
    "type": "module",
    "scripts": {"test": "vitest"},
    "dependencies": {"react": "^18.0.0"},
}
COMPOSE = "services:\n  web:\n    image: nginx:1.25\n    ports: ['8080:80']\n"
PRE_COMMIT = "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.4.0\n  hooks:\n  - id: ruff\n"  # noqa: E501
WORKFLOW = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - run: make test\n"  # noqa: E501
NOT_SCHEMAS = {
    "package.json": PACKAGE_JSON,
    "tsconfig.json": {"compilerOptions": {"strict": True}, "include": ["src"]},
    "renovate.json": {
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "extends": ["config:base"],
    },
    "docker-compose.yml": yaml.safe_load(COMPOSE),
    ".pre-commit-config.yaml": yaml.safe_load(PRE_COMMIT),
    "workflow.yml": yaml.safe_load(WORKFLOW),
    "deployment.yaml": {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 2}},
    "fixture.json": {"items": [{"id": 1}], "total": 1},
    "data.json": [{"id": 1, "name": "a"}],
}


@pytest.mark.parametrize("name", sorted(NOT_SCHEMAS))
def test_common_repository_files_do_not_look_like_schemas(name: str) -> None:
    assert not looks_like_schema(NOT_SCHEMAS[name])


@pytest.mark.parametrize(
    "path", sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
)
def test_every_sample_looks_like_a_schema(path: Path) -> None:
    document = read_document(path)
    assert isinstance(document, Document) and looks_like_schema(document.data)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_a_folder_of_real_schemas_is_checked_in_full(tmp_path: Path) -> None:
    """200 schemas drawn from each subset of the corpus: a walk checks every one."""
    drawn = random.Random(14).sample(sorted(CORPUS.rglob("*.json")), 200)
    for index, path in enumerate(drawn):
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        (tmp_path / f"{index:03d}.json").write_text(json.dumps(schema))
    report = check_paths([tmp_path], PINNED, jobs=1)
    assert (len(report.files), report.skipped) == (200, [])


def git_repository(root: Path) -> Path:
    """A real repository: a schema among the files every project has."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "package.json").write_text(json.dumps(PACKAGE_JSON, indent=2))
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / ".pre-commit-config.yaml").write_text(PRE_COMMIT)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    for vendored in ("node_modules/lib", ".venv/lib", "build"):
        (root / vendored).mkdir(parents=True)
        shutil.copy(SEED, root / vendored / "schema.json")
    (root / "schemas").mkdir()
    shutil.copy(SEED, root / "schemas" / "tools.json")
    return root


def test_checking_a_repository_checks_its_schemas_and_skips_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repository(tmp_path))
    result = runner.invoke(app, ["check", ".", "-f", "json", "--exit-zero"])
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == ["schemas/tools.json"]
    assert report["summary"]["skipped"] == ["docker-compose.yml", "package.json"]
    text = runner.invoke(app, ["check", ".", "--exit-zero"]).stdout
    assert "Skipped 2 files that are not schemas." in text


def test_a_file_named_on_the_command_line_is_checked_whatever_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repository(tmp_path))
    result = runner.invoke(app, ["check", "package.json", "-f", "json"])
    [file] = json.loads(result.stdout)["files"]
    assert file["findings"] and result.exit_code == 1


def project(root: Path, config: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[tool.schemalint]\n{config}")
    return root


def schemas_in(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED, root / name)


def walked(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in expand_paths([root], SettingsFinder())]


def test_exclude_names_folders_anywhere_and_paths_from_the_config(tmp_path: Path) -> None:
    project(tmp_path, 'extend-exclude = ["generated", "api/v1/*.json"]\n')
    schemas_in(tmp_path, "a.json", "x/generated/b.json", "api/v1/c.json", "api/v2/d.json")
    assert walked(tmp_path) == ["a.json", "api/v2/d.json"]


def test_exclude_replaces_the_default_list_and_extend_exclude_adds_to_it(tmp_path: Path) -> None:
    schemas_in(tmp_path, "build/a.json", "node_modules/b.json", "c.json")
    project(tmp_path, "")
    assert walked(tmp_path) == ["c.json"]
    project(tmp_path, 'exclude = ["node_modules"]\n')
    assert walked(tmp_path) == ["build/a.json", "c.json"]


def test_a_folder_named_on_the_command_line_is_walked_even_if_excluded(tmp_path: Path) -> None:
    schemas_in(tmp_path, "build/a.json")
    assert [p.name for p in expand_paths([tmp_path / "build"], SettingsFinder())] == ["a.json"]


def test_each_file_uses_the_config_nearest_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path / "strict", 'select = ["SL"]\n')
    project(tmp_path / "lenient", 'select = ["SL0"]\n')
    schemas_in(tmp_path, "strict/s.json", "lenient/l.json")
    monkeypatch.chdir(tmp_path)
    report = check_paths([tmp_path], SettingsFinder())
    codes = {Path(f.path).name: {x.code for x in f.findings} for f in report.files}
    assert any(code.startswith("SL2") for code in codes["s.json"])
    assert all(code.startswith("SL0") for code in codes["l.json"])


def test_the_config_is_found_from_the_file_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path / "repo", 'select = ["SL3"]\n')
    schemas_in(tmp_path / "repo", "schemas/seed.json")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = runner.invoke(app, ["check", "../repo/schemas/seed.json", "-f", "json"])
    codes = {f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert codes and all(code.startswith("SL3") for code in codes)


def test_an_explicit_config_applies_to_every_file(tmp_path: Path) -> None:
    project(tmp_path / "lenient", 'select = ["SL0"]\n')
    schemas_in(tmp_path, "lenient/l.json")
    config = project(tmp_path / "other", 'select = ["SL3"]\n') / "pyproject.toml"
    result = runner.invoke(app, ["check", str(tmp_path / "lenient"), "--config", str(config)])
    assert "SL301" in result.stdout


def test_an_empty_folder_is_an_error_not_all_clear(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "no schema files found" in result.stderr
    assert "All clear" not in result.stdout


def test_a_folder_of_non_schemas_says_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps(PACKAGE_JSON))
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "no schema files found (skipped 1 file that is not a schema)" in result.stderr


def test_against_a_git_baseline_non_schemas_are_neither_new_nor_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repository(tmp_path)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), *identity, "commit", "-qm", "start"], check=True)
    (repo / "docker-compose.yml").unlink()
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["check", ".", "--baseline-ref", "HEAD", "-f", "json"])
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == ["schemas/tools.json"]
    assert report["summary"]["skipped"] == ["package.json"]
    assert result.exit_code == 0
