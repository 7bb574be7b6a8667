"""Hostile and broken YAML: each case gives one located problem, never a crash."""

from __future__ import annotations

import pytest

from playbook.errors import InvalidInput
from playbook.yamlio import decode, loads

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
