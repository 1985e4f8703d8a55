"""Reading files: JSON and YAML become data; every failure is a LoadError with a position."""

from __future__ import annotations

from pathlib import Path

from schemalint.load.reader import Document, read_document
from schemalint.model import LoadError, SourcePosition


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_json_file_becomes_data(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "s.json", '{"type": "string"}'))
    assert isinstance(document, Document)
    assert document.data == {"type": "string"} and document.syntax == "json"


def test_yaml_file_is_parsed_safely_and_keeps_dates_as_strings(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "s.yaml", "type: string\ndefault: 2024-01-02\n"))
    assert isinstance(document, Document)
    assert document.data == {"type": "string", "default": "2024-01-02"}


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    error = read_document(
        write(tmp_path, "s.yaml", "a: !!python/object/apply:os.system ['echo hi']\n")
    )
    assert isinstance(error, LoadError) and error.message.startswith("invalid YAML")


def test_trailing_garbage_is_located(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", '{"type": "string"}\n  oops'))
    assert error == LoadError(
        str(tmp_path / "s.json"),
        "invalid JSON: trailing content after the JSON value",
        SourcePosition(2, 3),
    )


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", '{\n  "type": "string",\n}'))
    assert isinstance(error, LoadError) and error.position == SourcePosition(3, 1)


def test_empty_and_blank_files_are_errors(tmp_path: Path) -> None:
    for content in ("", "  \n\t\n"):
        error = read_document(write(tmp_path, "s.json", content))
        assert isinstance(error, LoadError) and error.message == "empty file"


def test_binary_file_is_recognised(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", b"\x89PNG\r\n\x1a\n\x00\x00"))
    assert isinstance(error, LoadError) and error.message.startswith("binary file")


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", b'{\n "a": "\xff"}'))
    assert isinstance(error, LoadError)
    assert error.message == "invalid UTF-8 (byte 0xff)" and error.position == SourcePosition(2, 8)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "s.json", b'\xef\xbb\xbf{"type": "string"}'))
    assert isinstance(document, Document)


def test_nan_is_not_json(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", '{"default": NaN}'))
    assert isinstance(error, LoadError) and "NaN" in error.message


def test_files_over_the_size_limit_are_not_read(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", '{"description": "' + "x" * 2000 + '"}'), 1000)
    assert isinstance(error, LoadError) and "over the 0.0 MB limit" in error.message


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    error = read_document(tmp_path / "missing.json")
    assert isinstance(error, LoadError) and error.message.startswith("cannot read file")


def test_yaml_with_several_documents_is_an_error(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.yaml", "type: string\n---\ntype: number\n"))
    assert isinstance(error, LoadError) and error.position is not None


def test_yaml_non_string_keys_are_refused(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.yaml", "properties:\n  1: {type: string}\n"))
    assert isinstance(error, LoadError) and "non-string key 1" in error.message


def test_a_number_json_cannot_write_back_is_refused_wherever_it_is(tmp_path: Path) -> None:
    for text in ("1e400", '{"maximum": -1e400}', '{"enum": [1, [2, 1e999]]}'):
        error = read_document(write(tmp_path, "s.json", text))
        assert isinstance(error, LoadError) and "is out of range" in error.message
    assert isinstance(read_document(write(tmp_path, "s.json", '{"maximum": 1e308}')), Document)


def test_an_integer_too_long_to_convert_is_an_error(tmp_path: Path) -> None:
    error = read_document(write(tmp_path, "s.json", '{"maximum": 1' + "0" * 5000 + "}"))
    assert isinstance(error, LoadError) and "digits" in error.message


def test_a_tagged_scalar_pyyaml_fails_on_is_an_error_naming_yaml(tmp_path: Path) -> None:
    """PyYAML raises KeyError, IndexError or ValueError, not YAMLError, on these."""
    for value in ("!!bool maybe", '!!int ""', "!!int 0b"):
        error = read_document(write(tmp_path, "s.yaml", f"type: object\ndefault: {value}\n"))
        assert isinstance(error, LoadError)
        assert error.message.startswith("invalid YAML (yaml raised ")
