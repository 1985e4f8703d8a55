"""A git-ref baseline reads only the files a change touched: a file with the same bytes as at
the ref is its own baseline, and the classification is the one a full re-check gives."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from schemalint.baseline.sources import from_ref
from schemalint.config import Settings
from schemalint.engine import check_paths
from tests.baseline import test_gate
from tests.baseline.test_gate import ENUM_OR_FREE, TOOLS, by_state, check, commit, tool, write
from tests.conftest import SAMPLES

repo = test_gate.repo

PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)


def two_files_one_edited(repo: Path) -> None:
    """Add the MCP sample beside the OpenAI tools (committed), save a report of both as they
    are (``base.json``), then edit the OpenAI tools."""
    write(repo / "tools" / "mcp.json", json.loads((SAMPLES / "mcp_tools.json").read_text()))
    commit(repo, "mcp")
    _, saved, _ = check("tools")
    (repo / "base.json").write_text(json.dumps(saved), encoding="utf-8")
    edited: list[dict[str, Any]] = copy.deepcopy(TOOLS)
    tool(edited, "lookup_order")["function"]["parameters"]["properties"]["priority"] = ENUM_OR_FREE
    write(repo / "tools" / "openai.json", edited)


def test_an_unchanged_file_is_not_read_again(repo: Path) -> None:
    two_files_one_edited(repo)
    report = check_paths([Path("tools")], PINNED, jobs=1)
    baseline = from_ref([Path("tools")], report, "HEAD", PINNED)
    now = {file.path: file for file in report.files}
    before = baseline.files["tools/mcp.json"]
    assert before.findings is now["tools/mcp.json"].findings, "today's check, not a second one"
    assert baseline.files["tools/openai.json"].findings != now["tools/openai.json"].findings


def test_skipping_unchanged_files_classifies_as_a_full_recheck_does(repo: Path) -> None:
    two_files_one_edited(repo)
    code_ref, by_ref, _ = check("tools", "--baseline-ref", "HEAD")
    code_saved, by_saved, _ = check("tools", "--baseline", "base.json")
    assert by_state(by_ref) == by_state(by_saved)
    assert by_state(by_ref)["new"] == [
        ("SL201", "/0/function/parameters/properties/priority/anyOf/1"),
        ("SL205", "/0/function/parameters/properties/priority/anyOf"),
    ]
    assert code_ref == code_saved == 1
