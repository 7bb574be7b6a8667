"""Hostile and broken YAML: each case gives one located problem, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.base.yamlio import decode, loads
from playbook.errors import InvalidInput

BAD = [
    ("a: 1\na: 2\n", "duplicate-key", 2, 1),
    ("a: !!python/object/apply:os.system [ls]\n", "tag", 1, 4),
    ("a: !!binary aGVsbG8=\n", "tag", 1, 4),
    ("a: &x [1]\nb: *x\n", "alias", 2, 4),
    ("a: [\n", "syntax", 2, 1),
    ("a: b: c\n", "syntax", 1, 5),
    ("- 1\n---\n- 2\n", "documents", 2, 1),
    ("a: \x07\n", "syntax", 1, 4),
    ("[" * 100 + "]" * 100, "too-deep", 1, 65),
    ("x: .nan\n", "value", 1, 4),
    ("? [1, 2]\n: 3\n", "key", 1, 3),
]


@pytest.mark.parametrize("text,code,line,col", BAD)
def test_bad_yaml_is_one_located_problem(text: str, code: str, line: int, col: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        loads(text, "f.yaml")
    (p,) = exc.value.problems
    assert (p.code, p.line, p.column) == (code, line, col)
    assert p.format().startswith(f"f.yaml:{line}:{col}: error: ")


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    with pytest.raises(InvalidInput) as exc:
        loads(bomb, "bomb.yaml")
    assert exc.value.problems[0].code == "alias"


def test_values_and_positions_are_kept() -> None:
    doc = loads("a: 1\nb: [1, 2%, yes]\nc: 2026-11-01\nd: {x: no}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": [1, "2%", True], "c": "2026-11-01", "d": {"x": False}}
    assert doc.where(("b", 1)) == (2, 8)
    assert doc.where(("d", "x"), key=True) == (4, 5)
    assert doc.where(("nope", 3)) == (1, 1)


def test_keys_stay_text() -> None:
    assert loads("yes: 1\n1: 2\nnull: 3\n").data == {"yes": 1, "1": 2, "null": 3}


def test_empty_document_is_none() -> None:
    assert loads("", "e.yaml").data is None
    assert loads("# only a comment\n", "e.yaml").data is None


@pytest.mark.parametrize("raw,code", [(b"\xff\xfe\x00garbage", "not-text"), (b"a: 1\x00\n", "not-text"),
                                      (b"x" * 2_000_001, "too-large")])
def test_binary_and_oversized_input(raw: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        decode(raw, "bin.yaml")
    assert exc.value.problems[0].code == code


def test_bom_is_accepted() -> None:
    assert loads(decode(b"\xef\xbb\xbfa: 1\n", "f")).data == {"a": 1}


@pytest.mark.parametrize("text,line,hint", [
    ("partner:\n\tname: X\n", 2, "YAML indents with spaces, not tabs"),
    ("partner:\n  name: Fabrikam: Cloud\n", 2, "a value that contains ': ' must be quoted"),
    ("answers:\n  onboarding_process: yes\n   crm_tracking: no\n", 3, "check the indentation of this line"),
])
def test_syntax_errors_say_the_usual_cause(text: str, line: int, hint: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        loads(text, "f.yaml")
    (p,) = exc.value.problems
    assert p.line == line and hint in p.message


# ---- issue 11: hostile scalars, explicit tags, line counting, special files ----

@pytest.mark.parametrize("text", [
    "a: !!bool maybe\n", "a: !!bool maybe,\n", "a: !!bool ''\n", 'a: !!bool "yes\\n"\n', "a: !!int ''\n",
    "a: !!int _\n", "a: !!int +\n", "a: !!float ''\n", "a: !!timestamp x\n", "a: !!timestamp ''\n",
    "a: !!null x\n", "a: !!int 0x\n",
])
def test_an_explicit_tag_with_a_value_it_does_not_fit_is_a_located_error(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        loads(text, "f.yaml")
    (p,) = exc.value.problems
    assert (p.code, p.line, p.column) == ("value", 1, 4)
    assert "drop the tag" in p.message


def test_explicit_tags_that_fit_still_work() -> None:
    doc = loads("a: !!bool yes\nb: !!int 12\nc: !!str 5\nd: !!null ~\ne: !!timestamp 2026-11-01\nf: !!float 1.5\n")
    assert doc.data == {"a": True, "b": 12, "c": "5", "d": None, "e": "2026-11-01", "f": 1.5}


def test_numbers_keep_the_text_they_were_written_as() -> None:
    # YAML 1.1 reads 1.200 as 1.2, 012 as octal 10 and 1:30 as 90: the answers check needs what was typed
    doc = loads("a: 1.200\nb: 012\nc: [1:30]\nd: '7'\ne: 5\n")
    assert doc.data == {"a": 1.2, "b": 10, "c": [90], "d": "7", "e": 5}
    assert doc.written == {("a",): "1.200", ("b",): "012", ("c", 0): "1:30", ("e",): "5"}


def test_an_integer_too_long_for_python_stays_text_for_the_field_check() -> None:
    assert loads("a: " + "9" * 5000 + "\n").data == {"a": "9" * 5000}


def test_long_values_are_cut_short_in_messages() -> None:
    with pytest.raises(InvalidInput) as exc:
        loads("a: !!bool " + "x" * 100_000 + "\n", "f.yaml")
    assert len(exc.value.problems[0].message) < 300


@pytest.mark.parametrize("text,line,col", [
    ("a: 1 # x\u2028y: 2\nb: [\n", 3, 1),  # U+2028 in a comment: YAML breaks the line there, editors do not
    ("a: 1 # \x85 x\nb: [\n", 1, 10),  # NEL: YAML reads ` x` as a new line; it is on the editor's line 1
    ("a: 'x\u2029y'\nb: [\n", 3, 1),  # and U+2029 inside quotes
    ("a: 1\rb: 2\r\nc: [\n", 4, 1),  # a lone CR and CRLF each end one line, as in every editor
    ("a: 1\nb: [", 2, 5),  # no final line break: the error is on the last line, not the one after it
    ("é: 1\u2028\nb: !!bool x\n", 2, 4),
])
def test_positions_are_counted_as_an_editor_counts_lines(text: str, line: int, col: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        loads(text, "f.yaml")
    (p,) = exc.value.problems
    assert (p.line, p.column) == (line, col), p.format()


def test_a_control_character_after_multibyte_text_is_located_by_character() -> None:
    with pytest.raises(InvalidInput) as exc:
        loads("é: é\x07\n", "f.yaml")
    assert (exc.value.problems[0].line, exc.value.problems[0].column) == (1, 5)


def test_bad_bytes_after_a_lone_cr_are_located_on_the_right_line() -> None:
    with pytest.raises(InvalidInput) as exc:
        decode(b"a: 1\rb: \xff\n", "f.yaml")
    assert (exc.value.problems[0].line, exc.value.problems[0].column) == (2, 4)


def test_a_device_or_fifo_is_refused_before_it_is_read(tmp_path) -> None:
    import os

    from playbook.base.yamlio import read_file

    with pytest.raises(InvalidInput) as exc:
        read_file(Path("/dev/zero"))  # would be read forever
    assert exc.value.problems[0].code == "not-a-file"
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput) as exc:  # opening it must not wait for a writer
        read_file(fifo)
    assert exc.value.problems[0].code == "not-a-file"
    with pytest.raises(InvalidInput) as exc:
        read_file(tmp_path)
    assert exc.value.problems[0].code == "not-a-file"


def test_reading_stops_past_the_limit(tmp_path) -> None:
    from playbook.base.yamlio import read_file

    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 5000)
    assert len(read_file(big, limit=100)) == 101
    with pytest.raises(InvalidInput) as exc:
        decode(read_file(big, limit=2_000_000) + b"x" * 2_000_000, "big.yaml")
    assert exc.value.problems[0].code == "too-large"
