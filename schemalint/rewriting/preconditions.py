"""The safety argument of each safe rewrite, as a condition checked before it fires.

A safe rewrite promises to accept exactly the same instances. Each promise rests on a fact
about the schema: no ``unevaluated*`` keyword sees the annotation a rewrite drops; an inlined
target lives in its reference's own resource; a ``oneOf``'s branches cannot both match. Where
the fact cannot be shown, the rewrite does not fire.
"""

from __future__ import annotations

from schemalint.analysis import Analysis
from schemalint.analysis.refs import Ref
from schemalint.analysis.resources import (
    ANCHORS,
    DYNAMIC_REFS,
    holds_any,
    identifier_keyword,
    resource_of,
    resource_roots,
)

#: The ``unevaluated*`` keyword that reads each droppable keyword's annotation.
OBSERVER = {
    "additionalProperties": "unevaluatedProperties",
    "unevaluatedProperties": "unevaluatedProperties",
    "items": "unevaluatedItems",
    "unevaluatedItems": "unevaluatedItems",
}


def annotation_unobserved(analysis: Analysis, pointer: str, keyword: str) -> bool:
    """Whether ``keyword: true`` at ``pointer`` can go without changing any verdict.

    Alone it accepts everything, but it also marks properties or items as evaluated, which an
    ``unevaluated*`` keyword at that spot or in any schema applied around it (through
    ``allOf``, ``$ref``…) reads. A ``$ref`` can bring any part of the document into scope, so
    the condition is that no such keyword, other than the one dropped, exists anywhere in it.
    """
    observer = OBSERVER[keyword]
    return all(
        node.pointer == pointer and keyword == observer
        for node in analysis.nodes
        if isinstance(node.schema, dict) and observer in node.schema
    )


def inlinable(analysis: Analysis, ref: Ref, roots: list[str]) -> bool:
    """Whether a ``$ref``'s target can be copied in its place with the same meaning.

    The copy must stay in the resource it came from (relative references inside it resolve
    against that resource's base), and must not carry identifiers (which a copy duplicates)
    or dynamic references (whose meaning depends on the resources entered on the way).
    """
    if ref.target is None:
        return False
    if resource_of(ref.source, roots) != resource_of(ref.target, roots):
        return False
    target = analysis.by_pointer[ref.target].schema
    keyword = identifier_keyword(analysis.schema)
    return not holds_any(target, (keyword, *ANCHORS, *DYNAMIC_REFS))


def document_resources(analysis: Analysis) -> list[str]:
    return resource_roots(analysis.nodes, identifier_keyword(analysis.schema))


def every_reference_static(analysis: Analysis) -> bool:
    """Whether every reference resolves, here, to a known subschema: no unresolved or remote
    ``$ref`` and no dynamic reference, whose target depends on how it was reached."""
    return all(ref.status == "local" for ref in analysis.refs.refs.values()) and not holds_any(
        analysis.schema, DYNAMIC_REFS
    )
