"""Schemas where Python code keeps them: Pydantic models, typed functions, and lists or dicts of
them, built the way agent frameworks build tool schemas.

A model gives its ``model_json_schema()`` in validation mode; a function gives one tool whose
parameters are Pydantic's ``TypeAdapter`` schema of its signature, with its docstring as the
description; a list or dict of these gives a tool list (OpenAI's shape; a dict's keys are the
tool names); an already-built tool list or schema (plain JSON data) is taken as it is.

``--python pkg.module:OBJECT`` imports user code, so it runs in a child process with a time
budget: an import that hangs, prints or exits cannot stall or corrupt the report, and nothing
it adds to ``sys.path`` or ``sys.modules`` outlives it. Only the folders of ``--python-path``
are added to the child's path (``python -P``: not the working folder).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalint.load.reader import Document, live_document
from schemalint.model import Origin, shorten
from schemalint.sources import DEFAULT_TIMEOUT, SourceError


class NotConvertible(TypeError):
    """The object is none of the things a schema can be read from."""


@dataclass(frozen=True)
class Converted:
    data: Any
    file: str | None
    line: int | None


def convert(obj: Any) -> Converted:
    """The JSON Schema or tool list ``obj`` stands for, and where its source is."""
    file, line = _source(obj)
    if _is_model(obj):
        return Converted(obj.model_json_schema(mode="validation"), file, line)
    if _is_function(obj):
        return Converted([_tool(obj.__name__, obj)], file, line)
    if isinstance(obj, list | tuple) and obj and all(map(_is_tool_source, obj)):
        return Converted([_tool(_name(item), item) for item in obj], file, line)
    if isinstance(obj, dict) and obj and all(map(_is_tool_source, obj.values())):
        return Converted([_tool(str(name), item) for name, item in obj.items()], file, line)
    if _is_json(obj):
        return Converted(json.loads(json.dumps(obj)), file, line)
    raise NotConvertible(
        f"is a {type(obj).__name__}, not a Pydantic model, a typed function, a list or dict "
        "of them, or a schema or tool list"
    )


def document_of(obj: Any, label: str) -> Document:
    """``obj`` as a document to check (raises ``NotConvertible``)."""
    converted = convert(obj)
    origin = Origin("python", label, converted.file, converted.line)
    return live_document(origin, f"python:{label}", converted.data)


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and callable(getattr(obj, "model_json_schema", None))


def _is_function(obj: Any) -> bool:
    return inspect.isfunction(obj) or inspect.ismethod(obj)


def _is_tool_source(obj: Any) -> bool:
    return _is_model(obj) or _is_function(obj)


def _name(obj: Any) -> str:
    return str(obj.__name__)


def _tool(name: str, obj: Any) -> dict[str, Any]:
    """One tool in OpenAI's shape, as frameworks send a function or a model as a tool."""
    from pydantic import TypeAdapter

    if _is_model(obj):
        parameters = obj.model_json_schema(mode="validation")
    else:
        parameters = TypeAdapter(obj).json_schema()
    function: dict[str, Any] = {"name": name}
    if description := inspect.getdoc(obj):
        function["description"] = description
    function["parameters"] = parameters
    return {"type": "function", "function": function}


def _is_json(obj: Any) -> bool:
    try:
        json.dumps(obj, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return isinstance(obj, dict | list | bool)


def _source(obj: Any) -> tuple[str | None, int | None]:
    try:
        file = inspect.getsourcefile(obj)
        line = inspect.getsourcelines(obj)[1] if file else None
    except (OSError, TypeError):
        return None, None
    return file, line


def import_objects(
    specs: list[str], python_path: list[Path], timeout: float = DEFAULT_TIMEOUT
) -> list[Document | SourceError]:
    """Each ``module:OBJECT`` imported and converted in a child process, in the order given."""
    return [_import_one(spec, python_path, timeout) for spec in specs]


def _import_one(spec: str, python_path: list[Path], timeout: float) -> Document | SourceError:
    label = f"python:{spec}"
    if spec.count(":") != 1 or not all(spec.split(":")):
        return SourceError(label, "expected module:OBJECT, e.g. myapp.tools:SearchArgs")
    command = [sys.executable, "-P", "-c", _CHILD, spec, *map(str, python_path)]
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so that a timeout ends whatever the import started too
    ) as child:
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            child.communicate()
            return SourceError(label, f"import did not finish within {timeout:g} s")
        finally:
            _kill_group(child)
    try:
        answer = json.loads(out.decode("utf-8").splitlines()[-1])
    except (IndexError, UnicodeDecodeError, json.JSONDecodeError):
        tail = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        said = f": {shorten(tail[-1])}" if tail else ""
        return SourceError(label, f"the import exited with code {child.returncode}{said}")
    if "error" in answer:
        return SourceError(label, answer["error"])
    origin = Origin("python", spec, answer["file"], answer["line"])
    return live_document(origin, label, answer["data"])


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


def child_main(argv: list[str]) -> None:
    """In the child: import, convert, and print one JSON line on the real stdout; whatever
    the user's code prints goes to stderr."""
    import importlib

    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    spec, *folders = argv
    sys.path[:0] = folders
    module_name, attribute = spec.split(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            obj = getattr(obj, part)
        converted = convert(obj)
        answer: dict[str, Any] = {
            "data": converted.data,
            "file": converted.file,
            "line": converted.line,
        }
    except ImportError as error:
        answer = {"error": f"cannot import {module_name}: {shorten(str(error))}"}
    except AttributeError:
        answer = {"error": f"module {module_name} has no {attribute}"}
    except NotConvertible as error:
        answer = {"error": f"{attribute} {error}"}
    except Exception as error:  # the user's code failed: one line, not our traceback
        answer = {"error": f"{type(error).__name__}: {shorten(str(error))}"}
    out.write(json.dumps(answer) + "\n")
    out.flush()


_CHILD = "import sys; from schemalint.sources.python import child_main; child_main(sys.argv[1:])"
