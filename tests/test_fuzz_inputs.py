"""Corpus schemas, broken on purpose: whatever the input, `check` answers with findings and
`rewrite` with a result or a one-line error. Never an exception, a traceback, a network call,
or a changed input file (but for `--in-place`, which leaves valid JSON)."""

from __future__ import annotations

import copy
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from schemalint.cli import app
from schemalint.targets import TARGETS
from schemalint.walk import walk
from tests.conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent"),
]

SEED = 12
FILES = 8
"""Corpus files mutated, each in every way below."""
HUGE = "x" * 2_000_000
#: A JSON value spliced into the text where the placeholder string was.
SPLICE = "@@splice@@"

runner = CliRunner()


def pick(schema: Any, rng: random.Random) -> dict[str, Any]:
    """A random subschema that is an object, to break."""
    return rng.choice([node.schema for node in walk(schema) if isinstance(node.schema, dict)])


def spliced(
    raw: str, keys: tuple[str, ...] = ("title", "maximum", "default", "const")
) -> Callable[[dict[str, Any], random.Random], str]:
    """Put JSON text in a keyword that Python's json would not write, or not this deep."""

    def mutate(schema: dict[str, Any], rng: random.Random) -> str:
        pick(schema, rng)[rng.choice(keys)] = SPLICE
        return json.dumps(schema, indent=2).replace(f'"{SPLICE}"', raw, 1)

    return mutate


def setting(key: str, value: Any) -> Callable[[dict[str, Any], random.Random], str]:
    def mutate(schema: dict[str, Any], rng: random.Random) -> str:
        pick(schema, rng)[key] = value
        return json.dumps(schema, indent=2)

    return mutate


def truncated(schema: dict[str, Any], rng: random.Random) -> str:
    text = json.dumps(schema, indent=2)
    return text[: rng.randrange(1, len(text))]


def nulls(schema: dict[str, Any], rng: random.Random) -> str:
    for _ in range(3):
        node = pick(schema, rng)
        if node:
            node[rng.choice(sorted(node))] = None
    return json.dumps(schema, indent=2)


def huge_string(schema: dict[str, Any], rng: random.Random) -> str:
    return setting(rng.choice(["type", "description", "pattern", "$ref", "enum"]), HUGE)(
        schema, rng
    )


def duplicate_keys(schema: dict[str, Any], rng: random.Random) -> str:
    """The root's keys again, first with other values (json keeps the last of each), then
    after them, where the other values win."""
    text = json.dumps(schema, indent=2)
    keys = sorted(schema) or ["type"]
    others = ", ".join(f'"{key}": {rng.choice(["null", "[]", "{}", "7"])}' for key in keys)
    if rng.random() < 0.5:
        return "{" + others + ("," if schema else "") + text[1:]
    return text[:-1].rstrip() + ("," if schema else "") + others + "}"


def tool_with_bad_definitions(schema: dict[str, Any], rng: random.Random) -> str:
    """An Anthropic tools list, whose definitions are moved to the combined schema's root."""
    schema[rng.choice(["$defs", "definitions"])] = rng.choice([None, [1], "x", 7])
    return json.dumps([{"name": "tool", "input_schema": schema}], indent=2)


MUTATIONS: dict[str, Callable[[dict[str, Any], random.Random], str]] = {
    "truncated": truncated,
    "huge string": huge_string,
    "number 1e400": spliced("1e400"),
    "integer of 5001 digits": spliced("1" + "0" * 5000),
    "nulls": nulls,
    "lists 950 deep": spliced("[" * 950 + "]" * 950),
    "objects 600 deep in a title": spliced('{"a":' * 600 + "1" + "}" * 600, ("title",)),
    "missing $ref target": setting("$ref", "#/$defs/missing"),
    "self $ref": setting("$ref", "#"),
    "$ref to #/nope": setting("$ref", "#/nope"),
    "remote $ref": setting("$ref", "https://example.com/schemas/remote.json#/$defs/x"),
    "duplicate keys": duplicate_keys,
    "a tool's definitions not an object": tool_with_bad_definitions,
}


@dataclass
class Tally:
    files: int = 0
    runs: int = 0
    problems: list[str] = field(default_factory=list)

    def run(self, label: str, args: list[str], codes: set[int]) -> Result:
        """Run the CLI, noting each way it misbehaves: an exception, a traceback, an internal
        error, an unexpected exit code, or exit code 2 without a one-line error."""
        self.runs += 1
        result = runner.invoke(app, args)
        escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
        if escaped or "Traceback" in result.stdout or "internal error" in result.stderr:
            self.problems.append(f"{label}: {args[0]} raised {result.exception!r}")
        elif result.exit_code not in codes:
            self.problems.append(f"{label}: {args[0]} exited {result.exit_code}")
        elif result.exit_code == 2 and not (
            result.stderr.startswith("schemalint: error: ") and result.stderr.count("\n") == 1
        ):
            self.problems.append(f"{label}: {args[0]} exited 2 with {result.stderr[:200]!r}")
        return result


def test_mutated_corpus_schemas_never_crash_check_or_rewrite(
    tmp_path: Path, no_network: list[object]
) -> None:
    rng = random.Random(SEED)
    sources = rng.sample(sorted(CORPUS.glob("*/*.json")), FILES)
    folder = tmp_path / "mutated"
    folder.mkdir()
    tally = Tally()
    for source in sources:
        original = json.loads(source.read_text(encoding="utf-8"))["schema"]
        root = original if isinstance(original, dict) else {"anyOf": [original]}
        for name, mutate in MUTATIONS.items():
            label = f"{source.parent.name}/{source.name} ({name})"
            path = folder / f"{tally.files:03d}.json"
            path.write_text(mutate(copy.deepcopy(root), rng), encoding="utf-8")
            tally.files += 1
            before = path.read_bytes()
            tally.run(label, ["check", str(path), "-f", "json"], {0, 1})
            tally.run(label, ["rewrite", str(path), "--unsafe-fixes"], {0, 1, 2})
            if path.read_bytes() != before:
                tally.problems.append(f"{label}: the input file changed")
            in_place = tmp_path / "in_place.json"
            shutil.copy(path, in_place)
            result = tally.run(label, ["rewrite", str(in_place), "--in-place"], {0, 1, 2})
            after = in_place.read_bytes()
            if after != before and (result.exit_code != 0 or not _is_json(after)):
                tally.problems.append(f"{label}: --in-place wrote {after[:80]!r}")
    report = tally.run("the folder", ["check", str(folder), "-f", "json"], {0, 1})
    if report.exit_code in (0, 1):
        output = json.loads(report.stdout)  # a walk skips what no longer looks like a schema
        if len(output["files"]) + len(output["summary"]["skipped"]) != tally.files:
            tally.problems.append("the folder: not every file is reported or counted skipped")
    every_target = ",".join(TARGETS)
    tally.run("the folder, every target", ["check", str(folder), "--target", every_target], {0, 1})
    print(f"\nfuzz: {tally.files} mutated files, {tally.runs} runs, {len(tally.problems)} problems")
    assert tally.problems == []
    assert no_network == []


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True
