"""`playbook init --from OLD`: a new year's answers template with last year's
answers carried forward, and the questions that are new or changed marked.

The answers are carried as written (text, not re-formatted values) and only
where they are still valid for today's pack; an answer that no longer fits
(a choice the pack dropped, an id it renamed) is left blank and marked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playbook.base.model import Pack

_LINE = re.compile(r"^  (?P<id>[a-z][a-z0-9_]*):(?P<rest>\s+#.*)?$")


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
    from playbook.answers.check import _value
    from playbook.answers.template import answers_template
    from playbook.base.yamlio import load_file

    raw = load_file(old_path).data
    old: dict[str, Any] = raw if isinstance(raw, dict) else {}
    old_answers: dict[str, Any] = _mapping(old.get("answers"))
    old_metrics: dict[str, Any] = _mapping(old.get("metrics"))
    partner: dict[str, Any] = _mapping(old.get("partner"))
    renamed = {o: q.id for q in pack.questions.values() for o in getattr(q, "replaces", ())}
    answers = {renamed.get(k, k): v for k, v in old_answers.items()}
    carried = new = changed = 0
    out: list[str] = []
    section = None
    for line in answers_template(pack, schema_ref).splitlines():
        if line in ("answers:", "metrics:", "partner:"):
            section = line[:-1]
        elif line and not line.startswith(" ") and not line.startswith("#"):
            section = None
        m = _LINE.match(line)
        if section == "partner" and line.startswith("  ") and ":" in line:
            key = line.split(":", 1)[0].strip()
            if key in ("name", "years_in_cloud", "focus", "currency") and partner.get(key) not in (None, ""):
                v = partner[key]
                shown = "[" + ", ".join(map(str, v)) + "]" if isinstance(v, list) else _scalar(v)
                line = f"  {key}: {shown}"
            out.append(line)
            continue
        if line.startswith("# Answers for the"):
            out.append(f"# Carried forward from {old_path.name}: check every answer; "
                       "'# NEW' and '# CHANGED' mark what needs a fresh answer.")
        if m and section == "answers" and m.group("id") in pack.questions:
            qid, q = m.group("id"), pack.questions[m.group("id")]
            rest = m.group("rest") or ""
            if qid not in answers:
                line = f"  {qid}:{rest}  # NEW"
                new += 1
            elif answers[qid] is not None:
                try:
                    _value(q.type, answers[qid], q.choices)
                    line = f"  {qid}: {_scalar(answers[qid])}{rest}"
                    carried += 1
                except ValueError:
                    line = f"  {qid}:{rest}  # CHANGED: last answer {_scalar(answers[qid])} no longer fits"
                    changed += 1
        elif m and section == "metrics" and m.group("id") in pack.metrics and old_metrics.get(m.group("id")) is not None:
            line = f"  {m.group('id')}: {_scalar(old_metrics[m.group('id')])}{m.group('rest') or ''}  # last year's value"
            carried += 1
        if line == "nps_responses: []" and isinstance(old.get("nps_responses"), list):
            line = "nps_responses: [" + ", ".join(map(str, old["nps_responses"])) + "]  # last year's survey"
        if line == "customers: []" and isinstance(old.get("customers"), (list, str, dict)):
            from playbook.base.yamlio import dump

            if isinstance(old["customers"], dict):  # {file: export.csv, columns: {...}}: the export and its map
                line = "customers:\n" + "\n".join("  " + x for x in dump(old["customers"]).rstrip().splitlines())
            else:
                line = "customers:  # last year's list\n" + dump(old["customers"]).rstrip() \
                    if isinstance(old["customers"], list) else f"customers: {_scalar(old['customers'])}"
        out.append(line)
    dropped = [k for k in old_answers if renamed.get(k, k) not in pack.questions]
    if dropped:
        out += ["", "# Answered last year, no longer asked by this pack: " + ", ".join(map(str, dropped))]
    return "\n".join(out) + "\n", carried, new, changed
