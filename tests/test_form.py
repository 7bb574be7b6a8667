"""The questionnaire file (playbook form): its checks agree with `playbook validate`,
what it saves assesses like its input, and hostile text stays text.

The page's checker runs where partners run it, in Chromium (tests/chrome.py),
and is driven over the same good and bad values as playbook.answers.check."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from playbook.answers.check import _currency as answers_currency
from playbook.answers.check import parse_answers
from playbook.base.model import Leaf
from playbook.cli.main import cli
from playbook.engine.evaluation import Facts, evaluate, holds
from playbook.engine.result import to_dict
from playbook.errors import InvalidInput
from playbook.pack.load import load_pack
from playbook.report import form as form_mod
from tests import chrome

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HOSTILE = ("</script><script>alert(1)</script><img src=x onerror=alert(2)> & \"quotes\" 'single' "
           "\\back\\slash \u2028line\u2029para \u0085nel # not a comment: {{ x }} ${y} \U0001F600")


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_pack(None)


@pytest.fixture(scope="module")
def full_form(tmp_path_factory: pytest.TempPathFactory, pack: Any) -> str:
    page = tmp_path_factory.mktemp("form") / "questionnaire.html"
    page.write_bytes(form_mod.form_html(pack, quick=False))
    return page.as_uri()


@pytest.fixture(scope="module")
def browser(full_form: str) -> Iterator[Any]:
    for drv in chrome.session():
        drv.get(full_form)
        yield drv


def js(drv: Any, expr: str, *args: Any) -> Any:
    return drv.execute_script(f"return (function() {{ var F = window.playbookForm; {expr} }}).apply(null, arguments);",
                              *args)


# ---- the same values through both checkers ---------------------------------

NUMBERS = ["12", "12%", " 7 ", "0", "100", "100.5", "140", "-5", "-0.5", "$180,000", "180k", "2.5m", "1,200",
           "1,2", "12.5", "12.", ".5", "abc", "0.5", "1e3", "48 days", "2.1x", "USD 5", "5 EUR", "€40", "n/a",
           "unknown", "12 %", "1_000", "+3", "20 k", "5 dollars",
           # the grammar of values.parse_number since the hardening: ambiguous groups of three,
           # settled only by the field's range; whole counts; length and magnitude caps
           "1.200", "45.000", "1,005", "1.005", "-1.200", "1.200 €", "€1.200", "1.200k", "12,500", "2,500",
           "1,234.5", "1.234,5", "10.5", "3.7", "1e16", "1e15", "1.5e+14", "-1e3", "1e999", ".5e1", "1" * 50,
           "1" * 40, "1" * 16, "$1.2bn", "5mm", "7 days", "3×", "USD5", "5USD", "usd 5", "£5", "¥5", "₹5",
           "١٢", "1 000", " 5 ", "1 200", "1,,200", "1,20,000", "12.345.678", "1.2340", "-1.2340", "1.2340k"]
WORDS = ["yes", "No", " YES ", "y", "true", "0", "1", "on", "maybe", "si", "n/a", "N/A", "not applicable", "none"]


def values_for(field: dict[str, Any]) -> list[str]:
    if field["type"] == "yesno":
        return WORDS
    if field["type"] == "choice":
        choices = [c["value"] for c in field["choices"]]
        return [*choices, *(c.upper().replace("_", " ") for c in choices), *(c.replace("_", "-") for c in choices),
                "nope", "n/a", "yes"]
    return NUMBERS


def python_ok(pack: Any, key: str, raw: str, currency: str = "") -> tuple[bool, Any]:
    """What `playbook validate` says of `raw` written in the answers file for this field
    (with `currency` as partner.currency when given)."""
    kind, _, ident = key.partition(":")
    if kind == "nps":
        text = f"nps_responses: [{raw}]\n"
    else:
        part = {"p": "partner", "q": "answers", "m": "metrics"}[kind]
        data: dict[str, Any] = {part: {ident: raw}}
        # an invalid partner.currency is an error of its own (the form shows it on that field);
        # amounts are then read without a currency, which is what the field's check says
        if currency and answers_currency(currency) is not None:
            data.setdefault("partner", {})["currency"] = currency
        text = yaml.safe_dump(data, default_style='"', width=10**6, allow_unicode=True)
    try:
        a = parse_answers(text.encode(), pack)
    except InvalidInput:
        return False, None
    if kind == "q":
        return True, a.answers.get(ident, "n/a" if ident in getattr(a, "not_applicable", ()) else None)
    if kind == "m":
        return True, a.metrics.get(ident, "n/a" if ident in getattr(a, "not_applicable", ()) else None)
    return True, None


def test_every_field_is_checked_like_validate(browser: Any, pack: Any, full_form: str) -> None:
    browser.get(full_form)
    cases = [(f["key"], v) for f in form_mod.fields(pack, quick=False) for v in values_for(f)]
    cases += [("p:years_in_cloud", v) for v in ("3", "3.5", "0", "100", "101", "-1", "abc", "2 years", "1,5")]
    cases += [("p:years_in_cloud", v) for v in ("1.005", "1.200", "50.000", "1,500", "1e1", "1" * 41)]
    cases += [("p:assessed_on", v) for v in ("2026-11-01", "2026-13-01", "2026-02-30", "2024-02-29", "01/11/2026")]
    cases += [("p:name", v) for v in ("Fabrikam", "x" * 200, "x" * 201, "é" * 200, HOSTILE)]
    cases += [("p:currency", v) for v in ("USD", "usd", " eur ", "$", "R$", "kr", "€", "US$D", "dollars", "12",
                                         "U1", "us", "\u00a0$\u00a0", "\x00")]
    cases += [("nps", v) for v in ("10, 9, 0", "11", "-1", "9.5", "abc", "10,10,10")]
    cases = [(k, v, "") for k, v in cases]
    # amounts against the partner's currency: another one is an error, as is an invalid partner.currency
    money = [f["key"] for f in form_mod.fields(pack, quick=False) if f["type"] in ("money", "money_month")]
    assert money, "the pack has no money field to test"
    cases += [(k, v, cur) for k in money
              for v in ("€1.200", "€1,200", "$5", "5 USD", "EUR 5", "5€", "CAD 5", "5", "1e3 EUR", "5k")
              for cur in ("USD", "eur", "$", "€", "R$", "dollars")]
    got = js(browser, "return arguments[0].map(function (c) { return F.check(c[0], c[1], c[2]); });", cases)
    # what the page writes for each accepted value reads back as the value validate reads
    yaml = js(browser, "return arguments[0].map(function (c) { var s = {}; s[c[0]] = c[1]; "
              "if (c[2]) s['p:currency'] = c[2]; return F.toYaml(s); });", cases)
    disagree = []
    for (key, raw, cur), res, text in zip(cases, got, yaml):
        ok, value = python_ok(pack, key, raw, cur)
        if ok != res["ok"]:
            disagree.append(f"{key} {raw!r} ({cur or 'no currency'}): validate {'accepts' if ok else 'rejects'}, "
                            f"the form {'accepts' if res['ok'] else 'rejects: ' + res['message']}")
            continue
        if not ok:
            assert res["message"], (key, raw)  # a plain-words reason, shown next to the field
            continue
        a = parse_answers(text.encode(), pack)
        if key.startswith("q:"):
            saved = a.answers.get(key[2:], "n/a" if key[2:] in getattr(a, "not_applicable", ()) else None)
        elif key.startswith("m:"):
            saved = a.metrics.get(key[2:], "n/a" if key[2:] in getattr(a, "not_applicable", ()) else None)
        else:
            continue
        if saved != value:
            disagree.append(f"{key} {raw!r} ({cur or 'no currency'}): validate reads {value!r}, "
                            f"the form saves {saved!r}")
    assert not disagree, "\n".join(disagree)


def test_years_range_matches_answers_reader(pack: Any) -> None:
    lo, hi = form_mod.YEARS_RANGE
    for v, ok in ((lo, True), (hi, True), (lo - 1, False), (hi + 1, False)):
        try:
            parse_answers(f"partner: {{years_in_cloud: {v}}}\n".encode(), pack)
            assert ok
        except InvalidInput:
            assert not ok


def _profile_conditions(pack: Any) -> list[Any]:
    """Conditions over the profile only: the questions' own applies_when, and the
    benchmarks' (which have long used the profile), so the test has cases today."""
    def profile_only(c: Any) -> bool:
        if isinstance(c, Leaf):
            return c.subject == "profile"
        items = getattr(c, "items", None)
        return all(profile_only(i) for i in items) if items is not None else profile_only(c.item)

    conds = [getattr(x, "applies_when", None) for x in [*pack.questions.values(), *pack.metrics.values()]]
    conds += [b.applies_when for b in pack.benchmarks]
    return [c for c in conds if c is not None and profile_only(c)]


def test_hiding_by_profile_agrees_with_the_engine(browser: Any, pack: Any) -> None:
    conds = _profile_conditions(pack)
    assert conds, "the pack has no profile condition to test"
    focus_sets = [list(s) for n in range(3) for s in itertools.combinations(sorted(form_mod.ops.FOCUS_VALUES), n)]
    profiles = [{"years_in_cloud": y, "focus": f or None, "currency": c}
                for y in (None, 0.0, 1.0, 2.0, 3.0, 7.5) for f in focus_sets for c in (None, "USD")]
    got = js(browser, "var ps = arguments[1]; return arguments[0].map(function (c) { "
             "return ps.map(function (p) { return F.holds(c, p); }); });",
             [form_mod.condition_json(c) for c in conds], profiles)
    for c, row in zip(conds, got):
        for p, res in zip(profiles, row):
            facts = Facts({}, {}, {**p, "focus": tuple(p["focus"]) if p["focus"] else None}, {})
            assert res == holds(c, facts), (c, p)


# ---- what the page saves -------------------------------------------------------

def _same_result(pack: Any, a: bytes, b: bytes, base: Path = ROOT / "examples") -> None:
    """`base`: where a `customers:` CSV path in either file is read from (the example's folder).
    Both are assessed in English: a German file loaded into an English form is
    saved in the form's convention, and only its numbers must stay the same."""
    ra = to_dict(evaluate(pack, parse_answers(a, pack, customers_dir=base), "en"))
    rb = to_dict(evaluate(pack, parse_answers(b, pack, customers_dir=base), "en"))
    ra.pop("input_hash")
    rb.pop("input_hash")
    assert ra == rb


@pytest.mark.parametrize("quick", [False, True], ids=["full", "quick"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_prefilled_form_saved_unchanged_assesses_the_same(example: Path, quick: bool, browser: Any, pack: Any,
                                                             tmp_path: Path) -> None:
    """Also from the quick form, which keeps the answers it does not ask as they were;
    a German file makes a German form, whose saved file is read the German way."""
    from playbook import i18n

    lang = form_mod.prefill(example, pack, example.name)[1] or None
    with i18n.using(lang):
        state = form_mod.prefill_state(example, pack, example.name)
        page = tmp_path / "q.html"
        page.write_bytes(form_mod.form_html(pack, quick=quick, state=state))
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear();")
    browser.get(page.as_uri())
    saved = js(browser, "return F.toYaml(F.state());")
    assert saved.startswith("# yaml-language-server: $schema=answers.schema.json\n")
    _same_result(pack, example.read_bytes(), saved.encode())
    # and reading that file back into the page gives the same file again
    again = js(browser, "return F.toYaml(F.stateFromDoc(F.parseSaved(arguments[0])).state);", saved)
    assert again == saved


def test_text_round_trips_through_the_saved_yaml(browser: Any, pack: Any) -> None:
    names = [HOSTILE, "yes", "null", "~", "- dash", ": colon", "&anchor", "*alias", "!!python/object:os.system",
             "'single'", "tab\there", "line\nbreak", "\x00\x01\x7f\x9f", "\ufeffbom", "Müller & Söhne GmbH", "%TAG",
             "<lone surrogate>", "   spaced   ", "R$", "kr", "€", "usd", " EUR "]
    # (a lone surrogate cannot travel to the browser as JSON: the page makes it)
    yaml = js(browser, "return arguments[0].map(function (n) { if (n === '<lone surrogate>') n = '\\ud83d'; "
              "return F.toYaml({'p:name': n, 'p:currency': n}); });", names)
    for name, text in zip(names, yaml):
        a = parse_answers(text.encode(), pack)
        expected = "\ufffd" if name == "<lone surrogate>" else name
        assert a.partner_name == expected, (name, text)
        # partner.currency must be a code or a short symbol: the form saves only what validate accepts
        assert a.currency == (answers_currency(expected) or ""), (name, text)
    assert sum(bool(answers_currency(n)) for n in names) >= 6  # some currencies did round-trip


def test_a_file_not_saved_by_the_form_is_refused_plainly(browser: Any) -> None:
    err = js(browser, "try { F.parseSaved('partner:\\n  focus:\\n    - ip\\n'); return ''; } "
             "catch (e) { return e.message; }")
    assert "line 3" in err


# ---- the file itself -------------------------------------------------------------

class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "action", "srcset", "poster", "data")]


@pytest.mark.parametrize("quick", [True, False])
def test_the_form_is_self_contained_and_small(pack: Any, quick: bool) -> None:
    page = form_mod.form_html(pack, quick=quick).decode()
    assert len(page.encode()) < form_mod.MAX_BYTES
    refs = _Refs()
    refs.feed(page)
    assert all(r.startswith("#") for r in refs.refs), refs.refs
    assert refs.scripts == 2  # the data block and the script
    assert not re.search(r"url\(|@import|https?://(?![^\s\"<]*\s)", page.split("<script type=")[0]), \
        "the stylesheet and markup load nothing"
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in html.unescape(csp.group(1))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k == "id" and v:
                self.ids.append(v)
            if k in ("aria-describedby", "aria-labelledby", "for", "form") and v:
                self.refs += v.split()


@pytest.mark.parametrize("quick", [True, False])
@pytest.mark.parametrize("action", [None, "/report"])
def test_every_id_is_unique_and_every_reference_names_one(pack: Any, quick: bool, action: str | None) -> None:
    # a duplicated id made a field's description read another's words
    ids = _Ids()
    ids.feed(form_mod.render_form(pack, quick=quick, action=action, errors={"nps": "x"}, summary=["y"]))
    dupes = sorted({i for i in ids.ids if ids.ids.count(i) > 1})
    assert not dupes, dupes
    assert set(ids.refs) <= set(ids.ids), sorted(set(ids.refs) - set(ids.ids))
    assert ids.tags.count("main") == 1 and ids.tags.count("header") == 1


def test_a_hostile_name_is_data_not_markup(pack: Any, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump({"partner": {"name": HOSTILE}}, allow_unicode=True), encoding="utf-8")
    page = form_mod.form_html(pack, quick=True, state=form_mod.prefill_state(answers, pack, "a.yaml")).decode()
    data = page.split('<script type="application/json" id="form-data">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data and "\u2028" not in data and "&" not in data
    assert json.loads(data)["prefill"]["p:name"] == HOSTILE


def test_hostile_name_shown_as_text_in_chromium(browser: Any, pack: Any, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump({"partner": {"name": HOSTILE}}, allow_unicode=True), encoding="utf-8")
    page = tmp_path / "q.html"
    page.write_bytes(form_mod.form_html(pack, quick=True, state=form_mod.prefill_state(answers, pack, "a.yaml")))
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear();")
    browser.get(page.as_uri())
    assert browser.find_element("id", "f-p-name").get_attribute("value") == HOSTILE
    assert browser.execute_script("return document.images.length + document.scripts.length") == 2


def test_cli_form(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "q.html"
    r = runner.invoke(cli, ["form", "--quick", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    r = runner.invoke(cli, ["form", "-o", str(tmp_path / "answers.yaml")])
    assert r.exit_code == 2 and "refusing" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics:\n  churn_rate_annual: 140%\n")
    r = runner.invoke(cli, ["form", "--answers", str(bad), "-o", str(out)])
    assert r.exit_code == 1 and "bad.yaml:2" in r.output


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_loading_a_plain_answers_file_keeps_its_result(example: Path, browser: Any, pack: Any,
                                                       full_form: str) -> None:
    """The examples are written by hand in the contract's style; the full form reads them too."""
    browser.get(full_form)
    saved = js(browser, "return F.toYaml(F.stateFromDoc(F.parseSaved(arguments[0])).state);", example.read_text())
    _same_result(pack, example.read_bytes(), saved.encode())


@pytest.fixture(scope="module")
def staged_pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The default pack with a short questionnaire and one question that only
    partners selling managed services are asked."""
    root = tmp_path_factory.mktemp("staged")
    (root / "pack.yaml").write_text('id: staged\nname: Staged\nversion: 1.0.0\nengine: ">=0.1,<1"\nextends: default\n')
    (root / "overrides.yaml").write_text(
        "override:\n  questions:\n"
        "    - {id: value_proposition_defined, quick: true}\n"
        "    - {id: partner_of_record, quick: true}\n"
        "    - {id: dedicated_customer_success, quick: true,"
        " applies_when: {profile: focus, contains: managed_services}}\n"
        "  metrics:\n    - {id: churn_rate_annual, quick: true}\n")
    return load_pack(str(root))


def test_quick_form_asks_the_quick_questions_and_hides_what_cannot_apply(browser: Any, staged_pack: Any,
                                                                          tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    keys = [f["key"] for f in form_mod.fields(staged_pack, quick=True)]
    assert {"m:churn_rate_annual", "q:dedicated_customer_success", "q:partner_of_record",
            "q:value_proposition_defined"} <= set(keys)
    assert len(keys) < len(form_mod.fields(staged_pack, quick=False))
    # only ours depends on the focus, so hiding it takes one field out of the count
    assert [f["key"] for f in form_mod.fields(staged_pack, quick=True) if f["applies_when"] is not None] == [
        "q:dedicated_customer_success"]
    page = tmp_path / "q.html"
    page.write_bytes(form_mod.form_html(staged_pack, quick=True))
    browser.get(page.as_uri())
    browser.execute_script("localStorage.clear();")
    browser.get(page.as_uri())
    field = browser.find_element(By.ID, "w-q-dedicated_customer_success")
    assert field.is_displayed()  # focus not given yet: it may apply
    browser.find_element(By.CSS_SELECTOR, 'input[name="q:dedicated_customer_success"][value="no"]').click()
    total = len(keys)
    assert browser.find_element(By.ID, "progress-text").text.startswith(f"1 of {total} answered")
    browser.find_element(By.CSS_SELECTOR, 'input[name="p:focus"][value="resale"]').click()
    assert not field.is_displayed()
    assert browser.find_element(By.ID, "progress-text").text.startswith(f"0 of {total - 1} answered")
    assert "dedicated_customer_success" not in js(browser, "return F.toYaml(F.state());")
    browser.find_element(By.CSS_SELECTOR, 'input[name="p:focus"][value="managed_services"]').click()
    assert field.is_displayed()
    assert "dedicated_customer_success: no" in js(browser, "return F.toYaml(F.state());")
    # does not apply: written n/a, which validate reads as not applicable
    browser.find_element(By.CSS_SELECTOR, 'input[name="q:partner_of_record"][value="n/a"]').click()
    saved = js(browser, "return F.toYaml(F.state());")
    assert "partner_of_record" in parse_answers(saved.encode(), staged_pack).not_applicable


def test_a_prefilled_number_reads_back_as_the_same_number(pack: Any) -> None:
    """The text the form is prefilled with is read by validate as the value it came from:
    1.2340 became 1.234, which must not come back as the ambiguous `1.234`."""
    for written in ("1.2340", "12.5", "1.5e+14", "0.0000001", "$1,234,567"):
        a = parse_answers(f'metrics: {{arpu: "{written}"}}\n'.encode(), pack)
        text = form_mod.state_from_answers(a, None, pack)["m:arpu"]
        again = parse_answers(f'metrics: {{arpu: "{text}"}}\n'.encode(), pack)
        assert again.metrics["arpu"] == a.metrics["arpu"], (written, text)
