"""`check --baseline-ref` and `--baseline` on real git repositories: a CI gate that fails on
what a change adds, never on what was already there."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import SAMPLES

TOOLS = json.loads((SAMPLES / "openai_tools.json").read_text(encoding="utf-8"))
ENUM_OR_FREE = {"anyOf": [{"type": "string", "enum": ["low", "high"]}, {"type": "string"}]}
PINNED = ("--lmfe-version", "0.11.3", "--no-strict-field-order")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout


def new_repository(folder: Path) -> None:
    """An empty git repository in ``folder`` that commits without asking anyone."""
    git(folder, "init", "-q")
    for key, value in (("user.name", "Test"), ("user.email", "t@example.com")):
        git(folder, "config", key, value)
    git(folder, "config", "commit.gpgsign", "false")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit holds the OpenAI tools sample in ``tools/``."""
    new_repository(tmp_path)
    (tmp_path / "tools").mkdir()
    write(tmp_path / "tools" / "openai.json", TOOLS)
    commit(tmp_path, "tools")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, data: Any, indent: int | None = 2) -> None:
    path.write_text(json.dumps(data, indent=indent), encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def check(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(app, ["check", *args, *PINNED, "-f", "json"])
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


def tool(data: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(entry for entry in data if entry["function"]["name"] == name)


def by_state(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """(path, code, pointer) of every finding, grouped by its baseline state."""
    states: dict[str, list[tuple[str, str]]] = {"new": [], "unchanged": [], "fixed": []}
    for file in data["files"]:
        for finding in file["findings"]:
            states[finding["baseline_state"]].append((finding["code"], finding["pointer"]))
        for finding in file["baseline"]["fixed"]:
            states[finding["baseline_state"]].append((finding["code"], finding["pointer"]))
    return {state: sorted(found) for state, found in states.items()}


def test_reordered_and_reformatted_tools_add_nothing(repo: Path) -> None:
    write(repo / "tools" / "openai.json", list(reversed(TOOLS)), indent=None)
    code, data, _ = check("tools", "--baseline-ref", "HEAD", "--fail-on", "info")
    assert code == 0
    assert data["summary"]["baseline"] | {"against": ""} == {
        "against": "",
        "new": 0,
        "unchanged": 14,
        "fixed": 0,
        "risk_rose": [],
    }
    (file,) = data["files"]
    assert file["baseline"]["risk_before"] == file["risk"]["score"]


def test_an_enum_or_free_string_union_in_one_tool_is_exactly_what_is_new(repo: Path) -> None:
    edited = copy.deepcopy(TOOLS)
    parameters = tool(edited, "escalate_ticket")["function"]["parameters"]
    parameters["properties"]["category"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", edited)
    code, data, _ = check("tools", "--baseline-ref", "HEAD")
    assert code == 1
    states = by_state(data)
    assert states["new"] == [
        ("SL201", "/3/function/parameters/properties/category/anyOf/1"),
        ("SL205", "/3/function/parameters/properties/category/anyOf"),
    ]
    assert states["fixed"] == [] and len(states["unchanged"]) == 14


def test_deleting_a_bad_tool_lists_its_findings_as_fixed(repo: Path) -> None:
    bad = copy.deepcopy(TOOLS)
    tool(bad, "escalate_ticket")["function"]["parameters"]["properties"]["category"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", bad)
    commit(repo, "a bad tool")
    write(repo / "tools" / "openai.json", [t for t in bad if t is not tool(bad, "escalate_ticket")])
    code, data, _ = check("tools", "--baseline-ref", "HEAD", "--fail-on", "info")
    assert code == 0
    states = by_state(data)
    assert states["new"] == []
    assert states["fixed"] == [
        ("SL201", "/3/function/parameters/properties/category/anyOf/1"),
        ("SL201", "/3/function/parameters/properties/ticket_id"),
        ("SL205", "/3/function/parameters/properties/category/anyOf"),
    ]
    (file,) = data["files"]
    assert (file["baseline"]["level_before"], file["risk"]["level"]) == ("critical", "medium")


def test_a_saved_json_report_classifies_as_the_git_ref_does(repo: Path) -> None:
    _, saved, _ = check("tools")
    (repo / "baseline.json").write_text(json.dumps(saved), encoding="utf-8")
    edited = [t for t in copy.deepcopy(TOOLS) if t["function"]["name"] != "lookup_order"]
    tool(edited, "issue_refund")["function"]["parameters"]["properties"]["why"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", edited)
    against_ref = check("tools", "--baseline-ref", "HEAD")
    against_file = check("tools", "--baseline", "baseline.json")
    assert against_ref[0] == against_file[0] == 1
    assert by_state(against_ref[1]) == by_state(against_file[1])
    assert by_state(against_ref[1])["fixed"]


def test_a_deleted_file_is_listed_as_removed_with_its_findings_fixed(repo: Path) -> None:
    (repo / "tools" / "triage.json").write_bytes(
        (SAMPLES / "pathological" / "enum_or_free_string.json").read_bytes()
    )
    commit(repo, "triage")
    (repo / "tools" / "triage.json").unlink()
    code, data, _ = check("tools", "--baseline-ref", "HEAD")
    assert code == 0
    removed = [file for file in data["files"] if file["baseline"]["removed"]]
    assert [file["path"] for file in removed] == [str(Path("tools") / "triage.json")]
    assert {f["code"] for f in removed[0]["baseline"]["fixed"]} == {"SL201", "SL205"}


def test_a_moved_file_keeps_its_findings_unchanged(repo: Path) -> None:
    (repo / "tools" / "openai.json").rename(repo / "tools" / "support.json")  # not git mv
    code, data, _ = check("tools", "--baseline-ref", "HEAD", "--fail-on", "info")
    assert code == 0
    (file,) = data["files"]
    assert file["baseline"]["path_before"] == str(Path("tools") / "openai.json")
    assert (file["baseline"]["new"], file["baseline"]["unchanged"]) == (0, 14)


def test_a_new_file_is_all_new_and_its_risk_rises(repo: Path) -> None:
    (repo / "tools" / "triage.json").write_bytes(
        (SAMPLES / "pathological" / "enum_or_free_string.json").read_bytes()
    )
    code, data, _ = check("tools", "--baseline-ref", "HEAD", "--fail-on", "critical")
    assert code == 1
    assert data["summary"]["baseline"]["risk_rose"] == [str(Path("tools") / "triage.json")]


def test_a_risk_rise_alone_fails_unless_turned_off(repo: Path) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    write(repo / "schema.json", schema | {"additionalProperties": False})
    commit(repo, "a clean schema")
    untyped = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {}}}
    write(repo / "schema.json", untyped | {"required": ["a"], "additionalProperties": False})
    # SL406 (medium) is new: below --fail-on high, but the risk level rises from low to medium.
    code, data, _ = check("schema.json", "--baseline-ref", "HEAD")
    assert code == 1 and data["summary"]["baseline"]["risk_rose"] == ["schema.json"]
    assert check("schema.json", "--baseline-ref", "HEAD", "--no-fail-on-risk-rise")[0] == 0
    assert check("schema.json", "--baseline-ref", "HEAD", "--exit-zero")[0] == 0


def test_unchanged_findings_never_fail_the_gate(repo: Path) -> None:
    (repo / "tools" / "triage.json").write_bytes(
        (SAMPLES / "pathological" / "enum_or_free_string.json").read_bytes()
    )
    commit(repo, "triage, with a critical finding")
    assert check("tools", "--fail-on", "critical")[0] == 1
    assert check("tools", "--baseline-ref", "HEAD", "--fail-on", "info")[0] == 0


def test_text_output_leads_with_what_is_new(repo: Path) -> None:
    edited = copy.deepcopy(TOOLS)
    tool(edited, "issue_refund")["function"]["parameters"]["properties"]["why"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", edited)
    result = CliRunner().invoke(app, ["check", "tools", "--baseline-ref", "HEAD", *PINNED])
    lines = result.stdout.splitlines()
    assert "→" in lines[0] and "risk rose" in lines[0]
    assert lines[1].strip() == "new (2)" and "SL205" in lines[2]
    assert "unchanged: 14" in result.stdout
    assert any(
        line.startswith("Against git ref HEAD: 2 new, 0 fixed, 14 unchanged") for line in lines
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--baseline-ref", "no-such-ref"), "unknown git ref 'no-such-ref'"),
        (("--baseline", "missing.json"), "missing.json: cannot read baseline"),
        (("--baseline", "tools/openai.json"), "not a schemalint JSON report"),
        (("--baseline-ref", "HEAD", "--baseline", "x.json"), "not both"),
    ],
)
def test_a_baseline_that_cannot_be_read_is_a_one_line_error(
    repo: Path, args: tuple[str, ...], message: str
) -> None:
    code, _, err = check("tools", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_outside_a_git_repository_is_a_one_line_error(tmp_path: Path) -> None:
    write(tmp_path / "tools.json", TOOLS)
    code, _, err = check(str(tmp_path / "tools.json"), "--baseline-ref", "HEAD")
    assert code == 2 and "not in a git repository" in err


def test_a_report_without_fingerprints_cannot_be_a_baseline(repo: Path) -> None:
    _, saved, _ = check("tools")
    for finding in saved["files"][0]["findings"]:
        del finding["fingerprint"]
    (repo / "old.json").write_text(json.dumps(saved), encoding="utf-8")
    code, _, err = check("tools", "--baseline", "old.json")
    assert code == 2 and "without fingerprints" in err


def test_checking_the_whole_repository_lists_a_deleted_file_by_its_path(repo: Path) -> None:
    (repo / "tools" / "openai.json").unlink()
    (repo / "clean.json").write_text('{"type": "integer"}', encoding="utf-8")
    code, data, _ = check(".", "--baseline-ref", "HEAD")
    assert code == 0
    removed = [file["path"] for file in data["files"] if file["baseline"]["removed"]]
    assert removed == [str(Path("tools") / "openai.json")]
