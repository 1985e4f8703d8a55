"""Turn output generated with the rewritten tool-call schema back into the original's shape:
the top-level ``one_liner_internal_thought`` becomes each call's ``reason`` again."""

from __future__ import annotations

import copy
from typing import Any

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.lmfe import detect_settings
from schemalint.rewriting.rewrites import THOUGHT, PerCallThought, per_call_thoughts


def restore(original_schema: Any, output: Any, settings: Settings) -> Any:
    """``output`` (valid for the rewritten schema) in the shape ``original_schema`` expects."""
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    calls = per_call_thoughts(analyse(original_schema, enforcer))
    restored = copy.deepcopy(output)
    if not calls or not isinstance(restored, dict) or THOUGHT not in restored:
        return restored
    thought = restored.pop(THOUGHT)
    todo = [restored]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for call in calls:
                if item.get(call.key) == call.value:
                    _put_back(item, call, thought)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return restored


def forward(original_schema: Any, instance: Any, settings: Settings) -> Any:
    """The inverse of :func:`restore`: an instance of the original schema in the shape of its
    rewrite — per-call fields dropped, the first call's value (on one line) as the top-level
    thought."""
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    calls = per_call_thoughts(analyse(original_schema, enforcer))
    moved = copy.deepcopy(instance)
    if not calls or not isinstance(moved, dict):
        return moved
    thoughts: list[Any] = []
    todo: list[Any] = [moved]
    while todo:
        item = todo.pop(0)
        if isinstance(item, dict):
            for call in calls:
                if item.get(call.key) == call.value:
                    thoughts += [item.pop(name) for name in call.fields if name in item]
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    if not thoughts:
        return moved
    first = thoughts[0]
    # The thought is one line: a line break would cost the enforcer a slow escape step.
    return {THOUGHT: " ".join(first.split()) if isinstance(first, str) else first, **moved}


def _put_back(item: dict[str, Any], call: PerCallThought, thought: Any) -> None:
    """Re-insert the dropped fields where the original schema lists them."""
    order = list(call.branch.schema.get("properties", {}))
    values = {name: thought for name in call.fields if name not in item} | item
    item.clear()
    item.update(
        {
            k: values[k]
            for k in sorted(values, key=lambda k: order.index(k) if k in order else len(order))
        }
    )
