"""What the portfolio says, checked against the partners it was given.

The inputs are the shipped example results (examples/*-report.json); each
expected fact (who, at which stage, how many per stage, which actions are most
often open) is read from those files directly, never from the portfolio code,
and asserted in every format. Only stable facts are checked (names, stages,
counts, order), not the layout or the set of columns."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.cli.main import cli

STAGE_NAMES = {"start": "Start", "grow": "Grow", "optimize": "Optimize"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("portfolio") / "results"
    folder.mkdir()
    files = sorted(EXAMPLES.glob("*-report.json"))
    assert len(files) >= 5
    for f in files:
        shutil.copy(f, folder / f.name)
    # in file-name order: the order the portfolio lists partners in
    return folder, [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.iterdir())]


def portfolio(folder: Path, ext: str) -> str:
    out = folder.parent / f"portfolio.{ext}"
    r = CliRunner().invoke(cli, ["portfolio", str(folder), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def expected_counts(docs: list[dict[str, Any]]) -> dict[str, int]:
    c = Counter(d["stage"] for d in docs)
    return {s: c.get(s, 0) for s in STAGE_NAMES}


def test_the_inputs_cover_every_stage(inputs) -> None:
    _, docs = inputs
    assert all(expected_counts(docs).values())  # otherwise a count of zero would go untested


def test_json_distribution_order_and_most_open(inputs) -> None:
    folder, docs = inputs
    doc = json.loads(portfolio(folder, "json"))
    assert [(p["name"], p["stage"], p["stage_status"]) for p in doc["partners"]] == [
        (d["partner"]["name"], d["stage"], d["stage_status"]) for d in docs]
    assert {s["stage"]: s["count"] for s in doc["stages"]} == expected_counts(docs)
    assert [s["stage"] for s in doc["stages"]] == list(STAGE_NAMES)
    provisional = Counter(d["stage"] for d in docs if d["stage_status"] == "provisional")
    assert {s["stage"]: s["provisional"] for s in doc["stages"]} == {s: provisional.get(s, 0) for s in STAGE_NAMES}
    assert [p["open_actions"] for p in doc["partners"]] == [len(d["actions"]) for d in docs]
    kpis = [Counter(f["status"] for f in d["findings"]) for d in docs]
    assert [(p["kpis"]["met"], p["kpis"]["not_met"]) for p in doc["partners"]] == [
        (k["met"], k["not_met"]) for k in kpis]
    opened = Counter(a["id"] for d in docs for a in d["actions"])
    want = sorted(opened.items(), key=lambda x: (-x[1], x[0]))[:10]
    assert [(a["id"], a["partners"]) for a in doc["most_open_actions"]] == want


def test_csv_has_one_row_per_partner_in_order(inputs) -> None:
    folder, docs = inputs
    rows = list(csv.reader(io.StringIO(portfolio(folder, "csv"))))
    assert len(rows) == len(docs) + 1
    for row, d in zip(rows[1:], docs):
        assert d["partner"]["name"] in row and d["stage"] in row, row


def _md_row(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def test_markdown_counts_and_partners(inputs) -> None:
    folder, docs = inputs
    md = portfolio(folder, "md")
    assert md.startswith(f"# Portfolio: {len(docs)} partners")
    counts = {cells[0]: cells[1] for cells in map(_md_row, md.splitlines()) if cells and cells[0] in STAGE_NAMES.values()}
    assert counts == {STAGE_NAMES[s]: str(n) for s, n in expected_counts(docs).items()}
    # the partners' table, in input order, each with its stage
    names = [d["partner"]["name"] for d in docs]
    table = [_md_row(ln) for ln in md.split("## Partners", 1)[1].splitlines() if ln.startswith("| ")][1:]
    assert [r[0] for r in table[:len(docs)]] == names
    assert [r[1].split(" (")[0] for r in table[:len(docs)]] == [STAGE_NAMES[d["stage"]] for d in docs]
    opened = Counter(a["id"] for d in docs for a in d["actions"])
    top_id, top_n = sorted(opened.items(), key=lambda x: (-x[1], x[0]))[0]
    assert f"({top_id.replace('_', chr(92) + '_')}): {top_n} of {len(docs)}" in md


def test_html_counts_and_partners(inputs) -> None:
    folder, docs = inputs
    page = portfolio(folder, "html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    for d in docs:
        assert d["partner"]["name"] in text
    # the partners appear in input order (the first mention of each distinct name)
    firsts = [text.find(n) for n in dict.fromkeys(d["partner"]["name"] for d in docs)]
    assert firsts == sorted(firsts) and -1 not in firsts
    for stage, n in expected_counts(docs).items():
        name = STAGE_NAMES[stage]  # the distribution: the count beside the stage's name
        assert re.search(rf"(?<![\d.]){n} {name}\b|\b{name} {n}(?![\d.])", text), (stage, n)
