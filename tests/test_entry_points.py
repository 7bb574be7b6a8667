"""Entry-point parity: the same answers files through the single-file CLI, the
batch, the batch on Dask, the web app and the library API must be refused or
assessed alike, with the same stage and the same warnings (api.assess_one
decides for all of them).

Each entry point is reduced to (assessed?, stage, warning texts) per file, and
every entry point must agree with the single-file CLI, file by file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from tests.conftest import MINI

VALID = """partner:
  name: Fabrikam
  assessed_on: 2026-11-01
answers:
  onboarding_process: no
  renewal_outreach: ad_hoc
metrics:
  churn_rate_annual: 12%
"""
FILES = {
    "valid": VALID,
    # nothing answered: refused alone, and so in a batch, through the API and on the web
    "empty": "partner:\n  name: Empty Ltd\n  assessed_on: 2026-11-01\n",
    "invalid": "partner:\n  name: Typo Ltd\nanswers:\n  onboarding_proces: yes\n",
    # an answers warning (an id renamed in the pack): assessed, but refused under --strict
    "renamed": "partner:\n  name: Renamed Ltd\n  assessed_on: 2026-11-01\nanswers:\n  customer_references: yes\n",
    # a customer warning (the rows disagree with the given MRR): the same
    "customers": ("partner:\n  name: Woodgrove\n  assessed_on: 2026-11-01\nanswers:\n  onboarding_process: yes\n"
                  "metrics:\n  mrr: 10\ncustomers: customers.csv\n"),
}
EXPECTED = {  # (assessed without --strict, assessed with --strict)
    "valid": (True, True), "empty": (False, False), "invalid": (False, False),
    "renamed": (True, False), "customers": (True, False),
}
WARNING = re.compile(r": warning: (.*) \[[a-z-]+\]$")

Outcome = tuple[bool, str | None, tuple[str, ...]]


@pytest.fixture()
def partners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "partners"
    d.mkdir()
    for name, text in FILES.items():
        (d / f"{name}.yaml").write_text(text)
    (d / "customers.csv").write_text("name,revenue\nAlpha,1000\nBeta,2000\n")
    return d


def _warnings(lines: Any) -> tuple[str, ...]:
    return tuple(sorted({m.group(1) for line in lines if (m := WARNING.search(line))}))


def single(d: Path, strict: bool) -> dict[str, Outcome]:
    out = {}
    for name in FILES:
        target = d.parent / "single" / f"{name}.json"
        target.parent.mkdir(exist_ok=True)
        r = CliRunner().invoke(cli, ["assess", str(d / f"{name}.yaml"), "--pack", str(MINI), "-o", str(target),
                                     *(["--strict"] if strict else [])], catch_exceptions=False)
        assert r.exit_code in (0, 1), r.output
        stage = json.loads(target.read_text())["stage"] if r.exit_code == 0 else None
        out[name] = (r.exit_code == 0, stage, _warnings(r.stderr.splitlines()))
    return out


def _from_rows(rows: list[dict[str, Any]], reports: Path) -> dict[str, Outcome]:
    out = {}
    for row in rows:
        name = Path(row["file"]).stem
        ok = row["status"] == "ok"
        stage = json.loads((reports / f"{name}-report.json").read_text())["stage"] if ok else None
        assert ok == (reports / f"{name}-report.json").exists()
        out[name] = (ok, stage, _warnings(row["messages"]))
    return out


def batch(d: Path, strict: bool) -> dict[str, Outcome]:
    reports, summary = d.parent / "batch", d.parent / "summary.json"
    r = CliRunner().invoke(cli, ["assess", str(d), "--pack", str(MINI), "--out-dir", str(reports), "--format", "json",
                                 "--jobs", "1", "--summary", str(summary), *(["--strict"] if strict else [])],
                           catch_exceptions=False)
    assert r.exit_code == 1, r.output  # some files are refused
    return _from_rows(json.loads(summary.read_text()), reports)


def scheduler(d: Path, strict: bool) -> dict[str, Outcome]:
    pytest.importorskip("distributed")
    from dataclasses import asdict

    from distributed import Client, LocalCluster

    from playbook.batch import BatchConfig, collect_inputs
    from playbook.distributed import run_distributed

    reports = d.parent / "dask"
    reports.mkdir()
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as lc, Client(lc) as client:
        rows = run_distributed(collect_inputs([d]), BatchConfig(out_dir=str(reports), fmt="json", pack_spec=str(MINI),
                                                                strict=strict), client=client)
    return _from_rows([{**asdict(r), "messages": list(r.messages)} for r in rows], reports)


def api(d: Path, strict: bool) -> dict[str, Outcome]:
    from playbook.api import Assessor
    from playbook.errors import InvalidInput

    assessor = Assessor(str(MINI), strict=strict)
    out = {}
    for name in FILES:
        outcome = assessor.outcome(d / f"{name}.yaml")
        try:  # the Assessor's own methods agree with the outcome
            a = assessor.assess_file(d / f"{name}.yaml")
            assert outcome.ok and a.result.stage == outcome.assessment.result.stage  # type: ignore[union-attr]
        except InvalidInput:
            assert not outcome.ok
        stage = outcome.assessment.result.stage if outcome.assessment else None
        out[name] = (outcome.ok, stage, _warnings(w.format() for w in outcome.warnings))
    return out


def web(d: Path, strict: bool) -> dict[str, Outcome]:
    from starlette.testclient import TestClient

    from playbook import web as web_app
    from playbook.pack.load import load_pack

    out = {}
    with TestClient(web_app.create_app(load_pack(MINI))) as client:
        for name in FILES:
            if name == "customers":  # a submission cannot name a file on the server
                continue
            r = client.post("/report.json", data={"answers": (d / f"{name}.yaml").read_text()})
            assert r.status_code in (200, 422), r.text
            out[name] = (r.status_code == 200, r.json()["stage"] if r.status_code == 200 else None, ())
    return out


ENTRY_POINTS = {"batch": batch, "api": api, "web": web,
                "scheduler": pytest.param(scheduler, marks=pytest.mark.slow)}


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("entry", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
def test_every_entry_point_decides_like_the_single_file(partners: Path, entry: Any, strict: bool) -> None:
    if entry is web and strict:
        pytest.skip("the web app has no --strict")
    reference = single(partners, strict)
    assert {n: o[0] for n, o in reference.items()} == {n: e[strict] for n, e in EXPECTED.items()}
    assert reference["customers"][2] and reference["renamed"][2]  # the warnings are really there
    got = entry(partners, strict)
    for name, outcome in got.items():
        want = reference[name]
        if entry is web:  # the web app shows no warning list: compare the decision and the stage
            want = (want[0], want[1], ())
        assert outcome == want, name
