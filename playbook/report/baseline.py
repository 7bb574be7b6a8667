"""This year against last: compare a new Result with an earlier assessment.

The earlier assessment is an answers file (assessed again with today's pack)
or a result JSON written by `playbook assess --format json`, possibly by an
older pack version. Ids the current pack no longer knows are not guessed at:
they are listed as "cannot be compared".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbook.base.model import Pack
from playbook.engine.comparison import AreaChange, Comparison, KpiChange, NotComparable
from playbook.engine.result import Result, to_dict
from playbook.errors import InvalidInput, Problem
from playbook.i18n import t

MAX_RESULT_BYTES = 20_000_000

__all__ = ["AreaChange", "Comparison", "KpiChange", "NotComparable", "Snapshot", "compare", "load_baseline"]


@dataclass(frozen=True)
class Snapshot:
    """What is kept of the earlier assessment: the result's JSON shape, plus ids
    that were dropped while reading its answers."""

    source: str
    data: dict[str, Any]
    dropped: tuple[NotComparable, ...] = ()


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
    answers = check_answers(Document(doc.file, data, doc.value_pos, doc.key_pos), pack)
    return Snapshot(name, to_dict(evaluate(pack, answers)), tuple(dropped))


def _stage_change(order: dict[str, int], then: str, now: str) -> str:
    a, b = order.get(then, -1), order.get(now, -1)
    return "advanced" if b > a else "fell_back" if b < a else "unchanged"


def compare(result: Result, old: Snapshot, pack: Pack) -> Comparison:
    """The comparison of `result` with the earlier snapshot, by the current pack's ids,
    in the result's language."""
    from playbook import i18n

    if result.language != i18n.DEFAULT:
        from playbook.pack.translations import translated

        pack = translated(pack, result.language)
    with i18n.using(result.language):
        return _compare(result, old, pack)


def _compare(result: Result, old: Snapshot, pack: Pack) -> Comparison:
    d = old.data
    not_comparable = list(old.dropped)
    order = {s.id: i for i, s in enumerate(pack.stages)}
    stage_then = str(d.get("stage", ""))
    if stage_then not in order:
        not_comparable.append(NotComparable("stage", stage_then, t("the pack has no such stage")))

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
        if prev is None:
            direction = "new"
        elif cur is None:
            direction = "no_longer_given"
        elif abs(change or 0.0) < 1e-9:
            direction = "same"
        else:
            up = (change or 0.0) > 0
            direction = "better" if up == (m.better != "lower") else "worse"
        kpis.append(KpiChange(mid, m.name, m.unit, m.better, None if prev is None else float(prev),
                              None if cur is None else float(cur), change, direction,
                              prev_status.get(mid), now_status.get(mid)))

    known_actions = {a.id for a in pack.actions}
    prev_open = [str(a.get("id")) for a in d.get("actions") or [] if isinstance(a, dict)]
    for aid in prev_open:
        if aid not in known_actions:
            not_comparable.append(NotComparable("action", aid, t("the pack no longer has the action %(id)s", id=repr(aid))))
    prev_open = [a for a in prev_open if a in known_actions]
    now_open = [a.id for a in result.plan]
    closed = tuple(a for a in prev_open if a not in now_open)
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
    )
