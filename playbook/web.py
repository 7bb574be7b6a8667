"""`playbook serve`: the questionnaire as a small web app that answers with the report.

Starlette (routing, requests, responses) on uvicorn (the ASGI server): both are
small, typed and well kept, and they add no template engine or ORM we would not
use. The app is stateless: a submission is parsed, assessed and rendered in
memory with the same library calls the CLI makes (load_pack, parse_answers,
evaluate, render); every download button re-submits the answers. No route reads
the file system: there are no static files, and the pack is loaded once at start.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playbook import i18n
from playbook.api import Assessor
from playbook.base.model import Pack
from playbook.base.yamlio import decode, loads
from playbook.engine.result import Result
from playbook.errors import InvalidInput, PlaybookError, Problem
from playbook.i18n import t
from playbook.pack.translations import layer_roots, translated
from playbook.report.form import PROFILE_KEYS, csp_hash, effective_quick, fields, policy, render_form, state_from_raw
from playbook.report.render import in_language, render

log = logging.getLogger("uvicorn.error")  # the server log uvicorn prints (one line per event)
MAX_REQUEST_BYTES = 256_000  # a full questionnaire's answers are some 10 KB
PDF_SECONDS = 60  # the renderer's own limit; its alarm works on the main thread only
PDF_QUEUE = 8  # PDF renders waiting beyond this are turned away, not queued forever
TOO_LARGE = f"The request is larger than {MAX_REQUEST_BYTES // 1000} KB; an answers file is far smaller."
_BLOCK = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1>", re.S | re.I)
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",  # answers are the partner's business data
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page_policy(html: str) -> str:
    """The page's CSP: only its own inline scripts and styles, by hash."""
    scripts: list[str] = []
    styles: list[str] = []
    for m in _BLOCK.finditer(html):
        if m.group(1).lower() == "script" and "application/json" in (m.group(2) or ""):
            continue  # data, never executed
        (scripts if m.group(1).lower() == "script" else styles).append(csp_hash(m.group(3)))
    return policy(sorted(set(scripts)), sorted(set(styles))) + "; frame-ancestors 'none'"


def _html(page: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(page, status, headers={"Content-Security-Policy": page_policy(page)})


class Limits:
    """ASGI middleware: the size limit on every request body, and the safety
    headers on every response (the CSP too, when a route set none). A body
    sent without Content-Length is held to the limit as it is read (_body)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_REQUEST_BYTES):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k.lower().encode(), v.encode()) for k, v in BASE_HEADERS.items()
                            if k.lower().encode() not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"))
                msg = {**msg, "headers": headers}
            await send(msg)

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await PlainTextResponse(TOO_LARGE, 413)(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)



def _field_key(path: tuple[Any, ...]) -> str | None:
    if len(path) >= 2 and path[0] == "partner":
        return f"p:{path[1]}"
    if len(path) >= 2 and path[0] == "answers":
        return f"q:{path[1]}"
    if len(path) >= 2 and path[0] == "metrics":
        return f"m:{path[1]}"
    if path and path[0] == "nps_responses":
        return "nps"
    return None


def field_errors(raw: bytes, problems: list[Problem], known: set[str]) -> tuple[dict[str, str], list[str]]:
    """Each problem placed on the form field it is about (by its line in the
    submitted file); the rest, for the summary at the top."""
    where: dict[int, tuple[Any, ...]] = {}
    try:
        doc = loads(decode(raw, "answers.yaml"), "answers.yaml")
        for table in (doc.key_pos, doc.value_pos):
            for path, (line, _col) in table.items():
                if path and (line not in where or len(path) > len(where[line])):
                    where[line] = path
    except InvalidInput:
        pass
    fields: dict[str, str] = {}
    rest: list[str] = []
    for p in problems:
        if p.severity != "error":
            continue
        key = _field_key(where.get(p.line, ()))
        message = re.sub(r"^[a-z_]+: ", "", p.message)
        if key in known and key not in fields:
            fields[key] = message[:1].upper() + message[1:]
        else:
            rest.append(p.message)
    return fields, rest


async def _body(request: Request) -> str:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise _BadRequest("send the questionnaire form (application/x-www-form-urlencoded)", 415)
    chunks, seen = [], 0
    async for chunk in request.stream():  # a body without Content-Length is held to the limit too
        seen += len(chunk)
        if seen > MAX_REQUEST_BYTES:
            raise _BadRequest(TOO_LARGE, 413)
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        data = parse_qs(body.decode("utf-8"), max_num_fields=400, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise _BadRequest("the form data could not be read", 400) from None
    answers = data.get("answers", [""])[0]
    if not answers.strip():
        raise _BadRequest("no answers were sent: the form needs JavaScript to send them", 400)
    return answers


class _BadRequest(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _advice_banner(result: Result, pack: Pack) -> str:
    """The stage advice above the served report: the same answers as the
    report's, the first ADVICE_SHOWN of each list and how many more follow,
    each linking to its field on the questionnaire (which the browser has kept)."""
    from playbook.engine.advice_text import ADVICE_SHOWN, advice_head, advice_item

    names = {s.id: s.name for s in pack.stages}
    parts = []
    if result.stage_status == "provisional":
        low, high = (escape(names[s]) for s in result.stage_range)
        parts.append("<p>" + t("<strong>Your stage is provisional</strong> (between %(low)s and %(high)s).",
                               low=low, high=high) + "</p>")
    for a in result.stage_advice:
        items = "".join(f'<li><a href="/#w-q-{escape(x.id)}">{escape(x.text)}</a> {escape(advice_item(x))}</li>'
                        for x in a.answers[:ADVICE_SHOWN])
        if len(a.answers) > ADVICE_SHOWN:
            items += f"<li>{escape(t('and %(n)s more', n=len(a.answers) - ADVICE_SHOWN))}</li>"
        parts.append(f"<p>{escape(advice_head(a, names))}</p><ol>{items}</ol>")
    # a complementary landmark named by its first sentence, like the rest of the page's landmarks
    parts[0] = parts[0].replace("<p>", '<p id="pb-settle-text">', 1)
    return '<aside class="pb-settle" aria-labelledby="pb-settle-text">' + "".join(parts) + "</aside>"


def _downloads(answers: str, result: Result, pack: Pack) -> Markup:
    """The bar above the served report: downloads that re-submit the answers."""
    value = escape(answers)
    buttons = "".join(
        f'<form method="post" action="{action}"><input type="hidden" name="answers" value="{value}">'
        f'<button type="submit">{label}</button></form>'
        for action, label in (("/report.pdf", escape(t("Download PDF"))), ("/report.json", escape(t("Download JSON"))),
                              ("/answers.yaml", escape(t("Download answers.yaml")))))
    settle = ""
    if result.stage_advice:
        settle = _advice_banner(result, pack)
    # landmarks (a navigation bar, a complementary note) so that nothing on the page lies outside one;
    # the bar sticks on a wide screen only, and the page's scroll padding keeps anchors below it
    return Markup(
        f'<nav class="pb-bar" aria-label="{escape(t("Downloads"))}">'
        f'<a href="/">{escape(t("Back to the questionnaire"))}</a>'
        f'{buttons}</nav>{settle}'
        '<style>@media (min-width:48rem){.pb-bar{position:sticky}html{scroll-padding-top:5rem}}'
        '.pb-bar{top:0;z-index:10;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.6rem 1rem;'
        'background:#f3f5f8;border-bottom:1px solid #c8ccd2;font:15px system-ui,sans-serif}'
        '.pb-bar form{margin:0}.pb-bar a{margin-right:auto;color:#1f5fa8;font-weight:600}'
        '.pb-bar button{font:inherit;font-weight:600;color:#fff;background:#1f5fa8;border:0;'
        'border-radius:4px;padding:.35rem .8rem;cursor:pointer}'
        '.pb-bar :focus-visible{outline:3px solid #1f5fa8;outline-offset:2px}'
        '.pb-settle{padding:.5rem 1rem;background:#fff8e1;border-bottom:1px solid #c8ccd2;'
        'font:15px system-ui,sans-serif}.pb-settle p,.pb-settle ol{margin:.2rem 0}.pb-settle a{color:#1f5fa8}'
        '@media print{.pb-bar,.pb-settle{display:none}}</style>')


def create_app(pack: Pack, *, quick: bool = True, lang: str | None = None) -> ASGIApp:
    """The app; `lang` is the questionnaire's language, and the report's unless
    a submitted file says otherwise in partner.language (the form writes it)."""
    h = _Handlers(pack, quick=quick, lang=lang or i18n.DEFAULT)
    app = Starlette(routes=[
        Route("/", h.index, methods=["GET"]),
        Route("/report", h.report, methods=["POST"]),
        Route("/report.pdf", h.report_pdf, methods=["POST"]),
        Route("/report.json", h.report_json, methods=["POST"]),
        Route("/answers.yaml", h.answers_yaml, methods=["POST"]),
    ])
    return Limits(app)


class _Handlers:
    """The app's routes over one pack, loaded and checked once per process."""

    def __init__(self, pack: Pack, *, quick: bool, lang: str):
        self.pack, self.quick, self.lang = pack, quick, lang
        self.shown = translated(pack, lang) if lang != i18n.DEFAULT else pack
        # a submission may ask for any language by partner.language: a broken translation is a
        # startup error (InvalidInput, located), never an HTTP 500 on each such submission
        given = {p.stem for root in layer_roots(pack) for p in (root / "translations").glob("*.yaml")}
        for other in sorted({*i18n.languages(), *given} - {i18n.DEFAULT}):
            translated(pack, other)
        self.assessor = Assessor(pack)
        self.pdf_slots = asyncio.Semaphore(1)  # WeasyPrint is CPU-bound and pauses the GC: one at a time
        self.waiting = 0
        self.known = ({f["key"] for f in fields(pack, effective_quick(pack, quick))}
                      | {f"p:{k}" for k in PROFILE_KEYS} | {"nps"})

    def form_page(self, state: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                  summary: list[str] | None = None, status: int = 200) -> Response:
        with i18n.using(self.lang):
            page = render_form(self.shown, quick=self.quick, state=state, errors=errors, action="/report",
                               prefer_state=state is not None, summary=summary or [])
        return _html(page, status)

    async def assess(self, request: Request) -> tuple[str, Result] | Response:
        try:
            answers = await _body(request)
        except _BadRequest as exc:
            return PlainTextResponse(str(exc), exc.status)
        except ClientDisconnect:
            # nobody is left to answer: one line in the log, not a traceback
            log.info("%s %s: the client disconnected before sending the whole form", request.method, request.url.path)
            return Response(status_code=400)
        raw = answers.encode("utf-8")
        # the one assessment path: the web app refuses what the CLI and the batch refuse
        # its messages are in its partner.language, else the questionnaire's
        with i18n.messages_asked(None, self.lang):
            outcome = self.assessor.outcome(raw, name="answers.yaml", default_lang=self.lang)
        if outcome.assessment is None:
            errors, rest = field_errors(raw, list(outcome.problems), self.known)
            try:
                state = state_from_raw(loads(decode(raw, "answers.yaml"), "answers.yaml").data, self.pack)
            except InvalidInput:
                state = {}
            return self.form_page(state, errors, rest, 422)
        return answers, outcome.assessment.result

    async def index(self, request: Request) -> Response:
        return self.form_page()

    async def report(self, request: Request) -> Response:
        got = await self.assess(request)
        if isinstance(got, Response):
            return got
        answers, result = got
        page = render(result, self.pack, "html").decode()
        with in_language(result, self.pack) as local:
            bar = str(_downloads(answers, result, local))
        page = re.sub(r"<body([^>]*)>", lambda m: m.group(0) + bar, page, count=1)
        return _html(page)

    async def report_json(self, request: Request) -> Response:
        got = await self.assess(request)
        if isinstance(got, Response):
            return got
        return Response(render(got[1], self.pack, "json"), media_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="report.json"'})

    async def report_pdf(self, request: Request) -> Response:
        got = await self.assess(request)
        if isinstance(got, Response):
            return got
        if self.waiting >= PDF_QUEUE:
            return PlainTextResponse("Too many PDFs are being made; try again in a minute.", 503,
                                     headers={"Retry-After": "30"})
        self.waiting += 1
        try:
            async with self.pdf_slots:
                pdf = await asyncio.wait_for(run_in_threadpool(render, got[1], self.pack, "pdf"), PDF_SECONDS)
        except asyncio.TimeoutError:
            return PlainTextResponse(f"The PDF took longer than {PDF_SECONDS} s; download the HTML or JSON.", 503)
        except PlaybookError as exc:
            # too long or too slow for a PDF, or no PDF support on this server: the HTML and JSON still work
            return PlainTextResponse(f"The PDF could not be made: {exc}. Download the HTML or JSON instead.", 503)
        finally:
            self.waiting -= 1
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": 'attachment; filename="report.pdf"'})

    async def answers_yaml(self, request: Request) -> Response:
        got = await self.assess(request)
        if isinstance(got, Response):
            return got
        return Response(got[0].encode("utf-8"), media_type="application/x-yaml; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="answers.yaml"'})


# How `serve` hands its settings to worker processes: each worker starts the app
# from this (uvicorn's factory), loading the pack itself, once.
SERVE_SETTINGS = "PLAYBOOK_SERVE_SETTINGS"


def app_from_environment() -> ASGIApp:
    """The app of one worker process of `playbook serve --workers N`."""
    import json
    import os

    from playbook.pack.load import load_pack

    s = json.loads(os.environ[SERVE_SETTINGS])
    return create_app(load_pack(s["pack"]), quick=s["quick"], lang=s["lang"])


def run(pack: Pack, *, host: str, port: int, quick: bool = True, lang: str | None = None,
        pack_spec: str | None = None, workers: int | None = None) -> None:
    """Serve until Ctrl-C; uvicorn logs one line per request (method, path, status: never a body).

    Evaluating and rendering a report is CPU work, which one Python process
    does one at a time: with `workers` above 1 (by default one per core)
    uvicorn starts that many processes, each with its own pack and Jinja
    environment. `pack` was loaded and checked here first, so a broken pack or
    translation stops `serve` once, with its message, before any worker starts."""
    import json
    import os

    import uvicorn

    app = create_app(pack, quick=quick, lang=lang)  # the startup checks, in this process
    workers = workers or os.cpu_count() or 1
    common: dict[str, Any] = {"host": host, "port": port, "server_header": False, "log_level": "info",
                              "access_log": True}
    try:
        if workers > 1:
            os.environ[SERVE_SETTINGS] = json.dumps({"pack": pack_spec, "quick": quick, "lang": lang})
            uvicorn.run("playbook.web:app_from_environment", factory=True, workers=workers, **common)
        else:
            try:  # on the main thread, WeasyPrint imports fast; the first PDF request then need not
                from playbook.report.pdf import import_weasyprint

                import_weasyprint()
            except (OSError, ImportError):
                pass  # PDFs will say what is missing; the rest of the app works
            uvicorn.run(app, **common)
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down: that is the normal way out
        pass
