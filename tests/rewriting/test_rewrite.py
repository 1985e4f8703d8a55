"""`schemalint rewrite`: pure, validated, stable rewrites; output in the input's format and
kind; written only where the user says; and a restore that maps output back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from schemalint.cli import app
from schemalint.config import Settings
from schemalint.engine import check_data
from schemalint.model import Applicability, Severity
from schemalint.rewriting import rewrites
from schemalint.rewriting.engine import rewrite_schema
from schemalint.rewriting.patch import apply
from schemalint.rewriting.restore import restore
from tests.conftest import SAMPLES, SEED, TWIN

runner = CliRunner()
SETTINGS = Settings(lmfe_version="0.11.3", strict_field_order=False)
INSTANCES = SAMPLES / "instances"


def shape(value: Any) -> Any:
    """A schema without its annotations: what decides the instances it accepts."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in ("description", "title", "$id")}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return value


def seed() -> Any:
    return json.loads(SEED.read_text(encoding="utf-8"))


def test_unsafe_rewrite_of_the_seed_is_exactly_its_hand_rewritten_twin() -> None:
    result = rewrite_schema(seed(), SETTINGS, unsafe=True)
    twin = json.loads(TWIN.read_text(encoding="utf-8"))
    assert json.dumps(shape(result.schema)) == json.dumps(shape(twin))  # key order included
    assert result.rolled_back == []


def test_rewriting_twice_gives_the_result_of_rewriting_once() -> None:
    for unsafe in (False, True):
        once = rewrite_schema(seed(), SETTINGS, unsafe).schema
        twice = rewrite_schema(once, SETTINGS, unsafe)
        assert twice.schema == once and twice.changes == []


def test_rewrites_never_modify_their_input() -> None:
    original = seed()
    before = json.dumps(original)
    rewrite_schema(original, SETTINGS, unsafe=True)
    assert json.dumps(original) == before


def test_every_change_is_a_json_patch_that_replays() -> None:
    original = seed()
    result = rewrite_schema(original, SETTINGS, unsafe=True)
    replayed = original
    for change in result.changes:
        replayed = apply(replayed, change.operations)
    assert replayed == result.schema


def test_safe_rewrites_do_not_drop_the_reason() -> None:
    result = rewrite_schema(seed(), SETTINGS)
    assert all(c.applicability is Applicability.SAFE for c in result.changes)
    assert "reason" in json.dumps(result.schema)
    assert "$defs" not in result.schema  # every non-recursive $ref inlined


def test_the_rewritten_seed_accepts_the_mapped_forward_instances() -> None:
    schema = rewrite_schema(seed(), SETTINGS, unsafe=True).schema
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    for line in (INSTANCES / "function_calling_seed.jsonl").read_text().splitlines():
        instance = json.loads(line)
        thought = instance["tool_calls"][0]["reason"]
        forward = {
            "one_liner_internal_thought": thought,
            "tool_calls": [
                {k: v for k, v in call.items() if k != "reason"} for call in instance["tool_calls"]
            ],
        }
        assert validator.is_valid(forward)


def test_restore_maps_output_back_to_the_original_shape() -> None:
    from jsonschema import Draft202012Validator

    output = json.loads(
        (INSTANCES / "function_calling_rewritten.jsonl").read_text().splitlines()[0]
    )
    restored = restore(seed(), output, SETTINGS)
    assert Draft202012Validator(seed()).is_valid(restored)
    thought = output["one_liner_internal_thought"]
    assert all(call["reason"] == thought for call in restored["tool_calls"])
    assert next(iter(restored["tool_calls"][0])) == "reason"  # where the original lists it


def test_restore_round_trip_through_the_cli(tmp_path: Path) -> None:
    original = json.loads((INSTANCES / "function_calling_seed.jsonl").read_text().splitlines()[0])
    thought = original["tool_calls"][0]["reason"]
    for call in original["tool_calls"]:
        call["reason"] = thought
    forward = {
        "one_liner_internal_thought": thought,
        "tool_calls": [
            {k: v for k, v in c.items() if k != "reason"} for c in original["tool_calls"]
        ],
    }
    output = tmp_path / "out.json"
    output.write_text(json.dumps(forward))
    result = runner.invoke(app, ["restore", str(output), "--schema", str(SEED)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == original


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("reason_maxlength_one_branch.json", "SL202"),
        ("pattern_strings.json", "SL203"),
        ("enum_or_free_string.json", "SL205"),
        ("free_dict.json", "SL108"),
    ],
)
def test_pathological_samples_lose_their_critical_findings(name: str, code: str) -> None:
    schema = json.loads((SAMPLES / "pathological" / name).read_text())
    rewritten = rewrite_schema(schema, SETTINGS, unsafe=True).schema
    before = check_data(schema, SETTINGS).findings
    after = check_data(rewritten, SETTINGS).findings
    assert code in {f.code for f in before}
    assert code not in {f.code for f in after}
    assert not any(f.severity is Severity.CRITICAL for f in after)


def open_object(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {"city": {"type": "string"}},
        "additionalProperties": True,
    }


def test_an_open_object_is_closed_when_its_description_does_not_ask_for_other_keys() -> None:
    rewritten = rewrite_schema(open_object("Weather for a city."), SETTINGS, unsafe=True).schema
    assert rewritten["additionalProperties"] is False


@pytest.mark.parametrize(
    "description",
    ["Filters; any other fields are passed to the backend.", "Extra keys are kept.", "Free-form."],
)
def test_an_open_object_whose_description_asks_for_other_keys_stays_open(
    description: str,
) -> None:
    rewritten = rewrite_schema(open_object(description), SETTINGS, unsafe=True).schema
    assert rewritten.get("additionalProperties", True) is True


def test_a_change_that_breaks_the_meta_schema_is_rolled_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def breaks(analysis: Any, cap: int) -> Any:
        yield rewrites.Change("set type to 42", [rewrites.replace("/type", 42)])

    broken = rewrites.Rewrite("breaks", ("SL101",), Applicability.SAFE, breaks)
    monkeypatch.setattr("schemalint.rewriting.engine.REWRITES", (broken,))
    result = rewrite_schema({"type": "object"}, SETTINGS)
    assert result.schema == {"type": "object"} and result.changes == []
    assert result.rolled_back and "fails its meta-schema" in result.rolled_back[0]


# --- the command -----------------------------------------------------------------------


def copy_sample(tmp_path: Path, name: str) -> Path:
    target = tmp_path / Path(name).name
    target.write_bytes((SAMPLES / name).read_bytes())
    return target


def test_default_prints_the_document_and_writes_nothing(tmp_path: Path) -> None:
    path = copy_sample(tmp_path, "function_calling_seed.json")
    before = path.read_bytes()
    result = runner.invoke(app, ["rewrite", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["properties"]["tool_calls"]
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert "SL103 safe inline-refs" in result.stderr


def test_check_exits_1_when_a_rewrite_would_change_the_file() -> None:
    assert runner.invoke(app, ["rewrite", str(SEED), "--check"]).exit_code == 1
    assert runner.invoke(app, ["rewrite", str(TWIN), "--check"]).exit_code == 0


def test_diff_is_a_unified_diff() -> None:
    result = runner.invoke(app, ["rewrite", str(SEED), "--diff", "--unsafe-fixes"])
    assert result.stdout.startswith(f"--- {SEED}\n+++ {SEED} (rewritten)\n")
    assert '+  "required": ["one_liner_internal_thought", "tool_calls"],' in result.stdout


def test_in_place_keeps_the_indentation(tmp_path: Path) -> None:
    path = copy_sample(tmp_path, "function_calling_seed.json")
    result = runner.invoke(app, ["rewrite", str(path), "--in-place", "--unsafe-fixes"])
    assert result.exit_code == 0 and result.stdout == ""
    text = path.read_text()
    assert text.startswith('{\n  "$schema"') and text.endswith("}\n")
    assert json.loads(text)["required"][0] == "one_liner_internal_thought"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_output_file_is_written_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "fast.json"
    result = runner.invoke(app, ["rewrite", str(SEED), "-o", str(out)])
    assert result.exit_code == 0 and out.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fast.json"]


def test_in_place_on_an_unparsable_file_leaves_it_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"type": "object",\n  "properties": {,}\n')
    result = runner.invoke(app, ["rewrite", str(path), "--in-place"])
    assert result.exit_code == 2 and f"{path}:2:" in result.stderr
    assert path.read_bytes() == b'{"type": "object",\n  "properties": {,}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]


def test_a_tools_list_stays_a_tools_list(tmp_path: Path) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "f",
                "parameters": {
                    "type": "object",
                    "properties": {"o": {"type": "object", "additionalProperties": True}},
                },
            },
        }
    ]
    path = tmp_path / "tools.json"
    path.write_text(json.dumps(tools, indent=4) + "\n")
    result = runner.invoke(app, ["rewrite", str(path)])
    rewritten = json.loads(result.stdout)
    assert rewritten[0]["function"]["parameters"]["properties"]["o"] == {"type": "object"}
    assert result.stdout.startswith('[\n    {\n        "type": "function"')
    assert "(in /0/function/parameters)" in result.stderr


def test_yaml_stays_yaml(tmp_path: Path) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(
        "- name: f\n  input_schema:\n    type: object\n    additionalProperties: true\n"
    )
    result = runner.invoke(app, ["rewrite", str(path)])
    assert yaml.safe_load(result.stdout) == [{"name": "f", "input_schema": {"type": "object"}}]


def test_unchanged_files_come_back_byte_for_byte() -> None:
    result = runner.invoke(app, ["rewrite", str(SAMPLES / "anthropic_tools.yaml")])
    assert result.stdout == (SAMPLES / "anthropic_tools.yaml").read_text()


def test_settings_hints_accompany_a_rewrite() -> None:
    result = runner.invoke(app, ["rewrite", str(SEED), "--no-strict-field-order"])
    assert "hint: set LMFE_STRICT_JSON_FIELD_ORDER=true" in result.stderr
    old = runner.invoke(app, ["rewrite", str(SEED), "--lmfe-version", "0.10.7"])
    assert "upgrade lm-format-enforcer to >= 0.10.8" in old.stderr


def test_not_a_schema_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    result = runner.invoke(app, ["rewrite", str(path)])
    assert result.exit_code == 2 and "not a tools list" in result.stderr


def test_unsafe_rewrites_say_what_the_result_accepts_differently(tmp_path: Path) -> None:
    def open_object(**properties: Any) -> dict[str, Any]:
        return {"type": "object", "properties": properties, "additionalProperties": True}

    schema = open_object(a=open_object(x={"type": "string"}), b=open_object(y={"type": "string"}))
    path = tmp_path / "open.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = runner.invoke(app, ["rewrite", str(path), "--unsafe-fixes"])
    assert result.exit_code == 0
    assert (
        "unsafe: close-open-objects: closes 3 objects; instances with other keys will be refused"
        in result.stderr
    )
    safe = runner.invoke(app, ["rewrite", str(path)])
    assert "unsafe:" not in safe.stderr


def test_every_unsafe_rewrite_states_its_trade_and_no_safe_one_does() -> None:
    for rewrite in rewrites.REWRITES:
        assert bool(rewrite.trade) == (rewrite.applicability is Applicability.UNSAFE)
