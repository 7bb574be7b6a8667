"""`playbook serve`: the app through Starlette's TestClient (no socket)."""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[web]')")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

from click.testing import CliRunner

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from playbook import web
from playbook.cli.main import cli
from playbook.pack.load import load_pack

ROOT = Path(__file__).resolve().parent.parent
GROW = (ROOT / "examples" / "grow-stage.yaml").read_text(encoding="utf-8")
START = (ROOT / "examples" / "start-stage.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(web.create_app(load_pack(None))) as c:
        yield c


def expected(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "examples" / f"{name}-report.json").read_text())


def test_the_form_is_served_with_a_strict_policy(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert csp.startswith("default-src 'none';") and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert 'action="/report"' in r.text
    # every inline script the page runs is allowed by its hash, and nothing else
    hashes = set(re.findall(r"'(sha256-[^']+)'", csp.split("script-src")[1].split(";")[0]))
    scripts = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    assert {web.csp_hash(s).strip("'") for s in scripts} == hashes


def test_answers_get_the_report(client: Any) -> None:
    r = client.post("/report", data={"answers": GROW})
    assert r.status_code == 200
    want = expected("grow-stage")
    assert want["partner"]["name"] in r.text
    assert "Download PDF" in r.text and 'action="/report.json"' in r.text
    top = want["actions"][0]["title"]
    assert top in r.text
    assert "script-src 'none'" in r.headers["content-security-policy"]


def test_downloads_resubmit_the_answers(client: Any) -> None:
    page = client.post("/report", data={"answers": GROW}).text
    hidden = re.search(r'action="/report.json"><input type="hidden" name="answers" value="([^"]*)"', page)
    assert hidden
    import html

    answers = html.unescape(hidden.group(1))
    assert answers == GROW
    j = client.post("/report.json", data={"answers": answers})
    assert j.status_code == 200 and j.headers["content-disposition"] == 'attachment; filename="report.json"'
    got, want = j.json(), expected("grow-stage")
    assert got["stage"] == want["stage"] and [a["id"] for a in got["actions"]] == [a["id"] for a in want["actions"]]
    y = client.post("/answers.yaml", data={"answers": answers})
    assert y.status_code == 200 and y.text == GROW and "attachment" in y.headers["content-disposition"]


@pytest.mark.slow
def test_pdf(client: Any) -> None:
    pytest.importorskip("pypdf")
    r = client.post("/report.pdf", data={"answers": START})
    if r.status_code == 500 and "Pango" in r.text:
        pytest.skip("PDF output needs Pango on this machine")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


def test_invalid_answers_come_back_marked_on_their_fields(client: Any) -> None:
    bad = GROW.replace("churn_rate_annual: 12%", "churn_rate_annual: 140%")
    assert bad != GROW
    r = client.post("/report", data={"answers": bad})
    assert r.status_code == 422
    data = json.loads(re.search(r'id="form-data">(.*?)</script>', r.text, re.S).group(1))
    assert "maximum 100" in data["errors"]["m:churn_rate_annual"]
    assert data["prefill"]["m:churn_rate_annual"] == "140%"  # as typed, to correct it
    assert data["prefer_prefill"] is True
    assert re.search(r'id="e-m-churn_rate_annual"[^>]*>[^<]*maximum 100', r.text)


def test_unknown_ids_and_broken_yaml_are_summarised(client: Any) -> None:
    r = client.post("/report", data={"answers": "answers:\n  churn_rate_anual: 3\n"})
    assert r.status_code == 422 and "unknown question" in r.text
    r = client.post("/report", data={"answers": "partner: [unclosed\n"})
    assert r.status_code == 422 and 'role="alert"' in r.text


def test_hostile_partner_name_is_text(client: Any) -> None:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    r = client.post("/report", data={"answers": f'partner:\n  name: "{evil}"\nanswers:\n  value_proposition_defined: yes\n'})
    assert r.status_code == 200
    assert evil not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


@pytest.mark.parametrize("body,ctype,status", [
    ({"answers": ""}, None, 400),
    (b"answers=x", "application/json", 415),
    (b"\xff\xfe=1", "application/x-www-form-urlencoded", 400),
])
def test_bad_requests(client: Any, body: Any, ctype: str | None, status: int) -> None:
    if isinstance(body, dict):
        r = client.post("/report", data=body)
    else:
        r = client.post("/report", content=body, headers={"content-type": ctype or ""})
    assert r.status_code == status
    assert r.headers["x-content-type-options"] == "nosniff"


def test_request_size_limit(client: Any) -> None:
    big = GROW + "# " + "x" * web.MAX_REQUEST_BYTES + "\n"
    r = client.post("/report", data={"answers": big})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"

    def chunks() -> Any:  # no Content-Length: the limit still holds while reading
        for _ in range(20):
            yield b"answers=" + b"x" * 20_000

    r = client.post("/report", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assessments/default/pack.yaml",
                                  "/templates/form.js", "/static/x", "/report.html"])
def test_no_request_path_reaches_the_file_system(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (404, 405) and "root:" not in r.text and "id: default" not in r.text


def test_stateless(client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a = client.post("/report", data={"answers": GROW}).text
    b = client.post("/report", data={"answers": START}).text
    name_a = expected("grow-stage")["partner"]["name"]
    assert name_a in a and name_a not in b
    assert name_a not in client.get("/").text
    assert os.listdir(tmp_path) == []


def test_loopback_and_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    assert web.is_loopback("127.0.0.1") and web.is_loopback("::1") and web.is_loopback("localhost")
    assert not web.is_loopback("0.0.0.0") and not web.is_loopback("192.168.1.5")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(web, "run", lambda pack, **kw: calls.append(kw))
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert r.exit_code == 0 and "no authentication" in r.output
    assert calls == [{"host": "0.0.0.0", "port": 8123, "quick": True, "lang": None, "pack_spec": None, "workers": None}]
    r = CliRunner().invoke(cli, ["serve"])
    assert "no authentication" not in r.output and calls[-1]["host"] == "127.0.0.1"


def test_hostile_answer_in_an_error_page_is_text(client: Any) -> None:
    evil = "</script><script>alert(1)</script>"
    r = client.post("/report", data={"answers": f'answers:\n  partner_of_record: "{evil}"\n'})
    assert r.status_code == 422
    assert evil not in r.text
    data = json.loads(re.search(r'id="form-data">(.*?)</script>', r.text, re.S).group(1))
    assert data["prefill"]["q:partner_of_record"] == evil and "allowed" in data["errors"]["q:partner_of_record"]


def test_a_provisional_stage_lists_the_questions_that_settle_it(client: Any) -> None:
    partial = "partner:\n  name: Fabrikam\nanswers:\n  value_proposition_defined: yes\n"
    result = client.post("/report.json", data={"answers": partial}).json()
    assert result["stage_status"] == "provisional" and result["deciding_questions"]
    page = client.post("/report", data={"answers": partial}).text
    assert "Your stage is provisional" in page
    # the banner names the report's advice: every answer of it, or the first ones and how many more
    for advice in result["stage_advice"]:
        from playbook.engine.advice_text import ADVICE_SHOWN

        shown = advice["answers"][:ADVICE_SHOWN]
        for x in shown:
            assert f'href="/#w-q-{x["id"]}"' in page and f'{x["id"]}: {x["answer"]}' in page
        if len(advice["answers"]) > ADVICE_SHOWN:
            assert f'and {len(advice["answers"]) - ADVICE_SHOWN} more' in page
    full = client.post("/report", data={"answers": GROW}).text
    assert client.post("/report.json", data={"answers": GROW}).json()["stage_status"] == "confirmed"
    assert "Your stage is provisional" not in full


@pytest.mark.slow
def test_serve_with_worker_processes_answers_forms_and_reports(tmp_path: Path) -> None:
    """`serve --workers 2`: each worker process loads the pack itself and serves the same app."""
    import socket
    import subprocess
    import sys
    import time
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "playbook", "serve", "--port", str(port), "--workers", "2"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                page = urlopen(base + "/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("serve --workers 2 did not answer within a minute")
        assert "<form" in page
        body = urlencode({"answers": (ROOT / "examples" / "grow-stage.yaml").read_text()}).encode()
        for _ in range(4):  # more than one request, so that both workers are likely to answer
            with urlopen(Request(base + "/report", data=body), timeout=120) as r:
                assert r.status == 200
                assert "Action plan" in r.read().decode()
    finally:
        server.terminate()
        err = server.communicate(timeout=30)[1].decode()
    assert err.count("Started server process") == 2, err
