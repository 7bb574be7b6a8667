"""base.values at the edges the mutation sample found unpinned: a currency
symbol after the number, dates in a language's order, the words a choice
reads as. Each expected value is written out from the rule in the docstring
of the function it checks."""

from __future__ import annotations

import datetime as dt

import pytest

from playbook.base.values import check_range, format_value, normalize_choice, parse_date, parse_number


@pytest.mark.parametrize(("text", "currency", "want"), [
    ("1200 €", "EUR", 1200.0), ("1200€", "EUR", 1200.0), ("75 $", "USD", 75.0), ("1200 EUR", "EUR", 1200.0),
])
def test_a_currency_after_the_number(text: str, currency: str, want: float) -> None:
    assert parse_number(text, money=True, currency=currency) == want


def test_a_currency_after_the_number_must_be_the_partners() -> None:
    with pytest.raises(ValueError, match="€"):
        parse_number("1200 €", money=True, currency="USD")


@pytest.mark.parametrize(("value", "order", "want"), [
    (dt.date(2026, 11, 1), None, "2026-11-01"),
    ("2026-11-01", None, "2026-11-01"), (" 2026-11-01 ", "dmy", "2026-11-01"),
    ("01.11.2026", "dmy", "2026-11-01"), ("13.11.2026", "dmy", "2026-11-13"), ("1/2/2026", "dmy", "2026-02-01"),
    ("11/01/2026", "mdy", "2026-11-01"), ("11/13/2026", "mdy", "2026-11-13"), ("1-2-2026", "mdy", "2026-01-02"),
    ("13/11/2026", None, "2026-11-13"),  # only one reading (no 13th month): read without a language
])
def test_dates_in_the_languages_order(value: object, order: str | None, want: str | None) -> None:
    if want is None:
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(value, order)
    else:
        assert parse_date(value, order) == want


def test_a_date_that_reads_two_ways_names_both() -> None:
    with pytest.raises(ValueError) as e:
        parse_date("01/11/2026")
    assert "it reads as 2026-11-01 (day first) or 2026-01-11 (month first); write it as YYYY-MM-DD" in str(e.value)


def test_no_such_day_in_the_languages_order() -> None:
    with pytest.raises(ValueError, match="there is no day 31 in month 2 of 2026"):
        parse_date("31.02.2026", "dmy")
    with pytest.raises(ValueError, match="there is no day 31 in month 2 of 2026"):
        parse_date("02/31/2026", "mdy")


def test_a_date_and_time_is_read_as_its_date() -> None:
    # CRM exports write date-times (HubSpot's 2023-10-01 09:30); the day is what an assessment uses
    assert parse_date(dt.datetime(2026, 11, 1, 9, 30)) == "2026-11-01"


@pytest.mark.parametrize(("value", "want"), [
    (True, "yes"), (False, "no"), (3, "3"), (2.5, "2.5"), (" Yearly ", "yearly"), ("End-user / admin", "end_user_admin"),
])
def test_normalize_choice(value: object, want: str) -> None:
    assert normalize_choice(value) == want


def test_check_range_says_the_bound_and_the_unit() -> None:
    check_range(0, 0, 100, "percent")
    check_range(100, 0, 100, "percent")
    with pytest.raises(ValueError, match=r"^140% is above the allowed maximum 100%$"):
        check_range(140, 0, 100, "percent")
    with pytest.raises(ValueError, match=r"^-1 is below the allowed minimum 0$"):
        check_range(-1, 0, None)


def test_a_unit_word_after_a_number_in_exponent_form() -> None:
    assert parse_number("1.5e3 days") == 1500.0 and parse_number("48 days") == 48.0 and parse_number("2.1x") == 2.1


@pytest.mark.parametrize(("kw", "message"), [
    ({"percent": True}, "'abc' is not a number (write it like 12% or 12)"),
    ({"money": True}, "'abc' is not a number (write it like $180,000, USD 180,000, CAD 180,000, CA$180,000, "
                      "A$180,000, €180,000 or 180k)"),
    ({}, "'abc' is not a number"),
])
def test_not_a_number_says_how_to_write_one(kw: dict[str, bool], message: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_number("abc", **kw)
    assert str(e.value) == message


def test_not_a_number_names_the_type_given() -> None:
    with pytest.raises(ValueError, match="^expected a number, found a list$"):
        parse_number([1])


def test_format_value_of_a_yes_no() -> None:
    assert (format_value(True, None), format_value(False, None)) == ("yes", "no")


def test_every_money_form_the_hint_names_reads() -> None:
    """The hint may only suggest what is read: each form, with its own currency as the partner's."""
    from playbook.base.values import MONEY_FORMS

    forms = [f.strip() for part in MONEY_FORMS.replace(" or ", "|").split(", ") for f in part.split("|")]
    assert len(forms) == 7, forms
    currency = {"$": "USD", "USD": "USD", "CAD": "CAD", "CA$": "CAD", "A$": "AUD", "€": "EUR", "": "USD"}
    for form in forms:
        cur = next((c for prefix, c in sorted(currency.items(), key=lambda x: -len(x[0])) if form.startswith(prefix)), "USD")
        assert parse_number(form, money=True, currency=cur) == 180000.0, form
