"""Line and column of JSON Pointers: members span from their key to the end of their value,
items span their value; ends are exclusive, as in SARIF."""

from __future__ import annotations

import yaml

from schemalint.load.positions import PositionIndex, index_json, index_yaml, line_starts
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
    assert index[""] == SourcePosition(1, 1, 7, 2)
    assert index["/type"] == SourcePosition(2, 3, 2, 19)
    assert index["/properties/a~1b"] == SourcePosition(4, 5, 4, 30)
    assert index["/properties/a~1b/type"] == SourcePosition(4, 13, 4, 29)


def test_array_items_point_at_their_value() -> None:
    index = index_json(TEXT)
    assert index["/properties/list/0"] == SourcePosition(5, 14, 5, 15)
    assert index["/properties/list/1/x"] == SourcePosition(5, 18, 5, 25)
    assert index["/properties/list/2"] == SourcePosition(5, 28, 5, 31)


def test_strings_with_brackets_and_escapes_do_not_confuse_the_scanner() -> None:
    index = index_json('{"a": "}{][,:\\"", "b": 1}')
    assert index["/b"] == SourcePosition(1, 19, 1, 25)


def test_unknown_pointer_falls_back_to_nearest_ancestor() -> None:
    index = PositionIndex(lambda: index_json(TEXT))
    assert index.find("/properties/a~1b/missing") == SourcePosition(4, 5, 4, 30)


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
    index = index_yaml(compose("type: object\nproperties:\n  name:\n    type: string\n"))
    assert index["/properties/name"] == SourcePosition(3, 3, 4, 17)
    assert index["/properties/name/type"] == SourcePosition(4, 5, 4, 17)


def compose(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node


def covered(text: str, position: SourcePosition) -> str:
    """The text between a position's start and its (exclusive) end."""
    starts = line_starts(text)
    assert position.end_line is not None and position.end_column is not None
    first = starts[position.line - 1] + position.column - 1
    return text[first : starts[position.end_line - 1] + position.end_column - 1]


def test_a_json_member_spans_its_key_and_whole_value() -> None:
    index = index_json(TEXT)
    assert covered(TEXT, index["/properties/a~1b"]) == '"a/b": {"type": "string"}'
    assert covered(TEXT, index["/properties/list/1"]) == '{"x": []}'
    assert covered(TEXT, index["/properties"]).endswith("]\n  }")


def test_a_yaml_block_ends_at_its_last_value_not_at_the_comment_after_it() -> None:
    text = "a:\n  b: 1\n  c: [2, 3]\n# trailing comment\n\nd: {e: x}\n"
    index = index_yaml(compose(text))
    assert covered(text, index["/a"]) == "a:\n  b: 1\n  c: [2, 3]"
    assert covered(text, index["/d"]) == "d: {e: x}"
    assert covered(text, index["/a/c/1"]) == "3"


def test_a_yaml_alias_is_placed_at_its_key_without_an_end() -> None:
    text = "a: &shared {type: string}\nb: *shared\n"
    index = index_yaml(compose(text))
    assert covered(text, index["/a"]) == "a: &shared {type: string}"
    assert index["/b"] == SourcePosition(2, 1)
