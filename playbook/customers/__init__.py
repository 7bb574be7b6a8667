"""The partner's own customer base: read from a CSV export (or the inline
``customers:`` list) and analysed the way the guide asks (issue 14).

``read`` turns a file into typed rows with located errors; ``analysis`` makes
the figures; this module holds the glue the rest of the package calls: the
answers-file hook, redaction, the metrics the rows feed to the rule engine,
and the JSON shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

from playbook.base.model import Answers, Customer, Pack
from playbook.customers.analysis import CLV_SEGMENTS, CLV_USES, RENEWALS, analyse
from playbook.customers.figures import CustomerBase
from playbook.customers.read import CustomerRow, parse_customers, read_customers_file
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention, t

__all__ = ["CustomerBase", "CustomerRow", "analyse_answers", "base_to_dict", "customers_from_path", "input_files",
           "load_customers_option", "parse_customers", "pseudonym", "redact", "with_row_metrics"]


def customers_from_path(value: str, customers_dir: Path | None, doc: Any, stage_ids: Iterable[str],
                        language: str = "") -> tuple[tuple[Customer, ...], list[Problem]]:
    """``customers: file.csv`` in an answers file: the rows and every problem
    (errors and warnings). The path must stay inside the answers file's folder,
    so an answers file from elsewhere cannot make us read any file it names."""
    where = ("customers",)
    if customers_dir is None:
        return (), [doc.problem(where, "customers: names a file, which only an answers file on disk can do; "
                                "list the customers inline instead", "customers-path")]
    rel = PurePath(value.strip())
    if rel.is_absolute() or ".." in rel.parts or not value.strip():
        return (), [doc.problem(where, f"customers: {value!r} must be a path relative to the answers file, inside "
                                "its folder (e.g. customers.csv), not an absolute path or one with ..",
                                "customers-path")]
    if rel.suffix.lower() != ".csv":
        return (), [doc.problem(where, f"customers: {value!r} must be a .csv file (export the CRM list as "
                                "'CSV UTF-8'), or the list itself", "customers-path")]
    path = customers_dir / rel
    try:
        rows, warnings = read_customers_file(path, stage_ids, str(Path(doc.file).parent / rel)
                                             if doc.file and not doc.file.startswith("<") else str(rel),
                                             Convention.of(language))
    except InvalidInput as exc:
        return (), list(exc.problems)
    return rows, list(warnings)


def load_customers_option(answers: Answers, path: Path, pack: Pack) -> Answers:
    """``assess --customers FILE``: the file's rows replace the answers file's."""
    rows, warnings = read_customers_file(path, [s.id for s in pack.maturity_stages], str(path),
                                         Convention.of(answers.language))
    return dataclasses.replace(answers, customers=rows, warnings=(*answers.warnings, *warnings))


def input_files(answers: Answers) -> tuple[Path, ...]:
    """The customer file behind the rows, so ``-o`` can never overwrite it."""
    first = answers.customers[0] if answers.customers else None
    return (Path(first.file),) if isinstance(first, CustomerRow) and first.file else ()


def pseudonym(name: str, salt: str = "") -> str:
    """A stable stand-in for a customer name: the same customer of the same
    partner gets the same pseudonym in every run and format. The partner name
    salts it, so pseudonyms do not match across partners; it hides names from a
    reader, it is not encryption (someone who can guess both names can check)."""
    digest = hashlib.sha256(f"{salt}\x00{name}".encode()).hexdigest()
    return t("Customer %(code)s", code=digest[:6].upper())


def redact(answers: Answers) -> Answers:
    salt = answers.partner_name
    cache: dict[str, str] = {}

    def alias(n: str) -> str:
        out = cache.get(n)
        if out is None:
            out = cache[n] = pseudonym(n, salt)
        return out
    rows = tuple(dataclasses.replace(c, name=alias(c.name)) for c in answers.customers)
    return dataclasses.replace(answers, customers=rows)


def analyse_answers(pack: Pack, answers: Answers) -> CustomerBase | None:
    if not answers.customers:
        return None
    first = answers.customers[0]
    source = first.file if isinstance(first, CustomerRow) and first.file else "the answers file"
    return analyse(answers.customers, source=source, assessed_on=answers.assessed_on, metrics=answers.metrics,
                   nps_responses=answers.nps_responses, maturity_stages=pack.maturity_stages,
                   metric_ids=pack.metrics)


def with_row_metrics(answers: Answers, base: CustomerBase | None) -> Answers:
    """The answers with the metrics the rows give, for metrics not given; the
    engine then marks them derived."""
    if base is None or not base.derived:
        return answers
    return dataclasses.replace(answers, metrics={**base.derived, **answers.metrics})


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def _named(ns: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"name": n.name, "revenue": _r(n.revenue), "clv": _r(n.clv), **({"detail": n.detail} if n.detail else {})}
            for n in ns]


def base_to_dict(b: CustomerBase | None) -> dict[str, Any] | None:
    """The public JSON shape of the customer analysis (result schema: customer_base)."""
    if b is None:
        return None
    s = b.all_stars
    return {
        "source": b.source, "rows": b.rows, "active": b.active, "ended": b.ended, "with_revenue": b.with_revenue,
        "annual_revenue": _r(b.revenue),
        "clv": {"method": b.clv_method, "churn_rate_annual": b.churn, "churn_origin": b.churn_origin or None,
                "average": _r(b.average_clv), "cac": _r(b.cac), "clv_to_cac": _r(b.clv_to_cac),
                "top": _named(b.top), "source": CLV_SEGMENTS},
        "segments": [{"dimension": t.dimension, "title": t.title, "not_given": t.not_given, "rows": [
            {"label": r.label, "customers": r.customers, "revenue": _r(r.revenue),
             "average_revenue": _r(r.average_revenue), "average_clv": _r(r.average_clv),
             "revenue_share": _r(r.revenue_share), "clv_to_cac": _r(r.clv_to_cac)} for r in t.rows]}
            for t in b.segments],
        "all_stars": None if s is None else {
            "count": s.count, "customer_share": s.customer_share, "revenue_share_top20": s.revenue_share_top20,
            "top10_multiple": s.top10_multiple, "top1_multiple": s.top1_multiple, "top10_count": s.top10_count,
            "top1_count": s.top1_count, "guide": {"customer_share": 20, "top10_multiple": 3, "top1_multiple": 5},
            "customers": _named(s.names), "source": CLV_USES},
        "tiers": [{"name": t.name, "min_revenue": _r(t.min_revenue), "min_clv": _r(t.min_clv),
                   "customers": t.customers, "revenue": _r(t.revenue)} for t in b.tiers],
        "closest_to_next_tier": _named(b.closest_to_next_tier),
        "renewals": {
            "windows": [{"id": w.id, "label": w.label, "days_from": w.days_from, "days_to": w.days_to,
                         "customers": w.customers, "revenue": _r(w.revenue), "step": w.step,
                         "names": _named(w.names)} for w in b.renewals],
            "within_90_days": {"customers": b.renewals_within_90, "revenue": _r(b.renewal_revenue_within_90)},
            "months": [{"month": m.label, "customers": m.customers, "revenue": _r(m.revenue)} for m in b.months],
            "no_renewal_date": {"customers": b.no_renewal_date, "revenue": _r(b.no_renewal_revenue),
                                "names": _named(b.no_renewal_names)},
            "source": RENEWALS},
        "stages": [{"stage": st.stage or None, "name": st.name, "customers": st.customers, "revenue": _r(st.revenue),
                    "largest": list(st.names)} for st in b.stages],
        "derived_metrics": {k: _r(v) for k, v in sorted(b.derived.items())},
        "warnings": list(b.warnings), "notes": list(b.notes),
    }
