"""The schemas the instance tests share: the samples, analysed as the probe analyses them."""

from __future__ import annotations

import json
from typing import Any

import yaml
from jsonschema.validators import validator_for

from schemalint.analysis import Analysis, analyse
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from tests.conftest import SAMPLES

SAMPLE_FILES = [
    "function_calling_seed.json",
    "function_calling_rewritten.json",
    "openai_tools.json",
    "anthropic_tools.yaml",
    "mcp_tools.json",
    "pathological/reason_maxlength_one_branch.json",
    "pathological/pattern_strings.json",
    "pathological/enum_or_free_string.json",
    "pathological/free_dict.json",
]


def analysed(schema: Any) -> Analysis:
    return analyse(schema, detect_settings("0.11.3", False))


def sample(name: str) -> Analysis:
    path = SAMPLES / name
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)
    return analysed(normalise(data).schema)


def errors(schema: Any, instance: Any) -> list[str]:
    validator = validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
