"""One overview of many partners: stage distribution, a sortable table of stages,
area scores and KPI status, the actions most often open, and who got worse since
their baseline. Built from answers files (assessed here) or result JSON files.

The HTML page is self-contained: inline CSS and a few lines of inline JS for
sorting, no external request.

Everyone is shown: a client whose file is invalid or unreadable (or that a
batch summary records as failed) is a row with its problem, never left out;
a folder with nothing to read is an error naming what it holds.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playbook.base.formula import neutralise
from playbook.errors import InvalidInput, PlaybookError, UsageError

TOP_OPEN = 10


@dataclass(frozen=True)
class PartnerRow:
    file: str
    name: str
    stage: str
    stage_status: str
    areas: dict[str, int | None]
    kpi_met: int
    kpi_not_met: int
    kpi_not_assessed: int
    open_actions: tuple[str, ...]
    worse: bool
    worse_reasons: tuple[str, ...]
    link: str
    status: str = "ok"  # ok | invalid | unreadable | error (then `message` says why and nothing else is known)
    message: str = ""
    answered: int | None = None  # questions and metrics answered, of `asked` (None: not known from a result file)
    asked: int | None = None
    plan: tuple[dict[str, str], ...] = ()  # the action plan's rows (report/export.py), for `portfolio --plan`

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Portfolio:
    partners: tuple[PartnerRow, ...]
    stages: tuple[tuple[str, str], ...]  # (id, name) in pack order
    areas: tuple[tuple[str, str], ...]
    action_titles: dict[str, str]
    problems: tuple[str, ...] = field(default=())

    def stage_counts(self) -> list[dict[str, Any]]:
        out = []
        for sid, name in self.stages:
            rows = [p for p in self.partners if p.ok and p.stage == sid]
            out.append({"stage": sid, "name": name, "count": len(rows),
                        "provisional": sum(p.stage_status == "provisional" for p in rows)})
        return out

    def most_open(self, n: int = TOP_OPEN) -> list[tuple[str, str, int]]:
        c = Counter(a for p in self.partners for a in p.open_actions)
        return [(a, self.action_titles.get(a, a), k) for a, k in sorted(c.items(), key=lambda x: (-x[1], x[0]))[:n]]

    @property
    def assessed(self) -> int:
        return sum(p.ok for p in self.partners)

    def stage_bars(self) -> list[dict[str, Any]]:
        """stage_counts with each bar's width: its share of the assessed partners, in %."""
        n = self.assessed
        return [{**s, "width": round(100 * s["count"] / n, 1) if n else 0.0} for s in self.stage_counts()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "partners": [{
                "file": p.file, "name": p.name, "status": p.status, "message": p.message or None,
                "answered": p.answered, "asked": p.asked,
                "stage": p.stage, "stage_status": p.stage_status,
                "areas": p.areas, "kpis": {"met": p.kpi_met, "not_met": p.kpi_not_met,
                                           "not_assessed": p.kpi_not_assessed},
                "open_actions": len(p.open_actions), "worse_since_baseline": p.worse,
                "worse_reasons": list(p.worse_reasons), "report": p.link or None,
            } for p in self.partners],
            "stages": self.stage_counts(),
            "most_open_actions": [{"id": a, "title": t, "partners": k} for a, t, k in self.most_open()],
        }


def _row_from_result(d: dict[str, Any], file: Path, link: str) -> PartnerRow:
    findings = [f for f in d.get("findings") or [] if isinstance(f, dict)]
    b = d.get("baseline") if isinstance(d.get("baseline"), dict) else None
    reasons: list[str] = []
    if b:
        if b.get("stage_change") == "fell_back":
            reasons.append(f"stage {b.get('stage_then')} → {b.get('stage_now')}")
        worse = [str(k.get("metric")) for k in b.get("kpis") or [] if k.get("direction") == "worse"]
        if worse:
            reasons.append(f"{len(worse)} KPI{'s' if len(worse) != 1 else ''} worse: " + ", ".join(worse[:5])
                           + (", ..." if len(worse) > 5 else ""))
    return PartnerRow(
        file=file.name, name=str((d.get("partner") or {}).get("name") or file.stem), stage=str(d.get("stage", "")),
        stage_status=str(d.get("stage_status") or ""),
        areas={str(a.get("id")): a.get("score") for a in d.get("areas") or [] if isinstance(a, dict)},
        kpi_met=sum(f.get("status") == "met" for f in findings),
        kpi_not_met=sum(f.get("status") == "not_met" for f in findings),
        kpi_not_assessed=sum(f.get("status") == "not_assessed" for f in findings),
        open_actions=tuple(str(a.get("id")) for a in d.get("actions") or [] if isinstance(a, dict)),
        worse=bool(reasons), worse_reasons=tuple(reasons), link=link)


def _find_report(f: Path, link_from: Path, reports_dir: Path | None) -> str:
    stem = f.stem[:-len("-report")] if f.stem.endswith("-report") else f.stem
    for folder in (reports_dir, f.parent):
        if folder is None:
            continue
        for ext in (".html", ".pdf"):
            cand = folder / f"{stem}-report{ext}"
            if cand.is_file():
                return os.path.relpath(cand.resolve(), link_from).replace(os.sep, "/")
    return ""


def _failed_row(f: Path, status: str, message: str, name: str = "") -> PartnerRow:
    return PartnerRow(file=f.name, name=name or f.stem, stage="", stage_status="", areas={}, kpi_met=0,
                      kpi_not_met=0, kpi_not_assessed=0, open_actions=(), worse=False, worse_reasons=(), link="",
                      status=status, message=message)


def _summary_rows(f: Path) -> list[dict[str, Any]] | None:
    """The rows of a batch summary (summary.json or .csv from `assess --summary`), else None."""
    try:
        if f.suffix.lower() == ".json":
            data = json.loads(f.read_text(encoding="utf-8"))
            ok = isinstance(data, list) and all(isinstance(r, dict) and "file" in r and "status" in r for r in data)
            return data if ok else None
        with f.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return rows if rows and {"file", "status"} <= set(rows[0]) else None
    except (OSError, ValueError, UnicodeDecodeError, csv.Error):
        return None


def _coverage(pack: Any, answers: Any) -> tuple[int, int]:
    from playbook.engine.questionnaire import answer_counts

    c = answer_counts(pack, answers)
    return c.questions_answered + c.metrics_answered, c.questions + c.metrics


def _what_is_there(inputs: Sequence[Path]) -> str:
    found = Counter(x.suffix.lower() or x.name for p in inputs if p.is_dir() for x in p.iterdir()
                    if x.is_file() and not x.name.startswith("."))
    if not found:
        return "it is empty"
    return "it holds " + ", ".join(f"{n} {ext}" for ext, n in found.most_common(6)) + \
        (", ..." if len(found) > 6 else "")


def build(inputs: Sequence[Path], pack_spec: str | None = None, *, link_from: Path | None = None,
          reports_dir: Path | None = None) -> Portfolio:
    """Every partner of `inputs` (files or folders of answers/result JSON files, and the
    failures a batch summary in them records)."""
    from playbook.api import Assessor
    from playbook.batch import collect_inputs

    files: list[Path] = []
    found_json: set[Path] = set()  # JSON files met in a folder: other JSON there (a summary) is passed over
    summaries: list[Path] = []
    for p in inputs:
        if p.is_dir():
            js = sorted(x for x in p.glob("*.json") if not x.name.startswith("."))
            found_json.update(js)
            summaries += [x for x in [*js, *sorted(p.glob("*.csv"))] if _summary_rows(x) is not None]
            files += collect_inputs([p]) + [x for x in js if x not in summaries]
        else:
            files.append(p)
    # a folder of a batch's output holds X.yaml beside X-report.json: one partner, read once
    # (from the result, which also carries its baseline comparison)
    results = {(f.parent.resolve(), f.stem[:-len("-report")]) for f in files
               if f.suffix.lower() == ".json" and f.stem.endswith("-report")}
    siblings = {(f.parent.resolve(), f.stem): f for f in files if f.suffix.lower() != ".json"}
    files = sorted({f for f in files if f.suffix.lower() == ".json" or (f.parent.resolve(), f.stem) not in results},
                   key=lambda x: str(x))
    assessor = Assessor(pack_spec)
    here = link_from or Path.cwd()
    rows: list[PartnerRow] = []
    problems: list[str] = []
    for f in files:
        row = _read_one(f, assessor, siblings, f in found_json, here, reports_dir, problems)
        if row is not None:
            rows.append(row)
    seen = {r.file for r in rows} | {f.name for f in files}
    for sf in summaries:
        for r in _summary_rows(sf) or []:
            name = Path(str(r.get("file", ""))).name
            if str(r.get("status")) != "ok" and name and name not in seen:
                msgs = r.get("messages") if isinstance(r.get("messages"), list) else []
                message = str(msgs[0]) if msgs else f"recorded as {r.get('status')} in {sf.name}"
                rows.append(_failed_row(Path(name), "invalid" if r.get("status") == "invalid" else "error", message,
                                        str(r.get("partner") or "")))
                problems.append(f"{name}: {r.get('status')} in the batch summary {sf}: {message}")
                seen.add(name)
    if not rows:
        raise UsageError(f"no answers files (*.yaml) or result JSON files (assess --format json) in "
                         f"{', '.join(map(str, inputs))}: {_what_is_there(inputs)}; give the folder of answers "
                         "files, or of the JSON results of a batch")
    pack = assessor.pack
    return Portfolio(tuple(rows), tuple((s.id, s.name) for s in pack.stages),
                     tuple((a.id, a.name) for a in pack.areas), {a.id: a.title for a in pack.actions},
                     tuple(problems))


def _read_one(f: Path, assessor: Any, siblings: dict[tuple[Path, str], Path], in_folder: bool, here: Path,
              reports_dir: Path | None, problems: list[str]) -> PartnerRow | None:
    """The row of one file (a failed row with its problem), or None for a JSON that is no result."""
    coverage: tuple[int, int] | None = None
    try:
        if f.suffix.lower() == ".json":
            from playbook.report.baseline import load_baseline

            data = load_baseline(f, assessor.pack).data
            src = siblings.get((f.parent.resolve(), f.stem[:-len("-report")]))
            if src is not None:
                try:
                    from playbook.answers.check import load_answers

                    coverage = _coverage(assessor.pack, load_answers(src, assessor.pack))
                except PlaybookError:
                    pass  # the result stands; only the coverage is not known
        else:
            a = assessor.assess_file(f)
            data = a.to_dict()
            coverage = _coverage(assessor.pack, a.answers)
    except InvalidInput as exc:
        if in_folder and all(p.code == "type" for p in exc.problems):
            return None
        errors = [p for p in exc.problems if p.severity == "error"]
        problems += [p.format() for p in errors]
        status = "unreadable" if any(p.code in ("unreadable", "too-large", "encoding") for p in errors) else "invalid"
        first = errors[0].format() if errors else str(exc)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _failed_row(f, status, first + more)
    except PlaybookError as exc:
        problems.append(f"{f}: error: {exc}")
        return _failed_row(f, "error", str(exc))
    from dataclasses import replace

    from playbook.report.export import rows_from_result_dict

    row = replace(_row_from_result(data, f, _find_report(f, here, reports_dir)),
                  plan=tuple(rows_from_result_dict(data, assessor.pack)))
    return row if coverage is None else replace(row, answered=coverage[0], asked=coverage[1])


def render_plans(pf: Portfolio, fmt: str) -> bytes:
    """Every assessed partner's action plan in one CSV or XLSX table (report/export.py)."""
    from playbook.report.export import plan_table

    return plan_table([r for p in pf.partners for r in p.plan], fmt)


def render_portfolio(pf: Portfolio, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(pf.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        return _csv(pf).encode()
    if fmt == "xlsx":
        return _xlsx(pf)
    from playbook.report.env import environment

    md = fmt == "md"
    env = environment(markdown=md)
    name = "portfolio.md.j2" if md else "portfolio.html.j2"
    return env.get_template(name).render(pf=pf, stages=pf.stage_bars(), most_open=pf.most_open(),
                                         stage_names=dict(pf.stages), stage_order={s: i for i, (s, _) in enumerate(pf.stages)},
                                         worse=[p for p in pf.partners if p.worse],
                                         failed=[p for p in pf.partners if not p.ok],
                                         total=len(pf.partners), assessed=pf.assessed).encode()


def _table(pf: Portfolio) -> tuple[list[str], list[list[Any]]]:
    area_ids = [a for a, _ in pf.areas]
    header = ["file", "partner", "status", "message", "stage", "stage_status", "answered", "asked",
              *[f"area_{a}" for a in area_ids], "kpis_met", "kpis_not_met", "kpis_not_assessed", "open_actions",
              "worse_since_baseline", "report"]
    rows = [[p.file, p.name, p.status, p.message, p.stage, p.stage_status,
             "" if p.answered is None else p.answered, "" if p.asked is None else p.asked,
             *["" if p.areas.get(a) is None else p.areas[a] for a in area_ids],
             p.kpi_met, p.kpi_not_met, p.kpi_not_assessed, len(p.open_actions), p.worse, p.link]
            for p in pf.partners]
    return header, rows


def _csv(pf: Portfolio) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header, rows = _table(pf)
    w.writerow(header)
    for cells in rows:
        # a spreadsheet would run a cell starting with = + - @: partner names and messages are untrusted
        w.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])
    return buf.getvalue()


def _xlsx(pf: Portfolio) -> bytes:
    from playbook.report.export import to_xlsx

    header, rows = _table(pf)
    return to_xlsx([("Partners", header, rows)])
