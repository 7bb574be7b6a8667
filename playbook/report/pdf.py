"""HTML to PDF through WeasyPrint, with every outside fetch refused."""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playbook import __version__, i18n
from playbook.base.model import Pack
from playbook.engine.result import Result
from playbook.errors import RenderError

MAX_SECONDS = 60
MAX_PAGES = 400


class BlockedFetch(Exception):
    pass


def check_url(url: str) -> None:
    """Only data: URLs may be fetched; file://, http(s):// and anything else are refused.

    The report inlines its CSS and images, so nothing legitimate is lost."""
    if not url.startswith("data:"):
        raise BlockedFetch(f"blocked fetch of {url[:80]!r}")


def make_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves data: URLs only (old and new WeasyPrint APIs)."""
    import weasyprint.urls as wu

    if hasattr(wu, "URLFetcher"):  # WeasyPrint >= 68

        class SafeFetcher(wu.URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                check_url(url)
                return super().fetch(url, headers)

        return SafeFetcher(allowed_protocols=("data",))

    def fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
        check_url(url)
        return wu.default_url_fetcher(url, *args, **kwargs)

    return fetcher


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(_sig: int, _frame: Any) -> None:
        raise RenderError(f"the PDF took longer than {seconds} s to render; the input is probably too large")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while WeasyPrint builds its box tree.

    Layout allocates some 100,000 long-lived objects, and each full collection
    rescans all of them; pausing saves about a tenth of the render time and
    a few MB. What the render leaves behind is collected once the document is
    written (see html_to_pdf)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_weasyprint() -> Any:
    """WeasyPrint, imported the usual way.

    Its import searches for native libraries under several names, which runs
    ldconfig and gcc for each name that does not load (Kozea/WeasyPrint#1125).
    Switching that search off meant patching ctypes for the whole process, which
    broke the import on machines without libharfbuzz-subset; so the search runs,
    and the README lists the libraries that make it short."""
    import weasyprint

    return weasyprint


ACCESSIBLE = "pdf/ua-1"


def write_options(variant: str | None) -> dict[str, Any]:
    """WeasyPrint's write options: every PDF is tagged (headings, lists, tables
    with their header cells, figures with the SVG's <title> as alternative
    text, in reading order) and carries its language and title.

    Without a variant the PDF declares PDF/UA-1; a PDF/A variant keeps its own
    identification and gets the same tags, which PDF/A allows."""
    return {"pdf_variant": variant or ACCESSIBLE, "pdf_tags": True}


def html_to_pdf(html: str, result: Result, pack: Pack, options: Any) -> bytes:
    try:
        return _html_to_pdf(html, result, pack, options)
    finally:
        # The document's box tree (some 100,000 objects in reference cycles)
        # is garbage once the PDF is written, but only a rare full collection
        # found it: a long-running process (`serve`, a batch or Dask worker)
        # grew by several MB with every PDF. One collection here keeps it flat
        # (benchmarks/bench_memory.py) for a few per cent of a render.
        gc.collect()


def _html_to_pdf(html: str, result: Result, pack: Pack, options: Any) -> bytes:
    try:
        weasyprint = import_weasyprint()
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise RenderError(
            f"PDF output needs the Pango library, which this machine lacks ({exc}). On Debian or Ubuntu: "
            "apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0. "
            "HTML, Markdown and JSON reports work without it.") from None

    # WeasyPrint logs each refused fetch as a warning; the refusal is the point
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with _deadline(MAX_SECONDS), _no_cyclic_gc():
        doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=make_fetcher()).render()
        if len(doc.pages) > MAX_PAGES:
            raise RenderError(f"the report would have {len(doc.pages)} pages (limit {MAX_PAGES})")
        doc.metadata.title = f"{result.partner_name or i18n.t('Partner')} — {pack.name}"
        doc.metadata.authors = [options.brand.firm or "playbook"]
        doc.metadata.generator = f"playbook {__version__}"
        doc.metadata.lang = result.language
        # the assessment date, not the clock, keeps the PDF reproducible from
        # the same input; without one the PDF carries no date at all
        if result.assessed_on:
            doc.metadata.created = doc.metadata.modified = result.assessed_on + "T00:00:00Z"
        out = doc.write_pdf(**write_options(options.pdf_variant))
    assert out is not None
    return bytes(out)
