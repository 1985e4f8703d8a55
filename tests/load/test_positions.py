"""Line and column of JSON Pointers: members point at their key, items at their value."""

from __future__ import annotations

import yaml

from schemalint.load.positions import PositionIndex, index_json, index_yaml
from schemalint.model import SourcePosition

TEXT = """{
  "type": "object",
  "properties": {
    "a/b": {"type": "string"},
    "list": [1, {"x": []}, "s"]
  }
}"""


def test_root_and_members_point_at_their_key() -> None:
    index = index_json(TEXT)
    assert index[""] == SourcePosition(1, 1)
    assert index["/type"] == SourcePosition(2, 3)
    assert index["/properties/a~1b"] == SourcePosition(4, 5)
    assert index["/properties/a~1b/type"] == SourcePosition(4, 13)


def test_array_items_point_at_their_value() -> None:
    index = index_json(TEXT)
    assert index["/properties/list/0"] == SourcePosition(5, 14)
    assert index["/properties/list/1/x"] == SourcePosition(5, 18)
    assert index["/properties/list/2"] == SourcePosition(5, 28)


def test_strings_with_brackets_and_escapes_do_not_confuse_the_scanner() -> None:
    index = index_json('{"a": "}{][,:\\"", "b": 1}')
    assert index["/b"] == SourcePosition(1, 19)


def test_unknown_pointer_falls_back_to_nearest_ancestor() -> None:
    index = PositionIndex(lambda: index_json(TEXT))
    assert index.find("/properties/a~1b/missing") == SourcePosition(4, 5)


def test_index_is_built_only_when_asked() -> None:
    calls: list[int] = []

    def build() -> dict[str, SourcePosition]:
        calls.append(1)
        return index_json(TEXT)

    index = PositionIndex(build)
    assert calls == []
    index.find("/type")
    index.find("/properties")
    assert calls == [1]


def test_yaml_positions_come_from_node_marks() -> None:
    node = yaml.compose(
        "type: object\nproperties:\n  name:\n    type: string\n", Loader=yaml.SafeLoader
    )
    index = index_yaml(node)
    assert index["/properties/name"] == SourcePosition(3, 3)
    assert index["/properties/name/type"] == SourcePosition(4, 5)
