"""The commented answers template written by `playbook init`.

The entries come from playbook/engine/questionnaire.py, so the template, the web
form and the answered counts agree on what is asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from playbook.answers.hints import _TYPE_HINT, PARTNER_HINTS, _unit
from playbook.answers.hints import metric_hint as metric_hint
from playbook.answers.hints import question_hint as question_hint
from playbook.base.model import Leaf, Pack
from playbook.base.operators import FOCUS_LABELS, FOCUS_VALUES
from playbook.base.values import normalize_choice
from playbook.engine.questionnaire import Entry, applies, entries, estimate_minutes
from playbook.engine.words import words
from playbook.i18n import current, date_example, fixed, language_name, t, tn
from playbook.pack.translations import label_words


def _comment(text: str, indent: str = "  ") -> list[str]:
    words_, lines, cur = text.split(), [], ""
    for w in words_:
        if len(cur) + len(w) + 1 > 76:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return [f"{indent}# {ln}" for ln in lines]


def _heading(text: str, char: str = "-") -> list[str]:
    return ["", f"  # {char * 4} {text} " + char * max(0, 60 - len(text))]


def _question_lines(pack: Pack, e: Entry) -> list[str]:
    q = pack.questions[e.id]
    out = _comment(q.text)
    if q.help:
        out += _comment(q.help)
    if q.type == "choice":
        # a translation's label is what to write where the answers check reads it as its
        # choice (einige for some); the id where it does not (a label two choices share)
        words = label_words(q)
        shown = [label if words.get(normalize_choice(label)) == c else c
                 for c, label in ((c, q.choice_label(c)) for c in q.choices)]
        # a label with a comma of its own is quoted, so the list still reads as a list
        hint = t("one of: %(choices)s", choices=", ".join(f"„{w}“" if "," in w else w for w in shown))
    else:
        hint = t(_TYPE_HINT[q.type])
    if q.unit:
        hint += f" ({_unit(q.unit)})"
    # the hint sits on a line of its own: an answer typed after a `#` would be a comment, not read
    out.append("  # " + t("(%(hint)s; or n/a)", hint=hint))
    out.append(f"  {q.id}:")
    return out


def _metric_lines(pack: Pack, e: Entry) -> list[str]:
    m = pack.metrics[e.id]
    derived = " (worked out for you when left blank)" if (m.compute or m.formula) else ""
    if derived:
        derived = " " + t("(worked out for you when left blank)")
    out = _comment(f"{m.name}; {_unit(m.unit)}{derived}")
    if m.description:
        out += _comment(t("Definition: %(text)s", text=m.description))
    out.append(f"  {m.id}:")
    return out


def _block(pack: Pack, items: Sequence[Entry], profile: Mapping[str, Any] | None) -> list[str]:
    """Entries by section; those whose applies_when the profile leaves open come
    last, under a heading that says when they apply."""
    lines_of = _question_lines if items and items[0].kind == "question" else _metric_lines
    out: list[str] = []
    always = [e for e in items if applies(pack, e.kind, e.id, profile) is True]
    maybe = [e for e in items if e not in always]
    section = None
    for e in always:
        if e.kind == "question" and e.section != section:
            section = e.section
            out += _heading(section)
        out += lines_of(pack, e)
    conditions: dict[str, list[Entry]] = {}
    for e in maybe:
        cond = pack.questions[e.id].applies_when if e.kind == "question" else pack.metrics[e.id].applies_when
        conditions.setdefault(_condition_words(cond), []).append(e)
    for cond_words, group in conditions.items():
        out += _heading(t("Only if %(condition)s", condition=cond_words))
        out += _comment(t("Otherwise leave these blank or write n/a."))
        for e in group:
            out += lines_of(pack, e)
    return out


def _condition_words(cond: Any) -> str:
    """When a group of entries applies, in the partner's language ("Ihr
    Schwerpunkt umfasst Managed Services"); English, and a condition of another
    shape, as engine.words writes it (with its ids)."""
    # English keeps the focus ids it names in `focus: [...]` just above
    if current() != "en" and isinstance(cond, Leaf) and cond.subject == "profile" and cond.ref == "focus" and cond.op == "contains" \
            and cond.value in FOCUS_LABELS:
        return t("your focus includes %(focus)s", focus=t(FOCUS_LABELS[cond.value]))
    return words(cond).replace("profile ", "your ")


def _header(pack: Pack, n: int, minutes: int, quick: bool) -> list[str]:
    """The comment at the top: what the file is, how long it takes, how to write answers."""
    lang = current()
    out: list[str] = []
    kind = t("quick questionnaire") if quick else t("full questionnaire")
    out += ["# " + line for line in t(
        "Answers for the '%(pack)s' assessment (pack %(id)s %(version)s), %(kind)s:\n"
        "%(n)s entries, about %(minutes)s minutes for a partner with its figures at hand.\n"
        "Write each answer after the colon (not after a #: that is a comment and is not read).\n"
        "Leave what you do not know blank: a blank is reported as 'not assessed', never as 'no'.\n"
        "Write n/a where a question does not apply to you. Then run:  playbook assess <this file>",
        pack=pack.name, id=pack.id, version=pack.version, kind=kind, n=n, minutes=minutes).split("\n")]
    if lang != "en":
        out += ["# " + line for line in t(
            "Numbers and dates are read as %(language)s writes them (partner.language), e.g. %(example)s; "
            "answers to choose are written as one of the words shown (yes, no, ...).",
            language=language_name(lang), example=fixed(1200.5, 2) + " / " + date_example()).split("\n")]
    return out


def _partner_block(profile: Mapping[str, Any]) -> list[str]:
    lang = current()
    focus = list(profile.get("focus") or [])
    years = profile.get("years_in_cloud")
    out: list[str] = []
    out += [
        "",
        "partner:",
        f"  name: \"\"                 # {t(PARTNER_HINTS['name'])}",
        f"  assessed_on: \"\"          # {t(PARTNER_HINTS['assessed_on'])}",
        "  # " + t(PARTNER_HINTS["years_in_cloud"]),
        f"  years_in_cloud:{f' {years:g}' if isinstance(years, (int, float)) else ''}",
        "  # " + t("any of: %(values)s", values=", ".join(FOCUS_VALUES)),
        f"  focus: [{', '.join(focus)}]",
        "  # " + t("the one you lead with, if any (the managed-services attach target applies when it is "
                   "managed_services)"),
        "  primary_focus:",
        "  currency: USD" if lang == "en" else "  currency: EUR",
        *([f"  language: {lang}"] if lang != "en" else []),
        "",
    ]
    return out


def answers_template(pack: Pack, schema_ref: str = "", *, quick: bool = False,
                     profile: Mapping[str, Any] | None = None) -> str:
    """The template: the quick questionnaire, or every question with the ones
    outside it under a "Deep dive" heading. With a profile, questions that
    cannot apply to it are left out and the profile is filled in."""
    chosen = entries(pack, quick=quick, profile=profile)
    short = [e for e in chosen if e.quick]
    deep = [e for e in chosen if not e.quick]
    profile = dict(profile or {})
    out = []
    if schema_ref:
        out.append(f"# yaml-language-server: $schema={schema_ref}")
    out += _header(pack, len(chosen), estimate_minutes(chosen), quick)
    out += _partner_block(profile)
    out.append("answers:")
    qs = [e for e in short if e.kind == "question"]
    dq = [e for e in deep if e.kind == "question"]
    ms = [e for e in short if e.kind == "metric"]
    dm = [e for e in deep if e.kind == "metric"]
    out += _block(pack, qs, profile or None)
    if dq and qs:
        out += _heading(tn("Deep dive: %(n)s more question", "Deep dive: %(n)s more questions", len(dq)), "=")
        out += _comment(t("Optional. The questions above are the quick questionnaire; these refine the plan."))
    out += _block(pack, dq, profile or None)
    out += ["", "metrics:"]
    out += _block(pack, ms, profile or None)
    if dm and ms:
        out += _heading(tn("Deep dive: %(n)s more metric (optional)", "Deep dive: %(n)s more metrics (optional)",
                           len(dm)), "=")
    out += _block(pack, dm, profile or None)
    out += [
        "",
        "# " + t("Optional: raw NPS survey answers (0-10); NPS is computed from them when not given above."),
        "nps_responses: []",
        "",
        "# " + t("Optional: your customers and their cloud-maturity stage, to get the services that fit each."),
    ]
    if pack.maturity_stages:
        out.append("# " + t("stage is one of: %(stages)s", stages=", ".join(s.id for s in pack.maturity_stages)))
    out += ["customers: []", "#  - {name: Contoso, stage: repeatable, revenue: 120000, renewal_date: 2027-03-31}", ""]
    return "\n".join(out)
