"""Apply JSON Patch operations to YAML through ruamel.yaml's round-trip model, so that a
rewritten YAML file keeps its comments, its quoting, its flow-style lists and its indentation:
a review of an ``--in-place`` commit then shows the change, not a re-serialised file.

ruamel.yaml is imported here only, when a YAML document is rewritten."""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from schemalint.load.reader import Document, parse_document
from schemalint.rewriting.patch import Operation, apply_operation
from schemalint.rewriting.textedit import same

if TYPE_CHECKING:
    from ruamel.yaml import YAML

MAX_MERGED_LINES = 5_000
"""Lines past which ruamel's output is taken whole (comments kept, long lines re-wrapped):
matching the lines of the original with it takes seconds at 6,000 lines, 30 at 20,000."""

_WRAPPED = 100
"""Lines past this long were not wrapped by a dumper (PyYAML and ruamel wrap at 80)."""

_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)

_OWNER_LINE = re.compile(r"^( *)(?:- +)?[^\s#-][^#\n]*:[ \t]*(?:#.*)?$")
"""A line that opens a block: a key with nothing (but a comment) after its colon."""


def edit_yaml(text: str, operations: list[Operation], expected: Any) -> str | None:
    """``text`` with ``operations`` applied to its round-trip tree; None when that fails or the
    output does not parse (with schemalint's own safe loader) to exactly ``expected``, in
    which case the caller writes the document out whole, comments lost."""
    try:
        before, after = _round_trip(text, operations)
    except Exception:  # any failure in ruamel.yaml means: fall back to a plain dump
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    original = text.replace("\r\n", "\n")
    # ruamel leaves a space at the end of each line where it wraps a plain scalar; inside a
    # block scalar such a space is content, so the unstripped lines are tried next, and last
    # ruamel's whole output (comments kept, long lines re-wrapped).
    candidates = [after]
    if original.count("\n") <= MAX_MERGED_LINES:
        stripped = (_TRAILING_SPACE.sub("", before), _TRAILING_SPACE.sub("", after))
        candidates[:0] = [merge_lines(original, *stripped), merge_lines(original, before, after)]
    for candidate in candidates:
        candidate = candidate.replace("\n", newline)
        parsed = parse_document("rewritten.yaml", candidate.encode(), ".yaml")
        if isinstance(parsed, Document) and same(parsed.data, expected):
            return candidate
    return None


def _round_trip(text: str, operations: list[Operation]) -> tuple[str, str]:
    """ruamel.yaml's output for ``text`` as it is, then with ``operations`` applied."""
    yaml = _yaml_like(text)
    tree = yaml.load(text)
    before = _dumped(yaml, tree)
    for operation in operations:
        tree = _apply(tree, operation)
    return before, _dumped(yaml, tree)


def _dumped(yaml: YAML, tree: Any) -> str:
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def merge_lines(original: str, before: str, after: str) -> str:
    """``original`` with the lines that changed from ``before`` to ``after`` changed likewise.

    ruamel.yaml writes back what it loaded with small differences (it re-wraps long plain
    scalars, for one); taking only the changed lines from its output, between lines that
    ``original`` and ``before`` share, leaves every other line as the user wrote it."""
    ours, base, theirs = (t.splitlines(keepends=True) for t in (original, before, after))
    in_ours, in_theirs = _shared(base, ours), _shared(base, theirs)

    anchors = [-1, *(line for line in in_ours if line in in_theirs), len(base)]
    in_ours[-1] = in_theirs[-1] = -1
    in_ours[len(base)], in_theirs[len(base)] = len(ours), len(theirs)
    changed = []
    for before_gap, after_gap in pairwise(anchors):
        lines = theirs[in_theirs[before_gap] + 1 : in_theirs[after_gap]]
        if base[before_gap + 1 : after_gap] != lines:  # the rewrite changed this gap
            changed.append((in_ours[before_gap] + 1, in_ours[after_gap], lines))
    for ours_from, ours_to, lines in reversed(changed):
        ours[ours_from:ours_to] = lines
    return "".join(ours)


def _shared(first: list[str], second: list[str]) -> dict[int, int]:
    """For each line of ``first`` that a longest matching of the two keeps, its line in
    ``second``."""
    from difflib import SequenceMatcher

    blocks = SequenceMatcher(None, first, second).get_matching_blocks()
    return {a + k: b + k for a, b, size in blocks for k in range(size)}


def _yaml_like(text: str) -> YAML:
    """A round-trip YAML that writes new blocks indented the way ``text`` indents its own, and
    does not re-wrap long lines that the original left long."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    mapping, offset = detect_indent(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    longest = max((len(line) for line in text.splitlines()), default=0)
    yaml.width = longest if longest > _WRAPPED else 80
    return yaml


def detect_indent(text: str) -> tuple[int, int]:
    """How far a nested mapping is indented, and how far a block sequence's dash is indented
    from its key (0 for ``key:\\n- item``, 2 for ``key:\\n  - item``); 2 and 0 by default."""
    mapping: int | None = None
    offset: int | None = None
    lines = [
        line
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and line.strip() != "---"
    ]
    for line, following in pairwise(lines):
        owner = _OWNER_LINE.match(line)
        if owner is None:
            continue
        column = len(owner.group(1)) + (2 if line.lstrip().startswith("-") else 0)
        inner = len(following) - len(following.lstrip(" "))
        if following.lstrip().startswith("- "):
            offset = inner - column if offset is None and inner >= column else offset
        elif inner > column and mapping is None:
            mapping = inner - column
        if mapping is not None and offset is not None:
            break
    return mapping or 2, offset or 0


def _apply(tree: Any, operation: Operation) -> Any:
    """``tree`` with one operation applied in place; a replaced value is merged into the old one
    so that the comments inside the parts it keeps stay where they were."""
    return apply_operation(tree, operation, _commented, _merge)


def _merge(old: Any, new: Any) -> Any:
    """``new``, reusing ``old``'s round-trip nodes (and so their comments and styles) wherever
    ``new`` keeps what was there."""
    if same(old, new):
        return old
    if isinstance(old, OrderedDict) and isinstance(new, dict):  # a CommentedMap
        for key in [key for key in old if key not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else _commented(value)
        if list(old) != list(new):
            for key in new:
                old.move_to_end(key)
        return old
    if isinstance(old, list) and isinstance(new, list):
        del old[len(new) :]
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = _merge(old[index], value)
            else:
                old.append(_commented(value))
        return old
    return _commented(new)


def _commented(value: Any) -> Any:
    """A new value as round-trip nodes, written in block style like the rest of the file."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((key, _commented(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value
