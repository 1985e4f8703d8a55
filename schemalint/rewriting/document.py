"""Rewrite a whole document and give it back in its own format and kind: a tools list stays a
tools list (each tool's parameters rewritten), JSON keeps its indentation, YAML stays YAML."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from schemalint import pointer as jp
from schemalint.config import Settings
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.load.reader import Document
from schemalint.model import quoted
from schemalint.rewriting.engine import AppliedChange, Judge, rewrite_schema
from schemalint.rewriting.patch import Operation
from schemalint.rewriting.textedit import edit_json
from schemalint.walk import SchemaTooLarge, check_depth


@dataclass
class DocumentRewrite:
    kind: str | None
    """What the document is (see ``normalise``); None when it was refused before that."""
    original: str
    data: Any
    changes: list[tuple[str, AppliedChange]] = field(default_factory=list)
    """Each change with the pointer, in the user's file, of the schema it was made in."""
    rolled_back: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    """What measurement said of each change it judged (with ``--measure``)."""
    text: str = ""
    refused: str | None = None
    """Why the document was left as it is: one schema in it cannot be rewritten at all."""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def rewrite_document(
    document: Document, settings: Settings, unsafe: bool, judge: Judge | None = None
) -> DocumentRewrite:
    """Raises NotASchema for documents that are not schemas or tool lists."""
    try:
        check_depth(document.data)  # before normalising and copying it, which recurse
    except SchemaTooLarge as error:
        return _refused(None, document, f"the input is {error}")
    normalised = normalise(document.data)
    result = DocumentRewrite(normalised.kind, document.text, copy.deepcopy(document.data))
    if normalised.tools:
        for tool in normalised.tools:
            parameters = _get(result.data, tool.parameters_pointer)
            if parameters is None:
                continue  # a tool without parameters has nothing to rewrite
            done = rewrite_schema(parameters, settings, unsafe, judge)
            if done.refused is not None:
                refusal = f"tool {quoted(tool.name)}: {done.refused}"
                return _refused(normalised.kind, document, refusal)
            result.data = _set(result.data, tool.parameters_pointer, done.schema)
            result.changes += [(tool.parameters_pointer, change) for change in done.changes]
            result.rolled_back += done.rolled_back
            result.decisions += done.decisions
    else:
        done = rewrite_schema(result.data, settings, unsafe, judge)
        if done.refused is not None:
            return _refused(normalised.kind, document, done.refused)
        result.data = done.schema
        result.changes = [("", change) for change in done.changes]
        result.rolled_back = done.rolled_back
        result.decisions = done.decisions
    result.text = _rewritten_text(document, result) if result.changed else document.text
    return result


def _rewritten_text(document: Document, result: DocumentRewrite) -> str:
    """The edited JSON or YAML where it can be had, else the document written out whole."""
    edited = edited_json(document, result) or edited_yaml(document, result)
    return render(result.data, document) if edited is None else edited


def edited_json(document: Document, result: DocumentRewrite) -> str | None:
    """JSON edited where the changes are, every other line kept byte for byte; None for YAML
    and for JSON the edits cannot place (see :func:`edit_json`)."""
    if document.syntax != "json":
        return None
    return edit_json(document.text, document.data, _operations(result), result.data)


def edited_yaml(document: Document, result: DocumentRewrite) -> str | None:
    """YAML edited through a round-trip model, its comments kept; None for JSON and for YAML
    that ruamel.yaml cannot write back exactly (see :func:`edit_yaml`)."""
    if document.syntax != "yaml":
        return None
    from schemalint.rewriting.yamledit import edit_yaml

    return edit_yaml(document.text, _operations(result), result.data)


def _operations(result: DocumentRewrite) -> list[Operation]:
    """Every change's operations, with pointers into the whole document."""
    return [
        {**operation, "path": where + operation["path"]}
        for where, change in result.changes
        for operation in change.operations
    ]


def _refused(kind: str | None, document: Document, reason: str) -> DocumentRewrite:
    """All or nothing: a document with a schema that cannot be rewritten is left as it is."""
    return DocumentRewrite(kind, document.text, document.data, text=document.text, refused=reason)


def _get(data: Any, pointer: str) -> Any:
    for token in jp.split(pointer):
        if isinstance(data, list):
            data = data[int(token)]
        elif isinstance(data, dict) and token in data:
            data = data[token]
        else:
            return None
    return data


def _set(data: Any, pointer: str, value: Any) -> Any:
    tokens = jp.split(pointer)
    if not tokens:
        return value
    parent = _get(data, jp.join("", *tokens[:-1]))
    if isinstance(parent, list):
        parent[int(tokens[-1])] = value
    else:
        parent[tokens[-1]] = value
    return data


def render(data: Any, like: Document) -> str:
    """``data`` written the way ``like`` was: YAML as YAML, JSON with the same indentation."""
    if like.syntax == "yaml":
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text
    indent = _indentation(like.text)
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    text = text + "\n" if like.text.endswith("\n") else text
    return text.replace("\n", "\r\n") if "\r\n" in like.text else text


def _indentation(text: str) -> int | None:
    """The indent of the first indented line; None for single-line JSON."""
    if "\n" not in text.strip():
        return None
    match = re.search(r"\n([ \t]+)\S", text)
    if match is None:
        return None
    return 4 if "\t" in match.group(1) else len(match.group(1))


def setting_hints(settings: Settings) -> list[str]:
    """The LMFE settings or upgrade a rewrite needs to pay off (none when LMFE is no target)."""
    if "lmfe" not in settings.targets:
        return []
    enforcer = detect_settings(settings.lmfe_version, settings.strict_field_order)
    hints = []
    if not enforcer.strict_field_order:
        hints.append(
            "set LMFE_STRICT_JSON_FIELD_ORDER=true when generating: without it LMFE lets the "
            "model write keys in any order, and the rewritten order only helps if it is followed"
        )
    if not enforcer.has_multi_branch_shortcut:
        hints.append(
            f"upgrade lm-format-enforcer to >= 0.10.8 ({enforcer.describe()}): older versions "
            "lose the free-text shortcut in any multi-branch union"
        )
    return hints
