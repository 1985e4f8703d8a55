"""Size and depth of a schema as an enforcer sees it: with every non-recursive ``$ref`` inlined.

Both are computed by one memoised depth-first pass over subschemas and ``$ref`` edges, so a
chain of definitions that doubles at each level is counted (2**40 nodes and more) without
being built. A ``$ref`` that reaches one of its own ancestors is recursive: it counts as one
node and is reported, not followed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from schemalint.analysis.refs import RefGraph
from schemalint.walk import DEFINITIONS, NESTING, Node

_ON_PATH, _DONE = 1, 2


@dataclass
class Shape:
    expanded_nodes: int
    max_depth: int
    deepest_path: list[str]
    """Pointers from the root to the deepest subschema, following ``$ref``s."""
    recursive_refs: set[str] = field(default_factory=set)
    ref_loops: set[str] = field(default_factory=set)
    """Recursive ``$ref`` holders whose cycle nests no instance value: a loop, not a tree."""


def measure_shape(nodes: list[Node], refs: RefGraph) -> Shape:
    child_map: dict[str, list[tuple[str, int]]] = {n.pointer: [] for n in nodes}
    for node in nodes:
        if node.parent is not None and node.keyword not in DEFINITIONS:
            child_map[node.parent].append((node.pointer, int(node.keyword in NESTING)))
    for source, ref in refs.refs.items():
        if ref.target is not None:
            child_map[source].append((ref.target, 0))

    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    deepest_next: dict[str, str | None] = {}
    state: dict[str, int] = {}
    recursive: set[str] = set()
    loops: set[str] = set()
    root = nodes[0].pointer
    # Each entry: pointer, its pending successors, whether the edge into it nests the instance.
    stack: list[tuple[str, Iterator[tuple[str, int]], int]] = [(root, iter(child_map[root]), 0)]
    position = {root: 0}
    state[root] = _ON_PATH
    while stack:
        pointer, successors, _ = stack[-1]
        advanced = False
        for successor, nesting in successors:
            seen = state.get(successor)
            if seen is None:
                state[successor] = _ON_PATH
                position[successor] = len(stack)
                stack.append((successor, iter(child_map[successor]), nesting))
                advanced = True
                break
            if seen == _ON_PATH:
                closing = refs.refs.get(pointer)
                if closing is not None and closing.target == successor:
                    holders = {pointer}
                else:  # closed by a child edge: report the $refs inside the cycle
                    cycle = [entry[0] for entry in stack[position[successor] :]] + [successor]
                    holders = {
                        source
                        for source, target in itertools.pairwise(cycle)
                        if (edge := refs.refs.get(source)) is not None and edge.target == target
                    }
                recursive |= holders
                if not any(entry[2] for entry in stack[position[successor] + 1 :]):
                    loops |= holders
        if advanced:
            continue
        stack.pop()
        state[pointer] = _DONE
        total, best, best_next = 1, 0, None
        for successor, nesting in child_map[pointer]:
            if successor not in size:  # still on the path: a recursive ``$ref``
                continue
            total += size[successor]
            if depth[successor] + nesting > best:
                best, best_next = depth[successor] + nesting, successor
        size[pointer], depth[pointer], deepest_next[pointer] = total, best, best_next

    path = [root]
    while (following := deepest_next.get(path[-1])) is not None:
        path.append(following)
    return Shape(size[root], depth[root] + 1, path, recursive, loops)
