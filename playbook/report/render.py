"""Report rendering: one template set, several outputs.

The context handed to templates is built here from the Result, so templates
hold layout only. Heavy imports (WeasyPrint) live in pdf.py and are imported
only when a PDF is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from playbook import i18n
from playbook.base.model import PHASES, Pack
from playbook.customers.view import customer_view
from playbook.engine.result import Result, practice_counts, relative_gap, to_json
from playbook.errors import RenderError, UsageError
from playbook.i18n import N_
from playbook.i18n import value as format_value
from playbook.report.baseline import open_by_phase

# Brand files and charts live in their own modules; their names stay importable from here.
from playbook.report.brand import MAX_LOGO_BYTES as MAX_LOGO_BYTES
from playbook.report.brand import MIN_CONTRAST as MIN_CONTRAST
from playbook.report.brand import Brand as Brand
from playbook.report.brand import contrast as contrast
from playbook.report.brand import load_brand as load_brand
from playbook.report.brand import readable_shade as readable_shade
from playbook.report.charts import bullet as bullet
from playbook.report.charts import radar as radar
from playbook.report.env import LEVEL_LABEL as LEVEL_LABEL
from playbook.report.env import environment
from playbook.report.wording import citer, reason_text

FORMATS = ("html", "pdf", "json", "md", "csv", "xlsx")
# csv and xlsx: the action plan as a table for a tracker or spreadsheet (report/export.py)
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "json": ".json", "md": ".md", "csv": ".csv", "xlsx": ".xlsx"}
# English here; the templates receive them translated (see _labels)
# impact and effort, as an action card states them ("impact high"): the pack's
TIER_LABEL = {"good": N_("Good"), "better": N_("Better"), "best": N_("Best"), None: "—"}
STATUS_LABEL = {"met": N_("Met"), "not_met": N_("Not met"), "not_assessed": N_("Not assessed"),
                "done": N_("Done"), "not_done": N_("Not done"), "recommended": N_("Open"),
                "does_not_apply": N_("Does not apply")}
# partner.focus values as the cover shows them (English: the id in words, as before)
FOCUS_LABEL = {"resale": N_("resale"), "project_services": N_("project services"),
               "managed_services": N_("managed services"), "ip": N_("ip")}
ORIGIN_LABEL = {"given": N_("given"), "derived": N_("derived"), "not given": N_("not given"),
                "does not apply": N_("does not apply")}


def _labels(table: dict[Any, str]) -> dict[Any, str]:
    return {k: i18n.t(v) if v != "—" else v for k, v in table.items()}
STATUS_SHAPE = {"met": "✔", "not_met": "✖", "not_assessed": "?", "done": "✔", "not_done": "✖",
                "does_not_apply": "–"}
@dataclass(frozen=True)
class RenderOptions:
    brand: Brand = field(default_factory=Brand)
    template_dir: str | None = None
    pdf_variant: str | None = None  # e.g. "pdf/a-3u"


def _all_sources(pack: Pack) -> list[str]:
    out = [a.source for a in pack.actions] + [b.source for b in pack.benchmarks]
    out += [band.source for b in pack.benchmarks for band in b.bands]
    out += [q.source for q in pack.questions.values()] + [m.source for m in pack.metrics.values()]
    out += [c.source for c in pack.checklists] + [it.source for c in pack.checklists for it in c.items]
    out += [s.source for s in pack.stages] + [s.source for s in pack.maturity_stages]
    return [s for s in out if s]


def _cite_groups(pack: Pack, sources: list[str]) -> list[tuple[str, list[str]]]:
    """Citations grouped by document, so a title is written once: [(title, [section, ...])]."""
    titles = {s.file: s.title for s in pack.sources}
    groups: dict[str, list[str]] = {}
    for src in sources:
        if not src:
            continue
        file, _, section = (p.strip() for p in src.partition(" § "))
        sections = groups.setdefault(titles.get(file) or file, [])
        if section and section not in sections:
            sections.append(section)
    return list(groups.items())


def context(result: Result, pack: Pack, options: RenderOptions) -> dict[str, Any]:
    cur = result.currency
    metric_rows = []
    not_applicable = {n.id for n in result.not_applicable if n.kind == "metric"}
    # every metric of the pack, so every definition is in the report, given or not
    for mid in sorted(set(result.metrics) | set(pack.metrics)):
        m = pack.metrics.get(mid)
        v = result.metrics.get(mid)
        origin = result.metric_origin.get(mid, "given") if v is not None else \
            "does not apply" if mid in not_applicable else "not given"
        metric_rows.append({"id": mid, "name": m.name if m else mid,
                            "value": format_value(v, m.unit if m else None, cur) if v is not None else "—",
                            "origin": i18n.t(ORIGIN_LABEL.get(origin, origin)), "definition": m.description if m else ""})
    findings: list[dict[str, Any]] = []
    for f in result.findings:
        if f.gap is None or f.status == "met":
            gap = "—"
        elif f.unit == "percent":  # the distance between two percentages is in points
            gap = i18n.t("%(gap)s pts", gap=format_value(f.gap, None))
        else:
            gap = format_value(f.gap, f.unit, cur)
        findings.append({
            "f": f, "value": format_value(f.value, f.unit, cur), "gap": gap,
            "status_label": i18n.t(STATUS_LABEL[f.status]), "shape": STATUS_SHAPE[f.status],
            "bullet": bullet(f.value, f.target_op, f.target_value, f.better),
        })
    phases = []
    for st in pack.stages:
        phases.append({"stage": st, "actions": [a for a in result.plan if a.phase == st.id],
                       "progress": next(p for p in result.phases if p.phase == st.id)})
    area_names = {a.id: a.name for a in pack.areas}
    areas = [{"id": a.id, "name": a.name, "score": a.score, "done": a.done, "open": a.open,
              "not_assessed": a.not_assessed, "assessed": a.assessed, "total": a.total,
              "does_not_apply": a.does_not_apply} for a in result.areas]
    scored = [int(a["score"]) for a in areas if a["score"] is not None]
    assessed, n_practices = practice_counts(result.actions)
    order = {st.id: i for i, st in enumerate(pack.stages)}
    done = sorted((a for a in result.actions if a.state == "done"), key=lambda a: order.get(a.phase, 99))
    cited = {src.partition(" § ")[0].strip() for src in _all_sources(pack)}
    return {
        "r": result, "pack": pack, "brand": options.brand, "metric_rows": metric_rows, "cite": citer(pack),
        "reason": reason_text(pack),  # an evidence sentence without ids, as the client reads it
        "findings": findings, "phases": phases, "areas": areas, "area_names": area_names,
        "titles": {a.id: a.title for a in pack.actions}, "planned": {a.id for a in result.plan},
        "radar": radar(areas, outline=[a.previous for a in result.baseline.areas] if result.baseline else None)
        if len(areas) >= 3 else None, "overall": round(sum(scored) / len(scored)) if scored else None,
        "top": list(result.plan[:5]), "tier_label": _labels(TIER_LABEL), "status_label": _labels(STATUS_LABEL),
        "status_shape": STATUS_SHAPE,
        # the snapshot leads with the misses, furthest from target first: six "met" cards
        # must not hide a missed target further down
        "kpis": sorted((x for x in findings if x["f"].status != "not_assessed"),
                       key=lambda x: (x["f"].status == "met", -(relative_gap(x["f"]) or 0.0)))[:6],
        "done_actions": done,
        "done_groups": [(st.name, [a for a in done if a.phase == st.id]) for st in pack.stages],
        "assessed": assessed, "practices": n_practices,
        "findings_assessed": sum(f.status != "not_assessed" for f in result.findings),
        "sources_cited": [s for s in pack.sources if s.file in cited],
        "cite_groups": _cite_groups(pack, [f.source for f in result.findings]),
        "na_actions": [a for a in result.actions if a.state == "not_assessed"],
        **_blanks_context(result, pack),
        "stage_names": {s.id: s.name for s in pack.stages},
        "open_by_phase": open_by_phase(result.baseline.still_open, pack) if result.baseline else [],
        "cust": customer_view(result, pack),  # the "Your customers" section (templates/customers.*.j2)
        "title": f"{result.partner_name or i18n.t('Partner')} — {pack.name}",
        "lang": result.language,
        "focus_names": [i18n.t(FOCUS_LABEL[f]) if f in FOCUS_LABEL else f.replace("_", " ") for f in result.focus],
    }


def _blanks_context(result: Result, pack: Pack) -> dict[str, Any]:
    """What the report says about blanks and n/a: the provisional stage, the
    deciding questions by phase, the rest of the blanks by phase, and what
    does not apply."""
    from playbook.engine.questionnaire import in_questionnaire

    names = {s.id: s.name for s in pack.stages}
    # the stage advice replaces the list of every deciding blank: what to answer, and how
    deciding_groups: list[tuple[str, list[Any]]] = []
    quick = result.answered is not None and result.answered.questionnaire == "quick"
    # a quick file's blanks are those it asked; the rest it never asked
    asked = [n for n in result.not_assessed if in_questionnaire(pack, n.kind, n.id, quick)]
    unasked = [n for n in result.not_assessed if not in_questionnaire(pack, n.kind, n.id, quick)]
    a = result.answered
    return {
        "deciding_groups": deciding_groups, "other_na_groups": _by_phase(asked, names),
        "unasked_na_groups": _by_phase(unasked, names), "unasked_count": len(unasked), "quick": quick,
        # said when it qualifies the report: a quick file, or one with questions left out
        "answered_line": "" if a is None or not quick and (a.questions_answered, a.metrics_answered) ==
        (a.questions, a.metrics) else
        i18n.t("Answered %(q)s of %(qs)s quick questions and %(m)s of %(ms)s quick metrics.",
               q=a.questions_answered, qs=a.questions, m=a.metrics_answered, ms=a.metrics) if quick else
        i18n.t("Answered %(q)s of %(qs)s questions and %(m)s of %(ms)s metrics.",
               q=a.questions_answered, qs=a.questions, m=a.metrics_answered, ms=a.metrics),
        **_stage_context(result, pack, names),
    }


def _by_phase(rest: list[Any], names: dict[str, str]) -> list[tuple[str, list[Any]]]:
    """Blank inputs grouped by the earliest phase waiting on them, then those only KPIs and checklists need."""
    other_groups = [(names[p], sorted((n for n in rest if n.phase == p), key=lambda n: n.text.lower()))
                    for p in PHASES if any(n.phase == p for n in rest)]
    loose = sorted((n for n in rest if n.phase is None), key=lambda n: n.text.lower())
    if loose:
        other_groups.append((i18n.t("KPIs and checklists"), loose))
    return other_groups


def _unnamed_settle(result: Result, needed: bool) -> list[dict[str, Any]]:
    """A provisional stage whose confirming answers cannot be named (its
    milestones rest on numbers): the inputs that settle it, without answers."""
    from playbook.engine.advice_text import ADVICE_SHOWN

    if not needed or not result.deciding_questions:
        return []
    head = i18n.t("Answering these settles the stage, whatever the answers:")
    ids = [d.id for d in result.deciding_questions]
    more = len(ids) - ADVICE_SHOWN
    short = head + " " + "; ".join(ids[:ADVICE_SHOWN]) + ("; " + i18n.t("and %(n)s more", n=more) if more > 0 else "")
    return [{"goal": "settle", "head": head, "sentence": head + " " + "; ".join(ids), "short": short,
             "answers": [{"text": d.text, "id": d.id, "answer": None, "change": False}
                         for d in result.deciding_questions]}]


def _stage_context(result: Result, pack: Pack, names: dict[str, str]) -> dict[str, Any]:
    from playbook.engine.advice_text import ADVICE_SHOWN, advice_head, advice_sentence, plan_order_notes

    confirm = next((a for a in result.stage_advice if a.goal == "confirm"), None)
    n = len(confirm.answers) if confirm else len(result.deciding_questions)
    provisional = result.stage_status == "provisional"
    return {
        "provisional": provisional,
        "stage_label": i18n.t("%(stage)s – provisional", stage=result.stage_name) if provisional
        else result.stage_name,
        "confirm_line": (i18n.tn("answer this question to confirm", "answer these %(n)s questions to confirm", n)
                         if provisional else ""),
        "plan_notes": plan_order_notes(result),  # why the first actions come first
        "advice": [{"goal": a.goal, "head": advice_head(a, names), "answers": a.answers,
                    "sentence": advice_sentence(a, names), "short": advice_sentence(a, names, ADVICE_SHOWN)}
                   for a in result.stage_advice] + _unnamed_settle(result, provisional and confirm is None),
        "range_names": (names[result.stage_range[0]], names[result.stage_range[1]]),
        "na_inputs": list(result.not_applicable),
        "na_practices": [a for a in result.actions if a.state == "does_not_apply"],
        "metric_defs": {m.id: m.description for m in pack.metrics.values()},
        "milestone_based": any(a.milestone for a in pack.actions),
        "stage_rule": pack.stage_rule,
    }


def render_html(result: Result, pack: Pack, options: RenderOptions | None = None, *, for_pdf: bool = False) -> str:
    options = options or RenderOptions()
    env = environment(options.template_dir)
    with in_language(result, pack) as pack:
        ctx = context(result, pack, options)
        ctx["for_pdf"] = for_pdf
        # the stylesheet is ours, not partner text: inline it unescaped
        ctx["css"] = Markup(env.get_template("report.css").render(brand=options.brand, for_pdf=for_pdf))
        return env.get_template("report.html.j2").render(**ctx)


def render_markdown(result: Result, pack: Pack, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    env = environment(options.template_dir, markdown=True)
    with in_language(result, pack) as pack:
        return env.get_template("report.md.j2").render(**context(result, pack, options))


@contextmanager
def in_language(result: Result, pack: Pack) -> Iterator[Pack]:
    """Within the block, text is written in the result's language; yields the
    pack with its texts in that language."""
    with i18n.using(result.language):
        if result.language == i18n.DEFAULT:
            yield pack
        else:
            from playbook.pack.translations import translated

            yield translated(pack, result.language)


def render(result: Result, pack: Pack, fmt: str, options: RenderOptions | None = None) -> bytes:
    """The report in `fmt`, in the result's language (pack texts included)."""
    try:
        with in_language(result, pack) as pack:
            return _render(result, pack, fmt, options)
    except jinja2.TemplateSyntaxError as exc:  # most likely a template from --template-dir
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc.message or exc}; check the templates in --template-dir") from None


def _render(result: Result, pack: Pack, fmt: str, options: RenderOptions | None = None) -> bytes:
    if fmt == "json":
        return to_json(result).encode()
    if fmt == "md":
        return render_markdown(result, pack, options).encode()
    if fmt == "html":
        return render_html(result, pack, options).encode()
    if fmt == "pdf":
        from playbook.report.pdf import html_to_pdf  # WeasyPrint is slow to import: only when asked

        opts = options or RenderOptions()
        return html_to_pdf(render_html(result, pack, opts, for_pdf=True), result, pack, opts)
    if fmt in ("csv", "xlsx"):
        from playbook.report.export import render_plan

        return render_plan([(result, pack)], fmt)
    raise UsageError(f"unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")
