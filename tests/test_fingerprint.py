"""Fingerprints: the same finding keeps its fingerprint across edits that do not touch it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from schemalint.config import Settings
from schemalint.engine import check_data, check_file
from schemalint.fingerprint import canonical
from tests.conftest import SAMPLES

PINNED = Settings(lmfe_version="0.11.3", strict_field_order=False)
TOOLS = json.loads((SAMPLES / "openai_tools.json").read_text(encoding="utf-8"))


def prints(data: Any) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.fingerprint) for f in check_data(data, PINNED).findings)


def tool(data: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(entry for entry in data if entry["function"]["name"] == name)


def test_every_finding_has_a_fingerprint() -> None:
    findings = check_data(TOOLS, PINNED).findings
    assert findings and all(f.fingerprint and len(f.fingerprint) == 16 for f in findings)


def test_reordering_tools_keeps_every_fingerprint() -> None:
    # SL209 is reported at the first of the tools sharing order_number: after the reversal
    # that is another tool, and the fingerprint still matches.
    assert prints(list(reversed(TOOLS))) == prints(TOOLS)


def test_reformatting_and_renaming_the_file_keep_every_fingerprint(tmp_path: Path) -> None:
    indented = tmp_path / "tools.json"
    indented.write_text(json.dumps(TOOLS, indent=4), encoding="utf-8")
    moved = tmp_path / "elsewhere" / "renamed.json"
    moved.parent.mkdir()
    moved.write_text(json.dumps(TOOLS, separators=(",", ":")), encoding="utf-8")
    before, after = check_file(indented, PINNED), check_file(moved, PINNED)
    assert [f.line for f in before.findings] != [f.line for f in after.findings]
    assert [f.fingerprint for f in before.findings] == [f.fingerprint for f in after.findings]


def test_a_field_added_elsewhere_or_a_description_edited_keeps_every_fingerprint() -> None:
    edited = copy.deepcopy(TOOLS)
    refund = tool(edited, "issue_refund")["function"]["parameters"]["properties"]
    refund["currency"] = {"type": "string", "enum": ["EUR", "USD"]}
    lookup = tool(edited, "lookup_order")["function"]["parameters"]["properties"]
    lookup["customer_id"]["description"] = "Reworded, and with a title too."
    lookup["customer_id"]["title"] = "Customer"
    assert prints(edited) == prints(TOOLS)


def test_changing_the_findings_own_subschema_changes_its_fingerprint() -> None:
    edited = copy.deepcopy(TOOLS)
    properties = tool(edited, "lookup_order")["function"]["parameters"]["properties"]
    properties["limit"]["maximum"] = 50
    before = {f.pointer: f.fingerprint for f in check_data(TOOLS, PINNED).findings}
    after = {f.pointer: f.fingerprint for f in check_data(edited, PINNED).findings}
    changed = {pointer for pointer in before if before[pointer] != after[pointer]}
    assert changed == {"/0/function/parameters/properties/limit/maximum"}


def test_the_same_field_in_two_tools_has_two_fingerprints() -> None:
    findings = check_data(TOOLS, PINNED).findings
    order_numbers = [
        f.fingerprint
        for f in findings
        if f.code == "SL201" and f.pointer.endswith("/properties/order_number")
    ]
    assert len(order_numbers) == 3 and len(set(order_numbers)) == 3


def test_renaming_a_tool_changes_the_fingerprints_of_its_findings() -> None:
    edited = copy.deepcopy(TOOLS)
    tool(edited, "escalate_ticket")["function"]["name"] = "hand_over"
    before = {f.pointer: f.fingerprint for f in check_data(TOOLS, PINNED).findings}
    after = {f.pointer: f.fingerprint for f in check_data(edited, PINNED).findings}
    renamed, untouched = (
        "/3/function/parameters/properties/ticket_id",
        "/0/function/parameters/properties/customer_id",
    )
    assert before[renamed] != after[renamed] and before[untouched] == after[untouched]


def test_a_plain_schema_is_keyed_on_the_pointer() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    (first, second) = check_data(schema, PINNED).findings
    assert first.fingerprint != second.fingerprint
    moved = {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}}
    assert prints(moved) == prints(schema)


def test_canonical_form_drops_annotations_but_never_property_names_or_values() -> None:
    schema = {
        "description": "dropped",
        "properties": {"description": {"type": "string", "title": "dropped"}},
        "enum": [{"description": "an instance, kept"}],
    }
    assert canonical(schema) == {
        "properties": {"description": {"type": "string"}},
        "enum": [{"description": "an instance, kept"}],
    }
