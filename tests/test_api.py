"""The library API: one pack, many partners, any format."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES

from playbook.api import Assessor
from playbook.errors import InvalidInput


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor("default")


def test_file_and_mapping_give_the_same_result(assessor: Assessor) -> None:
    from playbook.base.yamlio import load_file

    a = assessor.assess_file(EXAMPLES / "grow-stage.yaml")
    data = load_file(EXAMPLES / "grow-stage.yaml").data
    b = assessor.assess_mapping(data, "grow")
    assert a.result.stage == b.result.stage == "grow"
    assert [x.id for x in a.result.plan] == [x.id for x in b.result.plan]
    assert a.to_dict()["metrics"] == b.to_dict()["metrics"]


def test_render_every_format(assessor: Assessor) -> None:
    a = assessor.assess_file(EXAMPLES / "start-stage.yaml")
    assert json.loads(assessor.render(a, "json"))["stage"] == "start"
    assert assessor.render(a, "html").startswith(b"<!DOCTYPE html>")
    assert b"# Cloud practice assessment" in assessor.render(a, "md")


def test_invalid_mapping_raises_with_every_problem(assessor: Assessor) -> None:
    with pytest.raises(InvalidInput) as exc:
        assessor.assess_mapping({"answers": {"partner_of_recrd": "all", "adoption_plans": "maybe"}})
    codes = {p.code for p in exc.value.problems}
    assert "unknown-question" in codes and len(exc.value.problems) >= 2


def test_assess_many_keeps_going_after_an_invalid_file(assessor: Assessor, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers: [\n")
    out = list(assessor.assess_many([bad, EXAMPLES / "grow-stage.yaml"]))
    assert isinstance(out[0], InvalidInput) and out[1].result.stage == "grow"  # type: ignore[union-attr]


def test_write_is_atomic_and_complete(assessor: Assessor, tmp_path) -> None:
    a = assessor.assess_file(EXAMPLES / "grow-stage.yaml")
    p = assessor.write(a, "json", tmp_path / "r.json")
    assert json.loads(p.read_text())["partner"]["name"] == "Fabrikam Cloud Services"
    assert [f.name for f in tmp_path.iterdir()] == ["r.json"]
