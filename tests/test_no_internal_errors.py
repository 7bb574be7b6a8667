"""Input never ends in exit 70 or an HTTP 5xx: each case that did gets a located
message (exit 1), a usage or file-system message (exit 2), or a form error."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.errors import InvalidInput, UsageError
from tests.conftest import MINI

CUSTOMERS_PARTNER = """partner:
  name: Woodgrove
  assessed_on: {day}
answers:
  onboarding_process: yes
customers: customers.csv
"""


def invoke(*args: str) -> Any:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "internal error" not in r.output and "Traceback" not in r.output, r.output
    return r


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "customers.csv").write_text("name,revenue,renewal date\nAlpha,1000,2026-12-01\n")
    return tmp_path


@pytest.mark.parametrize("day", ["9998-12-31", "0001-01-02"])
def test_an_assessment_date_off_the_calendar_is_a_located_error(work: Path, day: str) -> None:
    (work / "p.yaml").write_text(CUSTOMERS_PARTNER.format(day=day))
    r = invoke("assess", "p.yaml", "--pack", str(MINI), "-o", "p.html")
    assert r.exit_code == 1 and f"p.yaml:3:16: error: assessed_on: {day} is not a plausible" in r.stderr


def test_an_assessment_date_off_the_calendar_is_a_form_error_on_the_web(work: Path) -> None:
    from starlette.testclient import TestClient

    from playbook import web
    from playbook.pack.load import load_pack

    answers = "partner:\n  name: W\n  assessed_on: 9998-12-31\nanswers:\n  onboarding_process: yes\n"
    with TestClient(web.create_app(load_pack(MINI))) as client:
        r = client.post("/report", data={"answers": answers})
    assert r.status_code == 422 and "not a plausible assessment date" in r.text


@pytest.mark.parametrize("bound", ["min", "max"])
def test_a_400_digit_pack_bound_is_a_located_error(work: Path, bound: str) -> None:
    pack = work / "pack"
    shutil.copytree(MINI, pack)
    content = pack / "content.yaml"
    text = content.read_text()
    assert "min: -100, max: 100" in text
    content.write_text(text.replace(f"{bound}: {'-' if bound == 'min' else ''}100", f"{bound}: {'9' * 400}", 1))
    r = invoke("validate", str(pack))
    assert r.exit_code == 1 and "content.yaml:37:" in r.stderr and f"({'nps'}).{bound}" in r.stderr


@pytest.mark.parametrize("body", ["42\n", "[1, 2]\n", "'just text'\n"])
def test_a_translation_file_that_is_a_single_value_is_a_located_error(work: Path, body: str) -> None:
    pack = work / "pack"
    shutil.copytree(MINI, pack)
    (pack / "translations" / "de.yaml").write_text(body)
    r = invoke("validate", str(pack))
    assert r.exit_code == 1 and "pack/translations/de.yaml:1:1: error: a translation file is a mapping" in r.stderr
    (work / "p.yaml").write_text("partner:\n  name: W\nanswers:\n  onboarding_process: yes\n")
    r = invoke("assess", "p.yaml", "--pack", str(pack), "--lang", "de", "-o", "p.html")
    assert r.exit_code == 1 and "translation file is a mapping" in r.stderr and not (work / "p.html").exists()


def test_serve_refuses_to_start_with_a_broken_translation(work: Path) -> None:
    from playbook import web
    from playbook.pack.load import load_pack

    pack = work / "pack"
    shutil.copytree(MINI, pack)
    (pack / "translations" / "de.yaml").write_text("42\n")
    with pytest.raises(InvalidInput, match=r"translations/de.yaml:1:1: error: a translation file is a mapping"):
        web.create_app(load_pack(pack))  # at startup, not as an HTTP 500 on each German submission


def test_a_client_leaving_mid_body_is_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    from playbook import web
    from playbook.pack.load import load_pack

    app = web.create_app(load_pack(MINI))
    messages = iter([{"type": "http.request", "body": b"answers=partner%3A%0A", "more_body": True},
                     {"type": "http.disconnect"}])
    sent: list[dict[str, Any]] = []

    async def receive() -> Any:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/report", "raw_path": b"/report", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"testserver")],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    with caplog.at_level(logging.INFO):
        asyncio.run(app(scope, receive, send))  # raises on main: ClientDisconnect, a traceback per request
    lines = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert sent[0]["status"] < 500


@pytest.mark.slow
def test_a_dask_cluster_without_workers_says_so(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    import playbook.distributed

    (work / "in").mkdir()
    (work / "in" / "p.yaml").write_text("partner:\n  name: W\nanswers:\n  onboarding_process: yes\n")
    monkeypatch.setattr(playbook.distributed, "NO_WORKER_SECONDS", 1.0)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as lc:
        r = invoke("assess", "in", "--pack", str(MINI), "--out-dir", "out", "--scheduler", lc.scheduler_address)
        assert r.exit_code == 2 and "has had no worker for 1 s" in r.stderr and "dask worker" in r.stderr
        from playbook.batch import BatchConfig
        with pytest.raises(UsageError, match="no worker for 0.5 s"):
            playbook.distributed.run_distributed([work / "in" / "p.yaml"], BatchConfig(out_dir=str(work)),
                                                 address=lc.scheduler_address, no_worker_seconds=0.5)


def test_serve_checks_a_translation_the_package_does_not_ship_too(work: Path) -> None:
    from playbook import web
    from playbook.pack.load import load_pack

    pack = work / "pack"
    shutil.copytree(MINI, pack)
    (pack / "translations" / "nl.yaml").write_text("7\n")
    with pytest.raises(InvalidInput, match=r"translations/nl.yaml:1:1: error"):
        web.create_app(load_pack(pack))
