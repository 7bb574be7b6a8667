"""The self-assessment form: one self-contained HTML file generated from a pack.

Everything the page checks comes from the same definitions `playbook validate`
uses: question types, choices and ranges from the pack, the number grammar
from playbook/base/values.py, the NPS and name limits from the answers JSON Schema.
They travel to the page as JSON data; the page's script holds no list of rules
of its own (tests/test_form.py drives both over the same values).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from playbook.base import operators as ops
from playbook.base import values
from playbook.base.model import All, Answers, AnyOf, Condition, Leaf, Not, Pack
from playbook.base.resources import data_dir
from playbook.engine import questionnaire
from playbook.pack.schema import answers_schema
from playbook.report.env import environment

SCHEMA_REF = "answers.schema.json"  # the same reference `playbook init` writes
MAX_BYTES = 300_000  # the form must stay small enough to e-mail
# answers.py checks years_in_cloud against this range (a literal there, not in the
# schema); tests/test_form.py fails if the two ever disagree.
YEARS_RANGE = (0.0, 100.0)

PROFILE_KEYS = ("name", "assessed_on", "years_in_cloud", "focus", "currency")


def _entries(pack: Pack, quick: bool) -> list[dict[str, Any]]:
    """The questionnaire's entries in order, as `playbook init` lists them. Profile
    conditions are left to the page, which hides entries as the profile is filled in."""
    chosen = questionnaire.entries(pack, quick=effective_quick(pack, quick))
    return [{"kind": e.kind, "id": e.id, "seconds": e.seconds,
             "section": "Metrics" if e.kind == "metric" and e.section == "metrics" else e.section}
            for e in chosen]


def effective_quick(pack: Pack, quick: bool) -> bool:
    """A pack that marks no question `quick` has no short questionnaire: it gets
    the full one (said so on the page), never an empty form."""
    return quick and bool(questionnaire.entries(pack, quick=True))


def na_rule() -> dict[str, Any]:
    """How `n/a` ("does not apply") may be written: the answers schema's own pattern."""
    from playbook.pack import schema

    return {"source": schema.NOT_APPLICABLE_PATTERN, "ignore_case": False}


# ---- conditions as data the page can evaluate --------------------------------

def condition_json(c: Condition | None) -> Any:
    if c is None:
        return None
    if isinstance(c, Leaf):
        value = list(c.value) if isinstance(c.value, (tuple, list)) else c.value
        return {"subject": c.subject, "ref": c.ref, "op": c.op, "value": value}
    if isinstance(c, All):
        return {"all": [condition_json(i) for i in c.items]}
    if isinstance(c, AnyOf):
        return {"any": [condition_json(i) for i in c.items]}
    if isinstance(c, Not):
        return {"not": condition_json(c.item)}
    raise TypeError(type(c).__name__)  # pragma: no cover


# ---- the form's data --------------------------------------------------------

def label(choice: str) -> str:
    """A choice id as words: scheduled_90_60_30 -> Scheduled 90 60 30."""
    words = choice.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def fields(pack: Pack, quick: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in _entries(pack, quick):
        if e["kind"] == "question":
            q = pack.questions[e["id"]]
            f = {"key": f"q:{q.id}", "kind": "question", "id": q.id, "section": e["section"],
                 "text": q.text, "help": q.help, "type": q.type,
                 "choices": [{"value": c, "label": label(c) if q.choice_label(c) == c.replace("_", " ")
                              else q.choice_label(c)} for c in q.choices],
                 "unit": q.unit, "min": _num(q.min), "max": _num(q.max),
                 "applies_when": condition_json(q.applies_when)}
        else:
            m = pack.metrics[e["id"]]
            f = {"key": f"m:{m.id}", "kind": "metric", "id": m.id, "section": e["section"],
                 "text": m.name, "help": m.description, "type": m.unit, "choices": [],
                 "unit": _unit_words(values.UNITS[m.unit][0]), "min": _num(m.min), "max": _num(m.max),
                 "derived": bool(m.compute or m.formula),
                 "applies_when": condition_json(m.applies_when)}
        f["seconds"] = int(e["seconds"])
        out.append(f)
    return out


# Python's \s (str.isspace) spelled out for JavaScript, whose \s differs in a few characters.
_PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


def js_pattern(pattern: str) -> str:
    """A Python pattern as a JavaScript one (read with the `u` flag) that matches
    the same strings: \\d is any Unicode digit and \\s any Unicode space in Python,
    and \\Z is spelled $ in JavaScript. Only the constructs values.py uses."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "d":
                out.append("\\p{Nd}")
            elif nxt == "s":
                out.append(_PY_SPACE if in_class else "[" + _PY_SPACE + "]")
            elif nxt == "Z":
                out.append("$")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _regex(rx: re.Pattern[str]) -> dict[str, Any]:
    return {"source": js_pattern(rx.pattern), "ignore_case": bool(rx.flags & re.IGNORECASE)}


def rules() -> dict[str, Any]:
    """The checks that are not per-field: number grammar, profile, NPS."""
    partner = answers_schema(None)["properties"]["partner"]["properties"]
    nps = answers_schema(None)["properties"]["nps_responses"]["items"]
    return {
        # values.parse_number's grammar and limits, as data; templates/form.js applies them
        # in the order values._parse_text does
        "number": {"core": _regex(values.CORE), "exponent": _regex(values.EXPONENT),
                   "grouped": {sep: _regex(rx) for sep, rx in values.GROUPED.items()},
                   "ambiguous": _regex(values.AMBIGUOUS), "currency_prefix": _regex(values.CURRENCY_PREFIX),
                   "scale_suffix": _regex(values.SCALE_SUFFIX), "scale": dict(values.SCALE),
                   "unit_words": list(values.UNIT_WORDS), "unknown": sorted(values.UNKNOWN_WORDS),
                   "symbols": {k: sorted(v) for k, v in values.SYMBOLS.items()},
                   "max_chars": values.MAX_NUMBER_CHARS, "max_magnitude": values.MAX_MAGNITUDE},
        "bool": {"true": sorted(values.TRUE_WORDS), "false": sorted(values.FALSE_WORDS)},
        "na": na_rule(),
        "name_max": partner["name"]["maxLength"],
        # partner.currency as playbook/answers/check.py's _currency accepts it
        "currency": {"code": {"source": "^[A-Za-z]{3}$", "ignore_case": False}, "symbol_max": 3},
        "years": list(YEARS_RANGE),
        "focus": [{"value": v, "label": _focus_label(v)} for v in ops.FOCUS_VALUES],
        "nps": {"min": nps["minimum"], "max": nps["maximum"]},
        "money_units": [u for u in values.UNITS if u.startswith("money")],
    }


def _unit_words(unit: str) -> str:
    """A metric's unit beside its field in the form's language ("Tage" for days); signs stay."""
    from playbook.i18n import t

    return t(unit) if unit.strip(" /").isalpha() else unit


def _focus_label(v: str) -> str:
    from playbook.i18n import t

    return t(ops.FOCUS_LABELS[v]) if v in ops.FOCUS_LABELS else label(v)


def _raw_number(v: float) -> str:
    text = str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
    if _decimal(_lang()) == ",":  # the form's language writes 12,5; its saved file says so
        return text.replace(".", ",")
    # 1.234 would be refused as ambiguous (1.234 or 1234) when read back; 1.2340 is not
    return text + "0" if values.AMBIGUOUS.fullmatch(text.lstrip("-")) else text


def state_from_answers(a: Answers, raw: Any, pack: Pack) -> dict[str, Any]:
    """A parsed answers file as the page's state: field key -> the text in the field.

    `raw` is the file's data as loaded; what the form has no field for (customers,
    other partner keys) is carried through unchanged, so a file saved without
    changes assesses like the one it was prefilled from."""
    st: dict[str, Any] = {}
    if a.partner_name:
        st["p:name"] = a.partner_name
    if a.assessed_on:
        st["p:assessed_on"] = a.assessed_on
    if a.years_in_cloud is not None:
        st["p:years_in_cloud"] = _raw_number(a.years_in_cloud)
    if a.focus:
        st["p:focus"] = list(a.focus)
    if a.currency:
        st["p:currency"] = a.currency
    for qid, v in a.answers.items():
        st[f"q:{qid}"] = ("yes" if v else "no") if isinstance(v, bool) else \
            _raw_number(v) if isinstance(v, (int, float)) else str(v)
    for mid, v in a.metrics.items():
        st[f"m:{mid}"] = _raw_number(v)
        if pack.metrics[mid].unit == "percent" and 0 < v < 1:
            st[f"m:{mid}"] += "%"  # kept as written, not read as a fraction
    for i in sorted(a.not_applicable):
        st[("q:" if i in pack.questions else "m:") + i] = "n/a"
    if a.nps_responses is not None:
        st["nps"] = ", ".join(str(r) for r in a.nps_responses)
    extra: dict[str, Any] = {}
    if isinstance(raw, dict):
        partner = raw.get("partner") if isinstance(raw.get("partner"), dict) else {}
        known = {"name", "assessed_on", "years_in_cloud", "focus", "currency", "language"}
        kept = {k: v for k, v in (partner or {}).items() if k not in known and v is not None}
        if kept:
            extra["partner"] = kept
        extra.update({k: v for k, v in raw.items()
                      if k not in ("partner", "answers", "metrics", "nps_responses") and v is not None})
    if extra:
        st["extra"] = extra
    return st


def _text(v: Any) -> str:
    return ("yes" if v else "no") if isinstance(v, bool) else _raw_number(v) if isinstance(v, float) else str(v)


def state_from_raw(data: Any, pack: Pack) -> dict[str, Any]:
    """A submitted answers file that did not validate, as the form's state: each
    value put back in its field as written, so the partner can correct it."""
    st: dict[str, Any] = {}
    if not isinstance(data, dict):
        return st
    partner = data.get("partner") if isinstance(data.get("partner"), dict) else {}
    for k, v in (partner or {}).items():
        if v is None:
            continue
        if k == "focus":
            st["p:focus"] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
        elif k in ("name", "assessed_on", "years_in_cloud", "currency"):
            st[f"p:{k}"] = _text(v)
    for part, prefix, known in (("answers", "q:", pack.questions), ("metrics", "m:", pack.metrics)):
        block = data.get(part)
        for k, v in (block.items() if isinstance(block, dict) else ()):
            if k in known and v is not None and not isinstance(v, (list, dict)):
                st[prefix + k] = _text(v)
    if isinstance(data.get("nps_responses"), list):
        st["nps"] = ", ".join(_text(v) for v in data["nps_responses"])
    return st


def safe_json(data: Any) -> Markup:
    """JSON for a <script type="application/json"> block: nothing in it can end
    the element or be read as markup, whatever a partner typed."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=4)
def _assets() -> tuple[str, str]:
    root = data_dir("templates")
    return ((root / "form.js").read_text(encoding="utf-8"), (root / "form.css").read_text(encoding="utf-8"))


def policy(script_hashes: list[str], style_hashes: list[str]) -> str:
    """A Content-Security-Policy that loads nothing from anywhere: only the page's own
    inline script and style (by hash), images from data: URLs, forms to itself."""
    return ("default-src 'none'; "
            f"script-src {' '.join(script_hashes) or chr(39) + 'none' + chr(39)}; "
            f"style-src {' '.join(style_hashes) or chr(39) + 'none' + chr(39)}; "
            "img-src data:; form-action 'self'; base-uri 'none'")


def script_messages(lang: str) -> dict[str, str]:
    """The page script's own sentences (T("...") in form.js) in `lang`, sent to
    the page as data: the script looks each one up and falls back to English."""
    from playbook import i18n

    if lang == i18n.DEFAULT:
        return {}
    tr = i18n.messages(lang)
    out: dict[str, str] = {}
    for msgid in i18n.script_msgids():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        for m in ids:
            text = str(tr.gettext(m))
            if text != m:
                out[m] = text
    return out


def render_form(pack: Pack, *, quick: bool, state: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, action: str | None = None,
                prefer_state: bool = False, summary: list[str] | None = None) -> str:
    """The questionnaire page. `action` set: the served form, which posts to it;
    `state`: the fields prefilled; `errors`: field key -> message from the server."""
    js, css = _assets()
    asked_quick, quick = quick, effective_quick(pack, quick)
    fs = fields(pack, quick)
    sections: list[dict[str, Any]] = []
    for f in fs:
        if not sections or sections[-1]["name"] != f["section"]:
            sections.append({"name": f["section"], "fields": []})
        sections[-1]["fields"].append(f)
    prefill = dict(state or {})
    seed = hashlib.sha256(json.dumps(prefill, sort_keys=True, default=str).encode()).hexdigest()[:12]
    spec = {
        "pack": {"id": pack.id, "name": pack.name, "version": pack.version, "hash": pack.content_hash},
        "mode": "quick" if quick else "full", "schema_ref": SCHEMA_REF,
        "storage_key": f"playbook-form:{pack.id}:{'quick' if quick else 'full'}:{seed}",
        "fields": fs, "rules": rules(), "prefill": prefill, "errors": dict(errors or {}),
        "prefer_prefill": prefer_state, "served": action is not None,
        "lang": _lang(), "messages": script_messages(_lang()),
        # how the form reads and writes numbers, and how files of each language write theirs
        "decimal": _decimal(_lang()), "decimals": {lang: _decimal(lang) for lang in _languages()},
        "date_orders": {lang: _date_order(lang) for lang in _languages()},
        "dates": date_format(_lang()),
    }
    hashes = {"script": [csp_hash(js)], "style": [csp_hash(css)]}
    return environment().get_template("form.html.j2").render(
        pack=pack, quick=quick, no_quick=asked_quick and not quick, sections=sections, rules=spec["rules"], data=safe_json(spec),
        js=Markup(js), css=Markup(css), action=action, errors=dict(errors or {}),
        csp=policy(hashes["script"], hashes["style"]), summary=summary or [], lang=_lang(), dates=spec["dates"],
    )


def _lang() -> str:
    from playbook import i18n

    return i18n.current()


def _languages() -> tuple[str, ...]:
    from playbook import i18n

    return i18n.languages()


def _decimal(lang: str) -> str | None:
    """None for English: the form then refuses 1.200 as unclear, like values.py without a locale."""
    from playbook import i18n

    return None if lang == i18n.DEFAULT else i18n.decimal_separator(lang)


def date_format(lang: str) -> dict[str, Any]:
    """How the form reads, shows and echoes dates in `lang`, as text: the
    order and separator of CLDR's short date (01.11.2026 in German; ISO in
    English), an example, a placeholder, and the long pattern with the month
    names for the echo in words ("1. November 2026"). The browser's own date
    field is not used: it reads dates as the browser's locale writes them."""
    import datetime as dt

    from playbook import i18n

    order = _date_order(lang)
    if lang == i18n.DEFAULT or not order:
        return {"order": None, "separator": "-", "example": "2026-11-01", "placeholder": "YYYY-MM-DD",
                "pattern": "d MMMM y", "months": [dt.date(2026, m, 1).strftime("%B") for m in range(1, 13)]}
    from babel import Locale
    from babel.dates import format_date

    loc = Locale.parse(lang)
    short = loc.date_formats["short"].pattern
    separator = next((ch for ch in short if not ch.isalpha()), ".")
    with i18n.using(lang):
        placeholder = (i18n.t("DD.MM.YYYY") if order == "dmy" else i18n.t("MM/DD/YYYY"))
    placeholder = placeholder.replace(".", separator).replace("/", separator)
    return {"order": order, "separator": separator,
            "example": separator.join(["01", "11", "2026"] if order == "dmy" else ["11", "01", "2026"]),
            "placeholder": placeholder, "pattern": loc.date_formats["long"].pattern,
            "months": [str(format_date(dt.date(2026, m, 1), "MMMM", locale=lang)) for m in range(1, 13)]}


def _date_order(lang: str) -> str | None:
    from playbook import i18n

    return None if lang == i18n.DEFAULT else i18n.date_order(lang)


def form_html(pack: Pack, *, quick: bool, state: Mapping[str, Any] | None = None) -> bytes:
    page = render_form(pack, quick=quick, state=state).encode()
    if len(page) > MAX_BYTES:  # pragma: no cover - a pack would need thousands of questions
        from playbook.errors import RenderError

        raise RenderError(f"the form would be {len(page) // 1000} KB, over the {MAX_BYTES // 1000} KB limit")
    return page


def prefill_state(path: Path, pack: Pack, display: str) -> dict[str, Any]:
    """An answers file (checked like `playbook validate` does) as the form's
    state, its numbers written as the current language writes them."""
    return prefill(path, pack, display)[0]


def prefill(path: Path, pack: Pack, display: str) -> tuple[dict[str, Any], str]:
    """prefill_state, and the file's partner.language ("" when not given)."""
    from playbook.answers.check import load_answers
    from playbook.base.yamlio import decode, loads

    answers = load_answers(path, pack, display)
    return state_from_answers(answers, loads(decode(path.read_bytes(), display), display).data, pack), \
        answers.language
