"""This year against last: compare a new Result with an earlier assessment.

The earlier assessment is an answers file (assessed again with today's pack)
or a result JSON written by `playbook assess --format json`, possibly by an
older pack version. Ids the current pack no longer knows are not guessed at:
they are listed as "cannot be compared".

Only what changed is claimed. A figure `init --from` carried and nobody
re-measured (its `# CARRIED` mark still there, the value as last year) is
"carried, not re-measured", never "same" or "better"; a renewal date already
past at the assessment date is a warning and never improves a KPI; an action
counts as closed only when an answer or figure behind it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbook.base.model import Answers, Pack
from playbook.engine.comparison import AreaChange, Comparison, KpiChange, NotComparable, PastDue
from playbook.engine.result import Result, to_dict
from playbook.errors import InvalidInput, Problem
from playbook.i18n import t

MAX_RESULT_BYTES = 20_000_000

__all__ = ["AreaChange", "Comparison", "KpiChange", "NotComparable", "PastDue", "Snapshot", "compare", "load_baseline"]


@dataclass(frozen=True)
class Snapshot:
    """What is kept of the earlier assessment: the result's JSON shape, plus ids
    that were dropped while reading its answers."""

    source: str
    data: dict[str, Any]
    dropped: tuple[NotComparable, ...] = ()
    answers: Answers | None = None  # when read from an answers file: what was given, to tell a carried value


def load_baseline(path: Path, pack: Pack) -> Snapshot:
    """Read an earlier assessment: a result JSON, or an answers file assessed with `pack`."""
    name = str(path)
    if path.suffix.lower() == ".json":
        return _from_json(path, name)
    return _from_answers(path, pack, name)


def _from_json(path: Path, name: str) -> Snapshot:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the baseline: {exc.strerror}", "unreadable")]) from None
    if len(raw) > MAX_RESULT_BYTES:
        raise InvalidInput([Problem(name, 0, 0, "the baseline result is too large", "too-large")])
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput([Problem(name, getattr(exc, "lineno", 0), getattr(exc, "colno", 0),
                                    f"not a result JSON: {exc}", "syntax")]) from None
    missing = [k for k in ("stage", "metrics", "actions") if not isinstance(data, dict) or k not in data]
    if missing:
        raise InvalidInput([Problem(name, 0, 0, f"not a playbook result: no {', '.join(missing)}; give the JSON "
                                    "written by `playbook assess --format json` or the answers file", "type")])
    return Snapshot(name, data)


def _from_answers(path: Path, pack: Pack, name: str) -> Snapshot:
    from playbook.answers.check import check_answers
    from playbook.base.yamlio import Document, load_file
    from playbook.engine.evaluation import evaluate

    doc = load_file(path, name)
    data = doc.data
    dropped: list[NotComparable] = []
    if isinstance(data, dict):
        aliases = {old for q in pack.questions.values() for old in getattr(q, "replaces", ())}
        data = dict(data)
        for key, known, kind in (("answers", pack.questions, "question"), ("metrics", pack.metrics, "metric")):
            section = data.get(key)
            if isinstance(section, dict):
                keep = {}
                for k, v in section.items():
                    if k in known or k in aliases or k in pack.disabled:
                        keep[k] = v
                    else:
                        dropped.append(NotComparable(kind, str(k), f"the pack no longer has the {kind} {k!r} "
                                                     "(renamed or dropped)"))
                data[key] = keep
    answers = check_answers(Document(doc.file, data, doc.value_pos, doc.key_pos), pack,
                            customers_dir=path.parent)  # a customers: CSV is named relative to its answers file
    return Snapshot(name, to_dict(evaluate(pack, answers)), tuple(dropped), answers)


def _stage_change(order: dict[str, int], then: str, now: str) -> str:
    a, b = order.get(then, -1), order.get(now, -1)
    return "advanced" if b > a else "fell_back" if b < a else "unchanged"


def _carried(current: Answers | None, text: str | None, old: Snapshot) -> frozenset[str]:
    """The inputs of `current` still marked as carried (in its `text`) whose value is last year's."""
    if current is None or not text:
        return frozenset()  # assessed from a mapping (the web form): nothing was carried by init --from
    from playbook.answers.carry import carried_marks

    prev = old.answers

    def same(key: str) -> bool:
        if prev is None:
            return True  # a result JSON keeps no inputs: a value still marked is taken as last year's
        section, _, k = key.partition(".")
        if section == "metrics":
            return k in prev.metrics and prev.metrics.get(k) == current.metrics.get(k)
        if section == "answers":
            return prev.answers.get(k) == current.answers.get(k)
        if key == "customers":
            return prev.customers == current.customers
        if key == "nps_responses":
            return prev.nps_responses == current.nps_responses
        if key == "partner.years_in_cloud":
            return prev.years_in_cloud == current.years_in_cloud
        return True
    return frozenset(k for k in carried_marks(text) if same(k))


def _past_due(result: Result) -> PastDue | None:
    base = result.customer_base
    late = [w for w in (base.renewals if base else ()) if w.id == "overdue" and w.customers]
    if not late:
        return None
    return PastDue(sum(w.customers for w in late), sum(w.revenue for w in late),
                   tuple(n.name for w in late for n in w.names))


def answers_text(written: Path | bytes | None) -> str | None:
    """The answers file as written (for its `# CARRIED` marks): from its path or its bytes."""
    try:
        raw = written.read_bytes() if isinstance(written, Path) else written
    except OSError:
        return None
    return None if raw is None else raw.decode("utf-8-sig", errors="replace")


def _rests_on_carried(mid: str, pack: Pack, result: Result, carried: frozenset[str],
                      seen: frozenset[str] = frozenset()) -> bool:
    """Whether the metric's value is a carried figure or worked out from one."""
    if f"metrics.{mid}" in carried:
        return True
    if result.metric_origin.get(mid) != "derived" or mid in seen:
        return False
    if result.customer_base is not None and mid in result.customer_base.derived:
        return "customers" in carried
    from playbook.pack.computations import COMPUTATIONS, formula_refs

    m = pack.metrics.get(mid)
    if m is None:
        return False
    if m.compute == "nps_from_responses":
        return "nps_responses" in carried
    needs = set(COMPUTATIONS[m.compute].needs) if m.compute in COMPUTATIONS else set()
    needs |= formula_refs(m.formula) if m.formula is not None else set()
    return any(_rests_on_carried(n, pack, result, carried, seen | {mid}) for n in needs)


def _direction(mid: str, change: float | None, prev: Any, cur: Any, pack: Pack, result: Result,
               carried: frozenset[str], past_due: PastDue | None) -> str:
    if prev is None:
        return "new"
    if cur is None:
        return "no_longer_given"
    if _rests_on_carried(mid, pack, result, carried):
        return "carried"
    if abs(change or 0.0) < 1e-9:
        return "same"
    up = (change or 0.0) > 0
    direction = "better" if up == (pack.metrics[mid].better != "lower") else "worse"
    from_rows = result.customer_base is not None and mid in result.customer_base.derived
    if direction == "better" and from_rows and past_due is not None:
        return "carried"  # a renewal date that passed moves the figure, not the partner's work
    return direction


def compare(result: Result, old: Snapshot, pack: Pack, current: Answers | None = None,
            text: str | None = None) -> Comparison:
    """The comparison of `result` with the earlier snapshot, by the current pack's ids,
    in the result's language. `current` (the answers behind `result`) and `text` (the
    answers file as written, with its `# CARRIED` marks) let carried, unconfirmed
    figures be told from measured ones."""
    from playbook import i18n

    if result.language != i18n.DEFAULT:
        from playbook.pack.translations import translated

        pack = translated(pack, result.language)
    with i18n.using(result.language):
        return _compare(result, old, pack, current, text)


def _closed_for_real(action: dict[str, Any], kpis: dict[str, KpiChange], current: Answers | None,
                     carried: frozenset[str], pack: Pack) -> bool:
    """Whether an action open then and not recommended now rests on an input that changed."""
    evidence = [e for e in action.get("evidence") or [] if isinstance(e, dict)]
    if not evidence:
        return True  # nothing recorded behind it: the pack's own change is all there is to go on
    metric_of = {b.id: b.metric for b in pack.benchmarks}
    for e in evidence:
        subject, ref = e.get("subject"), str(e.get("ref"))
        if subject == "finding":
            subject, ref = "metric", metric_of.get(ref, ref)
        if subject == "metric":
            k = kpis.get(ref)
            if k is not None and k.direction in ("better", "worse", "new", "no_longer_given"):
                return True
        elif subject == "question":
            if f"answers.{ref}" in carried:
                continue
            if current is None or current.answers.get(ref) != e.get("observed"):
                return True
        else:
            return True  # a profile field (years in cloud, focus): changed with the partner
    return False


def _compare(result: Result, old: Snapshot, pack: Pack, current: Answers | None, text: str | None) -> Comparison:
    d = old.data
    not_comparable = list(old.dropped)
    order = {s.id: i for i, s in enumerate(pack.stages)}
    stage_then = str(d.get("stage", ""))
    if stage_then not in order:
        not_comparable.append(NotComparable("stage", stage_then, t("the pack has no such stage")))
    carried = _carried(current, text, old)
    past_due = _past_due(result)

    prev_metrics = {str(k): v for k, v in (d.get("metrics") or {}).items() if isinstance(v, (int, float))}
    prev_status = {str(f.get("metric")): f.get("status") for f in d.get("findings") or [] if isinstance(f, dict)}
    now_status = {f.metric: f.status for f in result.findings}
    kpis = []
    for mid in sorted(set(prev_metrics) | set(result.metrics)):
        m = pack.metrics.get(mid)
        if m is None:
            not_comparable.append(NotComparable("metric", mid, t("the pack no longer has the metric %(id)s", id=repr(mid))))
            continue
        prev, cur = prev_metrics.get(mid), result.metrics.get(mid)
        change = None if prev is None or cur is None else float(cur) - float(prev)
        direction = _direction(mid, change, prev, cur, pack, result, carried, past_due)
        kpis.append(KpiChange(mid, m.name, m.unit, m.better, None if prev is None else float(prev),
                              None if cur is None else float(cur), change, direction,
                              prev_status.get(mid), now_status.get(mid)))

    known_actions = {a.id for a in pack.actions}
    prev_actions = {str(a.get("id")): a for a in d.get("actions") or [] if isinstance(a, dict)}
    for aid in prev_actions:
        if aid not in known_actions:
            not_comparable.append(NotComparable("action", aid, t("the pack no longer has the action %(id)s", id=repr(aid))))
    prev_open = [a for a in prev_actions if a in known_actions]
    now_open = [a.id for a in result.plan]
    by_metric = {k.metric: k for k in kpis}
    gone = [a for a in prev_open if a not in now_open]
    closed = tuple(a for a in gone if _closed_for_real(prev_actions[a], by_metric, current, carried, pack))
    unconfirmed = tuple(a for a in gone if a not in closed)
    new = tuple(a for a in now_open if a not in prev_open)
    still = tuple(a for a in now_open if a in prev_open)

    prev_areas = {str(a.get("id")): a.get("score") for a in d.get("areas") or [] if isinstance(a, dict)}
    known_areas = {a.id for a in result.areas}
    for aid in prev_areas:
        if aid not in known_areas:
            not_comparable.append(NotComparable("area", aid, t("the pack no longer has the area %(id)s", id=repr(aid))))
    areas = tuple(AreaChange(a.id, a.name, prev_areas.get(a.id), a.score) for a in result.areas)
    partner: dict[str, Any] = d["partner"] if isinstance(d.get("partner"), dict) else {}
    pk: dict[str, Any] = d["pack"] if isinstance(d.get("pack"), dict) else {}
    return Comparison(
        source=Path(old.source).name, assessed_on=partner.get("assessed_on"), pack_version=str(pk.get("version", "")),
        stage_then=stage_then, stage_now=result.stage, stage_change=_stage_change(order, stage_then, result.stage),
        kpis=tuple(kpis), closed=closed, new=new, still_open=still, areas=areas,
        not_comparable=tuple(sorted(set(not_comparable), key=lambda n: (n.kind, n.id))),
        partner=str(partner.get("name") or ""), carried=tuple(sorted(carried)), unconfirmed=unconfirmed,
        past_due=past_due,
    )


def signed_change(x: float | None, unit: str, currency: str = "") -> str:
    """A change written like the values it is between: "+USD 141,763", "+2.5 pp", "−3"."""
    from playbook.i18n import value

    if x is None:
        return "—"
    if abs(x) < 1e-9:
        return "±0"
    sign = "+" if x > 0 else "−"
    if unit == "percent":
        return sign + t("%(n)s pp", n=value(round(abs(x), 2), "number"))
    return sign + value(abs(x), unit, currency)


def open_by_phase(ids: tuple[str, ...], pack: Pack) -> list[tuple[str, int]]:
    """Open actions counted by phase, in phase order: [(phase, count)]."""
    from playbook.base.model import PHASES

    phase = {a.id: a.phase for a in pack.actions}
    return [(p, n) for p in PHASES if (n := sum(phase.get(a) == p for a in ids))]
