"""The executive report (`--short`): cover, summary with stage and radar, the top
actions with their reasons, the KPI scorecard; at most 6 PDF pages.

A separate template (templates/report-short.html.j2) on the same context as the
full report, so the full template stays untouched.
"""

from __future__ import annotations

from markupsafe import Markup

from playbook.base.model import Pack
from playbook.engine.result import Result
from playbook.errors import UsageError
from playbook.report.env import environment
from playbook.report.render import RenderOptions, context, render

TOP_ACTIONS = 8  # with reasons, about two pages: the rest of the six is cover, summary and scorecard


def render_short(result: Result, pack: Pack, fmt: str, options: RenderOptions | None = None) -> bytes:
    """The short report as HTML or PDF bytes; JSON and Markdown are the full report."""
    opts = options or RenderOptions()
    if fmt in ("json", "md"):
        return render(result, pack, fmt, opts)
    if fmt not in ("html", "pdf"):
        raise UsageError(f"unknown format {fmt!r}")
    from playbook.report.render import in_language

    with in_language(result, pack) as pack:
        html = short_html(result, pack, opts, for_pdf=fmt == "pdf")
        if fmt == "html":
            return html.encode()
        from playbook.report.pdf import html_to_pdf

        return html_to_pdf(html, result, pack, opts)


def short_html(result: Result, pack: Pack, options: RenderOptions, *, for_pdf: bool) -> str:
    env = environment(options.template_dir)
    ctx = context(result, pack, options)
    ctx["for_pdf"] = for_pdf
    ctx["short"] = True
    ctx["top"] = list(result.plan[:TOP_ACTIONS])
    ctx["css"] = Markup(env.get_template("report.css").render(brand=options.brand, for_pdf=for_pdf))
    return env.get_template("report-short.html.j2").render(**ctx)
