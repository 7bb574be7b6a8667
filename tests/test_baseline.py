"""This year against last: stage, KPI direction, actions, ids that cannot be compared."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.api import Assessor
from playbook.cli.main import cli
from playbook.pack.schema import result_schema


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor("default")


def test_start_to_grow_is_an_advance_with_closed_actions(assessor: Assessor) -> None:
    b = assessor.assess_file(EXAMPLES / "grow-stage.yaml", baseline=EXAMPLES / "start-stage.yaml").result.baseline
    assert b is not None
    assert (b.stage_then, b.stage_now, b.stage_change) == ("start", "grow", "advanced")
    assert b.closed and set(b.closed).isdisjoint(b.new)
    churn = next(k for k in b.kpis if k.metric == "active_customers")
    assert churn.previous == 42 and churn.current == 120 and churn.direction == "better"


def test_direction_follows_the_metrics_own_better(assessor: Assessor) -> None:
    b = assessor.assess_file(EXAMPLES / "grow-stage.yaml", baseline=EXAMPLES / "optimize-stage.yaml").result.baseline
    assert b is not None and b.stage_change == "fell_back" and b.worse
    churn = next(k for k in b.kpis if k.metric == "churn_rate_annual")  # lower is better: 4 % -> 12 % is worse
    assert churn.change is not None and churn.change > 0 and churn.direction == "worse"


def test_renamed_ids_in_an_old_result_are_listed_not_guessed(assessor: Assessor, tmp_path) -> None:
    old = json.loads((EXAMPLES / "start-stage-report.json").read_text())
    old["metrics"]["churn_rate"] = 5.0  # an id an older pack used
    old["actions"].append({"id": "old_retired_action", "title": "x"})
    old["pack"]["version"] = "0.9.0"
    p = tmp_path / "old.json"
    p.write_text(json.dumps(old))
    b = assessor.assess_file(EXAMPLES / "grow-stage.yaml", baseline=p).result.baseline
    assert b is not None and b.pack_version == "0.9.0"
    assert {(n.kind, n.id) for n in b.not_comparable} >= {("metric", "churn_rate"), ("action", "old_retired_action")}


def test_old_answers_with_a_dropped_question_still_compare(assessor: Assessor, tmp_path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text((EXAMPLES / "start-stage.yaml").read_text().replace("answers:\n", "answers:\n  dropped_q: yes\n", 1))
    b = assessor.assess_file(EXAMPLES / "grow-stage.yaml", baseline=old).result.baseline
    assert b is not None and ("question", "dropped_q") in {(n.kind, n.id) for n in b.not_comparable}


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_cli_baseline_in_every_text_format(fmt: str, tmp_path) -> None:
    out = tmp_path / f"r.{fmt}"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--baseline",
                                 str(EXAMPLES / "start-stage-report.json"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    if fmt == "json":
        doc = json.loads(text)
        jsonschema.validate(doc, result_schema())
        assert doc["baseline"]["stage_change"] == "advanced" and doc["baseline"]["actions"]["closed"]
    else:
        assert "Since the last assessment" in text and "Start" in text


def test_without_baseline_the_json_is_unchanged(assessor: Assessor) -> None:
    a = assessor.assess_file(EXAMPLES / "grow-stage.yaml")
    assert "baseline" not in a.to_dict()


@pytest.mark.slow
def test_pdf_has_the_section(tmp_path) -> None:
    pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "r.pdf"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--baseline",
                                 str(EXAMPLES / "start-stage.yaml"), "--short", "-o", str(out)])
    assert r.exit_code == 0, r.output
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) <= 6
    assert "Since the last assessment" in "".join(p.extract_text() for p in reader.pages)
