"""`playbook init --from OLD`: a new year's answers template with last year's
answers carried forward, and the questions that are new or changed marked.

The answers are carried as written (text, not re-formatted values) and only
where they are still valid for today's pack; an answer that no longer fits
(a choice the pack dropped, an id it renamed) is left blank and marked.

Every carried figure and date (metrics, the customer list with its renewal
dates, survey scores, years in cloud) is marked `# CARRIED from <date>, confirm`:
last year's number is not this year's measurement. `carried_marks` reads the
marks back, so a comparison with the baseline reports a value still marked as
carried, never as "same" or "better".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playbook.base.model import Pack, Question

_LINE = re.compile(r"^  (?P<id>[a-z][a-z0-9_]*):(?P<rest>\s+#.*)?$")
MARK = "# CARRIED from"
_TOP = re.compile(r"^(?P<key>[a-z_]+):")
_SUB = re.compile(r"^  (?P<key>[a-z][a-z0-9_]*):")
FIGURES = ("metrics", "customers", "nps_responses", "partner.years_in_cloud")  # what the marks cover


def mark(since: str) -> str:
    return f"{MARK} {since}, confirm"


def carried_marks(text: str) -> frozenset[str]:
    """The keys still marked as carried in an answers file's text: "metrics.<id>",
    "answers.<id>", "partner.<field>", or a top-level key ("customers")."""
    out: set[str] = set()
    section = ""
    for line in text.splitlines():
        top = _TOP.match(line)
        if top:
            section = top.group("key")
            if MARK in line:
                out.add(section)
            continue
        sub = _SUB.match(line)
        if sub and section and MARK in line:
            out.add(f"{section}.{sub.group('key')}")
    return frozenset(out)


def _scalar(v: Any) -> str:
    import json

    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)) or (isinstance(v, str) and re.fullmatch(r"[\w.%$,/ -]+", v) and
                                        v.strip().lower() not in ("yes", "no", "true", "false", "null", "n/a")):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)  # a quoted YAML string


def _mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def carry_forward(pack: Pack, old_path: Path, schema_ref: str = "") -> tuple[str, int, int, int]:
    """(template text, carried, new, changed) for a template filled from `old_path`."""
    from playbook.answers.template import answers_template
    from playbook.base.yamlio import load_file

    raw = load_file(old_path).data
    old: dict[str, Any] = raw if isinstance(raw, dict) else {}
    old_answers: dict[str, Any] = _mapping(old.get("answers"))
    old_metrics: dict[str, Any] = _mapping(old.get("metrics"))
    partner: dict[str, Any] = _mapping(old.get("partner"))
    since = str(partner.get("assessed_on") or "") or old_path.name
    renamed = {o: q.id for q in pack.questions.values() for o in getattr(q, "replaces", ())}
    answers = {renamed.get(k, k): v for k, v in old_answers.items()}
    counts = {"carried": 0, "new": 0, "changed": 0, "": 0}
    out: list[str] = []
    section = None
    for line in answers_template(pack, schema_ref).splitlines():
        if line in ("answers:", "metrics:", "partner:"):
            section = line[:-1]
        elif line and not line.startswith(" ") and not line.startswith("#"):
            section = None
        m = _LINE.match(line)
        if section == "partner" and line.startswith("  ") and ":" in line:
            out.append(_partner_line(line, partner, since))
            continue
        if line.startswith("# Answers for the"):
            out.append(f"# Carried forward from {old_path.name}: check every answer; "
                       "'# NEW' and '# CHANGED' mark what needs a fresh answer.")
            out.append(f"# '{MARK} {since}, confirm' marks last year's figures and dates: measure each again "
                       "and delete the mark; a value still marked is reported as carried, not re-measured.")
        if m and section == "answers" and m.group("id") in pack.questions:
            line, what = _answer_line(line, pack.questions[m.group("id")], answers, m.group("rest") or "")
            counts[what] += 1
        elif m and section == "metrics" and m.group("id") in pack.metrics and old_metrics.get(m.group("id")) is not None:
            line = f"  {m.group('id')}: {_scalar(old_metrics[m.group('id')])}{m.group('rest') or ''}  {mark(since)}"
            counts["carried"] += 1
        if line == "nps_responses: []" and isinstance(old.get("nps_responses"), list):
            line = "nps_responses: [" + ", ".join(map(str, old["nps_responses"])) + "]  " + mark(since)
        if line == "customers: []" and isinstance(old.get("customers"), (list, str, dict)):
            from playbook.base.yamlio import dump

            if isinstance(old["customers"], dict):  # {file: export.csv, columns: {...}}: the export and its map
                line = f"customers:  {mark(since)}\n" + "\n".join("  " + x for x in
                                                                   dump(old["customers"]).rstrip().splitlines())
            else:
                line = f"customers:  {mark(since)}\n" + dump(old["customers"]).rstrip() \
                    if isinstance(old["customers"], list) else f"customers: {_scalar(old['customers'])}  {mark(since)}"
        out.append(line)
    dropped = [k for k in old_answers if renamed.get(k, k) not in pack.questions]
    if dropped:
        out += ["", "# Answered last year, no longer asked by this pack: " + ", ".join(map(str, dropped))]
    return "\n".join(out) + "\n", counts["carried"], counts["new"], counts["changed"]


def _partner_line(line: str, partner: dict[str, Any], since: str) -> str:
    """A partner field of the template, filled with last year's value where it
    still holds; years in cloud is a figure that has moved on, so it is marked."""
    key = line.split(":", 1)[0].strip()
    if key in ("name", "years_in_cloud", "focus", "primary_focus", "currency") and partner.get(key) not in (None, ""):
        v = partner[key]
        shown = "[" + ", ".join(map(str, v)) + "]" if isinstance(v, list) else _scalar(v)
        return f"  {key}: {shown}" + (f"  {mark(since)}" if key == "years_in_cloud" else "")
    return line


def _answer_line(line: str, q: Question, answers: dict[str, Any], rest: str) -> tuple[str, str]:
    """A question's template line with last year's answer, and what became of
    it: carried, new (not asked last year), changed (no longer fits) or ""
    (left blank last year: the line stays as it is)."""
    from playbook.answers.check import _value

    qid = q.id
    if qid not in answers:
        return f"  {qid}:{rest}  # NEW", "new"
    if answers[qid] is None:
        return line, ""
    try:
        _value(q.type, answers[qid], q.choices)
        return f"  {qid}: {_scalar(answers[qid])}{rest}", "carried"
    except ValueError:
        return f"  {qid}:{rest}  # CHANGED: last answer {_scalar(answers[qid])} no longer fits", "changed"
