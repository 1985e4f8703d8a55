"""Hostile and broken input: a finding or a one-line error within seconds — never a traceback,
a hang, a network call, or a changed input file."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemalint.cli import app

runner = CliRunner()


def doubling_refs(levels: int) -> str:
    defs: dict[str, object] = {"d0": {"type": "string"}}
    for i in range(1, levels + 1):
        ref = {"$ref": f"#/$defs/d{i - 1}"}
        defs[f"d{i}"] = {"type": "object", "properties": {"l": ref, "r": ref}}
    return json.dumps({"$defs": defs, "$ref": f"#/$defs/d{levels}"})


def nested(levels: int, inner: object) -> object:
    for _ in range(levels):
        inner = [inner]
    return inner


def nested_items(levels: int) -> dict[str, object]:
    schema: dict[str, object] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "array", "items": schema}
    return schema


DRAFT_07 = "http://json-schema.org/draft-07/schema#"
BESIDE_A_REF = {
    "$schema": DRAFT_07,
    "properties": {"a": {"$ref": "#/definitions/s"}},
    "definitions": {"s": {"type": "string"}},
}

CASES: dict[str, tuple[str | bytes, str, str]] = {
    # name: (content, expected code, text the message contains)
    "empty.json": ("", "SL000", "empty file"),
    "binary.json": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "SL000", "binary file"),
    "latin1.json": (b'{"description": "caf\xe9"}', "SL000", "invalid UTF-8"),
    "trailing.json": ('{"type": "string"} }garbage', "SL000", "trailing content"),
    "deep.json": ('{"items":' * 10_000 + "{}" + "}" * 10_000, "SL000", "nested deeper"),
    "deep.yaml": ("items: " + "[" * 10_000 + "]" * 10_000, "SL000", "nested deeper"),
    "cycle.json": (
        json.dumps(
            {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
        ),
        "SL104",
        "loop",
    ),
    "doubling.json": (doubling_refs(40), "SL103", "exponential"),
    "remote.json": (
        json.dumps(
            {"type": "object", "properties": {"a": {"$ref": "https://example.com/s.json#/x"}}}
        ),
        "SL405",
        "not fetched",
    ),
    "not_a_schema.yaml": ("- 1\n- 2\n", "SL000", "not a tools list"),
    # referencing trusts its input to pass the meta-schema and raises AttributeError otherwise
    "dependencies_list.json": (
        json.dumps(BESIDE_A_REF | {"dependencies": {"a": {"required": ["c"]}, "b": ["a"]}}),
        "SL201",
        "free-text",
    ),
    "null_properties.json": (
        json.dumps(BESIDE_A_REF | {"properties": None, "items": {"$ref": "#/definitions/s"}}),
        "SL001",
        "None is not of type 'object'",
    ),
    "list_in_anyof.json": (json.dumps(BESIDE_A_REF | {"anyOf": [[]]}), "SL001", "[] is not"),
    "list_in_required.json": (
        json.dumps({"type": "object", "properties": {"a": {}}, "required": [["a"]]}),
        "SL001",
        "['a'] is not of type 'string'",
    ),
    "pyyaml_fails.yaml": ("type: object\ndefault: !!bool maybe\n", "SL000", "yaml raised"),
    "infinite.json": ('{"type": "number", "maximum": 1e400}', "SL000", "out of range"),
    "deep_title.json": (
        json.dumps({"type": "object", "title": nested(500, "x")}),
        "SL000",
        "nested more than",
    ),
    "deep_items.json": (json.dumps(nested_items(140)), "SL000", "nested more than"),
    "ecma_only_pattern.json": ('{"type": "string", "pattern": "[a-"}', "SL001", "'regex'"),
    "laughs.yaml": (
        "a: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
        + "type: object\n",
        "",
        "",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gives_a_finding_quickly(
    tmp_path: Path, name: str, no_network: list[object]
) -> None:
    content, code, text = CASES[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    started = time.perf_counter()
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)
    findings = json.loads(result.stdout)["files"][0]["findings"]
    if code:
        matching = [f for f in findings if f["code"] == code]
        assert matching and text in matching[0]["message"]
        assert "\n" not in matching[0]["message"]
    assert elapsed < 10, f"{name} took {elapsed:.1f} s"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert no_network == []


def test_a_50_mb_file_is_refused_by_size_within_seconds(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("w") as out:
        out.write('{"type": "object", "properties": {')
        out.write(", ".join(f'"p{i}": {{"type": "string"}}' for i in range(2_000_000)))
        out.write("}}")
    assert path.stat().st_size > 50_000_000
    started = time.perf_counter()
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    assert time.perf_counter() - started < 5
    finding = json.loads(result.stdout)["files"][0]["findings"][0]
    assert finding["code"] == "SL000" and "over the 8.0 MB limit" in finding["message"]


def test_unreadable_path_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "dir.json"
    folder.mkdir()
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 2  # an empty folder holds nothing to check: said, not "All clear"
    assert "no schema files found" in result.stderr


def test_the_cli_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{")
    done = subprocess.run(
        [sys.executable, "-m", "schemalint", "check", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr


def test_a_2_mb_value_is_quoted_in_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"type": "x" * 2_000_000}))
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    [finding] = json.loads(result.stdout)["files"][0]["findings"]
    assert finding["code"] == "SL001" and len(finding["message"]) < 200
