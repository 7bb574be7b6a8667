"""A partner in a real browser (headless Debian Chromium through Selenium).

Fills the quick questionnaire by keyboard and mouse, corrects one value after
its inline error, reloads half-way, saves answers.yaml (which `playbook
validate` accepts and `playbook assess` assesses), then loads that file into
`playbook serve` and reads the stage and top actions off the report page.
No request may leave the machine. Skips with the reason when no browser is
installed."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from playbook.answers.check import load_answers, parse_answers
from playbook.engine.evaluation import evaluate
from playbook.pack.load import load_pack
from playbook.report.form import fields, form_html
from tests import chrome

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "grow-stage.yaml"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    yield from chrome.session(downloads)


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_pack(None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    pytest.importorskip("uvicorn", reason="the web extra is not installed")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "playbook", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"playbook serve exited: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0 and "Finished server process" in out and "Traceback" not in out, out
        # one access-log line per request, none with answer content
        assert "Fabrikam" not in out


def plan(pack: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The quick questionnaire's fields and, for each, the answer the example gives."""
    example = load_answers(EXAMPLE, pack)
    fs = fields(pack, quick=True)
    want: dict[str, str] = {}
    for f in fs:
        if f["kind"] == "question" and f["id"] in example.answers:
            v = example.answers[f["id"]]
            want[f["key"]] = ("yes" if v else "no") if isinstance(v, bool) else str(v)
        elif f["kind"] == "metric" and f["id"] in example.metrics:
            v = example.metrics[f["id"]]
            want[f["key"]] = str(int(v)) if float(v).is_integer() else str(v)
    return fs, want


def css_key(key: str) -> str:
    return key.replace(":", "\\:")


def answer(drv: Any, f: dict[str, Any], value: str, by_keyboard: bool) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    if f["type"] in ("yesno", "choice"):
        radio = drv.find_element(By.CSS_SELECTOR, f'input[name="{f["key"]}"][value="{value}"]')
        if by_keyboard:  # reach the group, then move to the answer with the arrow keys and Space
            first = drv.find_element(By.CSS_SELECTOR, f'input[name="{f["key"]}"]')
            drv.execute_script("arguments[0].focus()", first)
            radios = drv.find_elements(By.CSS_SELECTOR, f'input[name="{f["key"]}"]')
            for _ in range([r.get_attribute("value") for r in radios].index(value)):
                drv.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
            drv.switch_to.active_element.send_keys(Keys.SPACE)
        else:
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
            radio.click()
        assert radio.is_selected(), f["key"]
    else:
        box = drv.find_element(By.ID, "f-" + f["key"].replace(":", "-"))
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.clear()
        box.send_keys(value + (Keys.TAB if by_keyboard else ""))


def error_text(drv: Any, key: str) -> str:
    from selenium.webdriver.common.by import By

    return str(drv.find_element(By.ID, "e-" + key.replace(":", "-")).text)


def wait_for(path: Path, seconds: float = 10) -> None:
    end = time.time() + seconds
    while time.time() < end:
        if path.is_file() and path.stat().st_size:
            return
        time.sleep(0.1)
    pytest.fail(f"{path} was not downloaded")


def test_partner_fills_saves_and_gets_the_report(browser: Any, pack: Any, tmp_path: Path, downloads: Path,
                                                 server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page = tmp_path / "questionnaire.html"
    page.write_bytes(form_html(pack, quick=True))
    drv = browser
    drv.get(page.as_uri())
    drv.execute_script("localStorage.clear()")
    drv.get(page.as_uri())

    # the profile: typed, with one mistake corrected after its inline error
    drv.find_element(By.ID, "f-p-name").send_keys("Fabrikam Cloud Services", Keys.TAB)
    drv.execute_script("var d = document.getElementById('f-p-assessed_on'); d.value = '2026-11-01';"
                       "d.dispatchEvent(new Event('change', {bubbles: true}));")  # the date picker is the OS's
    years = drv.find_element(By.ID, "f-p-years_in_cloud")
    years.send_keys("three")
    # the error waits for a pause in the typing, then shows
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(drv, 5).until(lambda d: error_text(d, "p:years_in_cloud"))
    assert "number" in error_text(drv, "p:years_in_cloud")
    assert years.get_attribute("aria-invalid") == "true"
    years.send_keys(Keys.CONTROL, "a")
    years.send_keys("3", Keys.TAB)
    assert error_text(drv, "p:years_in_cloud") == ""
    assert years.get_attribute("aria-invalid") is None
    drv.find_element(By.CSS_SELECTOR, 'input[name="p:focus"][value="managed_services"]').click()
    project = drv.find_element(By.CSS_SELECTOR, 'input[name="p:focus"][value="project_services"]')
    drv.execute_script("arguments[0].focus()", project)
    drv.switch_to.active_element.send_keys(Keys.SPACE)
    assert project.is_selected()
    currency = drv.find_element(By.ID, "f-p-currency")
    currency.send_keys("USD")

    fs, want = plan(pack)
    todo = [f for f in fs if f["key"] in want]
    assert len(todo) >= 10
    half = len(todo) // 2
    for i, f in enumerate(todo[:half]):
        answer(drv, f, want[f["key"]], by_keyboard=i % 3 == 0)

    # the page reloads (or the partner comes back tomorrow): nothing is lost
    drv.refresh()
    assert drv.find_element(By.ID, "f-p-name").get_attribute("value") == "Fabrikam Cloud Services"
    assert drv.find_element(By.ID, "f-p-years_in_cloud").get_attribute("value") == "3"
    for f in todo[:half]:
        if f["type"] in ("yesno", "choice"):
            assert drv.find_element(By.CSS_SELECTOR, f'input[name="{f["key"]}"][value="{want[f["key"]]}"]').is_selected()
        else:
            assert drv.find_element(By.ID, "f-" + f["key"].replace(":", "-")).get_attribute("value") == want[f["key"]]
    for i, f in enumerate(todo[half:]):
        answer(drv, f, want[f["key"]], by_keyboard=i % 3 == 0)
    progress = drv.find_element(By.ID, "progress-text").text
    assert progress.startswith(f"{len(todo)} of ") and "answered" in progress

    # visible focus: the focused control has an outline
    drv.find_element(By.ID, "save").send_keys("")
    assert drv.execute_script("return getComputedStyle(document.activeElement).outlineStyle") != "none"

    drv.find_element(By.ID, "save").click()
    saved = downloads / "answers.yaml"
    wait_for(saved)
    assert saved.read_text().startswith("# yaml-language-server: $schema=")
    cli = [sys.executable, "-m", "playbook"]
    v = subprocess.run([*cli, "validate", str(saved)], capture_output=True, text=True)
    assert v.returncode == 0, v.stderr
    a = subprocess.run([*cli, "assess", str(saved), "--format", "json", "-o", "-"], capture_output=True, text=True)
    assert a.returncode == 0, a.stderr
    result = json.loads(a.stdout)
    # the expected stage: the example's answers to the quick questions, assessed directly
    example = load_answers(EXAMPLE, pack)
    keep_q = {f["id"] for f in todo if f["kind"] == "question"}
    keep_m = {f["id"] for f in todo if f["kind"] == "metric"}
    direct = "partner: {name: x, years_in_cloud: 3, focus: [managed_services, project_services], currency: USD}\n"
    direct += "answers:\n" + "".join(f"  {k}: {want['q:' + k]}\n" for k in sorted(keep_q))
    direct += "metrics:\n" + "".join(f"  {k}: {want['m:' + k]}\n" for k in sorted(keep_m))
    expected = evaluate(pack, parse_answers(direct.encode(), pack))
    assert result["stage"] == expected.stage
    if len(todo) == len(example.answers) + len(example.metrics):
        assert result["stage"] == "grow"  # every answer of the grow example was given

    # the same partner with `playbook serve`: load the saved file, see the report at once
    drv.get(server + "/")
    drv.find_element(By.ID, "load").send_keys(str(saved))
    for _ in range(50):
        if "Loaded" in drv.find_element(By.ID, "status").text:
            break
        time.sleep(0.1)
    assert drv.find_element(By.ID, "f-p-name").get_attribute("value") == "Fabrikam Cloud Services"
    drv.find_element(By.ID, "submit").click()
    # the report is rendered on the server: wait for the page, not a fixed time (a busy machine is slow)
    from selenium.webdriver.support.ui import WebDriverWait

    stage_xpath = "//dl[@class='cover-facts']//dt[.='Stage']/following-sibling::dd"
    stage = WebDriverWait(drv, 60).until(lambda d: d.find_element(By.XPATH, stage_xpath)).text
    assert stage.lower().startswith(result["stage"])
    top = [e.text for e in drv.find_elements(By.CSS_SELECTOR, "ol.top li a")]
    assert top == [x["title"] for x in result["actions"][:5]]
    assert drv.find_element(By.XPATH, "//button[.='Download PDF']")

    # nothing was fetched from anywhere but the file and the local server
    urls = chrome.network_urls(drv)
    assert urls and all(u.startswith((server, "file://", "data:", "blob:")) for u in urls), urls
    dom_urls = drv.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href],[action]'))"
        ".map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('action'))")
    assert all(u.startswith(("#", "/", "data:")) for u in dom_urls), dom_urls
    csp_errors = [e for e in drv.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    assert not csp_errors, csp_errors
