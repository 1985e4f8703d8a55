"""Recognise what a document is and build the schema a decoder would be constrained with.

Tool lists (OpenAI, Anthropic, MCP) become one tool-call object per tool — ``name`` as
``const``, ``arguments`` = the tool's parameters — combined in an ``anyOf``, with each tool's
``$defs`` hoisted to the root where enforcers look for them, and a ``$schema`` the tools
agree on moved there too. A source map takes every
pointer of that combined schema back to the user's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from schemalint import pointer as jp
from schemalint.model import quoted

Kind = Literal["json-schema", "openai-tools", "anthropic-tools", "mcp-tools", "function-calling"]

SCHEMA_KEYWORDS = frozenset(
    """$schema $id $ref $defs definitions $anchor $dynamicRef $dynamicAnchor $comment type enum
    const properties required additionalProperties patternProperties items prefixItems
    additionalItems contains anyOf oneOf allOf not if then else minimum maximum
    exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern format minItems
    maxItems uniqueItems minProperties maxProperties propertyNames dependentRequired
    dependentSchemas dependencies unevaluatedProperties unevaluatedItems title description
    default examples readOnly writeOnly deprecated contentMediaType contentEncoding
    contentSchema""".split()
)
_ARGUMENT_KEYS = ("arguments", "parameters", "args", "input")
_DEF_KEYWORDS = ("$defs", "definitions")


class NotASchema(ValueError):
    """The document is well-formed but is neither a JSON Schema nor a tools list."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


@dataclass(frozen=True)
class Tool:
    name: str
    pointer: str
    name_pointer: str
    parameters_pointer: str


@dataclass
class NormalisedSchema:
    kind: Kind
    schema: Any
    tools: list[Tool] = field(default_factory=list)
    source_map: list[tuple[str, str]] = field(default_factory=lambda: [("", "")])

    def to_source(self, pointer: str) -> str:
        """The pointer in the user's file that a pointer of ``schema`` came from."""
        for schema_prefix, file_prefix in sorted(self.source_map, key=lambda p: -len(p[0])):
            moved = jp.rebase(pointer, schema_prefix, file_prefix)
            if moved is not None:
                return moved
        return pointer


_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})


def looks_like_schema(data: Any) -> bool:
    """Whether a file a folder walk found is worth checking: a tools list, or an object with
    a JSON Schema keyword of the right shape. Cheap and strict, so that package.json
    (``"type": "module"``), docker-compose.yml or a config naming its own ``$schema`` is
    skipped rather than reported as a broken schema; a file named explicitly is always
    checked."""
    if isinstance(data, bool):
        return True
    if isinstance(data, list):
        return _looks_like_tools(data)
    if not isinstance(data, dict):
        return False
    result = data.get("result")
    if _looks_like_tools(data.get("tools")) or (
        isinstance(result, dict) and _looks_like_tools(result.get("tools"))
    ):
        return True
    return any(
        keyword in data and shape(data[keyword]) for keyword, shape in _KEYWORD_SHAPES.items()
    )


def _looks_like_tools(entries: Any) -> bool:
    return isinstance(entries, list) and any(
        isinstance(entry, dict)
        and (
            isinstance(entry.get("function"), dict)
            or "input_schema" in entry
            or "inputSchema" in entry
            or ("parameters" in entry and "name" in entry)
        )
        for entry in entries
    )


def _is_schema(value: Any) -> bool:
    return isinstance(value, dict | bool)


def _are_schemas(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(map(_is_schema, value))


def _maps_schemas(value: Any) -> bool:
    return isinstance(value, dict) and all(map(_is_schema, value.values()))


def _is_type(value: Any) -> bool:
    names = value if isinstance(value, list) else [value]
    return bool(names) and all(isinstance(name, str) and name in _TYPES for name in names)


_KEYWORD_SHAPES: dict[str, Any] = {
    "$schema": lambda v: isinstance(v, str) and "json-schema.org" in v,
    "$ref": lambda v: isinstance(v, str),
    "type": _is_type,
    "properties": _maps_schemas,
    "patternProperties": _maps_schemas,
    "$defs": _maps_schemas,
    "definitions": _maps_schemas,
    "additionalProperties": _is_schema,
    "items": _is_schema,
    "prefixItems": _are_schemas,
    "anyOf": _are_schemas,
    "oneOf": _are_schemas,
    "allOf": _are_schemas,
    "not": _is_schema,
    "enum": lambda v: isinstance(v, list),
    "const": lambda v: True,
    "required": lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v),
}


def normalise(data: Any) -> NormalisedSchema:
    if isinstance(data, bool):
        return NormalisedSchema("json-schema", data)
    if isinstance(data, list):
        return _from_tools(data, "")
    if not isinstance(data, dict):
        raise NotASchema(f"not a schema: the top-level value is a {_json_type(data)}")
    if isinstance(data.get("tools"), list):
        return _from_tools(data["tools"], "/tools")
    result = data.get("result")
    if isinstance(result, dict) and isinstance(result.get("tools"), list):
        return _from_tools(result["tools"], "/result/tools")
    if data and not SCHEMA_KEYWORDS.intersection(data):
        raise NotASchema("not a schema: no JSON Schema keyword at the top level")
    kind: Kind = "function-calling" if _defines_tool_calls(data) else "json-schema"
    return NormalisedSchema(kind, data)


def _json_type(value: Any) -> str:
    names = {str: "string", int: "number", float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _defines_tool_calls(schema: dict[str, Any]) -> bool:
    """True when some subschema is a tool-call object: a ``name`` const/enum plus arguments."""
    todo: list[Any] = [schema]
    budget = 50_000
    while todo and budget:
        budget -= 1
        node = todo.pop()
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                name = properties.get("name")
                if (
                    isinstance(name, dict)
                    and ("const" in name or "enum" in name)
                    and any(key in properties for key in _ARGUMENT_KEYS)
                ):
                    return True
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return False


def _read_tool(entry: Any, pointer: str) -> tuple[Kind, Tool, Any]:
    if not isinstance(entry, dict):
        raise NotASchema("not a tools list: entry is not an object", pointer)
    if isinstance(entry.get("function"), dict):
        kind: Kind = "openai-tools"
        body, body_pointer, params_key = (
            entry["function"],
            jp.join(pointer, "function"),
            "parameters",
        )
    elif "input_schema" in entry:
        kind, body, body_pointer, params_key = "anthropic-tools", entry, pointer, "input_schema"
    elif "inputSchema" in entry:
        kind, body, body_pointer, params_key = "mcp-tools", entry, pointer, "inputSchema"
    elif "parameters" in entry and "name" in entry:
        kind, body, body_pointer, params_key = "openai-tools", entry, pointer, "parameters"
    else:
        raise NotASchema(
            "not a tools list: entry has no function, input_schema or inputSchema", pointer
        )
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise NotASchema("tool has no name", body_pointer)
    parameters = body.get(params_key, {"type": "object", "properties": {}})
    if not isinstance(parameters, dict | bool):
        raise NotASchema(
            f"{params_key} of tool {quoted(name)} is not a schema",
            jp.join(body_pointer, params_key),
        )
    tool = Tool(
        name=name,
        pointer=pointer,
        name_pointer=jp.join(body_pointer, "name"),
        parameters_pointer=jp.join(body_pointer, params_key),
    )
    return kind, tool, parameters


def _from_tools(entries: list[Any], base: str) -> NormalisedSchema:
    if not entries:
        raise NotASchema("empty tools list", base)
    kinds: set[Kind] = set()
    branches: list[dict[str, Any]] = []
    hoisted: dict[str, Any] = {}
    dialects: set[str] = set()
    tools: list[Tool] = []
    single = len(entries) == 1
    # Pointers that exist only in the combined schema map to the tools list itself.
    source_map: list[tuple[str, str]] = [("", base), ("/$defs", base)]
    if not single:
        source_map.append(("/anyOf", base))
    for index, entry in enumerate(entries):
        kind, tool, parameters = _read_tool(entry, jp.join(base, index))
        kinds.add(kind)
        tools.append(tool)
        branch_pointer = "" if single else jp.join("/anyOf", index)
        arguments_pointer = jp.join(branch_pointer, "properties", "arguments")
        prefix = f"{tool.name}."
        defs: dict[str, Any] = {}
        if isinstance(parameters, dict):
            # Values that cannot be moved to the root stay where they are, for SL001 to report.
            moved = [k for k in _DEF_KEYWORDS if isinstance(parameters.get(k), dict)]
            for keyword in moved:
                for def_name, definition in parameters[keyword].items():
                    defs[prefix + def_name] = definition
                    source_map.append(
                        (
                            jp.join("/$defs", prefix + def_name),
                            jp.join(tool.parameters_pointer, keyword, def_name),
                        )
                    )
            if isinstance(parameters.get("$schema"), str):
                dialects.add(parameters["$schema"])
                moved.append("$schema")
            parameters = {k: v for k, v in parameters.items() if k not in moved}
        relocate = _ref_relocator(arguments_pointer, prefix)
        hoisted.update({key: _relocate_refs(value, relocate) for key, value in defs.items()})
        branches.append(
            {
                "type": "object",
                "properties": {
                    "name": {"const": tool.name},
                    "arguments": _relocate_refs(parameters, relocate),
                },
                "required": ["name", "arguments"],
            }
        )
        if not single:
            source_map.append((branch_pointer, tool.pointer))
        source_map.append((jp.join(branch_pointer, "properties", "name"), tool.name_pointer))
        source_map.append((arguments_pointer, tool.parameters_pointer))
    if len(kinds) > 1:
        raise NotASchema(f"tools list mixes formats: {', '.join(sorted(kinds))}", base)
    schema: dict[str, Any] = branches[0] if single else {"anyOf": branches}
    if hoisted:
        schema = {**schema, "$defs": hoisted}
    if len(dialects) == 1:  # the tools' own draft, moved to the root where validators read it
        schema = {"$schema": dialects.pop(), **schema}
    if single:
        source_map[0] = ("", tools[0].pointer)
    return NormalisedSchema(kinds.pop(), schema, tools, source_map)


def _ref_relocator(arguments_pointer: str, def_prefix: str) -> Any:
    def relocate(ref: str) -> str:
        if not ref.startswith("#"):
            return ref
        target = ref[1:]
        for keyword in _DEF_KEYWORDS:
            head = f"/{keyword}/"
            if target.startswith(head):
                return "#/$defs/" + jp.escape(def_prefix) + target[len(head) :]
        return "#" + arguments_pointer + target

    return relocate


def _relocate_refs(value: Any, relocate: Any) -> Any:
    """A copy of ``value`` whose local ``$ref``s point where the combined schema keeps them."""
    if isinstance(value, dict):
        return {
            key: relocate(item)
            if key == "$ref" and isinstance(item, str)
            else _relocate_refs(item, relocate)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_relocate_refs(item, relocate) for item in value]
    return value
