"""SE4xx: vLLM's ``auto`` structured-output backend. It tries xgrammar, falls back to guidance
(llguidance), and to outlines when the schema uses ``patternProperties`` (or the tokenizer is
Mistral's own); then that backend's findings hold. The choice follows vLLM's published code
(``vllm/v1/engine/input_processor.py`` ``_validate_structured_output``, and
``has_xgrammar_unsupported_json_features`` in ``vllm/v1/structured_output/backend_xgrammar.py``
at vllm-project/vllm 030141c1), ported here without importing vLLM."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from schemalint.analysis import Analysis
from schemalint.checks.base import REGISTRY, Options, rule
from schemalint.checks.local import xgrammar
from schemalint.model import Applicability, Severity, Violation

_PICKED = {"xgrammar": "xgrammar", "guidance": "llguidance", "outlines": "outlines"}


def xgrammar_unsupported(value: Any) -> str:
    """Why vLLM's ``has_xgrammar_unsupported_json_features`` rules xgrammar out ("" if it does
    not). Like vLLM, it looks at every object in the document, used or not."""
    if isinstance(value, list):
        return next((why for item in value if (why := xgrammar_unsupported(item))), "")
    if not isinstance(value, dict):
        return ""
    kinds = _types(value)
    bounded = _pattern_and_length(value)
    reasons = [
        (bool(kinds & {"integer", "number"}) and "multipleOf" in value, "multipleOf"),
        (
            "array" in kinds
            and any(k in value for k in ("uniqueItems", "contains", "minContains", "maxContains")),
            "uniqueItems, contains, minContains or maxContains on an array",
        ),
        (
            "string" in kinds
            and isinstance(value.get("format"), str)
            and value["format"] not in xgrammar.FORMATS,
            f"the format {value.get('format')!r}",
        ),
        ("string" in kinds and bounded, "a length bound beside pattern or format"),
        (
            "object" in kinds
            and isinstance(value.get("propertyNames"), dict)
            and _pattern_and_length(value["propertyNames"]),
            "propertyNames with a length bound beside pattern or format",
        ),
        (
            "object" in kinds
            and "propertyNames" in value
            and (
                "properties" in value
                or "patternProperties" in value
                or isinstance(value.get("additionalProperties"), dict)
                or value.get("unevaluatedProperties", True) is not True
            ),
            "propertyNames beside other property keywords",
        ),
        (
            "object" in kinds
            and isinstance(value.get("patternProperties"), dict)
            and ("properties" in value or len(value["patternProperties"]) > 1),
            "patternProperties beside properties, or several of them",
        ),
    ]
    found = next((why for holds, why in reasons if holds), "")
    return found or xgrammar_unsupported(list(value.values()))


def _types(value: dict[str, Any]) -> set[str]:
    kind = value.get("type")
    if isinstance(kind, str):
        return {kind}
    return {k for k in kind if isinstance(k, str)} if isinstance(kind, list) else set()


def _pattern_and_length(value: dict[str, Any]) -> bool:
    return ("pattern" in value or "format" in value) and (
        "minLength" in value or "maxLength" in value
    )


def _has_pattern_properties(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_pattern_properties(item) for item in value)
    if isinstance(value, dict):
        return "patternProperties" in value or any(
            _has_pattern_properties(item) for item in value.values()
        )
    return False


def backend(analysis: Analysis) -> tuple[str, str]:
    """The backend ``auto`` picks (vLLM's name for it) and why, worked out once per analysis."""
    return analysis.derived(_pick_backend)


def _pick_backend(analysis: Analysis) -> tuple[str, str]:
    why = xgrammar_unsupported(analysis.schema)
    if not why:
        refused = next(iter(xgrammar.refused(analysis, {})), None)
        if refused is None:
            return "xgrammar", "xgrammar supports every feature vLLM checks for"
        why = f"xgrammar refuses it ({refused.message})"
    else:
        why = f"vLLM rules xgrammar out for {why}"
    if _has_pattern_properties(analysis.schema):
        return "outlines", f"{why}; patternProperties rules guidance out"
    return "guidance", why


def _delegated(analysis: Analysis, *codes: str) -> Iterator[Violation]:
    """The violations of whichever of the rules ``codes`` speaks for the backend vLLM picks,
    each run with its default options and said as vLLM's."""
    name, _ = backend(analysis)
    for code in codes:
        delegate = REGISTRY[code]
        if delegate.target != _PICKED[name] or delegate.check is None:
            continue
        for violation in delegate.check(analysis, delegate.defaults()):
            yield Violation(
                violation.pointer,
                f"vLLM picks {name}: {violation.message}",
                violation.fix,
                violation.evidence,
                violation.severity,
            )


@rule(
    "SE401",
    "vllm-fallback-backend",
    Severity.INFO,
    "vLLM's auto backend falls back from xgrammar for this schema: which backend, and why.",
    target="vllm",
)
def fallback_backend(analysis: Analysis, options: Options) -> Iterator[Violation]:
    name, why = backend(analysis)
    if name != "xgrammar":
        yield Violation("", f"vLLM's auto backend falls back to {name}: {why}")


@rule(
    "SE402",
    "vllm-refused",
    Severity.HIGH,
    "The backend vLLM picks refuses the schema: the request fails with a 400.",
    fix=Applicability.UNSAFE,
    effect="refused",
    target="vllm",
)
def refused(analysis: Analysis, options: Options) -> Iterator[Violation]:
    yield from _delegated(analysis, "SE201", "SE301")


@rule(
    "SE403",
    "vllm-ignored-keyword",
    Severity.MEDIUM,
    "The backend vLLM picks compiles the schema without enforcing a keyword of it.",
    effect="dropped",
    target="vllm",
)
def ignored_keyword(analysis: Analysis, options: Options) -> Iterator[Violation]:
    yield from _delegated(analysis, "SE102", "SE302")


@rule(
    "SE404",
    "vllm-slow-compile",
    Severity.MEDIUM,
    "The backend vLLM picks takes most of a second or more to compile the schema.",
    target="vllm",
)
def slow_compile(analysis: Analysis, options: Options) -> Iterator[Violation]:
    yield from _delegated(analysis, "SE103", "SE303")
