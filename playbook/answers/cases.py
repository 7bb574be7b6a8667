"""Pack test cases (`tests/*.yaml` beside a pack): given answers, expect a plan.

`playbook test PACK` runs them; tests/test_packs.py runs the same cases
under pytest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbook.answers.check import check_answers
from playbook.base.model import Pack
from playbook.base.suggest import did_you_mean
from playbook.base.yamlio import Document, PathKey, load_file
from playbook.engine.evaluation import evaluate
from playbook.engine.result import Result
from playbook.errors import InvalidInput, Problem

CASE_KEYS = {"name", "given", "expect"}
EXPECT_KEYS = {"fires", "not_fires", "allow_others", "stage", "stage_status", "stage_range", "findings", "order",
               "checklist"}


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    line: int
    given: Document
    expect: dict[str, Any]


@dataclass(frozen=True)
class CaseResult:
    case: Case
    failures: tuple[str, ...]
    result: Result | None

    @property
    def ok(self) -> bool:
        return not self.failures


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def case_files(pack: Pack) -> list[Path]:
    return sorted((Path(pack.root) / "tests").glob("*.yaml"))


def load_cases(pack: Pack) -> list[Case]:
    """Every case of the pack's tests/ folder; problems raise InvalidInput."""
    problems: list[Problem] = []
    cases: list[Case] = []
    ids = {a.id for a in pack.actions}
    for f in case_files(pack):
        try:
            doc = load_file(f, _rel(f))
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            problems.append(doc.problem((), "a pack test file holds `cases:`, a list of {name, given, expect}",
                                        "test-shape"))
            continue
        # every position of the file, grouped by case once: slicing them per
        # case would cost cases x positions, quadratic in a large test file
        given_pos: dict[int, tuple[dict[PathKey, Any], ...]] = {}
        tables: tuple[dict[PathKey, Any], ...] = (doc.value_pos, doc.key_pos, doc.written)
        for n, table in enumerate(tables):
            for p, v in table.items():
                if len(p) >= 3 and p[0] == "cases" and p[2] == "given" and isinstance(p[1], int):
                    given_pos.setdefault(p[1], ({}, {}, {}))[n][p[3:]] = v
        for i, c in enumerate(data["cases"]):
            path = ("cases", i)
            if not isinstance(c, dict):
                problems.append(doc.problem(path, "a case is a mapping with name, given and expect", "test-shape"))
                continue
            for k in c:
                if k not in CASE_KEYS:
                    problems.append(doc.problem(path + (k,), f"unknown key {k!r} in a case"
                                                f"{did_you_mean(k, CASE_KEYS)}", "unknown-key", key=True))
            exp = c.get("expect") or {}
            if not isinstance(exp, dict):
                problems.append(doc.problem(path + ("expect",), "expect must be a mapping", "test-shape"))
                continue
            for k in exp:
                if k not in EXPECT_KEYS:
                    problems.append(doc.problem(path + ("expect", k), f"unknown key {k!r} in expect"
                                                f"{did_you_mean(k, EXPECT_KEYS)} (valid: {', '.join(sorted(EXPECT_KEYS))})",
                                                "unknown-key", key=True))
            # the given block is checked like an answers file, positions intact
            values, keys, written = given_pos.get(i, ({}, {}, {}))
            sub = Document(doc.file, c.get("given") or {}, values, keys, written, doc.text)
            line, _ = doc.where(path)
            cases.append(Case(str(c.get("name") or f"case {i + 1}"), doc.file, line, sub, exp))
            for key in ("fires", "not_fires", "order"):
                for j, item in enumerate(exp.get(key) or []):
                    aid = item.get("id") if isinstance(item, dict) else item
                    if aid not in ids:
                        problems.append(doc.problem(path + ("expect", key, j), f"unknown action {aid!r}"
                                                    f"{did_you_mean(str(aid), ids)}", "unknown-action"))
    if problems:
        raise InvalidInput(problems)
    return cases


def run_case(pack: Pack, case: Case) -> CaseResult:
    try:
        answers = check_answers(case.given, pack, "sha256:" + hashlib.sha256(case.name.encode()).hexdigest())
    except InvalidInput as exc:
        return CaseResult(case, tuple(f"invalid given: {p.format()}" for p in exc.problems), None)
    result = evaluate(pack, answers)
    fired = {a.id: a for a in result.plan}
    exp = case.expect
    fails: list[str] = []
    expected_ids = set()
    for item in exp.get("fires") or []:
        spec = item if isinstance(item, dict) else {"id": item}
        aid = spec["id"]
        expected_ids.add(aid)
        if aid not in fired:
            state = next((s.state for s in result.actions if s.id == aid), "unknown")
            fails.append(f"expected {aid} to fire, but it is {state.replace('_', ' ')}")
            continue
        for field in ("phase", "tier"):
            if field in spec and getattr(fired[aid], field) != spec[field]:
                fails.append(f"{aid}: expected {field} {spec[field]!r}, got {getattr(fired[aid], field)!r}")
    for aid in exp.get("not_fires") or []:
        if aid in fired:
            fails.append(f"expected {aid} not to fire, but it fired: "
                         + "; ".join(e.text for e in fired[aid].reasons))
    if not exp.get("allow_others", False):
        extra = sorted(set(fired) - expected_ids)
        if extra:
            fails.append(f"unexpected actions fired: {', '.join(extra)} (add them to fires or set allow_others: true)")
    if "stage" in exp and result.stage != exp["stage"]:
        fails.append(f"expected stage {exp['stage']!r}, got {result.stage!r} ({result.stage_reason})")
    if "stage_status" in exp and result.stage_status != exp["stage_status"]:
        fails.append(f"expected stage_status {exp['stage_status']!r}, got {result.stage_status!r} "
                     f"({result.stage_reason})")
    if "stage_range" in exp and list(result.stage_range) != list(exp["stage_range"] or []):
        fails.append(f"expected stage_range {list(exp['stage_range'] or [])}, got {list(result.stage_range)}")
    status = {f.benchmark: f.status for f in result.findings}
    for bid, want in (exp.get("findings") or {}).items():
        if status.get(bid, "not_applicable") != want:
            fails.append(f"benchmark {bid}: expected {want}, got {status.get(bid, 'not applicable')}")
    # checklist items as "<checklist id>.<item id>": done | not_done | not_assessed
    items = {f"{c.id}.{it.id}": it.status for c in result.checklists for it in c.items}
    for iid, want in (exp.get("checklist") or {}).items():
        if iid not in items:
            fails.append(f"checklist item {iid}: no such item{did_you_mean(str(iid), items)}")
        elif items[iid] != want:
            fails.append(f"checklist item {iid}: expected {want}, got {items[iid]}")
    order = [a.id for a in result.plan]
    wanted = [o for o in exp.get("order") or []]
    present = [o for o in wanted if o in order]
    if present != sorted(present, key=order.index) or len(present) != len(wanted):
        fails.append(f"expected the order {' < '.join(wanted)}, got {' < '.join(o for o in order if o in wanted)}")
    return CaseResult(case, tuple(fails), result)


def trace(pack: Pack, result: Result, failures: tuple[str, ...] = ()) -> list[str]:
    """The actions a failure names (all that fired when it names none): state
    and why, one line each."""
    lines = [f"  stage {result.stage}: {result.stage_reason}"]
    plan = {a.id: a for a in result.plan}
    text = " ".join(failures)
    # the ids named as whole words: one pass over the text, not one search per action
    # (that was actions x text length, and the text lists every unexpected action)
    words = set(re.findall(r"\w+", text))
    named = {s.id for s in result.actions if s.id in words}
    for s in result.actions:
        if (named and s.id not in named) or (not named and s.id not in plan):
            continue
        why = ""
        if s.id in plan:
            why = " — " + "; ".join(e.text for e in plan[s.id].reasons)
        elif s.missing:
            why = " — missing " + ", ".join(s.missing)
        lines.append(f"  {s.id}: {s.state.replace('_', ' ')}{why}")
    return lines


def coverage(pack: Pack, results: list[CaseResult]) -> list[str]:
    """Actions never seen both firing and not firing across the cases."""
    fired: set[str] = set()
    quiet: set[str] = set()
    for r in results:
        if r.result is None:
            continue
        for s in r.result.actions:
            (fired if s.state == "recommended" else quiet).add(s.id)
    return [a.id for a in pack.actions if not (a.id in fired and a.id in quiet)]
