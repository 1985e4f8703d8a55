"""A rewritten JSON file keeps every line the rewrite did not change, byte for byte: its
indentation, its inline arrays, its key order, its line endings and its final newline. The
rewrite's JSON Patch is applied as text edits; the edited text always parses to exactly the
patched document (else the file is written out whole, as before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.load.kinds import NotASchema
from schemalint.load.reader import Document, parse_document
from schemalint.rewriting.document import edited_json, rewrite_document
from schemalint.rewriting.patch import add, remove, replace
from schemalint.rewriting.textedit import detect_style, dump, edit_json
from tests.conftest import SAMPLES

runner = CliRunner()

FREE_DICT = SAMPLES / "pathological" / "free_dict.json"


def load(text: str, suffix: str = ".json") -> Document:
    document = parse_document("schema" + suffix, text.encode(), suffix)
    assert isinstance(document, Document)
    return document


def rewritten(text: str, unsafe: bool = False) -> str:
    return rewrite_document(load(text), Settings(), unsafe).text


def schema_text(indent: str, newline: str = "\n", final: str = "\n") -> str:
    """A schema as a person writes it: inline ``enum`` and ``required``, and one ``true`` that
    the safe rewrite SL108 drops (``additionalProperties: true`` is the default)."""
    lines = [
        "{",
        f'{indent}"type": "object",',
        f'{indent}"properties": {{',
        f'{indent * 2}"tool": {{"type": "string", "enum": ["a", "b", "c"]}},',
        f'{indent * 2}"args": {{',
        f'{indent * 3}"type": "object",',
        f'{indent * 3}"additionalProperties": true',
        f"{indent * 2}}}",
        f"{indent}}},",
        f'{indent}"required": ["tool", "args"]',
        "}",
    ]
    return newline.join(lines) + final


def without_the_dropped_key(text: str, indent: str, newline: str = "\n") -> str:
    return text.replace(
        f'"type": "object",{newline}{indent * 3}"additionalProperties": true', '"type": "object"'
    )


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"], ids=["2 spaces", "4 spaces", "tab"])
def test_only_the_removed_key_changes_at_any_indentation(indent: str) -> None:
    text = schema_text(indent)
    assert rewritten(text) == without_the_dropped_key(text, indent)


def test_inline_arrays_stay_inline() -> None:
    text = schema_text("  ")
    assert '"required": ["tool", "args"]' in rewritten(text)
    assert '"enum": ["a", "b", "c"]' in rewritten(text)


@pytest.mark.parametrize("final", ["\n", ""], ids=["with final newline", "without"])
def test_the_final_newline_is_kept_or_left_out_as_it_was(final: str) -> None:
    text = schema_text("  ", final=final)
    assert rewritten(text) == without_the_dropped_key(text, "  ")
    assert rewritten(text).endswith("}" + final)


def test_crlf_line_endings_are_kept() -> None:
    text = schema_text("  ", newline="\r\n", final="\r\n")
    result = rewritten(text)
    assert result == without_the_dropped_key(text, "  ", "\r\n")
    assert "\n" not in result.replace("\r\n", "")


def test_the_diff_of_a_one_key_change_shows_only_that_key(tmp_path: Path) -> None:
    schema = tmp_path / "free_dict.json"
    schema.write_bytes(FREE_DICT.read_bytes())
    result = runner.invoke(app, ["rewrite", "--diff", str(schema)])
    assert result.exit_code == 0, result.output
    changed = [
        line
        for line in result.stdout.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    description = '"description": "Arguments for the chosen tool, passed through unchanged."'
    assert changed == [
        f"-      {description},",
        '-      "additionalProperties": true',
        f"+      {description}",
    ]


def test_a_new_key_goes_after_its_last_sibling_in_the_same_style() -> None:
    text = '{\n    "type": "object",\n    "required": ["a"]\n}\n'
    data = json.loads(text)
    operation = add("/properties", {"a": {"enum": [1, 2]}})
    expected = {**data, "properties": {"a": {"enum": [1, 2]}}}
    assert edit_json(text, data, [operation], expected) == (
        '{\n    "type": "object",\n    "required": ["a"],\n'
        '    "properties": {\n        "a": {\n            "enum": [1, 2]\n        }\n    }\n}\n'
    )


def test_removing_the_first_or_only_member_takes_its_comma_with_it() -> None:
    text = '{"a": 1, "b": {"c": 2}}'
    data = json.loads(text)
    first, only = remove("/a"), remove("/b/c")
    assert edit_json(text, data, [first], {"b": {"c": 2}}) == '{"b": {"c": 2}}'
    assert edit_json(text, data, [only], {"a": 1, "b": {}}) == '{"a": 1, "b": {}}'


def test_edits_that_do_not_give_the_patched_document_are_refused() -> None:
    text = '{"a": 1}'
    operation = replace("/a", 2)
    assert edit_json(text, {"a": 1}, [operation], {"a": 3}) is None


def test_single_line_json_stays_on_one_line() -> None:
    style = detect_style('{"a": [1, 2], "b": {"c": true}}')
    assert dump({"x": [1, {"y": None}]}, style) == '{"x": [1, {"y": null}]}'


def json_samples() -> list[Path]:
    return sorted(SAMPLES.rglob("*.json"))


def restyled(data: object, indent: int | str | None, newline: str, final: str) -> str:
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return text.replace("\n", newline) + final


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(json_samples()),
    as_written=st.booleans(),
    indent=st.sampled_from([None, 1, 2, 4, "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.sampled_from(["", "\n"]),
    unsafe=st.booleans(),
)
def test_text_edits_of_every_sample_parse_to_exactly_the_patched_document(
    sample: Path,
    as_written: bool,
    indent: int | str | None,
    newline: str,
    final: str,
    unsafe: bool,
) -> None:
    text = sample.read_text(encoding="utf-8")
    if not as_written:
        text = restyled(json.loads(text), indent, newline, final)
    document = load(text)
    try:
        result = rewrite_document(document, Settings(), unsafe)
    except NotASchema:
        return
    if not result.changed:
        assert result.text == text
        return
    edited = edited_json(document, result)
    assert edited is not None, "the edits could not be placed"
    assert edited == result.text
    assert json.dumps(json.loads(edited)) == json.dumps(result.data)
