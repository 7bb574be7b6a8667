"""Accessibility, checked by machines rather than by eye.

- Every example's PDF is tagged: its structure tree (read with pypdf) has
  headings, tables with header cells, figures with alternative text, the
  document language and title; no text runs past the right margin; no heading
  is left at the foot of a page; the cover says on which page the deciding
  questions are.
- axe-core (the npm package, installed by .ci/run) finds no violation in the
  quick and full questionnaires (empty and with errors), the served form, error
  page and report, and every example's report in English and German.
- Tabbing forward and backward never leaves the focused field under the sticky
  header, and a linked question lands below it.
- Enter in a field of the served form moves on; an empty form asks before it
  is sent; every report fits a 390 px phone without sideways scrolling.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playbook.api import Assessor
from playbook.report.form import fields, form_html
from tests import chrome
from tests.test_browser import server  # noqa: F401  (the `playbook serve` fixture)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AXE = Path(os.environ.get("PLAYBOOK_AXE") or ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")
AXE_INSTALL = "npm install --no-save --prefix .ci/node axe-core@4 (the line in .ci/run)"
# axe rules left out, each with its reason; empty: every rule of every impact applies
AXE_EXCEPTIONS: dict[str, str] = {}
LANGS = ("en", "de")


# ---- the PDFs ----------------------------------------------------------------

@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every example's PDF report (in its own language), and that language."""
    out = tmp_path_factory.mktemp("pdf")
    got = {}
    for src in EXAMPLES:
        assessment = Assessor().assess_file(src)
        path = out / (src.stem + ".pdf")
        path.write_bytes(Assessor().render(assessment, "pdf"))
        got[src.stem] = (path, assessment.result.language)
    return got


def _structure(node: Any, found: dict[str, list[Any]]) -> None:
    node = node.get_object()
    if not isinstance(node, dict):
        return
    if "/S" in node:
        found.setdefault(str(node["/S"]), []).append(node)
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        _structure(kid, found)


def test_every_example_pdf_is_tagged_with_language_title_headings_tables_and_alt_text(pdfs: dict[str, tuple[Path, str]]) -> None:
    from pypdf import PdfReader

    assert len(pdfs) == len(EXAMPLES) >= 6
    for name, (path, lang) in pdfs.items():
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"].value is True, name
        assert str(catalog["/Lang"]) == lang, name
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True, name
        assert reader.metadata is not None and reader.metadata.title and "—" in reader.metadata.title, name
        found: dict[str, list[Any]] = {}
        _structure(catalog["/StructTreeRoot"], found)
        assert len(found["/H1"]) >= 8 and found["/H2"] and found["/H3"], (name, sorted(found))
        assert len(found["/Table"]) >= 3 and found["/TH"] and found["/TD"] and found["/Caption"], name
        figures = found["/Figure"]
        assert figures and all(str(f.get("/Alt", "")).strip() for f in figures), name
        # the radar's alternative text carries the scores, area by area
        assert any("%" in str(f["/Alt"]) and ";" in str(f["/Alt"]) for f in figures), name
        if shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
            assert re.search(r"^Tagged:\s+yes$", info, re.M), (name, info)


def _words(path: Path) -> list[list[dict[str, Any]]]:
    """Each page's words with their boxes (pdftotext -bbox), in points."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S):
        width, height = float(page[0]), float(page[1])
        words = [{"x0": float(a), "y0": float(b), "x1": float(c), "y1": float(d), "text": w, "width": width, "height": height}
                 for a, b, c, d, w in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page[2])]
        pages.append(words)
    return pages


MM = 72 / 25.4


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is missing (apt install poppler-utils)")
def test_pdf_text_stays_inside_the_margins_and_headings_stay_with_what_follows(pdfs: dict[str, tuple[Path, str]]) -> None:
    import html as html_lib

    for name, (path, _lang) in pdfs.items():
        page = Assessor().render(Assessor().assess_file(ROOT / "examples" / f"{name}.yaml"), "html").decode()
        headings = {" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", h)).split())
                    for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", page, re.S)}
        headings = {h for h in headings if len(h) > 3}
        assert "Action plan" in headings or "Maßnahmenplan" in headings, sorted(headings)[:5]
        for n, words in enumerate(_words(path), 1):
            assert words, (name, n)
            right = words[0]["width"] - 16 * MM + 1.5  # the @page margin is 16 mm
            past = [w["text"] for w in words if w["x1"] > right]
            assert not past, f"{name} page {n}: past the right margin: {past[:8]}"
            # the body's last line (above the footer margin) is never a heading on its own
            body = [w for w in words if w["y1"] < w["height"] - 20 * MM]
            if body:
                last_y = max(w["y0"] for w in body)
                last = html_lib.unescape(" ".join(w["text"] for w in body if abs(w["y0"] - last_y) < 2))
                assert last not in headings, f"{name} page {n} ends with the heading {last!r}"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is missing (apt install poppler-utils)")
def test_the_cover_gives_the_page_of_the_deciding_questions(pdfs: dict[str, tuple[Path, str]]) -> None:
    path, _ = pdfs["quick-partial"]
    pages = ["\n".join(" ".join(w["text"] for w in words).split("\n")) for words in _words(path)]
    cover = re.search(r"to confirm \(Page (\d+)\)", pages[0])
    assert cover, pages[0][:400]
    target = int(cover.group(1))
    assert "What moves the stage" in pages[target - 1]
    assert all("What moves the stage" not in p for p in pages[1:target - 1])


# ---- the browser pages -------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chrome.session()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example's HTML report, in English and in German."""
    out = tmp_path_factory.mktemp("reports")
    got = {}
    for lang in LANGS:
        assessor = Assessor(lang=lang)
        for src in EXAMPLES:
            path = out / f"{src.stem}-{lang}.html"
            path.write_bytes(assessor.render(assessor.assess_file(src), "html"))
            got[path.stem] = path
    return got


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("forms")
    got = {}
    for quick in (True, False):
        path = out / ("quick.html" if quick else "full.html")
        path.write_bytes(form_html(_pack(), quick=quick))
        got[path.stem] = path
    return got


def _pack() -> Any:
    from playbook.pack.load import load_pack

    return load_pack(None)


def axe(drv: Any) -> list[str]:
    """axe-core's violations on the page, one line each (rule, impact, first nodes)."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE}: {AXE_INSTALL}")
    drv.set_script_timeout(120)
    drv.execute_script(AXE.read_text(encoding="utf-8"))
    found = drv.execute_async_script("""
        var done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
          done(r.violations.map(function (v) {
            return v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }).join(", ");
          }));
        }, function (e) { done(["axe failed: " + e]); });""")
    return [v for v in found if v.split(" ")[0] not in AXE_EXCEPTIONS]


def post(drv: Any, base: str, path: str, answers: str) -> None:
    """Send answers to the served app as the form would (from a page of its own origin)."""
    drv.get(base + "/")
    drv.execute_script("""
        var f = document.createElement("form"); f.method = "post"; f.action = arguments[0];
        var i = document.createElement("input"); i.type = "hidden"; i.name = "answers"; i.value = arguments[1];
        f.appendChild(i); document.body.appendChild(f); f.submit();""", path, answers)


def wait(drv: Any, script: str, seconds: float = 60) -> Any:
    end = time.time() + seconds
    while time.time() < end:
        got = drv.execute_script(script)
        if got:
            return got
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for: {script}")


def type_errors(drv: Any) -> None:
    """Two wrong answers, each left with Tab, so that their errors show."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    drv.find_element(By.ID, "f-p-years_in_cloud").send_keys("three", Keys.TAB)
    metric = drv.find_element(By.CSS_SELECTOR, ".field[data-key^='m:'] input[type=text]")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", metric)
    metric.send_keys("lots", Keys.TAB)
    wait(drv, "return document.querySelectorAll('.err:not(:empty)').length >= 2", 5)


def test_axe_finds_nothing_in_the_questionnaires_empty_and_with_errors(browser: Any, forms: dict[str, Path]) -> None:
    problems = {}
    for name, path in forms.items():
        browser.get(path.as_uri())
        browser.execute_script("localStorage.clear()")
        browser.get(path.as_uri())
        problems[name] = axe(browser)
        type_errors(browser)
        problems[name + " with errors"] = axe(browser)
        browser.execute_script("localStorage.clear()")
    assert not {k: v for k, v in problems.items() if v}, problems


def test_axe_finds_nothing_in_the_served_form_error_page_and_report(browser: Any, server: str) -> None:  # noqa: F811
    problems = {}
    browser.get(server + "/")
    browser.execute_script("localStorage.clear()")
    browser.get(server + "/")
    problems["form"] = axe(browser)
    post(browser, server, "/report", "partner: {name: X, years_in_cloud: three}\nanswers: {nonsense_id: yes}\n")
    wait(browser, "return document.querySelector('.summary')")
    problems["error page"] = axe(browser)
    for example in ("grow-stage", "quick-partial"):
        post(browser, server, "/report", (ROOT / "examples" / f"{example}.yaml").read_text(encoding="utf-8"))
        wait(browser, "return document.querySelector('.pb-bar')")
        problems["report " + example] = axe(browser)
    assert not {k: v for k, v in problems.items() if v}, problems


def test_axe_finds_nothing_in_any_example_report_in_english_or_german(browser: Any, reports: dict[str, Path]) -> None:
    assert len(reports) == 2 * len(EXAMPLES)
    problems = {}
    for name, path in reports.items():
        browser.get(path.as_uri())
        problems[name] = axe(browser)
    assert not {k: v for k, v in problems.items() if v}, problems


# ---- keyboard and screen sizes -----------------------------------------------

OBSCURED = """
    var top = document.querySelector(arguments[0]), el = document.activeElement;
    if (!top || !el || el === document.body || top.contains(el) || getComputedStyle(top).position !== "sticky") return null;
    var r = el.getBoundingClientRect(), hit = document.elementFromPoint(r.left + 1, r.top + 1);
    if (hit && (hit === el || el.contains(hit))) return "";  // drawn above the header (the skip link)
    return r.top < top.getBoundingClientRect().bottom - 0.5 ? (el.id || el.name || el.tagName) + " at " + Math.round(r.top) : "";"""


def tab_through(drv: Any, header: str, backwards: bool, limit: int = 400) -> tuple[int, list[str]]:
    """Tab (or Shift+Tab) through the page once; the stops that ended under the header."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    seen: set[int] = set()
    last = -1
    hidden, stops = [], 0
    for _ in range(limit):
        if backwards:
            ActionChains(drv).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            ActionChains(drv).send_keys(Keys.TAB).perform()
        key = drv.execute_script("return Array.prototype.indexOf.call(document.querySelectorAll('*'), document.activeElement)")
        if key == last:  # the next part of a date field: the same element
            continue
        if key in seen:  # round the page once
            break
        seen.add(key)
        last = key
        got = drv.execute_script(OBSCURED, header)
        if got is None:
            continue
        stops += 1
        if got:
            hidden.append(got)
    return stops, hidden


@pytest.mark.parametrize("where", ["static", "served"])
def test_focus_is_never_hidden_under_the_sticky_header(browser: Any, forms: dict[str, Path], server: str,  # noqa: F811
                                                       where: str) -> None:
    browser.set_window_size(1280, 800)
    try:
        url = forms["quick"].as_uri() if where == "static" else server + "/"
        browser.get(url)
        browser.execute_script("localStorage.clear()")
        browser.get(url)
        assert browser.execute_script("return getComputedStyle(document.querySelector('.top')).position") == "sticky"
        forward, hidden = tab_through(browser, ".top", backwards=False)
        assert forward >= 40 and not hidden, hidden
        browser.execute_script("document.getElementById('save-bottom').focus()")
        backward, hidden = tab_through(browser, ".top", backwards=True)
        assert backward >= 40 and not hidden, hidden
    finally:
        browser.set_window_size(1200, 1600)


def test_a_linked_question_lands_below_the_header(browser: Any, server: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 800)
    try:
        post(browser, server, "/report", (ROOT / "examples" / "quick-partial.yaml").read_text(encoding="utf-8"))
        wait(browser, "return document.querySelector('.pb-settle a')")
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".pb-settle a")]
        assert links
        # the report's own link to its deciding questions lands below the sticky bar
        browser.find_element(By.CSS_SELECTOR, ".provisional a[href='#advice']").click()
        gap = browser.execute_script("return document.getElementById('advice').getBoundingClientRect().top"
                                     " - document.querySelector('.pb-bar').getBoundingClientRect().bottom")
        assert gap >= 0, gap
        for href in links[-2:]:  # "answer these to settle it": each question below the form's header
            browser.get(href)
            target = href.rsplit("#", 1)[1]
            gap = wait(browser, f"""var t = document.getElementById({target!r}); if (!t || t.hidden) return "hidden";
                return String(t.getBoundingClientRect().top - document.querySelector('.top').getBoundingClientRect().bottom);""", 5)
            assert gap != "hidden" and float(gap) >= 0, (href, gap)
    finally:
        browser.set_window_size(1200, 1600)


def test_enter_moves_on_and_an_empty_form_asks_before_it_is_sent(browser: Any, server: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    browser.execute_script("localStorage.clear()")
    browser.get(server + "/")
    name = browser.find_element(By.ID, "f-p-name")
    name.send_keys("Fabrikam", Keys.ENTER)
    time.sleep(0.3)
    assert browser.current_url.rstrip("/") == server and browser.find_elements(By.ID, "form")
    assert browser.switch_to.active_element.get_attribute("id") == "f-p-assessed_on"
    metric = browser.find_element(By.CSS_SELECTOR, ".field[data-key^='m:'] input[type=text]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", metric)
    metric.send_keys("12", Keys.ENTER)
    time.sleep(0.3)
    assert browser.current_url.rstrip("/") == server
    assert browser.switch_to.active_element != metric

    # the report action is at the top too; with next to nothing answered it asks first, in the page
    top = browser.find_element(By.ID, "submit-top")
    top.click()
    box = browser.find_element(By.ID, "confirm-empty")
    assert box.is_displayed() and "not assessed" in box.text
    assert browser.current_url.rstrip("/") == server
    assert browser.switch_to.active_element.get_attribute("id") == "confirm-go"
    browser.find_element(By.ID, "confirm-back").click()
    assert not box.is_displayed()
    top.click()
    browser.find_element(By.ID, "confirm-go").click()
    wait(browser, "return document.querySelector('.pb-bar')")
    assert "Fabrikam" in browser.find_element(By.CSS_SELECTOR, "h1.partner").text


def _fits(drv: Any) -> tuple[int, int]:
    return tuple(drv.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]"))  # type: ignore[return-value]


def test_every_report_fits_a_390_px_phone(browser: Any, reports: dict[str, Path], server: str) -> None:  # noqa: F811
    browser.set_window_size(390, 844)
    try:
        assert browser.execute_script("return window.innerWidth") <= 390
        wide = {}
        for name, path in reports.items():
            browser.get(path.as_uri())
            width, inner = _fits(browser)
            if width > inner:
                wide[name] = width
        for example in ("grow-stage", "quick-partial"):
            post(browser, server, "/report", (ROOT / "examples" / f"{example}.yaml").read_text(encoding="utf-8"))
            wait(browser, "return document.querySelector('.pb-bar')")
            width, inner = _fits(browser)
            if width > inner:
                wide["served " + example] = width
        browser.get(server + "/")
        width, inner = _fits(browser)
        if width > inner:
            wide["served form"] = width
        assert not wide, wide
    finally:
        browser.set_window_size(1200, 1600)


def test_an_error_waits_for_a_pause_in_the_typing(browser: Any, forms: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    pack = _pack()
    money = next(f for f in fields(pack, quick=True) if f["kind"] == "metric" and f["type"] == "money")
    browser.get(forms["quick"].as_uri())
    browser.execute_script("localStorage.clear()")
    browser.get(forms["quick"].as_uri())
    box = browser.find_element(By.ID, "f-" + money["key"].replace(":", "-"))
    err = browser.find_element(By.ID, "e-" + money["key"].replace(":", "-"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    for ch in "180,000":  # a key at a time, as a person types
        box.send_keys(ch)
        assert err.text == "" and box.get_attribute("aria-invalid") is None, ch
    time.sleep(1)
    assert err.text == "" and box.get_attribute("aria-invalid") is None
    # a wrong value: no error at once, the error after the pause, and at once on leaving the field
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("180,0x")
    assert err.text == ""
    wait(browser, f"return document.getElementById({err.get_attribute('id')!r}).textContent", 3)
    assert box.get_attribute("aria-invalid") == "true"
    box.send_keys(Keys.BACKSPACE, "00")
    assert err.text == "" and box.get_attribute("aria-invalid") is None  # fixed: the error goes at once
    box.send_keys("x", Keys.TAB)
    assert err.text != ""
