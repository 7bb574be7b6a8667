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
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from playbook.base.model import Answers, ColumnsRead, Customer, Pack
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention, t

if TYPE_CHECKING:
    from playbook.customers.figures import CustomerBase
    from playbook.customers.read import CustomerRow, parse_customers, read_customers_file

# The reader and the analysis (and their some 40 frozen classes) are imported
# when a partner gives customers, not by every run that imports this package.
_LAZY = {"CustomerBase": "figures", "CustomerRow": "read", "parse_customers": "read",
         "read_customers_file": "read"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"playbook.customers.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["CustomerBase", "CustomerRow", "analyse_answers", "base_to_dict", "customers_from_path", "input_files",
           "load_columns_map", "read_customers_entry", "read_customers_file",
           "load_customers_option", "parse_customers", "pseudonym", "redact", "with_row_metrics"]


def customers_from_path(value: Any, customers_dir: Path | None, doc: Any, stage_ids: Iterable[str],
                        language: str = "", currency: str | None = None,
                        columns: Mapping[str, str] | None = None) -> tuple[tuple[Customer, ...], list[Problem]]:
    """``customers: file.csv`` (or ``{file: ..., columns: {...}}``) in an answers
    file: the rows and every problem (errors and warnings)."""
    rows, found, _ = read_customers_entry(value, customers_dir, doc, stage_ids, language, currency, columns)
    return rows, found


def read_customers_entry(value: Any, customers_dir: Path | None, doc: Any, stage_ids: Iterable[str],
                         language: str = "", currency: str | None = None,
                         columns: Mapping[str, str] | None = None, partner: str = "",
                         ) -> tuple[tuple[Customer, ...], list[Problem], ColumnsRead | None]:
    """The rows, problems and column reading of an answers file's ``customers:``.
    The file must be inside the answers file's folder once every symlink is
    followed, and is opened without following a final one, so an answers file
    cannot make us read a file elsewhere; a refused file is never opened, so
    no message shows its content. `columns` (``assess --columns``) adds to the
    entry's own map."""
    where = ("customers",)
    mapping: dict[str, str] = {}
    if isinstance(value, dict):
        mapping = {str(k): str(v) for k, v in (value.get("columns") or {}).items()}
        value = value.get("file") or ""
    mapping.update(columns or {})
    value = str(value)
    if customers_dir is None:
        return (), [doc.problem(where, "customers: names a file, which only an answers file on disk can do; "
                                "list the customers inline instead", "customers-path")], None
    rel = PurePath(value.strip())
    if rel.is_absolute() or ".." in rel.parts or not value.strip():
        return (), [doc.problem(where, f"customers: {value[:200]!r} must be a path relative to the answers file, "
                                "inside its folder (e.g. customers.csv), not an absolute path or one with ..",
                                "customers-path")], None
    if rel.suffix.lower() != ".csv":
        return (), [doc.problem(where, f"customers: {value[:200]!r} must be a .csv file (export the CRM list as "
                                "'CSV UTF-8'), or the list itself", "customers-path")], None
    path = customers_dir / rel
    try:
        real, home = path.resolve(), customers_dir.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        real, home = path, Path("/nonexistent-folder")
    if not real.is_relative_to(home):
        return (), [doc.problem(where, f"customers: {value[:200]!r} leads outside the answers file's folder "
                                "(through a symbolic link); copy the export into the folder", "customers-path")], None
    display = str(Path(doc.file).parent / rel) if doc.file and not doc.file.startswith("<") else str(rel)
    other = _declared_by_another(home, Path(doc.file).name if doc.file else "", real, partner)
    if other is not None:
        return (), [doc.problem(where, f"customers: {value[:200]!r} is the customer export {other} names, in the "
                                "same folder; give each partner its own export (a file whose name starts with "
                                "the answers file's, e.g. acme-customers.csv for acme.yaml)", "customers-path")], None
    try:
        from playbook.customers.read import read_export

        export = read_export(real, stage_ids, display, Convention.of(language), currency, mapping or None,
                             no_follow=True)
    except InvalidInput as exc:
        return (), list(exc.problems), None
    return export.rows, list(export.warnings), export.columns


# An answers file names its export on one line (customers: x.csv, or customers: {file: x.csv, ...}).
_DECLARED = re.compile(r"^customers:[ \t]*(?:\{[ \t]*file:[ \t]*)?['\"]?([^'\"\s,}#]+)", re.MULTILINE)
# partner.name as the template writes it (the first `  name:` under `partner:`)
# (each line starts with a different character in each alternative, so the scan is linear)
_PARTNER_NAME = re.compile(r"^partner:[^\n]*\n(?:[ \t][^\n]*\n|#[^\n]*\n|\n)*?[ \t]+name:[ \t]*([^#\n]*)",
                           re.MULTILINE)
_MAX_SIBLINGS = 2000


def _owns(answers_stem: str, csv_stem: str) -> bool:
    """acme.yaml and acme-2026.yaml own acme.csv and acme-customers.csv."""
    a, c = answers_stem.lower(), csv_stem.lower()
    return c.startswith(a) or a.startswith(c)


def _declared_by_another(folder: Path, own: str, real: Path, partner: str = "") -> str | None:
    """The name of another answers file in `folder` that declares `real` as its
    customer export for another partner, when the one reading it (`own`, of
    `partner`) does not own it by name: in a folder of clients, one client's
    file cannot pull in another's customers; last year's file of the same
    partner (same partner.name) may share this year's export."""
    if own and _owns(Path(own).stem, real.stem):
        return None
    try:  # each sibling's size and time in the key: a file saved in place is read again
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml"))[:_MAX_SIBLINGS]
        key = (str(folder), tuple((p.name, st.st_mtime_ns, st.st_size) for p in files for st in (p.stat(),)))
    except OSError:
        return None
    for name, theirs in _declarations(key).get(str(real), ()):
        if name != own and not (partner and theirs == partner.strip()):
            return name
    return None


@lru_cache(maxsize=16)
def _declarations(key: tuple[str, tuple[tuple[str, int, int], ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """real path of a CSV -> (answers file, its partner.name) of each file in
    the folder that names it (read once per folder and its files' change)."""
    folder = Path(key[0])
    out: dict[str, list[tuple[str, str]]] = {}
    for name, _, _ in key[1]:
        try:
            with (folder / name).open("rb") as fh:
                head = fh.read(65536).decode("utf-8", "replace")
            found = _PARTNER_NAME.search(head)
            theirs = found.group(1).strip().strip("'\"").strip() if found else ""
            for m in _DECLARED.finditer(head):
                out.setdefault(str((folder / m.group(1)).resolve()), []).append((name, theirs))
        except (OSError, RuntimeError, ValueError):
            continue
    return {k: tuple(v) for k, v in out.items()}


def load_customers_option(answers: Answers, path: Path, pack: Pack,
                          columns: Mapping[str, str] | None = None) -> Answers:
    """``assess --customers FILE``: the file's rows replace the answers file's."""
    from playbook.customers.read import read_export

    export = read_export(path, [s.id for s in pack.maturity_stages], str(path),
                         Convention.of(answers.locale or answers.language), answers.currency or None, columns)
    return dataclasses.replace(answers, customers=export.rows, warnings=(*answers.warnings, *export.warnings),
                               customer_columns=export.columns)


def load_columns_map(path: Path) -> dict[str, str]:
    """``assess --columns map.yaml``: our column -> the export's header, as
    ``columns: {revenue: "ARR (USD)"}`` or the mapping alone."""
    from playbook.base.yamlio import decode, loads, read_file

    doc = loads(decode(read_file(path, str(path)), str(path)), str(path))
    data = doc.data.get("columns", doc.data) if isinstance(doc.data, dict) else doc.data
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InvalidInput([doc.problem((), "a columns map names our columns and the export's headers, e.g. "
                                        "columns: {name: Client, revenue: \"ARR (USD)\"}", "columns")])
    return dict(data)


def input_files(answers: Answers) -> tuple[Path, ...]:
    """The customer file behind the rows, so ``-o`` can never overwrite it."""
    first = answers.customers[0] if answers.customers else None
    file = getattr(first, "file", None)  # rows read from a CSV know it; inline ones do not
    return (Path(file),) if file else ()


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
    from playbook.customers.analysis import analyse

    source = getattr(answers.customers[0], "file", None) or "the answers file"
    base = analyse(answers.customers, source=source, assessed_on=answers.assessed_on, metrics=answers.metrics,
                   nps_responses=answers.nps_responses, maturity_stages=pack.maturity_stages,
                   metric_ids=pack.metrics)
    return dataclasses.replace(base, columns=answers.customer_columns) if answers.customer_columns else base


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
    from playbook.customers.analysis import CLV_SEGMENTS, CLV_USES, RENEWALS

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
        **({} if b.columns is None else {"columns": {  # a CSV's columns, as read (the inline list has none)
            "profile": b.columns.profile,
            "used": [{"header": h, "column": c, "meaning": m} for h, c, m in b.columns.used],
            "unused": [{"header": h, "why": w} for h, w in b.columns.unused]}}),
    }
