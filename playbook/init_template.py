"""The commented answers template written by `playbook init`."""

from __future__ import annotations

from playbook.model import Metric, Pack, Question
from playbook.operators import FOCUS_VALUES

_TYPE_HINT = {
    "yesno": "yes or no",
    "number": "a number",
    "percent": "a percentage, e.g. 12% (12 means 12 %)",
    "money": "an amount, e.g. $180,000",
    "days": "a number of days",
    "date": "a date, YYYY-MM-DD",
}


# The hints written after each partner field, kept here so the answers
# check can tell an answer typed after one (`name: ""  # your company name Fabrikam`).
PARTNER_HINTS = {
    "name": "your company name",
    "assessed_on": "today's date, YYYY-MM-DD",
    "years_in_cloud": "years since you started selling cloud (selects the recurring-revenue target)",
    "focus": f"any of: {', '.join(FOCUS_VALUES)}",
}


def question_hint(q: Question) -> str:
    """The comment written after a question's key."""
    hint = f"one of: {', '.join(q.choices)}" if q.type == "choice" else _TYPE_HINT[q.type]
    return hint + (f" ({q.unit})" if q.unit else "")


def metric_hint(m: Metric) -> str:
    """The comment written after a metric's key."""
    derived = " (worked out for you when left blank)" if (m.compute or m.formula) else ""
    unit = {"percent": "%", "money": "money", "money_month": "money per month"}.get(m.unit, m.unit)
    return f"{m.name}; {unit}{derived}".rstrip()


def _comment(text: str, indent: str = "  ") -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > 76:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return [f"{indent}# {ln}" for ln in lines]


def answers_template(pack: Pack, schema_ref: str = "") -> str:
    out = []
    if schema_ref:
        out.append(f"# yaml-language-server: $schema={schema_ref}")
    out += [
        f"# Answers for the '{pack.name}' assessment (pack {pack.id} {pack.version}).",
        "# Fill in what you know and leave the rest blank: a blank answer is reported",
        "# as 'not assessed', never as 'no'. Then run:  playbook assess <this file>",
        "",
        "partner:",
        f"  name: \"\"                 # {PARTNER_HINTS['name']}",
        f"  assessed_on: \"\"          # {PARTNER_HINTS['assessed_on']}",
        f"  years_in_cloud:           # {PARTNER_HINTS['years_in_cloud']}",
        f"  focus: []                # {PARTNER_HINTS['focus']}",
        "  currency: USD",
        "",
        "answers:",
    ]
    section = None
    for q in sorted(pack.questions.values(), key=lambda q: (q.section, q.loc.file, q.loc.line)):
        if q.section != section:
            section = q.section
            out += ["", f"  # ---- {section} " + "-" * max(0, 60 - len(section))]
        out += _comment(q.text)
        if q.help:
            out += _comment(q.help)
        out.append(f"  {q.id}:    # {question_hint(q)}")
    out += ["", "metrics:"]
    for m in sorted(pack.metrics.values(), key=lambda m: (m.formula is not None or m.compute is not None, m.id)):
        out.append(f"  {m.id}:    # {metric_hint(m)}")
    out += [
        "",
        "# Optional: raw NPS survey answers (0-10); NPS is computed from them when not given above.",
        "nps_responses: []",
        "",
        "# Optional: your customers and their cloud-maturity stage, to get the services that fit each.",
    ]
    if pack.maturity_stages:
        out.append(f"# stage is one of: {', '.join(s.id for s in pack.maturity_stages)}")
    out += ["customers: []", "#  - {name: Contoso, stage: repeatable, revenue: 120000, renewal_date: 2027-03-31}", ""]
    return "\n".join(out)
