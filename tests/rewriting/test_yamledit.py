"""A rewritten YAML file keeps its comments and every line the rewrite did not change: the
rewrite's JSON Patch is applied to ruamel.yaml's round-trip model, and only the lines that
changed in ruamel's output are taken into the original text. The result always parses to
exactly the patched document; else the file is written out whole, as before (comments lost)."""

from __future__ import annotations

import yaml

from schemalint.config import Settings
from schemalint.load.reader import Document, parse_document
from schemalint.rewriting.document import DocumentRewrite, render, rewrite_document
from schemalint.rewriting.yamledit import detect_indent, merge_lines

TOOLS = """\
# Tools for the support assistant.
# Reviewed by the platform team.

- name: lookup_order  # read-only
  description: Look up one order by its number; use this before any refund, to know what was bought.
  input_schema:
    type: object
    additionalProperties: true  # the default, written out
    properties:
      # Order numbers look like A-123456.
      order_number:
        type: string
        pattern: "^A-[0-9]{6}$"
      include_items: {type: boolean}
    required: [order_number]
"""
"""Comments at the top, inline and before a key; quotes, a flow mapping and a flow list; a
line longer than ruamel writes (it wraps at 80).
SL108 (safe) drops ``additionalProperties: true``."""


def load(text: str) -> Document:
    document = parse_document("tools.yaml", text.encode(), ".yaml")
    assert isinstance(document, Document)
    return document


def rewrite(text: str) -> DocumentRewrite:
    return rewrite_document(load(text), Settings(), unsafe=False)


def test_a_safe_rewrite_changes_only_its_line_and_keeps_every_comment() -> None:
    result = rewrite(TOOLS)
    assert [change.rewrite for _, change in result.changes] == ["drop-noop-keywords"]
    assert result.text == TOOLS.replace(
        "    additionalProperties: true  # the default, written out\n", ""
    )
    assert yaml.safe_load(result.text) == result.data


def test_reordered_properties_keep_the_comments_inside_them() -> None:
    text = """\
anyOf:
  - type: object
    properties:
      reason:  # why the call is made
        type: string
      name: {const: refund}
    required: [reason, name]
  - type: object
    properties:
      reason:
        type: string
      name: {const: lookup}
"""
    result = rewrite(text)
    assert {change.rewrite for _, change in result.changes} == {"discriminator-first"}
    assert "reason:  # why the call is made\n" in result.text
    assert "name: {const: refund}\n" in result.text
    assert list(yaml.safe_load(result.text)["anyOf"][0]["properties"]) == ["name", "reason"]
    assert load(result.text).data == result.data
    assert result.text != render(result.data, load(text))


def test_inserted_blocks_are_indented_like_the_file() -> None:
    text = """\
type: object
properties:
    city:
        $ref: '#/$defs/city'
required:
  - city
$defs:
    city:
        type: string
        enum:
          - Paris
          - Rome
"""
    assert detect_indent(text) == (4, 2)
    result = rewrite(text)
    assert (
        result.text
        == """\
type: object
properties:
    city:
        type: string
        enum:
          - Paris
          - Rome
required:
  - city
"""
    )


def test_windows_line_endings_are_kept() -> None:
    text = TOOLS.replace("\n", "\r\n")
    result = rewrite(text)
    assert result.text == text.replace(
        "    additionalProperties: true  # the default, written out\r\n", ""
    )


def test_what_ruamel_cannot_load_is_written_out_whole() -> None:
    """ruamel.yaml refuses duplicate keys, which the safe loader takes (the last one wins)."""
    text = "type: object\ntype: object\nadditionalProperties: true  # the default\n"
    document = load(text)
    result = rewrite_document(document, Settings(), unsafe=False)
    assert result.changed
    assert result.text == render(result.data, document) == "type: object\n"


def test_only_the_lines_changed_between_ruamels_outputs_change_in_the_original() -> None:
    original = "a: one two\n  three  # wrapped\nb: 1\nc: 2\n"
    before = "a: one two three  # wrapped\nb: 1\nc: 2\n"
    after = "a: one two three  # wrapped\nb: 1\nc: 3\nd: 4\n"
    assert (
        merge_lines(original, before, after) == "a: one two\n  three  # wrapped\nb: 1\nc: 3\nd: 4\n"
    )
