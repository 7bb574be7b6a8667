"""The CLI through click's CliRunner, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from playbook import __version__
from playbook.cli.main import cli
from playbook.pack.schema import result_schema
from tests.conftest import MINI, ROOT

ANSWERS = """partner:
  name: Fabrikam
  assessed_on: 2026-11-01
answers:
  onboarding_process: no
  renewal_outreach: ad_hoc
metrics:
  churn_rate_annual: 12%
"""


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_text(ANSWERS)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version() -> None:
    r = invoke("--version")
    assert r.exit_code == 0 and __version__ in r.output


def test_assess_writes_html_next_to_cwd_and_prints_path(work: Path) -> None:
    r = invoke("assess", "acme.yaml", "--pack", str(MINI))
    assert r.exit_code == 0, r.output
    out = work / "acme-report.html"
    assert r.stdout.strip() == str(out)  # the path on stdout; how much was answered on stderr
    assert r.stderr.startswith("acme.yaml: answered ")
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Fabrikam" in html


def test_assess_json_to_stdout_follows_the_contract(work: Path) -> None:
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "--format", "json", "-o", "-")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    jsonschema.validate(data, result_schema())
    assert data["pack"] == {"id": "mini", "name": "Mini test pack", "version": "0.1.0",
                            "hash": data["pack"]["hash"]}
    assert data["stage"] == "start"
    assert [a["id"] for a in data["actions"]][:2] == ["formal_onboarding", "renewals_early"]
    assert data["findings"][0] == {"benchmark": "churn_target", "metric": "churn_rate_annual", "value": 12.0,
                                   "status": "not_met", "target": "under 8-10 % a year", "gap": 2.0,
                                   "band": None, "source": "guide.txt § Churn"}
    assert not list(work.glob("*-report.*"))


@pytest.mark.parametrize("fmt,ext", [("md", ".md"), ("json", ".json"), ("html", ".html")])
def test_format_from_option_and_extension(work: Path, fmt: str, ext: str) -> None:
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "--format", fmt).exit_code == 0
    assert (work / f"acme-report{ext}").is_file()
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", f"out{ext}").exit_code == 0
    assert (work / f"out{ext}").is_file()


def test_invalid_answers_exit_1_write_nothing_and_keep_old_report(work: Path) -> None:
    (work / "acme-report.html").write_text("previous report")
    (work / "acme.yaml").write_text("metrics:\n  churn_rate_anual: 12%\n")
    r = invoke("assess", "acme.yaml", "--pack", str(MINI))
    assert r.exit_code == 1
    assert "acme.yaml:2:3: error: unknown metric 'churn_rate_anual'; did you mean 'churn_rate_annual'?" in r.stderr
    assert "nothing was written" in r.stderr
    assert (work / "acme-report.html").read_text() == "previous report"
    assert not [p for p in work.iterdir() if p.name.startswith(".")]


def test_usage_errors_exit_2(work: Path) -> None:
    assert invoke("assess", "missing.yaml").exit_code == 2
    r = invoke("assess", "acme.yaml", "--pack", "defualt")
    assert r.exit_code == 2 and "did you mean 'default'" in r.stderr
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "--format", "docx").exit_code == 2
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "acme.yaml")
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "nodir/x.html").exit_code == 2
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "x.docx")
    assert r.exit_code == 2 and "cannot tell the format from '.docx'" in r.stderr
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "x.pdf", "--format", "html")
    assert r.exit_code == 2 and "make them agree" in r.stderr
    assert sorted(p.name for p in work.iterdir()) == ["acme.yaml"]


def test_docs_and_coverage_never_overwrite_yaml_or_write_into_a_folder(work: Path) -> None:
    before = (work / "acme.yaml").read_bytes()
    for cmd in ("docs", "coverage"):
        r = invoke(cmd, str(MINI), "-o", "acme.yaml")
        assert r.exit_code == 2 and "refusing to overwrite acme.yaml" in r.stderr
        r = invoke(cmd, str(MINI), "-o", str(work))
        assert r.exit_code == 2 and "it is a folder" in r.stderr
        r = invoke(cmd, str(MINI), "-o", "nodir/x.md")
        assert r.exit_code == 2 and "does not exist" in r.stderr
    assert (work / "acme.yaml").read_bytes() == before
    assert invoke("docs", str(MINI), "-o", "catalog.md").exit_code == 0
    assert (work / "catalog.md").read_text().startswith("#")


def test_validate_answers_and_packs(work: Path) -> None:
    r = invoke("validate", "acme.yaml", str(MINI), "--pack", str(MINI))
    assert r.exit_code == 0 and "acme.yaml: ok" in r.output
    (work / "bad.yaml").write_text("answers:\n  onboarding_process: maybe\n")
    r = invoke("validate", "bad.yaml", "--pack", str(MINI), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["ok"] is False and data["problems"][0]["line"] == 2


def test_a_likely_slip_is_a_warning_that_does_not_stop_the_report(work: Path) -> None:
    (work / "frac.yaml").write_text("partner:\n  name: P\nmetrics:\n  churn_rate_annual: 0.12\n")
    r = invoke("assess", "frac.yaml", "--pack", str(MINI), "-o", "frac.json")
    assert r.exit_code == 0 and (work / "frac.json").exists()
    assert "frac.yaml:4:22: warning: churn_rate_annual is 0.12, which reads as 0.12 %" in r.stderr
    r = invoke("validate", "frac.yaml", "--pack", str(MINI), "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["ok"] is True
    assert [(p["code"], p["severity"]) for p in data["problems"]] == [("percent-fraction", "warning")]


def test_init_writes_a_template_that_validates_and_never_overwrites(work: Path) -> None:
    r = invoke("init", "--pack", str(MINI))
    assert r.exit_code == 0
    text = (work / "answers.yaml").read_text()
    assert "onboarding_process:" in text and "one of: none, ad_hoc, scheduled_90_60_30" in text
    assert "Yes means a named owner" in text
    # untouched, the template is reported as unanswered, not assessed as "Unnamed partner"
    r = invoke("validate", "answers.yaml", "--pack", str(MINI))
    assert r.exit_code == 1 and "nothing is answered" in r.stderr and "[unanswered]" in r.stderr
    r = invoke("assess", "answers.yaml", "--pack", str(MINI), "-o", "out.html")
    assert r.exit_code == 1 and "nothing is answered" in r.stderr and not (work / "out.html").exists()
    (work / "answers.yaml").write_text(text.replace("  onboarding_process:\n", "  onboarding_process: yes\n"))
    assert invoke("validate", "answers.yaml", "--pack", str(MINI)).exit_code == 0
    (work / "answers.yaml").write_text("mine")
    r = invoke("init", "--pack", str(MINI))
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert (work / "answers.yaml").read_text() == "mine"


def test_pack_test_command(work: Path, tmp_path: Path) -> None:
    r = invoke("test", str(MINI), "--coverage")
    assert r.exit_code == 0 and "5 passed, 0 failed" in r.output and "not covered: raise_nps" in r.output
    assert "not covered: gather_references" not in r.output and "not covered: ip_margin_healthy" not in r.output


def test_pack_test_fails_on_a_wrong_expectation(tmp_path: Path) -> None:
    import shutil
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    case = pack / "tests" / "basic.yaml"
    case.write_text(case.read_text().replace("stage: optimize", "stage: grow"))
    r = invoke("test", str(pack))
    assert r.exit_code == 1
    assert "expected stage 'grow', got 'optimize'" in r.output and "trace:" in r.output
    assert "  stage optimize: " in r.output


def test_a_failing_case_traces_only_the_actions_it_names(tmp_path: Path) -> None:
    import shutil
    pack = tmp_path / "default"
    shutil.copytree(ROOT / "assessments" / "default", pack)
    case = pack / "tests" / "whole-pack.yaml"
    text = case.read_text()
    case.write_text(text.replace("{id: define_value_proposition, phase: start}", "{id: define_value_proposition, phase: grow}", 1))
    r = invoke("test", str(pack))
    assert r.exit_code == 1
    trace = r.output.split("trace:", 1)[1].split("\n")
    assert any("define_value_proposition: recommended" in line for line in trace)
    assert not any("reduce_churn:" in line for line in trace)


def test_zero_cases_is_an_error(tmp_path: Path) -> None:
    import shutil
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack, ignore=shutil.ignore_patterns("tests"))
    r = invoke("test", str(pack))
    assert r.exit_code == 2 and "zero cases is not a pass" in r.stderr


def test_schema_command(tmp_path: Path) -> None:
    r = invoke("schema", "--pack", str(MINI), "--out", str(tmp_path / "s"))
    assert r.exit_code == 0
    assert {p.name for p in (tmp_path / "s").iterdir()} == {
        "pack.schema.json", "pack-file.schema.json", "answers.schema.json", "result.schema.json"}


def test_real_subprocess_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"answers: !!python/object/apply:os.system [echo pwned]\n")
    p = subprocess.run([sys.executable, "-m", "playbook", "assess", str(bad), "--pack", str(MINI)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr and "pwned" not in p.stdout
    assert f"{bad}:1:10: error: the tag '!!python/object/apply:os.system' is not allowed" in p.stderr
    assert list(tmp_path.iterdir()) == [bad]


ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))

CONTRACT_BAD = [
    # every bad input the contract names, through the real command on the default pack
    ("unknown id", "metrics:\n  churn_rate_anual: 12%\n", "bad.yaml:2:3:", "did you mean 'churn_rate_annual'"),
    ("out of range", "metrics:\n  churn_rate_annual: 140%\n", "bad.yaml:2:22:", "above the allowed maximum"),
    ("nps response 11", "nps_responses: [10, 11]\n", "bad.yaml:1:21:", "11"),
    ("yaml syntax", "answers: {partner_of_record: all\n", "bad.yaml:2:1:", "YAML syntax error"),
    ("python tag", "answers: !!python/object/apply:os.system [id]\n", "bad.yaml:1:10:", "not allowed"),
    ("duplicate key", "answers:\n  postmortems: yes\n  postmortems: no\n", "bad.yaml:3:3:", "duplicate key"),
    ("unknown answer value", "answers:\n  partner_of_record: most\n", "bad.yaml:2:22:", "allowed: none, some, all"),
    ("empty file", "", "bad.yaml:1:1:", "empty"),
    ("not a mapping", "- 1\n- 2\n", "bad.yaml:1:1:", "must be a mapping"),
    ("alias bomb", ALIAS_BOMB, "bad.yaml:2:", "aliases"),
    ("binary garbage", "\x00\x01\x02\xff", "bad.yaml:1:", "text"),
]


@pytest.mark.parametrize("what,text,where,words", CONTRACT_BAD, ids=[c[0] for c in CONTRACT_BAD])
def test_contract_bad_inputs(work: Path, what: str, text: str, where: str, words: str) -> None:
    (work / "bad.yaml").write_bytes(text.encode("latin-1") if what == "binary garbage" else text.encode())
    for fmt in ("html", "json", "pdf"):
        r = invoke("assess", "bad.yaml", "--format", fmt)
        assert r.exit_code == 1, r.output
        assert r.stderr.startswith(where) and words in r.stderr.splitlines()[0], r.stderr
        assert "Traceback" not in r.stderr
        assert sorted(p.name for p in work.iterdir()) == ["acme.yaml", "bad.yaml"]
    r = invoke("validate", "bad.yaml")
    assert r.exit_code == 1 and r.stderr.startswith(where)


def test_the_editor_schema_accepts_the_init_template_and_answers_as_people_write_them(work: Path) -> None:
    """Editors check files against schemas/answers.schema.json: a fresh template
    (blank answers) and the spellings the CLI accepts must not be flagged."""
    import yaml

    schema = json.loads((ROOT / "schemas" / "answers.schema.json").read_text())
    assert invoke("init").exit_code == 0
    template = yaml.safe_load((work / "answers.yaml").read_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(template))
    (work / "answers.yaml").write_text((work / "answers.yaml").read_text().replace(
        "  onboarding_process:\n", "  onboarding_process: yes\n"))
    written = {"answers": {"onboarding_process": "Yes", "renewal_outreach": "ad hoc", "partner_of_record": "Some",
                           "vertical_expansion": None, "scorecard": "N/A"},
               "customers": [{"name": "A", "stage": "Repeatable"}]}
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(written))
    wrong = {"answers": {"partner_of_record": "mostly"}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(wrong))
    assert invoke("validate", "answers.yaml").exit_code == 0


def test_a_flood_of_mistakes_is_cut_short(work: Path) -> None:
    (work / "many.yaml").write_text("answers:\n" + "".join(f"  q{i}: yes\n" for i in range(300)))
    r = invoke("validate", "many.yaml")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 202 and lines[200] == "... and 100 more; fix these first" and lines[-1] == "300 errors."
    r = invoke("assess", "many.yaml")
    lines = r.stderr.splitlines()
    assert len(lines) == 202 and lines[-1] == "300 errors; nothing was written."


def test_init_quick_writes_the_short_questionnaire_and_its_time(work: Path) -> None:
    import yaml

    r = invoke("init", "--pack", str(MINI), "--quick", "-o", "quick.yaml")
    assert r.exit_code == 0
    assert "quick.yaml: 4 entries (3 questions, 1 metric), the quick questionnaire, about 3 minutes" in r.stdout
    data = yaml.safe_load((work / "quick.yaml").read_text())
    assert set(data["answers"]) == {"onboarding_process", "renewal_outreach", "references_collected"}
    assert set(data["metrics"]) == {"churn_rate_annual"}
    text = (work / "quick.yaml").read_text()
    assert "Deep dive" not in text and "about 3 minutes" in text
    assert "Definition: Customers lost over the last 12 months" in text  # the metric's definition


def test_init_full_keeps_every_question_with_a_deep_dive(work: Path) -> None:
    import yaml

    r = invoke("init", "--pack", str(MINI), "-o", "full.yaml")
    assert r.exit_code == 0 and "4 quick and 5 in the deep dive, about 6 minutes" in r.stdout
    text = (work / "full.yaml").read_text()
    data = yaml.safe_load(text)
    assert set(data["answers"]) == {"onboarding_process", "renewal_outreach", "references_collected", "ip_margin"}
    assert text.index("references_collected:") < text.index("Deep dive: 1 more question") < text.index("ip_margin:")
    # the profile is not known yet: the IP question is asked under a heading saying when it applies
    assert text.index("Only if your focus includes ip") < text.index("ip_margin:")
    # every answer goes on a line of its own: nothing after a `#` is mistaken for an answer
    assert all(not line.split("#")[0].strip().endswith(":") or "#" not in line
               for line in text.splitlines() if line.startswith("  ") and not line.strip().startswith("#")
               and line.split(":")[0].strip() in data["answers"])


def test_init_leaves_out_what_cannot_apply_to_the_focus(work: Path) -> None:
    import yaml

    r = invoke("init", "--pack", str(MINI), "--focus", "resale", "--years", "3", "-o", "resale.yaml")
    assert r.exit_code == 0
    data = yaml.safe_load((work / "resale.yaml").read_text())
    assert "ip_margin" not in data["answers"] and data["partner"]["focus"] == ["resale"]
    assert data["partner"]["years_in_cloud"] == 3
    r = invoke("init", "--pack", str(MINI), "--focus", "ip", "-o", "ip.yaml")
    text = (work / "ip.yaml").read_text()
    assert "ip_margin:" in text and "Only if" not in text


def test_validate_and_assess_print_how_much_was_answered(work: Path) -> None:
    (work / "a.yaml").write_text("partner: {name: P, focus: [resale]}\n"
                                 "answers:\n  onboarding_process: yes\n  renewal_outreach: n/a\n"
                                 "  references_collected:\nmetrics:\n  churn_rate_annual:\n")
    # it names only questions of the quick questionnaire: it is counted against that
    want = "a.yaml: answered 2 of 3 quick questions and 0 of 1 quick metrics (1 n/a); 1 milestone not answered"
    r = invoke("validate", "a.yaml", "--pack", str(MINI))
    assert r.exit_code == 0 and want in r.stderr
    r = invoke("assess", "a.yaml", "--pack", str(MINI), "-o", "a.json")
    assert r.exit_code == 0 and want in r.stderr
    data = json.loads((work / "a.json").read_text())
    assert data["stage_status"] == "provisional" and data["stage_range"] == ["grow", "optimize"]
    assert [d["id"] for d in data["deciding_questions"]] == ["references_collected"]
    # the summary line names the advice the report gives, with its answers
    assert "To move on to Optimize, answer references_collected: yes." in r.stderr
    assert [(a["goal"], [(x["id"], x["answer"]) for x in a["answers"]]) for a in data["stage_advice"]] == \
        [("move", [("references_collected", "yes")]), ("confirm", [("references_collected", "no")])]
    r = invoke("validate", "a.yaml", "--pack", str(MINI), "--format", "json")
    assert json.loads(r.stdout)["answered"]["a.yaml"].startswith(want.split(": ", 1)[1])


def test_an_answer_typed_after_the_hash_is_caught_as_unanswered(work: Path) -> None:
    (work / "a.yaml").write_text("answers:\n  onboarding_process:    # yes or no  yes\n")
    r = invoke("assess", "a.yaml", "--pack", str(MINI))
    # caught where it was typed (harden-input's check), before the "nothing is answered" verdict
    assert r.exit_code == 1 and "move `yes` before the `#`" in r.stderr and "nothing was written" in r.stderr


def test_validate_is_not_ok_when_an_answer_sits_in_the_hint_comment(work: Path) -> None:
    (work / "a.yaml").write_text("answers:\n  onboarding_process:    # yes or no  yes\n")
    res = CliRunner().invoke(cli, ["validate", "a.yaml"])
    assert res.exit_code == 1, res.output
    assert "a.yaml: ok" not in res.stdout
    assert "a.yaml:2:39: error: onboarding_process: " in res.stderr and "move `yes` before the `#`" in res.stderr


def test_a_device_as_answers_file_is_refused_before_reading() -> None:
    res = CliRunner().invoke(cli, ["assess", "/dev/zero", "--format", "json", "-o", "-"])
    assert res.exit_code == 1
    assert "not a regular file" in res.stderr


def test_o_follows_a_symlink_before_its_checks(work: Path) -> None:
    (work / "answers-link.html").symlink_to(work / "acme.yaml")
    before = (work / "acme.yaml").read_bytes()
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "answers-link.html")
    assert r.exit_code == 2 and "refusing to overwrite answers-link.html" in r.stderr
    (work / "other.yaml").write_text("x: 1\n")
    (work / "other-link.html").symlink_to(work / "other.yaml")
    r = invoke("docs", str(MINI), "-o", "other-link.html")
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert (work / "acme.yaml").read_bytes() == before and (work / "other.yaml").read_text() == "x: 1\n"
    # a link to a report is followed: the report it names is replaced, the link stays
    (work / "reports").mkdir()
    (work / "reports" / "r.html").write_text("old")
    (work / "latest.html").symlink_to(work / "reports" / "r.html")
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "latest.html").exit_code == 0
    assert (work / "latest.html").is_symlink() and "Fabrikam" in (work / "reports" / "r.html").read_text()


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_o_never_replaces_what_is_not_a_regular_file(work: Path) -> None:
    import os
    import stat

    os.mkfifo(work / "pipe.html")
    (work / "pipe-link.md").symlink_to(work / "pipe.html")
    for cmd in (["assess", "acme.yaml", "--pack", str(MINI), "-o", "pipe.html"],
                ["docs", str(MINI), "-o", "pipe-link.md"], ["init", "--pack", str(MINI), "-o", "pipe.html", "--force"]):
        r = invoke(*cmd)
        assert r.exit_code == 2 and "not a regular file" in r.stderr, r.stderr
    assert stat.S_ISFIFO(os.lstat(work / "pipe.html").st_mode)


def test_o_a_folder_writes_the_usual_name_inside_it(work: Path) -> None:
    (work / "out").mkdir()
    for given in ("out/", "out"):
        r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", given, "--format", "md")
        assert r.exit_code == 0, r.stderr
        assert r.stdout.strip() == str(Path("out") / "acme-report.md")
    assert "Fabrikam" in (work / "out" / "acme-report.md").read_text()
    r = invoke("assess", "acme.yaml", "--pack", str(MINI), "-o", "nowhere/")
    assert r.exit_code == 2 and "no such folder" in r.stderr
    r = invoke("init", "--pack", str(MINI), "-o", "out")
    assert r.exit_code == 0 and (work / "out" / "answers.yaml").is_file()


def test_file_system_failures_are_usage_errors(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import playbook.base.files

    (work / "a-file").write_text("")
    r = invoke("schema", "--pack", str(MINI), "--out", "a-file/schemas")
    assert r.exit_code == 2 and "cannot create the folder a-file/schemas" in r.stderr

    def read_only(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(playbook.base.files, "_atomic", read_only)
    for cmd in (["init", "--pack", str(MINI), "-o", "answers.yaml"], ["schema", "--pack", str(MINI), "--out", "s"],
                ["assess", "acme.yaml", "--pack", str(MINI)]):
        r = invoke(*cmd)
        assert r.exit_code == 2 and "Permission denied" in r.stderr and "internal error" not in r.stderr


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_usage_error(work: Path) -> None:
    (work / "ro").mkdir(mode=0o500)
    for cmd in (["init", "--pack", str(MINI), "-o", "ro/answers.yaml"], ["schema", "--pack", str(MINI), "--out", "ro"]):
        r = invoke(*cmd)
        assert r.exit_code == 2 and "cannot write" in r.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_device_is_a_clear_error(work: Path) -> None:
    for cmd in (["assess", "acme.yaml", "--pack", str(MINI), "-o", "-"], ["init", "--pack", str(MINI), "-o", "-"],
                ["schema", "--pack", str(MINI)], ["docs", str(MINI)]):
        with open("/dev/full", "wb") as full:
            r = subprocess.run([sys.executable, "-m", "playbook", *cmd], stdout=full, stderr=subprocess.PIPE,
                               text=True, cwd=work, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
        assert r.returncode == 2 and "cannot write the report to standard output: No space left" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr


def test_strict_makes_warnings_fail(work: Path) -> None:
    (work / "frac.yaml").write_text(ANSWERS.replace("12%", "0.12"))
    r = invoke("assess", "frac.yaml", "--pack", str(MINI))
    assert r.exit_code == 0 and "warning" in r.stderr and (work / "frac-report.html").exists()
    (work / "frac-report.html").unlink()
    r = invoke("assess", "frac.yaml", "--pack", str(MINI), "--strict")
    assert r.exit_code == 1 and "--strict: nothing was written" in r.stderr and not (work / "frac-report.html").exists()
    assert invoke("assess", "acme.yaml", "--pack", str(MINI), "--strict").exit_code == 0
    assert invoke("validate", "frac.yaml", "--pack", str(MINI)).exit_code == 0
    r = invoke("validate", "frac.yaml", "--pack", str(MINI), "--strict")
    assert r.exit_code == 1 and "frac.yaml: ok" not in r.output and "--strict counts warnings" in r.stderr
    r = invoke("validate", "frac.yaml", "--pack", str(MINI), "--strict", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["ok"] is False
    assert invoke("validate", "acme.yaml", "--pack", str(MINI), "--strict").exit_code == 0


def test_validate_never_says_ok_for_a_file_whose_customer_csv_is_refused(tmp_path: Path) -> None:
    """Found while fuzzing customer CSVs: `validate` printed `p.yaml: ok` on stdout
    and then the CSV's errors and exit 1."""
    (tmp_path / "customers.csv").write_text("name,stage,revenue\nA,managed,12x\n", encoding="utf-8")
    answers = tmp_path / "p.yaml"
    answers.write_text("partner:\n  name: x\n  assessed_on: 2026-11-01\n  currency: USD\n"
                       "answers:\n  onboarding_process: yes\ncustomers: customers.csv\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["validate", str(answers)])
    assert res.exit_code == 1 and "customers.csv:2:3: error" in res.stderr, res.output
    assert "ok" not in res.stdout, res.stdout
    (tmp_path / "customers.csv").write_text("name,stage,revenue\nA,managed,12\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["validate", str(answers)])
    assert res.exit_code == 0 and f"{answers}: ok" in res.stdout, res.output
