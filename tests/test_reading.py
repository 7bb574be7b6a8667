"""One reader for every field kind, with the convention of the full locale:
the reproducers of silent misreadings, and the round trip through Babel."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.answers.check import parse_answers
from playbook.base.formula import list_has_formula, neutralise_list
from playbook.base.reading import read_value
from playbook.base.values import parse_number
from playbook.errors import InvalidInput
from playbook.i18n import Convention

LOCALES = ("en", "en-US", "en-GB", "de", "de-CH", "de-AT", "fr", "fr-CH", "nl", "it", "es")


def _answers(mini, partner: str) -> object:
    return parse_answers(("partner:\n" + partner).encode(), mini, "a.yaml")


# ---- the region is honoured ---------------------------------------------------

@pytest.mark.parametrize("tag,iso", [("en-GB", "2026-11-01"), ("en-US", "2026-01-11"), ("en", "2026-01-11"),
                                     ("de-CH", "2026-11-01"), ("fr-CH", "2026-11-01")])
def test_a_numeric_date_reads_as_the_region_writes_it(mini, tag: str, iso: str) -> None:
    sep = "." if tag.endswith("CH") else "/"
    a = _answers(mini, f"  language: {tag}\n  assessed_on: '01{sep}11{sep}2026'\n")
    assert a.assessed_on == iso


def test_swiss_german_reads_a_point_as_the_decimal(mini) -> None:
    a = _answers(mini, "  language: de-CH\n  years_in_cloud: '12.500'\n")
    assert a.years_in_cloud == 12.5
    assert read_value("money", "CHF 12'500.50", Convention.of("de-CH"), currency="CHF") == 12500.5
    assert read_value("money", "12’500", Convention.of("de-CH")) == 12500


def test_the_region_is_kept_on_the_answers(mini) -> None:
    a = _answers(mini, "  language: de-CH\n")
    assert (a.language, a.locale) == ("de", "de-CH")


# ---- a thousands group after a lone 0 ---------------------------------------------

@pytest.mark.parametrize("tag,text", [("de", "0.500"), ("de", "0.021"), ("en", "0,500"), ("", "0,500")])
def test_a_group_after_a_lone_zero_is_refused_with_both_readings(mini, tag: str, text: str) -> None:
    lang = f"  language: {tag}\n" if tag else ""
    with pytest.raises(InvalidInput) as exc:
        _answers(mini, f"{lang}  years_in_cloud: '{text}'\n")
    p = next(p for p in exc.value.problems if "years_in_cloud" in p.message)
    assert p.line == (3 if tag else 2) and p.column > 1
    half = float(text.replace(",", ".").replace(".", ".", 1))
    assert f"{half:g}" in p.message and str(int(text.replace(",", "").replace(".", ""))) in p.message
    # a German file is told in German (its partner.language)
    assert ("Tausendergruppen beginnen nie mit 0" if tag == "de" else "thousands never start with 0") in p.message


def test_plain_english_never_imports_babel() -> None:
    code = ("import sys; from playbook.i18n import Convention; from playbook.base.reading import read_value;"
            "c = Convention.of('en'); read_value('money', '$1,200.50', c); read_value('date', '1/11/2026', c);"
            "print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- one reader for answers and CSV --------------------------------------------------

@pytest.mark.parametrize("text", ["45.000", "1.234", "1.200"])
def test_the_answers_and_the_csv_refuse_the_same_ambiguous_amounts(mini, text: str) -> None:
    from playbook.customers import parse_customers

    with pytest.raises(ValueError, match="to say which"):
        read_value("money", text, Convention())
    with pytest.raises(InvalidInput, match="to say which"):
        parse_customers(f'name,revenue\nA,"{text}"\n'.encode(), ())


def test_a_date_question_reads_the_partner_convention() -> None:
    assert read_value("date", "01.11.2026", Convention.of("de")) == "2026-11-01"


# ---- the formula guard -----------------------------------------------------------------

@pytest.mark.parametrize("text,out", [("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
                                      ("\rx", "'\rx"), ("-2", "'-2"), ("+2", "'+2"), ("Backup", "Backup"),
                                      ("Backup;=HYPERLINK(1)", "Backup;'=HYPERLINK(1)"),
                                      ("A| @x", "A| '@x"), ("'=1", "'=1")])
def test_neutralise_list(text: str, out: str) -> None:
    assert neutralise_list(text) == out
    assert neutralise_list(out) == out  # guarding twice is harmless
    assert not list_has_formula(neutralise_list(text))


# ---- round trip: what Babel writes in a locale reads back to the same value --------------

def _babel(tag: str) -> str:
    return tag.replace("-", "_")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LOCALES), st.decimals(min_value=-10**12, max_value=10**12, places=2,
                                             allow_nan=False, allow_infinity=False))
def test_a_number_babel_writes_reads_back(tag: str, x) -> None:
    text = format_decimal(x, format="#,##0.00", locale=_babel(tag))
    assert read_value("number", text, Convention.of(tag)) == pytest.approx(float(x), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LOCALES), st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False,
                                             allow_infinity=False), st.sampled_from(["USD", "EUR", "CAD", "GBP"]))
def test_money_babel_writes_reads_back(tag: str, x, currency: str) -> None:
    text = format_currency(x, currency, locale=_babel(tag))
    assert read_value("money", text, Convention.of(tag), currency=currency) == pytest.approx(float(x), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LOCALES), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_date_babel_writes_reads_back(tag: str, d: dt.date) -> None:
    from babel import Locale

    pattern = Locale.parse(_babel(tag)).date_formats["short"].pattern
    pattern = pattern.replace("yyyy", "y").replace("yy", "y").replace("y", "yyyy")  # the year in full
    text = format_date(d, format=pattern, locale=_babel(tag))
    assert read_value("date", text, Convention.of(tag)) == d.isoformat()


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([".", ","]))
def test_a_value_that_reads_two_ways_without_a_locale_is_refused(lead: int, tail: int, sep: str) -> None:
    text = f"{lead}{sep}{tail:03d}"
    with pytest.raises(ValueError, match="to say which"):
        read_value("number", text, Convention())
    if sep == ".":  # money and counts read a comma between thousands, as nobody writes three decimals
        with pytest.raises(ValueError, match="to say which"):
            read_value("money", text, Convention())


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2099))
def test_a_date_that_reads_two_ways_without_a_locale_is_refused(day: int, month: int, year: int) -> None:
    text = f"{day:02d}/{month:02d}/{year}"
    if day <= 12 and day != month:
        with pytest.raises(ValueError, match="en-US"):
            read_value("date", text, Convention())
    else:
        got = read_value("date", text, Convention())
        assert got == dt.date(year, month, day).isoformat()


def test_parse_number_keeps_its_signature() -> None:
    assert parse_number("1.200,5", decimal=",") == 1200.5


# ---- bounded work: suggestions are counted before they run ---------------------------

def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the fuzzy comparisons (the work a suggestion costs), wherever they are made."""
    import difflib

    calls: list[str] = []
    real = difflib.get_close_matches

    def counting(word, options, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(word)
        return real(word, options, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return calls


def test_unknown_ids_get_at_most_twenty_suggestions(mini, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    raw = "answers:\n" + "".join(f"  unknown_{i}: yes\n" for i in range(3000))
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw.encode(), mini, "a.yaml")
    assert len(exc.value.problems) >= 3000  # every one is still reported
    assert len(calls) <= 20


def test_unknown_csv_stages_get_at_most_twenty_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    from playbook.customers import parse_customers

    calls = _counting(monkeypatch)
    csv = "name,stage\n" + "".join(f"c{i},stage{i}\n" for i in range(3000))
    with pytest.raises(InvalidInput):
        parse_customers(csv.encode(), ("ad_hoc", "managed"))
    assert len(calls) <= 20


def test_unknown_keys_get_at_most_twenty_suggestions(mini, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    raw = "partner:\n" + "".join(f"  namex{i}: x\n" for i in range(3000))
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw.encode(), mini, "a.yaml")
    assert sum(p.code == "unknown-key" for p in exc.value.problems) == 3000
    assert len(calls) <= 20
