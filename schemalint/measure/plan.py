"""The walk plan: which instances to walk so that, together, they reach every tool, every
branch of every union, every optional property, and every pointer a static finding names.

One generated instance reaches one branch of each union, so a single walk of a 20-tool list
measures one tool. The plan lists goals in the order the budget should spend itself on them
(static findings, then tools, then the rest), steers the generator to each goal in turn, and
keeps an instance only when it reaches something no earlier one did. Goals the generator
cannot reach are reported, not silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from schemalint import pointer as jp
from schemalint.analysis import Analysis, is_free_text, required_names
from schemalint.analysis.unions import discriminated_branches
from schemalint.dialect import validator_class_for
from schemalint.measure.generator import Steering, generate_instance
from schemalint.measure.locate import reached_by_path
from schemalint.walk import DEFINITIONS, UNIONS

_MAX_REF_HOPS = 16
MAX_WALKS = 64
"""Planned instances at most: a plan is for measuring, and each walk costs enforcer time."""

#: What a goal is there for, in the order the budget is spent on them.
FINDING, TOOL, BRANCH, MEMBER, ROOT = "finding", "tool", "branch", "optional property", "root"
_RANK = {FINDING: 0, TOOL: 1, BRANCH: 2, MEMBER: 2, ROOT: 3}


@dataclass(frozen=True)
class Goal:
    pointer: str
    """The analysed-schema pointer a walk must reach."""
    kind: str
    label: str
    """What to call it in a report: a tool's name, a rule code, a property's name."""
    key_first: bool = False
    """Write the key leading to ``pointer`` before the union's discriminator (the condition of
    a free-text-before-the-decision finding under loose key order)."""
    first_in_object: bool = False
    """Write the key leading to ``pointer`` first in its object (loose key order), so that a
    field before it that stalls or fails does not end the walk before it is tested."""
    quoted: bool = False
    """Write a quotation into the free text at ``pointer`` (:func:`with_quote`)."""
    prose: bool = False
    """Write a sentence into the patterned string at ``pointer`` (:func:`with_prose`)."""

    @property
    def rank(self) -> int:
        return _RANK[self.kind]


@dataclass
class PlannedWalk:
    label: str
    instance: Any
    reached: frozenset[str]
    """Every subschema the instance passes through (``$ref`` targets and branches included)."""
    goals: list[Goal]
    """The goals it was planned for and reaches."""


@dataclass
class Plan:
    goals: list[Goal]
    walks: list[PlannedWalk] = field(default_factory=list)
    unreachable: list[Goal] = field(default_factory=list)
    """Goals no generated instance reached."""


def tool_goals(analysis: Analysis, tools: Iterable[tuple[str, str]]) -> list[Goal]:
    """One goal per tool, given as (analysed-schema pointer, name)."""
    return [Goal(pointer, TOOL, name) for pointer, name in tools if pointer in analysis.by_pointer]


def tool_branches(analysis: Analysis) -> list[tuple[str, str]]:
    """The tool calls of a union of calls: branches told apart by a fixed ``name``, each as
    (pointer, name)."""
    found = {}
    for branch, key in discriminated_branches(analysis):
        if key == "name":
            fixed = dict(analysis.properties(branch))[key].schema
            value = fixed.get("const", (fixed.get("enum") or [None])[0])
            found[branch.pointer] = str(value)
    return list(found.items())


def coverage_goals(analysis: Analysis) -> list[Goal]:
    """Every branch of every used union and every optional property, in document order."""
    found = []
    for node in analysis.used_nodes:
        schema = node.schema
        if not isinstance(schema, dict):
            continue
        for keyword in UNIONS:
            branches = schema.get(keyword)
            if isinstance(branches, list) and len(branches) > 1:
                found += [
                    Goal(jp.join(node.pointer, keyword, i), BRANCH, f"{keyword} branch {i}")
                    for i, branch in enumerate(branches)
                    if branch is not False
                ]
        properties = schema.get("properties")
        required = required_names(schema)
        if isinstance(properties, dict):
            found += [
                Goal(jp.join(node.pointer, "properties", name), MEMBER, name)
                for name, member in properties.items()
                if name not in required and member is not False
            ]
    return found


def route(analysis: Analysis, pointer: str) -> Steering | None:
    """The union branches and optional members an instance must take to reach ``pointer``,
    through the ``$ref``s that lead into definitions; None when nothing leads there."""
    branches: dict[str, int] = {}
    members: set[str] = set()
    current = pointer
    for _ in range(_MAX_REF_HOPS):
        tokens = jp.split(current)
        for index, token in enumerate(tokens[:-1]):
            owner = jp.join("", *tokens[:index])
            if token in UNIONS and tokens[index + 1].isdigit():
                branches.setdefault(jp.join(owner, token), int(tokens[index + 1]))
            elif token == "properties":
                members.add(jp.join(owner, token, tokens[index + 1]))
        if not tokens or tokens[0] not in DEFINITIONS:
            return Steering(branches, frozenset(members))
        referrers = [
            ref for ref in analysis.used_refs if ref.target and jp.within(current, ref.target)
        ]
        if not referrers:
            return None
        current = max(referrers, key=lambda ref: len(ref.target or "")).source
    return None


def make_plan(
    analysis: Analysis, goals: list[Goal], seed: int = 0, max_walks: int = MAX_WALKS
) -> Plan:
    """Instances that together reach the ``goals``, most important first. Each instance is
    steered to the first goal not yet reached, and takes along every later goal whose route
    agrees with it; an instance that reaches nothing new is dropped.

    A finding's walk is a test, not coverage: it may stall or fail where the finding is, so
    what it would write after that is still planned for in walks of its own."""
    whole = Goal("", ROOT, "the schema")  # so that a schema with no other goal gets a walk
    plan = Plan(sorted([*goals, whole], key=lambda goal: goal.rank))
    reached: set[str] = set()
    pending = list(plan.goals)
    while pending and len(plan.walks) < max_walks:
        lead = pending[0]
        testing = lead.kind == FINDING
        steering = route(analysis, lead.pointer)
        if steering is None:
            plan.unreachable.append(pending.pop(0))
            continue
        riders = []
        for goal in pending[1:]:
            conditioned = goal.key_first or goal.first_in_object or goal.quoted or goal.prose
            if conditioned or (goal.kind == FINDING) != testing:
                continue  # a condition of its own, or a test beside coverage: walks of their own
            extra = route(analysis, goal.pointer)
            if extra is not None and steering.agrees(extra):
                steering = steering.combined(extra)
                riders.append(goal)
        instance = generate_instance(analysis, seed + len(plan.walks), steering=steering)
        by_path = reached_by_path(analysis, instance)
        if lead.key_first:
            instance = key_first(analysis, instance, by_path, lead.pointer)
        elif lead.first_in_object:
            instance = first_in_object(instance, by_path, lead.pointer)
        if lead.quoted:
            instance = with_quote(analysis, instance, by_path, lead.pointer)
        if lead.prose:
            instance = with_prose(analysis, instance, by_path, lead.pointer)
        passed = frozenset(p for parts in by_path.values() for p in parts)
        met = [goal for goal in (lead, *riders) if goal.pointer in passed]
        if (testing and lead in met) or (not testing and passed - reached):
            plan.walks.append(PlannedWalk(_label(lead, len(plan.walks)), instance, passed, met))
            if not testing:
                reached |= passed
        pending = [
            goal
            for goal in pending[1:]
            if goal not in met and (goal.kind == FINDING or goal.pointer not in reached)
        ]
        if lead not in met:
            plan.unreachable.append(lead)
    plan.unreachable += [goal for goal in pending if goal.pointer not in reached]
    return plan


def _label(goal: Goal, number: int) -> str:
    why = {FINDING: "for", TOOL: "tool", BRANCH: "to reach", MEMBER: "to write", ROOT: "of"}
    return f"plan {number + 1}: {why[goal.kind]} {goal.label}"


def _path_to(by_path: dict[str, frozenset[str]], pointer: str) -> str | None:
    """The instance path of the first value ``pointer`` describes (None: no value does)."""
    return next((path for path, parts in by_path.items() if pointer in parts), None)


def key_first(
    analysis: Analysis, instance: Any, by_path: dict[str, frozenset[str]], pointer: str
) -> Any:
    """``instance`` with the key that leads to ``pointer`` moved to the front of the nearest
    enclosing object that holds a discriminator (a ``const`` member): the field is then written
    while every branch of the union is still alive, as a model may under loose key order."""
    path = _path_to(by_path, pointer)
    if path is None:
        return instance
    tokens = jp.split(path)
    for depth in range(len(tokens) - 1, -1, -1):
        owner = jp.join("", *tokens[:depth])
        value = _at(instance, tokens[:depth])
        if isinstance(value, dict) and _has_discriminator(analysis, by_path, owner, value):
            key = tokens[depth]
            return _with_first(instance, tokens[:depth], key)
    return instance


def first_in_object(instance: Any, by_path: dict[str, frozenset[str]], pointer: str) -> Any:
    """``instance`` with the key that leads to ``pointer`` moved to the front of its object."""
    path = _path_to(by_path, pointer)
    tokens = jp.split(path) if path else []
    if not tokens or not isinstance(_at(instance, tokens[:-1]), dict):
        return instance
    return _with_first(instance, tokens[:-1], tokens[-1])


#: Sentences a model might write into a prose field, tried in turn against its pattern.
_SENTENCES = (
    "Please check the delivery window for the second order",
    "please check the delivery window for the second order",
    "Check delivery window",
    "check-delivery-window",
)


def with_prose(
    analysis: Analysis, instance: Any, by_path: dict[str, frozenset[str]], pointer: str
) -> Any:
    """``instance`` with a sentence in the patterned string at ``pointer``, when one of
    :data:`_SENTENCES` fits its schema: a generator meeting a pattern writes its shortest match
    (often ""), and LMFE's regex walk costs seconds only over text."""
    path = _path_to(by_path, pointer)
    schema = analysis.deref(analysis.by_pointer[pointer]).schema
    if path is None:
        return instance
    validator = validator_class_for(schema)(schema)
    for sentence in _SENTENCES:
        try:
            fits = validator.is_valid(sentence)
        except (re.error, RecursionError):
            return instance
        if fits:
            return _replaced(instance, jp.split(path), sentence)
    return instance


def with_quote(
    analysis: Analysis, instance: Any, by_path: dict[str, frozenset[str]], pointer: str
) -> Any:
    """``instance`` with a quotation added to the free text at ``pointer``: its escaped quote
    (``\\"``) is where LMFE leaves its free-text shortcut and walks the whole vocabulary for
    every live branch (0.14 s a step with one, 3.1 s with six: LMFE-FINDINGS), and models quote
    the user in their reasons."""
    path = _path_to(by_path, pointer)
    schema = analysis.deref(analysis.by_pointer[pointer]).schema
    if path is None or not is_free_text(schema) or "pattern" in schema:
        return instance
    tokens = jp.split(path)
    text = _at(instance, tokens)
    quoted = f'{text} ("as asked")'
    limit = schema.get("maxLength")
    if not isinstance(text, str) or (isinstance(limit, int) and len(quoted) > limit):
        return instance
    return _replaced(instance, tokens, quoted)


def _replaced(instance: Any, tokens: list[str], value: Any) -> Any:
    if not tokens:
        return value
    head, rest = tokens[0], tokens[1:]
    if isinstance(instance, list):
        copy = list(instance)
        copy[int(head)] = _replaced(instance[int(head)], rest, value)
        return copy
    return {**instance, head: _replaced(instance[head], rest, value)}


def _has_discriminator(
    analysis: Analysis, by_path: dict[str, frozenset[str]], owner: str, value: dict[str, Any]
) -> bool:
    for key in value:
        for pointer in by_path.get(jp.join(owner, key), frozenset()):
            node = analysis.by_pointer.get(pointer)
            if node is not None and isinstance(node.schema, dict) and "const" in node.schema:
                return True
    return False


def _at(instance: Any, tokens: list[str]) -> Any:
    for token in tokens:
        instance = instance[int(token)] if isinstance(instance, list) else instance[token]
    return instance


def _with_first(instance: Any, tokens: list[str], key: str) -> Any:
    owner = _at(instance, tokens)
    reordered = {key: owner[key], **{k: v for k, v in owner.items() if k != key}}
    return _replaced(instance, tokens, reordered)


#: Subschemas that test a value without describing what is written, which no walk reaches.
_NOT_WRITTEN = frozenset(
    {"not", "if", "then", "else", "propertyNames", "contains", "contentSchema"}
    | {"dependentSchemas", "dependencies"}
)
#: Members beside declared ``properties``: LMFE never writes an undeclared key there (SL109).
_EXTRA_MEMBERS = frozenset({"additionalProperties", "unevaluatedProperties"})


def walkable(analysis: Analysis) -> list[str]:
    """The used subschemas that describe a value a model writes: what coverage counts."""
    found = []
    for node in analysis.used_nodes:
        if not isinstance(node.schema, dict):
            continue
        tokens = jp.split(node.pointer)
        if _NOT_WRITTEN.intersection(tokens):
            continue
        parent = analysis.by_pointer.get(node.parent) if node.parent is not None else None
        if (
            node.keyword in _EXTRA_MEMBERS
            and parent is not None
            and isinstance(parent.schema, dict)
            and parent.schema.get("properties")
        ):
            continue
        found.append(node.pointer)
    return found


@dataclass(frozen=True)
class Coverage:
    """How much of the schema the walks reached."""

    subschemas: tuple[int, int]
    """Walked and total."""
    tools: tuple[int, int] | None
    """Walked and total; None for a schema that is not a tool union."""
    missed_tools: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    """Pointers of the walkable subschemas no walk reached."""

    @property
    def complete(self) -> bool:
        return not self.missed and not self.missed_tools

    def line(self) -> str:
        """``measured 20/20 tools, 143/151 subschemas``, and what was not walked."""
        parts = [f"{self.tools[0]}/{self.tools[1]} tools"] if self.tools else []
        parts.append(f"{self.subschemas[0]}/{self.subschemas[1]} subschemas")
        return "measured " + ", ".join(parts) + self.not_walked()

    def not_walked(self) -> str:
        """``; not walked: tools a, b; /anyOf/3/… and 4 more``, or "" when complete."""
        parts = []
        if self.missed_tools:
            parts.append(f"tools {', '.join(self.missed_tools)}")
        if self.missed:
            more = f" and {len(self.missed) - 3} more" if len(self.missed) > 3 else ""
            parts.append(", ".join(self.missed[:3]) + more)
        return f"; not walked: {'; '.join(parts)}" if parts else ""

    def to_json(self) -> dict[str, Any]:
        def pair(counts: tuple[int, int]) -> dict[str, int]:
            return {"walked": counts[0], "total": counts[1]}

        return {
            "tools": pair(self.tools) if self.tools else None,
            "subschemas": pair(self.subschemas),
        }


def coverage(analysis: Analysis, tools: list[tuple[str, str]] | None, walked: set[str]) -> Coverage:
    """What the ``walked`` subschemas cover of the schema and of its ``tools`` (pointer, name)."""
    counted = walkable(analysis)
    missed = tuple(p for p in counted if p not in walked)
    missed_tools = tuple(name for pointer, name in tools or () if pointer not in walked)
    return Coverage(
        subschemas=(len(counted) - len(missed), len(counted)),
        tools=(len(tools) - len(missed_tools), len(tools)) if tools else None,
        missed_tools=missed_tools,
        missed=missed,
    )
