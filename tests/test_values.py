from __future__ import annotations

import pytest

from playbook.values import check_range, format_value, normalize_choice, parse_bool, parse_date, parse_number


@pytest.mark.parametrize("raw,kw,want", [
    (12, {}, 12.0), ("12%", {"percent": True}, 12.0), (" 12 % ", {"percent": True}, 12.0),
    ("$180,000", {"money": True}, 180000.0), ("USD 180000", {"money": True}, 180000.0),
    ("180k", {"money": True}, 180000.0), ("1.2m", {"money": True}, 1200000.0),
    ("€1,250.50", {"money": True}, 1250.5), ("-3", {}, -3.0), (2.5, {}, 2.5),
])
def test_numbers_as_people_write_them(raw: object, kw: dict[str, bool], want: float) -> None:
    assert parse_number(raw, **kw) == want


@pytest.mark.parametrize("raw,kw", [("abc", {}), ("12%", {}), ("180k", {}), (True, {}), (None, {}),
                                    ([1], {}), ("1e999", {}), ("$", {"money": True})])
def test_not_numbers(raw: object, kw: dict[str, bool]) -> None:
    with pytest.raises(ValueError):
        parse_number(raw, **kw)


@pytest.mark.parametrize("raw,want", [(True, True), ("yes", True), ("Y", True), (False, False), ("no", False)])
def test_bools(raw: object, want: bool) -> None:
    assert parse_bool(raw) is want


def test_bad_bool_and_date() -> None:
    with pytest.raises(ValueError, match="not yes or no"):
        parse_bool("maybe")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("11/01/2026")
    assert parse_date("2026-11-01") == "2026-11-01"


def test_choices_normalise() -> None:
    assert normalize_choice("Ad hoc") == "ad_hoc"
    assert normalize_choice("scheduled-90/60/30") == "scheduled_90_60_30"
    assert normalize_choice(False) == "no"


def test_ranges() -> None:
    check_range(50, 0, 100)
    with pytest.raises(ValueError, match="above the allowed maximum 100%"):
        check_range(140, 0, 100, "percent")


def test_formatting() -> None:
    assert format_value(12.0, "percent") == "12 %"
    assert format_value(180000, "money_month", "USD") == "USD 180,000 / month"
    assert format_value(2.456, "ratio") == "2.46×"
    assert format_value(None, "percent") == "not assessed"


@pytest.mark.parametrize("text,expected", [("48 days", 48.0), ("2.1x", 2.1), ("1 200", 1200.0), ("1,200.5", 1200.5)])
def test_numbers_with_a_unit_word_or_separators(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text,words", [
    ("12,5", "commas may only separate thousands"),
    ("$1,20,0", "commas may only separate thousands"),
    ("n/a", "leave the answer blank"),
    ("unknown", "leave the answer blank"),
])
def test_numbers_people_get_wrong_say_how_to_fix_them(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_number(text, money=text.startswith("$"))
