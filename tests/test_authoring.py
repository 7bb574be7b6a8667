"""Author tools: extends/override/disable, show --resolved, explain, docs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.errors import InvalidInput
from playbook.pack.load import load_pack
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
    from playbook.answers.check import parse_answers

    (tmp_path / "pack.yaml").write_text("id: o\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: default\n")
    (tmp_path / "o.yaml").write_text("disable:\n  actions: [account_based_marketing]\n"
                                     "  questions: [account_based_marketing]\n")
    pack = load_pack(tmp_path)
    a = parse_answers(b"answers:\n  account_based_marketing: yes\n  consultative_selling: yes\n", pack, "a.yaml")
    assert a.answers == {"consultative_selling": True}
    with pytest.raises(InvalidInput, match="unknown question 'acount_based_marketing'"):
        parse_answers(b"answers:\n  acount_based_marketing: yes\n", pack, "a.yaml")


def test_explain_without_an_action_is_a_short_summary(tmp_path, monkeypatch) -> None:
    from tests.conftest import EXAMPLES

    r = invoke("explain", str(EXAMPLES / "grow-stage.yaml"))
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("Fabrikam Cloud Services: ") and "stage." in lines[0]
    assert len(lines) < 120  # a screenful or two, not a trace of every action
    assert any(line.startswith("Recommended (") for line in lines)
    assert any(line.startswith("In place (") for line in lines)
    assert "  1. " in r.output and "--action ID" in lines[-1]


def test_explain_traces_a_finding_with_its_benchmark_and_target(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("metrics: {nps: 20}\n")
    r = invoke("explain", "a.yaml", "--pack", str(MINI), "--action", "raise_nps")
    assert r.exit_code == 0
    leaf = next(line for line in r.output.splitlines() if "finding nps_target" in line)
    assert "[benchmark nps_target: nps = 20.0, target" in leaf and "-> true" in leaf


def test_validate_accepts_a_bundled_pack_id() -> None:
    r = invoke("validate", "default")
    assert r.exit_code == 0 and "default: ok" in r.output
    r = invoke("validate", "defualt")
    assert r.exit_code == 2 and "did you mean 'default'" in r.output


def test_catalog_cites_sources_by_title() -> None:
    r = invoke("docs", "default")
    assert r.exit_code == 0
    assert "Optimize and Grow Guide" in r.output or "Modern Microsoft Partner Series" in r.output
    assert "002_d85274969c44507d.txt §" not in r.output


def test_locations_in_an_installed_pack_are_named_by_the_pack_folder(tmp_path, monkeypatch) -> None:
    import shutil

    from tests.conftest import ROOT

    installed = tmp_path / ".venv" / "lib" / "python3" / "site-packages" / "playbook" / "_data" / "default"
    shutil.copytree(ROOT / "assessments" / "default", installed)
    monkeypatch.chdir(tmp_path)  # the venv sits inside the working folder, as it often does
    pack = load_pack(installed)
    assert pack.action("reduce_churn").loc.file == "default/actions-strategy.yaml"


def test_a_question_an_overlay_left_unused_is_warned_in_the_overlay(tmp_path) -> None:
    (tmp_path / "pack.yaml").write_text("id: o\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: default\n")
    (tmp_path / "o.yaml").write_text("disable:\n  actions: [account_based_marketing]\n")
    unused = [p for p in load_pack(tmp_path).warnings if p.code == "unused-question"]
    assert [(p.file.endswith("o.yaml"), p.line) for p in unused] == [(True, 1)]
    assert "add it to `disable: questions:` here" in unused[0].message
    assert "account_based_marketing" in unused[0].message
    (tmp_path / "o.yaml").write_text("disable:\n  actions: [account_based_marketing]\n"
                                     "  questions: [account_based_marketing]\n")
    assert not [p for p in load_pack(tmp_path).warnings if p.code == "unused-question"]


def test_docs_takes_the_format_from_the_extension(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from playbook.cli.main import cli

    r = CliRunner().invoke(cli, ["docs", "default", "-o", str(tmp_path / "catalog.html")])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "catalog.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "<h1" in html and "\n# " not in html
    r = CliRunner().invoke(cli, ["docs", "default", "-o", str(tmp_path / "catalog.md")])
    assert (tmp_path / "catalog.md").read_text().startswith("#")
    r = CliRunner().invoke(cli, ["docs", "default", "--format", "md", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "make them agree" in r.stderr
