"""One overview of many partners: stage distribution, a sortable table of stages,
area scores and KPI status, the actions most often open, and who got worse since
their baseline. Built from answers files (assessed here) or result JSON files.

The HTML page is self-contained: inline CSS and a few lines of inline JS for
sorting, no external request.
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

from playbook.errors import InvalidInput, PlaybookError

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
            rows = [p for p in self.partners if p.stage == sid]
            out.append({"stage": sid, "name": name, "count": len(rows),
                        "provisional": sum(p.stage_status == "provisional" for p in rows)})
        return out

    def most_open(self, n: int = TOP_OPEN) -> list[tuple[str, str, int]]:
        c = Counter(a for p in self.partners for a in p.open_actions)
        return [(a, self.action_titles.get(a, a), k) for a, k in sorted(c.items(), key=lambda x: (-x[1], x[0]))[:n]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "partners": [{
                "file": p.file, "name": p.name, "stage": p.stage, "stage_status": p.stage_status,
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


def build(inputs: Sequence[Path], pack_spec: str | None = None, *, link_from: Path | None = None,
          reports_dir: Path | None = None) -> Portfolio:
    """Every partner of `inputs` (files or folders of answers/result JSON files)."""
    from playbook.api import Assessor
    from playbook.batch import collect_inputs

    files: list[Path] = []
    found_json: set[Path] = set()  # JSON files met in a folder: other JSON there (a summary) is passed over
    for p in inputs:
        if p.is_dir():
            js = sorted(x for x in p.glob("*.json") if not x.name.startswith("."))
            found_json.update(js)
            files += collect_inputs([p]) + js
        else:
            files.append(p)
    # a folder of a batch's output holds X.yaml beside X-report.json: one partner, read once
    # (from the result, which also carries its baseline comparison)
    results = {(f.parent.resolve(), f.stem[:-len("-report")]) for f in files
               if f.suffix.lower() == ".json" and f.stem.endswith("-report")}
    files = sorted({f for f in files if f.suffix.lower() == ".json" or (f.parent.resolve(), f.stem) not in results},
                   key=lambda x: str(x))
    assessor = Assessor(pack_spec)
    here = link_from or Path.cwd()
    rows, problems = [], []
    for f in files:
        try:
            if f.suffix.lower() == ".json":
                from playbook.report.baseline import load_baseline

                data = load_baseline(f, assessor.pack).data
            else:
                data = assessor.assess_file(f).to_dict()
        except InvalidInput as exc:
            if f in found_json and all(p.code == "type" for p in exc.problems):
                continue
            problems += [p.format() for p in exc.problems if p.severity == "error"]
            continue
        except PlaybookError as exc:
            problems.append(f"{f}: error: {exc}")
            continue
        rows.append(_row_from_result(data, f, _find_report(f, here, reports_dir)))
    pack = assessor.pack
    return Portfolio(tuple(rows), tuple((s.id, s.name) for s in pack.stages),
                     tuple((a.id, a.name) for a in pack.areas), {a.id: a.title for a in pack.actions},
                     tuple(problems))


def render_portfolio(pf: Portfolio, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(pf.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        return _csv(pf).encode()
    from playbook.report.env import environment

    md = fmt == "md"
    env = environment(markdown=md)
    name = "portfolio.md.j2" if md else "portfolio.html.j2"
    return env.get_template(name).render(pf=pf, stages=pf.stage_counts(), most_open=pf.most_open(),
                                         stage_names=dict(pf.stages), stage_order={s: i for i, (s, _) in enumerate(pf.stages)},
                                         worse=[p for p in pf.partners if p.worse],
                                         total=len(pf.partners)).encode()


def _csv(pf: Portfolio) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    area_ids = [a for a, _ in pf.areas]
    w.writerow(["file", "partner", "stage", "stage_status", *[f"area_{a}" for a in area_ids],
                "kpis_met", "kpis_not_met", "kpis_not_assessed", "open_actions", "worse_since_baseline", "report"])
    for p in pf.partners:
        cells = [p.file, p.name, p.stage, p.stage_status, *["" if p.areas.get(a) is None else p.areas[a]
                                                            for a in area_ids],
                 p.kpi_met, p.kpi_not_met, p.kpi_not_assessed, len(p.open_actions), p.worse, p.link]
        w.writerow([("'" + c) if isinstance(c, str) and c[:1] in "=+-@" and c else c for c in cells])
    return buf.getvalue()
