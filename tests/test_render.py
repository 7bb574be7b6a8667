"""Reports: escaped, self-contained, and the PDF fetches nothing."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap

import pytest
import yaml

from playbook.answers.check import parse_answers
from playbook.engine.evaluation import evaluate
from playbook.report.pdf import BlockedFetch, check_url, make_fetcher
from playbook.report.render import Brand, RenderOptions, bullet, render, render_html, render_markdown
from tests.conftest import ROOT

HOSTILE = ("<script>alert(1)</script> Fabrikam <img src='file:///etc/passwd'> "
           "<link rel=stylesheet href='http://127.0.0.1:9/x.css'> <a href='file:///etc/shadow'>x</a>")


@pytest.fixture()
def hostile_result(mini):
    doc = {"partner": {"name": HOSTILE, "assessed_on": "2026-11-01"},
           "answers": {"onboarding_process": "no"}, "metrics": {"churn_rate_annual": 12}}
    return evaluate(mini, parse_answers(yaml.safe_dump(doc).encode(), mini, "h.yaml"))


def test_html_escapes_partner_text_and_has_no_external_urls(mini, hostile_result) -> None:
    html = render_html(hostile_result, mini)
    assert "<script>" not in html and "<img src='file" not in html and "<link" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fabrikam" in html
    # every src/href in the markup is a fragment or a data: URI
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert url.startswith(("#", "data:")), url
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "").split("&lt;")[0]


def test_markdown_escapes_partner_text(mini, hostile_result) -> None:
    md = render_markdown(hostile_result, mini)
    assert "<script>" not in md and "\\<script\\>" in md


def test_fetcher_allows_only_data_urls() -> None:
    fetcher = make_fetcher()
    fetch = getattr(fetcher, "fetch", fetcher)
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.com/x.png", "ftp://x/y"):
        with pytest.raises(BlockedFetch):
            check_url(url)
        with pytest.raises(BlockedFetch):
            fetch(url)
    got = fetch("data:text/plain;base64,aGk=")
    body = got.read() if hasattr(got, "read") else (got.get("string") or got["file_obj"].read())
    assert body == b"hi"


@pytest.mark.slow
def test_pdf_renders_fetches_nothing_and_has_outline(mini, hostile_result, monkeypatch) -> None:
    import pypdf

    import playbook.report.pdf as pdfmod

    calls: list[str] = []
    real = pdfmod.check_url

    def spy(url: str) -> None:
        calls.append(url)
        real(url)

    monkeypatch.setattr(pdfmod, "check_url", spy)
    data = render(hostile_result, mini, "pdf", RenderOptions(Brand(firm="Contoso Advisory")))
    assert data.startswith(b"%PDF")
    assert not [c for c in calls if not c.startswith("data:")]
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    n = len(reader.pages)
    assert f"Page 2 of {n}" in text and f"Page {n} of {n}" in text
    assert "<script>alert(1)</script> Fabrikam" in text  # shown as text
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:3] == ["Executive summary", "KPI scorecard", "Action plan"]
    assert reader.metadata.title.endswith("Mini test pack")
    assert re.search(r"Executive summary\s*\.*\s*3", text)  # contents with page numbers
    assert not reader.attachments


def test_bullet_geometry() -> None:
    b = bullet(12.0, "le", 10.0, "lower")
    assert b is not None and 0 <= b["marks"][0] < b["value"] <= 100
    assert bullet(None, "le", 10, "lower") is None
    b = bullet(-20.0, "ge", 50.0, "higher")
    assert b is not None and b["value"] < b["zero"] < b["marks"][0]


def test_pdf_refuses_file_and_http_fetches_in_raw_html(mini, hostile_result, monkeypatch, tmp_path) -> None:
    import pypdf

    import playbook.report.pdf as pdfmod

    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    calls: list[str] = []
    real = pdfmod.check_url

    def spy(url: str) -> None:
        calls.append(url)
        real(url)

    monkeypatch.setattr(pdfmod, "check_url", spy)
    html = (f"<html><head><link rel='stylesheet' href='file://{secret}'>"
            "<link rel='attachment' href='file:///etc/hostname'></head>"
            "<body><img src='http://127.0.0.1:9/x.png'><p>text</p></body></html>")
    data = pdfmod.html_to_pdf(html, hostile_result, mini, RenderOptions())
    assert {c.split("://")[0] for c in calls} <= {"file", "http"} and len(calls) >= 2
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert not reader.attachments
    assert "text" in reader.pages[0].extract_text()


def test_pdfa_variant(mini, hostile_result) -> None:
    import pypdf

    data = render(hostile_result, mini, "pdf", RenderOptions(pdf_variant="pdf/a-3u"))
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="U"' in xmp
    assert "/OutputIntents" in root


def test_render_deadline(mini, hostile_result, monkeypatch) -> None:
    import playbook.report.pdf as pdfmod
    from playbook.errors import RenderError

    monkeypatch.setattr(pdfmod, "MAX_PAGES", 1)
    with pytest.raises(RenderError, match="pages"):
        render(hostile_result, mini, "pdf")


@pytest.mark.slow
def test_garbage_collection_is_paused_only_while_rendering(mini, hostile_result, monkeypatch) -> None:
    import gc

    import weasyprint

    import playbook.report.pdf as pdfmod
    from playbook.errors import RenderError

    seen = []
    real = weasyprint.HTML.render

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", spy)
    render(hostile_result, mini, "pdf")
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(pdfmod, "MAX_PAGES", 1)
    with pytest.raises(RenderError):
        render(hostile_result, mini, "pdf")
    assert gc.isenabled(), "a failed render must switch the collector back on"


def test_weasyprint_is_imported_with_ctypes_left_alone(tmp_path) -> None:
    # a stand-in WeasyPrint that, like the real one on a machine without
    # libharfbuzz-subset, needs ctypes' library search to load; playbook must
    # not switch the search off, not even for the import
    fake = tmp_path / "weasyprint"
    fake.mkdir()
    (fake / "__init__.py").write_text(textwrap.dedent("""
        import ctypes.util
        if ctypes.util.find_library("c") is None:
            raise OSError("cannot load library 'libharfbuzz-subset.so.0'")
        LOADED = "via the search"
    """))
    script = ("import ctypes.util; search = ctypes.util.find_library\n"
              "from playbook.report.pdf import import_weasyprint\n"
              "print(import_weasyprint().LOADED, ctypes.util.find_library is search)\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.stdout.strip() == "via the search True", out.stdout + out.stderr


def _harfbuzz_subset() -> bool:
    import ctypes
    import ctypes.util

    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll",
                 ctypes.util.find_library("harfbuzz-subset")):
        try:
            if name:
                ctypes.CDLL(name)
                return True
        except OSError:
            pass
    return False


@pytest.mark.skipif(not _harfbuzz_subset(), reason="libharfbuzz-subset is not installed (see the README's "
                    "system requirements); WeasyPrint then subsets fonts with fontTools, more slowly")
def test_weasyprint_subsets_fonts_with_harfbuzz_when_it_is_installed() -> None:
    from playbook.report.pdf import import_weasyprint

    import_weasyprint()
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is not None


def test_missing_pango_is_a_clear_render_error(mini, hostile_result, monkeypatch) -> None:
    import builtins

    from playbook.errors import RenderError

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(RenderError, match="needs the Pango library.*apt install libpango"):
        render(hostile_result, mini, "pdf")


PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d49444154789c6360f8cfc0f01f0005000201e2e1a4a90000000049454e44ae426082")


def test_brand_is_embedded_as_data_uri(tmp_path, mini, hostile_result) -> None:
    from playbook.report.render import load_brand

    (tmp_path / "logo.png").write_bytes(PNG_1PX)
    (tmp_path / "brand.yaml").write_text("firm: Contoso <Advisory>\nlogo: logo.png\naccent: '#8a2be2'\n"
                                         "confidentiality: Confidential - Fabrikam only\n")
    brand = load_brand(tmp_path / "brand.yaml")
    assert brand.logo_data_uri.startswith("data:image/png;base64,")
    html = render_html(hostile_result, mini, RenderOptions(brand))
    assert 'src="data:image/png;base64,' in html and "Contoso &lt;Advisory&gt;" in html
    assert "--accent: #8a2be2" in html and "Confidential - Fabrikam only" in html


def test_short_accent_colour_is_accepted(tmp_path) -> None:
    from playbook.report.render import load_brand

    (tmp_path / "brand.yaml").write_text("firm: X\naccent: '#a2e'\n")
    assert load_brand(tmp_path / "brand.yaml").accent == "#aa22ee"


@pytest.mark.parametrize("text,words", [
    ("firm: X\naccent: red\n", "accent must be a colour"),
    ("firm: X\nlogo: missing.png\n", "logo file not found"),
    ("firm: X\nlogo: brand.yaml\n", "must be a .png, .jpg or .svg"),
    ("frim: X\n", "did you mean 'firm'"),
    ("firm: X\nlogo: https://example.com/logo.png\n", "never fetched"),
])
def test_bad_brand_files(tmp_path, text: str, words: str) -> None:
    from playbook.errors import InvalidInput
    from playbook.report.render import load_brand

    (tmp_path / "brand.yaml").write_text(text)
    with pytest.raises(InvalidInput, match=words):
        load_brand(tmp_path / "brand.yaml")


def test_template_dir_overrides_a_template(tmp_path, mini, hostile_result) -> None:
    (tmp_path / "report.md.j2").write_text("custom: {{ r.partner_name }}\n")
    md = render_markdown(hostile_result, mini, RenderOptions(template_dir=str(tmp_path)))
    assert md.startswith("custom: \\<script\\>")
    html = render_html(hostile_result, mini, RenderOptions(template_dir=str(tmp_path)))
    assert html.startswith("<!DOCTYPE html>")  # the other templates still come from the bundle


EXAMPLE_FILES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_renders_to_html_and_pdf_with_all_sections(example, default_pack) -> None:
    """The whole report for each shipped example: every section in the HTML
    and the PDF, the PDF's contents page numbers agree with its bookmarks, and
    the HTML is one self-contained file under 300 KB."""
    import pypdf

    result = evaluate(default_pack, parse_answers(example.read_bytes(), default_pack, example.name,
                                                  customers_dir=example.parent))
    html = render_html(result, default_pack)
    assert len(html.encode()) < 300_000
    assert not [u for u in re.findall(r'(?:src|href)="([^"]*)"', html) if not u.startswith(("#", "data:"))]
    from playbook import i18n

    with i18n.using(result.language):  # the German example's sections have German names
        sections = [i18n.t(s) for s in (
            "Executive summary", "KPI scorecard", "Action plan", "Checklists",
            *(["Your customers"] if result.customer_base else
              ["Customers by cloud maturity"] if result.customers else []),
            "Not assessed", *(["Does not apply"] if result.not_applicable else []),
            "Practices in place", "Method")]
        page_of = i18n.t("Page") + " %d " + i18n.t("of") + " %d"
    for s in sections:
        assert f"<h1>{s}</h1>" in html, s

    reader = pypdf.PdfReader(io.BytesIO(render(result, default_pack, "pdf")))
    n = len(reader.pages)
    pages = [p.extract_text() for p in reader.pages]
    assert all(page_of % (i, n) in t for i, t in enumerate(pages[1:], start=2))
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top] == sections
    contents = pages[1]
    for o in top:  # the contents page lists each section with the page its bookmark points to
        page = reader.get_destination_page_number(o) + 1
        assert re.search(rf"{re.escape(o.title)}\s*\.*\s*{page}\b", contents), (o.title, page)
        assert o.title in pages[page - 1]
    # the executive summary fits on one page (page 4 already carries the next section's header)
    with i18n.using(result.language):
        top5, snapshot, summary, why = (i18n.t(s) for s in ("Top five actions", "KPI snapshot", "Executive summary",
                                                               "Why:"))
    assert top5 in pages[2] and snapshot in pages[2] and summary not in pages[3]
    assert result.partner_name in pages[0]
    # what folds away in the browser (reasons, practices in place) is printed in the PDF
    assert "<details>" in html and "<details open" not in html
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert why in text
    in_place = [a for a in result.actions if a.state == "done"]
    assert in_place and all(a.title in text for a in in_place)


def _elements_per_page(doc) -> list[set]:
    def walk(box, acc):
        if getattr(box, "element", None) is not None:
            acc.add(box.element)
        for child in box.all_children() if hasattr(box, "all_children") else ():
            walk(child, acc)
        return acc
    return [walk(p._page_box, set()) for p in doc.pages]


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_no_heading_or_caption_is_left_alone_at_the_foot_of_a_page(example, default_pack) -> None:
    """What follows a heading (or a table's caption) starts on the heading's page."""
    import weasyprint

    result = evaluate(default_pack, parse_answers(example.read_bytes(), default_pack, example.name,
                                                  customers_dir=example.parent))
    doc = weasyprint.HTML(string=render_html(result, default_pack), url_fetcher=make_fetcher()).render()
    pages = _elements_per_page(doc)
    parent_of = {}
    for page in pages:
        for el in page:
            for child in list(el):
                parent_of[child] = el
    alone = []
    for n, page in enumerate(pages, start=1):
        for el in page:
            tag = el.tag.rsplit("}", 1)[-1]
            if tag not in ("h1", "h2", "h3", "caption"):
                continue
            siblings = list(parent_of.get(el, []))
            after = siblings[siblings.index(el) + 1:] if el in siblings else []
            if tag == "caption":
                after = [s for s in after if s.tag.rsplit("}", 1)[-1] == "tbody"]
            if after and after[0] not in page:
                alone.append((n, tag, "".join(el.itertext()).strip()))
    assert not alone


@pytest.mark.parametrize("text,words", [
    ("{% for x in %}\n", r"report.md.j2:1: template error"),
    ("{{ no_such_thing }}\n", r"template error: 'no_such_thing' is undefined"),
])
def test_a_broken_override_template_is_a_render_error(tmp_path, mini, hostile_result, text, words) -> None:
    from playbook.errors import RenderError

    (tmp_path / "report.md.j2").write_text(text)
    with pytest.raises(RenderError, match=words):
        render(hostile_result, mini, "md", RenderOptions(template_dir=str(tmp_path)))


def _report(pack, doc):
    result = evaluate(pack, parse_answers(yaml.safe_dump(doc).encode(), pack, "a.yaml"))
    return result, render_html(result, pack)


def test_the_kpi_snapshot_leads_with_the_misses(default_pack) -> None:
    # six met targets come first in the pack; the two misses must still make the snapshot
    doc = yaml.safe_load((ROOT / "examples" / "optimize-stage.yaml").read_text())
    result, html = _report(default_pack, doc)
    snapshot = html.split('<ul class="kpis">')[1].split("</ul>")[0]
    statuses = re.findall(r'<li class="kpi (\w+)">', snapshot)
    missed = [f for f in result.findings if f.status == "not_met"]
    assert missed and statuses[:len(missed)] == ["not_met"] * len(missed), statuses
    # furthest from target first
    names = re.findall(r'<span class="kpi-name">([^<]+)</span>', snapshot)
    gaps = sorted(missed, key=lambda f: -f.gap / max(abs(float(f.target_value)), 1.0))
    assert names[:len(missed)] == [f.metric_name for f in gaps]


def test_a_report_on_few_answers_says_so_and_counts_agree(default_pack) -> None:
    _, html = _report(default_pack, {"partner": {"name": "P"}, "answers": {"onboarding_process": "yes"}})
    assert "Read with care:" in html and "only 1 of " in html
    assert "No open actions among the 1 practice that could be assessed." in html
    assert re.search(r"could not be checked \(\d+ practices\)", html)
    assert "<summary>1 practice is already in place</summary>" in html
    _, html = _report(default_pack, {"partner": {"name": "P"}, "metrics": {"churn_rate_annual": 12}})
    assert '<td class="num">2 pts</td>' in html  # churn 12 % against under 10 %: points, not per cent
    _, full = _report(default_pack, yaml.safe_load((ROOT / "examples" / "grow-stage.yaml").read_text()))
    assert "Read with care:" not in full


def test_ids_wrap_at_underscores_and_sources_show_titles(default_pack) -> None:
    _, html = _report(default_pack, yaml.safe_load((ROOT / "examples" / "grow-stage.yaml").read_text()))
    # (the margin id is not assessed in this example, so it is in the not-assessed table)
    assert '<td class="id">gross_<wbr>margin_<wbr>ip</td>' in html
    provenance = html.split('aria-labelledby="provenance">')[1].split("</table>")[0]
    assert "Optimize and Grow Guide" in provenance and ".txt" not in provenance
    assert "(OCR)" not in provenance  # 001 duplicates 003 and nothing cites it
    # practices in place come grouped by phase, Start first
    in_place = html.split('id="in-place"')[1].split("</section>")[0]
    assert in_place.index("<h2>Start") < in_place.index("<h2>Grow") < in_place.index("<h2>Optimize")


def test_optional_sources_and_titles_leave_no_dangling_text(tmp_path) -> None:
    from playbook.pack.load import load_pack

    (tmp_path / "pack.yaml").write_text(
        "id: edge\nname: Edge\nversion: 0.1.0\nengine: '>=0.1,<1'\nareas: [{id: ops, name: Ops}]\n"
        "sources: [{file: guide.txt}]\n")
    (tmp_path / "content.yaml").write_text(
        "questions: [{id: q, section: S, text: Q?, type: yesno}]\n"
        "metrics: [{id: m, name: M, unit: count, better: higher}]\n"
        "benchmarks:\n  - {id: b, metric: m, target: {ge: 5}, target_text: five, source: guide.txt § Part B}\n"
        "  - {id: c, metric: m, target: {ge: 1}, target_text: one}\n"
        "actions:\n  - {id: a, title: A, phase: grow, area: ops, done_when: {question: q, eq: yes}}\n")
    pack = load_pack(tmp_path)
    result, html = _report(pack, {"partner": {"name": "P"}, "answers": {"q": "no"}, "metrics": {"m": 3}})
    md = render_markdown(result, pack)
    # an untitled source is named by its file; an item without a source has no "Source:" at all
    assert "Sources: guide.txt § Part B.</p>" in html and "<td>guide.txt</td>" in html
    assert '<p class="source">rule <code>a</code></p>' in html and "   - (rule a)" in md
    assert " § " not in md.replace("guide.txt § Part B", "")
    # a phase with no practices in the pack is not reported as "0 of 0 in place"
    assert "0 of 0" not in result.stage_reason and result.stage_reason.startswith("Grow: 0 of 1")


@pytest.mark.parametrize("brk", ["\r", "\r\n", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_no_line_break_in_partner_text_reaches_the_markdown(mini, brk: str) -> None:
    # a CR in the partner's name must not start a heading or a list item of the report (issue 11)
    doc = {"partner": {"name": f"Fabrikam{brk}# Pwned{brk}- item"}, "answers": {"onboarding_process": "no"}}
    r = evaluate(mini, parse_answers(yaml.safe_dump(doc, allow_unicode=True).encode(), mini, "h.yaml"))
    md = render_markdown(r, mini)
    assert not any(line.startswith(("# Pwned", "\\# Pwned", "- item")) for line in re.split(r"\r\n?|\n", md))
    assert all(c not in md for c in "\r\u2028\u2029\x85\v\f")
    assert "Fabrikam \\# Pwned - item" in md


def test_revenue_totals_past_the_float_maximum_render_and_stay_strict_json(default_pack) -> None:
    import dataclasses
    import json

    from playbook.base.model import Customer

    # the answers file caps each amount, so build the overflow the way a library caller could
    a = parse_answers(b"partner: {name: X}\n", default_pack, "h.yaml")
    a = dataclasses.replace(a, customers=tuple(Customer(f"c{i}", "repeatable", 1.7e308, None) for i in range(3)))
    r = evaluate(default_pack, a)
    assert r.customers[0].revenue is None  # not infinite
    json.loads(render(r, default_pack, "json", RenderOptions()), parse_constant=lambda c: 1 / 0)
    html = render(r, default_pack, "html", RenderOptions())
    assert not re.search(rb"\b(?:inf|infinity|nan)\b", html, re.IGNORECASE)
