"""Every bad input of the contract: exit 1, a located message, never a crash."""

from __future__ import annotations

import pytest

from playbook.answers.check import parse_answers
from playbook.errors import InvalidInput

GOOD = b"""partner:
  name: Fabrikam
  years_in_cloud: 3
  focus: [managed_services]
answers:
  onboarding_process: yes
  renewal_outreach: Ad hoc
metrics:
  churn_rate_annual: 12%
  mrr: $180,000
nps_responses: [10, 9, 3]
"""

BAD = [
    # (answers file, code, line, column, words in the message)
    (b"metrics:\n  churn_rate_anual: 12%\n", "unknown-metric", 2, 3, "did you mean 'churn_rate_annual'"),
    (b"answers:\n  onbording_process: yes\n", "unknown-question", 2, 3, "did you mean 'onboarding_process'"),
    (b"metrics:\n  churn_rate_annual: 140%\n", "value", 2, 22, "above the allowed maximum 100%"),
    (b"nps_responses: [10, 11]\n", "maximum", 1, 21, "11"),
    (b"answers:\n  renewal_outreach: sometimes\n", "value", 2, 21, "allowed: none, ad_hoc, scheduled_90_60_30"),
    (b"answers:\n  onboarding_process: maybe\n", "value", 2, 23, "not yes or no"),
    (b"metrics:\n  mrr: lots\n", "value", 2, 8, "not a number"),
    (b"answers: [1, 2]\n", "type", 1, 10, "expected a mapping"),
    (b"partner:\n  name: x\n  nmae: y\n", "unknown-key", 3, 3, "did you mean 'name'"),
    (b"answerz: {}\n", "unknown-key", 1, 1, "did you mean 'answers'"),
    (b"", "empty", 1, 1, "playbook init"),
    (b"- a\n- b\n", "type", 1, 1, "must be a mapping"),
    (b"just a sentence\n", "type", 1, 1, "must be a mapping"),
    (b"a: 1\na: 2\n", "duplicate-key", 2, 1, "duplicate key 'a'"),
    (b"answers: !!python/object/apply:os.system [echo hi]\n", "tag", 1, 10, "not allowed"),
    (b"answers: {onboarding_process: yes\n", "syntax", 2, 1, "YAML syntax error"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not-text", 1, 1, "not a UTF-8 text file"),
    (b"partner:\n  years_in_cloud: -2\n", "value", 2, 19, "below the allowed minimum"),
    (b"partner:\n  focus: [resale, cloud]\n", "enum", 2, 19, "use one of"),
]


@pytest.mark.parametrize("raw,code,line,col,words", BAD)
def test_bad_answers(mini, raw: bytes, code: str, line: int, col: int, words: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw, mini, "a.yaml")
    probs = exc.value.problems
    assert [(p.code, p.line, p.column) for p in probs][:1] == [(code, line, col)], [p.format() for p in probs]
    assert words in probs[0].message


def test_all_problems_reported_at_once(mini) -> None:
    raw = b"answers:\n  onbording_process: yes\nmetrics:\n  churn_rate_annual: 140%\n  mrr: lots\n"
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw, mini, "a.yaml")
    assert [p.line for p in exc.value.problems] == [2, 4, 5]


def test_a_structural_mistake_does_not_hide_the_others(default_pack) -> None:
    raw = (b"partner:\n  focus: [resell]\nanswers:\n  onboarding_process: mostly\nmetrics:\n  mrr: lots\n"
           b"customers:\n  - {name: A, stage: Repeatable, revenue: -5, renewal_date: 2026-13-01}\n")
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw, default_pack, "a.yaml")
    got = [(p.line, p.message.split(":")[0]) for p in exc.value.problems]
    assert got == [(2, "'resell' is not allowed in partner.focus[0]; did you mean 'resale'? (use one of"),
                   (4, "onboarding_process"), (6, "mrr"), (8, "revenue"), (8, "renewal_date")]


def test_customer_stage_is_read_in_any_case(default_pack) -> None:
    a = parse_answers(b"customers:\n  - {name: A, stage: Repeatable}\n", default_pack, "a.yaml")
    assert a.customers[0].stage == "repeatable"


def test_values_are_read_as_people_write_them(mini) -> None:
    a = parse_answers(GOOD, mini, "a.yaml")
    assert a.answers == {"onboarding_process": True, "renewal_outreach": "ad_hoc"}
    assert a.metrics == {"churn_rate_annual": 12.0, "mrr": 180000.0}
    assert a.nps_responses == (10, 9, 3)
    assert a.focus == ("managed_services",)
    assert a.input_hash.startswith("sha256:")


@pytest.mark.parametrize("written,warned", [("0.12", True), ('"0.12"', True), ('"0.12%"', False),
                                             ("12", False), ("0", False), ("1", False)])
def test_a_percentage_written_as_a_fraction_is_kept_but_flagged(mini, written: str, warned: bool) -> None:
    a = parse_answers(f"metrics:\n  churn_rate_annual: {written}\n".encode(), mini, "a.yaml")
    assert a.metrics["churn_rate_annual"] == float(written.strip('"%'))  # kept as written: 0.12 means 0.12 %
    if warned:
        [w] = a.warnings
        assert (w.line, w.column, w.code, w.severity) == (2, 22, "percent-fraction", "warning")
        assert "write 12 if you meant 12 %" in w.message and "'0.12%' to keep it" in w.message
    else:
        assert a.warnings == ()


def test_a_fraction_warning_comes_with_the_errors(mini) -> None:
    with pytest.raises(InvalidInput) as e:
        parse_answers(b"metrics:\n  churn_rate_annual: 0.2\n  mrr: lots\n", mini, "a.yaml")
    assert sorted(p.severity for p in e.value.problems) == ["error", "warning"]


def test_blank_answer_is_not_assessed(mini) -> None:
    a = parse_answers(b"answers:\n  onboarding_process:\n", mini, "a.yaml")
    assert a.answers == {}


# ---- properties: nothing a client sends may crash us --------------------------

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(["12%", "$1,000", "yes", "ad hoc", "2026-11-01", "1e999"]))
keys = st.one_of(st.sampled_from(["partner", "answers", "metrics", "nps_responses", "customers", "name",
                                  "onboarding_process", "renewal_outreach", "churn_rate_annual", "mrr", "stage",
                                  "focus", "years_in_cloud", "assessed_on"]), st.text(max_size=8))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                     st.dictionaries(keys, kids, max_size=5)), max_leaves=25)


def _never_crashes(mini, raw: bytes) -> None:
    try:
        parse_answers(raw, mini, "fuzz.yaml")
    except InvalidInput as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(mini, raw: bytes) -> None:
    _never_crashes(mini, raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}!&*'\"\n\t#%|>?,0129.yesno@`")), max_size=120))
def test_arbitrary_yaml_like_text_never_crashes(mini, text: str) -> None:
    _never_crashes(mini, text.encode())


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(trees)
def test_arbitrary_documents_never_crash(mini, tree) -> None:
    _never_crashes(mini, yaml.safe_dump(tree, allow_unicode=True).encode())


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={"partner": trees, "answers": trees, "metrics": trees,
                                           "nps_responses": trees, "customers": trees}))
@pytest.mark.slow
def test_arbitrary_answer_sections_never_crash(mini, doc) -> None:
    _never_crashes(mini, yaml.safe_dump(doc, allow_unicode=True).encode())


# ---- issue 11: careless input is never read silently, hostile input never crashes ----

def _problems(pack, raw: bytes) -> list:
    with pytest.raises(InvalidInput) as exc:
        parse_answers(raw, pack, "a.yaml")
    return exc.value.problems


@pytest.mark.parametrize("raw,line,col,words", [
    # the careless inputs of issue 11, each a located error
    ("partner: {currency: EUR}\nmetrics:\n  cac: €1.200\n", 3, 8, "reads as 1.2 with '.' as the decimal separator, or as 1200"),
    ("partner: {currency: EUR}\nmetrics:\n  mrr: €45.000\n", 3, 8, "or as 45000"),
    ("metrics:\n  mrr: 45.000\n", 2, 8, "or as 45000"),  # YAML reads it as 45.0: the text as typed is checked
    ("metrics:\n  active_customers: 1.234\n", 2, 21, "or as 1234"),
    ("metrics:\n  active_customers: 12.5\n", 2, 21, "not a whole number"),
    ("partner: {currency: EUR}\nmetrics:\n  mrr: $45,000\n", 3, 8, "the partner's currency is EUR"),
    ("partner: {currency: EUR}\nmetrics:\n  cac: £900\n", 3, 8, "the partner's currency is EUR"),
    ("partner: {currency: EUR}\ncustomers:\n  - {name: A, stage: repeatable, revenue: $5}\n", 3, 43,
     "the partner's currency is EUR"),
    ("answers:\n  onboarding_process:    # yes or no  yes\n", 2, 39, "move `yes` before the `#`"),
    ("metrics:\n  mrr:    # Monthly recurring revenue; money per month  180000\n", 2, 57,
     "move `180000` before the `#`"),
    ('partner:\n  name: ""                 # your company name Fabrikam\n', 2, 48, "move `Fabrikam` before the `#`"),
    ("partner:\n  currency: " + "X" * 5000 + "\n", 2, 13, "write a three-letter ISO 4217 code"),
    ("partner:\n  currency: US Dollars\n", 2, 13, "not a currency"),
    ("partner:\n  notes: " + "x" * 3000 + "\n", 2, 10, "keep it under 2,000"),
    # crash classes of issue 11
    ("answers:\n  partner_of_record: maybe,\n", 2, 22, "not one of the allowed answers"),
    ("answers:\n  onboarding_process: !!bool maybe\n", 2, 23, "not a valid !!bool"),
    ("answers:\n  onboarding_process: !!int ''\n", 2, 23, "not a valid !!int"),
    ("answers:\n  onboarding_process: !!timestamp x\n", 2, 23, "not a valid !!timestamp"),
    ("metrics:\n  mrr: " + "9" * 400 + "\n", 2, 8, "too long to be a number"),
    ("metrics:\n  mrr: " + "9" * 30 + "\n", 2, 8, "too large"),
    ("customers:\n  - {name: A, stage: repeatable, revenue: " + "9" * 30 + "}\n", 2, 43, "too large"),
    ("metrics:\n  mrr: '" + "1 a" * 7000 + "'\n", 2, 8, "too long to be a number"),
])
def test_careless_and_hostile_values(default_pack, raw: str, line: int, col: int, words: str) -> None:
    errors = [p for p in _problems(default_pack, raw.encode()) if p.severity == "error"]
    assert [(p.line, p.column) for p in errors] == [(line, col)], [p.format() for p in errors]
    assert words in errors[0].message
    assert len(errors[0].message) < 400


def test_the_hint_check_reads_exactly_what_init_writes(default_pack) -> None:
    from playbook.answers.template import answers_template

    template = answers_template(default_pack)
    assert parse_answers(template.encode(), default_pack, "a.yaml").answers == {}  # the blank template: no noise
    # the template writes a question's hint on a line of its own, so what is typed after the key is read
    line = next(ln for ln in template.splitlines() if ln.startswith("  onboarding_process:"))
    assert line == "  onboarding_process:"
    assert parse_answers(template.replace(line, line + " yes").encode(), default_pack,
                         "a.yaml").answers == {"onboarding_process": True}
    # the partner fields keep their hint after the key: an answer typed after it is caught
    name = next(ln for ln in template.splitlines() if ln.startswith("  name:"))
    [p] = _problems(default_pack, template.replace(name, name + " Fabrikam").encode())
    assert p.code == "answer-in-comment" and "move `Fabrikam` before the `#`" in p.message


def test_text_after_a_hint_that_is_no_answer_is_only_a_warning(default_pack) -> None:
    a = parse_answers(b"answers:\n  onboarding_process:    # yes or no  (ask Dana)\n", default_pack, "a.yaml")
    [w] = a.warnings
    assert (w.severity, w.code, w.line) == ("warning", "answer-in-comment", 2)
    assert a.answers == {}


def test_a_users_own_comment_is_left_alone(default_pack) -> None:
    a = parse_answers(b"answers:\n  onboarding_process:    # ask Dana: yes\n", default_pack, "a.yaml")
    assert a.warnings == () and a.answers == {}


def test_values_people_write_well_still_read(default_pack) -> None:
    a = parse_answers("partner:\n  currency: eur\n  years_in_cloud: 1.005\nmetrics:\n  mrr: €45,000\n"
                      "  cac: 1.5k\n  active_customers: 1,234\n  churn_rate_annual: 12.5%\n"
                      "  bmur: 2.125\n".encode(), default_pack, "a.yaml")
    assert a.currency == "EUR" and a.years_in_cloud == 1.005  # 1005 years is out of range: one reading fits
    assert a.metrics == {"mrr": 45000.0, "cac": 1500.0, "active_customers": 1234.0, "churn_rate_annual": 12.5,
                         "bmur": 2.125}


def test_a_locale_settles_the_convention(default_pack) -> None:
    a = parse_answers("metrics:\n  cac: €1.200\n  mrr: 45.000,50\n".encode(), default_pack, "a.yaml", decimal=",")
    assert a.metrics == {"cac": 1200.0, "mrr": 45000.5}


def test_a_device_is_refused_as_answers_file(default_pack) -> None:
    from pathlib import Path

    from playbook.answers.check import load_answers

    with pytest.raises(InvalidInput) as exc:
        load_answers(Path("/dev/zero"), default_pack)
    assert exc.value.problems[0].code == "not-a-file"
