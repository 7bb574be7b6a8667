"""Many partners in one run: invalid files skipped, reports whole, summary, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.batch import BatchConfig, collect_inputs, run_local
from playbook.cli.main import cli


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for f in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.csv")]:  # the CSV a customers: path names
        shutil.copy(f, d / f.name)
    (d / "broken.yaml").write_text("partner:\n  name: Broken\nanswers:\n  adoption_plans: maybe\n")
    return d


def test_folder_batch_writes_the_good_and_reports_the_broken(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = tmp_path / "summary.csv"
    r = CliRunner().invoke(cli, ["assess", str(inputs), "--out-dir", str(out), "--format", "json",
                                 "--jobs", "2", "--summary", str(summary)])
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{f.stem}-report.json" for f in EXAMPLES.glob("*.yaml"))
    assert "broken.yaml:4" in r.stderr and "adoption_plans" in r.stderr
    rows = list(csv.DictReader(summary.open()))
    assert {r["status"] for r in rows} == {"ok", "invalid"} and len(rows) == len(list(EXAMPLES.glob("*.yaml"))) + 1
    assert "invalid" in r.stdout and "Fabrikam" in r.stdout  # the table


def test_batch_reports_equal_single_runs(inputs: Path, tmp_path: Path) -> None:
    (inputs / "broken.yaml").unlink()
    out = tmp_path / "out"
    out.mkdir()
    r = CliRunner().invoke(cli, ["assess", *map(str, sorted(inputs.glob("*.yaml"))), "--out-dir", str(out)])
    assert r.exit_code == 0, r.output
    single = tmp_path / "one.html"
    CliRunner().invoke(cli, ["assess", str(inputs / "grow-stage.yaml"), "-o", str(single)])
    assert (out / "grow-stage-report.html").read_bytes() == single.read_bytes()


def test_processes_and_in_process_agree(inputs: Path, tmp_path: Path) -> None:
    files = collect_inputs([inputs])
    outs = []
    for jobs in (1, 2):
        d = tmp_path / f"j{jobs}"
        d.mkdir()
        rows = run_local(files, BatchConfig(out_dir=str(d), fmt="json"), jobs=jobs)
        assert [r.status for r in rows] == ["invalid"] + ["ok"] * (len(files) - 1)  # broken.yaml sorts first
        outs.append({p.name: p.read_bytes() for p in d.iterdir()})
    assert outs[0] == outs[1]


def test_summary_json_and_strict(inputs: Path, tmp_path: Path) -> None:
    (inputs / "broken.yaml").write_text((EXAMPLES / "grow-stage.yaml").read_text()
                                        .replace("churn_rate_annual: 12%", "churn_rate_annual: 0.5"))
    summary = tmp_path / "s.json"
    r = CliRunner().invoke(cli, ["assess", str(inputs), "--out-dir", str(tmp_path / "o"), "--format", "json",
                                 "--summary", str(summary), "--strict"])
    rows = json.loads(summary.read_text())
    warned = next(x for x in rows if x["file"].endswith("broken.yaml"))
    assert warned["warnings"] >= 1 and warned["status"] == "invalid" and r.exit_code == 1
    assert not (tmp_path / "o" / "broken-report.json").exists()


def test_same_stem_twice_is_refused(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(EXAMPLES / "grow-stage.yaml", tmp_path / d / "x.yaml")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "a"), str(tmp_path / "b"), "--out-dir", str(tmp_path)])
    assert r.exit_code == 2 and "would both be written" in r.stderr


def test_dash_o_with_many_files_is_a_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), str(EXAMPLES / "start-stage.yaml"),
                                 "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "--out-dir" in r.stderr


def test_validate_a_folder(inputs: Path) -> None:
    r = CliRunner().invoke(cli, ["validate", str(inputs)])
    assert r.exit_code == 1 and "broken.yaml" in r.stderr and "grow-stage.yaml: ok" in r.stdout
