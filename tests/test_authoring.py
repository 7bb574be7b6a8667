"""Author tools: extends/override/disable, show --resolved, explain, docs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from playbook.cli import cli
from playbook.errors import InvalidInput
from playbook.loader import load_pack
from tests.conftest import DATA, MINI

OVERLAY = DATA / "packs" / "mini-overlay"
BAD_OVERLAY = DATA / "packs" / "bad-overlay"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_overlay_overrides_disables_and_adds() -> None:
    pack = load_pack(OVERLAY)
    ids = [a.id for a in pack.actions]
    assert "raise_nps" not in ids and ids[-1] == "hire_first_csm"
    churn = next(b for b in pack.benchmarks if b.id == "churn_target")
    assert churn.target.value == 15.0 and churn.target_text.startswith("under 15 %")
    assert pack.action("reduce_churn").when.value == 15.0  # type: ignore[union-attr]
    assert pack.id == "mini_overlay" and [a.id for a in pack.areas] == ["customer_lifecycle", "metrics"]
    assert pack.content_hash != load_pack(MINI).content_hash


def test_bad_override_is_located_with_did_you_mean() -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(BAD_OVERLAY)
    msgs = [p.format() for p in exc.value.problems]
    assert msgs == [
        f"{p.file}:3:11: error: cannot override unknown action 'reduce_chrun'; did you mean 'reduce_churn'? "
        "[unknown-override]" for p in exc.value.problems[:1]] + [
        f"{exc.value.problems[1].file}:6:16: error: cannot disable unknown benchmark 'nps_targte'; "
        "did you mean 'nps_target'? [unknown-override]"]


def test_extends_cycle_and_missing_base(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for me, other in ((a, "../b"), (b, "../a")):
        me.mkdir()
        (me / "pack.yaml").write_text(f"id: {me.name}\nname: X\nversion: 1.0.0\nengine: '>=0.1'\nextends: {other}\n")
    with pytest.raises(InvalidInput, match="cycle"):
        load_pack(a)
    (a / "pack.yaml").write_text("id: a\nname: X\nversion: 1.0.0\nengine: '>=0.1'\nextends: defualt\n")
    with pytest.raises(InvalidInput, match="did you mean 'default'"):
        load_pack(a)


def test_overlay_pack_tests_and_show() -> None:
    r = invoke("test", str(OVERLAY))
    assert r.exit_code == 0 and "1 passed" in r.output
    r = invoke("show", str(OVERLAY), "--resolved")
    assert r.exit_code == 0
    assert "raise_nps" not in r.output and "hire_first_csm" in r.output and "gt: 15" in r.output
    r = invoke("show", str(OVERLAY))
    assert r.exit_code == 0 and "# ---- pack.yaml ----" in r.output and "extends:" in r.output
    assert "disable:" in r.output or "override:" in r.output


def test_explain_shows_the_trace(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("answers: {renewal_outreach: ad_hoc}\nmetrics: {churn_rate_annual: 12}\n")
    r = invoke("explain", "a.yaml", "--pack", str(MINI), "--action", "renewals_early")
    assert r.exit_code == 0
    assert r.output.splitlines()[0].startswith("renewals_early: recommended  [start, better]")
    assert "question renewal_outreach = 'ad_hoc'; rule: is at least 'scheduled_90_60_30' -> false" in r.output
    assert "content.yaml:62" in r.output
    assert "requires: formal_onboarding (not assessed)" in r.output
    r = invoke("explain", "a.yaml", "--pack", str(MINI), "--action", "reduce_chrun")
    assert r.exit_code == 2 and "did you mean 'reduce_churn'" in r.stderr


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_docs_catalog(fmt: str) -> None:
    r = invoke("docs", str(MINI), "--format", fmt)
    assert r.exit_code == 0
    assert "Set up a formal onboarding process" in r.output
    assert "is at least" in r.output and "churn" in r.output


def test_using_what_the_overlay_disables_says_so(tmp_path) -> None:
    (tmp_path / "pack.yaml").write_text("id: o\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: default\n")
    (tmp_path / "o.yaml").write_text(
        "disable:\n  actions: [formal_onboarding_process, account_based_marketing]\n  metrics: [nps]\n"
        "override:\n  actions:\n    - {id: account_based_marketing, title: X}\n")
    with pytest.raises(InvalidInput) as exc:
        load_pack(tmp_path)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert {p.code for p in errors} == {"uses-disabled", "unknown-override"}
    assert any("prerequisite 'formal_onboarding_process' is disabled by the extending pack; disable or override "
               "'onboarding_nurture' too" in p.message for p in errors)
    assert any("metric 'nps' is disabled by the extending pack but used here" in p.message for p in errors)
    assert any("cannot override 'account_based_marketing': this pack also disables it" in p.message for p in errors)


def test_explain_points_at_the_overlay_for_an_overridden_condition(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("metrics: {churn_rate_annual: 20}\n")
    r = invoke("explain", "a.yaml", "--pack", str(OVERLAY), "--action", "reduce_churn")
    assert r.exit_code == 0
    leaf = next(line for line in r.output.splitlines() if "metric churn_rate_annual" in line and "15" in line)
    assert "mini-overlay" in leaf and ":8)" in leaf


def test_answers_for_what_an_overlay_disables_are_ignored(tmp_path) -> None:
    from playbook.answers import parse_answers

    (tmp_path / "pack.yaml").write_text("id: o\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: default\n")
    (tmp_path / "o.yaml").write_text("disable:\n  actions: [account_based_marketing]\n"
                                     "  questions: [account_based_marketing]\n")
    pack = load_pack(tmp_path)
    a = parse_answers(b"answers:\n  account_based_marketing: yes\n  consultative_selling: yes\n", pack, "a.yaml")
    assert a.answers == {"consultative_selling": True}
    with pytest.raises(InvalidInput, match="unknown question 'acount_based_marketing'"):
        parse_answers(b"answers:\n  acount_based_marketing: yes\n", pack, "a.yaml")
