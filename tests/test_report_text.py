"""What a client reads never shows an id or a raw float: reasons, "Check:" boxes, the exported plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLES

from playbook.api import Assessor
from playbook.engine.result import Evidence
from playbook.report.wording import without_ids

E_FLOAT = re.compile(r"\d\.?\d*e[+-]?\d+", re.I)


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def _ids(assessor: Assessor) -> set[str]:
    p = assessor.pack
    return set(p.questions) | set(p.metrics) | {b.id for b in p.benchmarks}


def _reasons(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", u) for u in re.findall(r'<ul class="reasons">(.*?)</ul>', html, re.S)]


@pytest.mark.parametrize("name", ["grow-stage.yaml", "german-partner.yaml", "start-stage.yaml"])
def test_reasons_name_no_id(assessor: Assessor, name: str) -> None:
    a = assessor.assess_file(EXAMPLES / name)
    ids = _ids(assessor)
    for fmt in ("html", "md"):
        out = assessor.render(a, fmt).decode()
        texts = _reasons(out) if fmt == "html" else [  # the reasons; the Source/(rule id) line is for look-up
            t for t in re.findall(r"^   - (.*)$", out, re.M) if not re.search(r"\(\w+ [a-z0-9\\_]+\)$", t)]
        assert texts
        found = {i for t in texts for i in re.findall(r"[\(\[ ]\\?([a-z][a-z0-9\\_]*_[a-z0-9\\_]+)[\)\]]", t)}
        assert not {f.replace("\\", "") for f in found} & ids, found
    plan = assessor.render(a, "csv").decode("utf-8-sig")
    assert not any(f"({i})" in plan or f" {i}]" in plan for i in ids)
    # the JSON keeps the ids for machines
    assert any(f"({i})" in e.text for p in a.result.plan for e in p.reasons for i in ids)


def test_without_ids_strips_only_the_named_ids() -> None:
    e = Evidence("Recurring revenue share (recurring_revenue_share) is 12 %, which misses the target "
                 "at least 15 % [benchmark recurring_revenue_year1].", "finding", "recurring_revenue_year1", 12, 15, 0.2)
    assert without_ids(e, {"recurring_revenue_year1": "recurring_revenue_share"}) == \
        "Recurring revenue share is 12 %, which misses the target at least 15 %."
    q = Evidence("The answer to “Is (x) done?” (renewal_outreach) is no.", "question", "renewal_outreach", False, True, None)
    assert without_ids(q, {}) == "The answer to “Is (x) done?” is no."


def test_check_boxes_show_names_and_formatted_values(assessor: Assessor, tmp_path: Path) -> None:
    text = (EXAMPLES / "grow-stage.yaml").read_text()
    text = re.sub(r"^  mrr: .*$", "  mrr: 2756940000", text, flags=re.M)  # a CRM revenue read as MRR
    text = re.sub(r"^  active_customers: .*$", "  active_customers: 5", text, flags=re.M)  # the rows are all of them
    f = tmp_path / "big.yaml"
    f.write_text(text)
    a = assessor.assess_file(f)
    base = a.result.customer_base
    assert base is not None and any("monthly recurring revenue" in w for w in base.warnings), base.warnings
    html = assessor.render(a, "html").decode()
    checks = re.findall(r'<p class="warn">(.*?)</p>', html, re.S)
    assert checks and all(not E_FLOAT.search(c) and "(mrr)" not in c and " mrr " not in c for c in checks)
    assert any("2,756,940,000" in c for c in checks)
