"""docs/contract.md is a promise: every id it lists exists in the default pack,
and every result field it names is in the published result schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playbook.pack.load import load_pack

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def _section(number: int) -> str:
    m = re.search(rf"^## {number}\. .*?(?=^## |\Z)", CONTRACT, re.S | re.M)
    assert m, f"docs/contract.md has no section {number}"
    return m.group(0)


def _table_ids(text: str) -> list[str]:
    return re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.M)


def test_every_metric_id_of_the_contract_is_in_the_default_pack() -> None:
    ids = _table_ids(_section(2))
    assert len(ids) >= 25
    pack = load_pack("default")
    missing = [i for i in ids if i not in pack.metrics]
    assert not missing, f"metrics the contract promises but the pack lacks: {missing}"


def test_every_question_id_of_the_contract_is_in_the_default_pack() -> None:
    ids = _table_ids(_section(3))
    assert len(ids) == 12
    pack = load_pack("default")
    missing = [i for i in ids if i not in pack.questions]
    assert not missing, f"questions the contract promises but the pack lacks: {missing}"


def test_choices_of_the_contract_questions_are_kept() -> None:
    pack = load_pack("default")
    for qid, answer in re.findall(r"^\| `([a-z0-9_]+)` \| ([^|]+) \|", _section(3), re.M):
        words = [w.strip() for w in answer.split(":")[0].split("/")]
        q = pack.questions[qid]
        if words == ["yes", "no"]:
            assert q.type == "yesno", qid
        else:
            assert set(words) <= set(q.choices), (qid, words, q.choices)


def test_every_result_field_the_contract_names_is_in_the_schema() -> None:
    m = re.search(r"Result fields this page promises.*?:\n(.*?)\.\n", CONTRACT, re.S)
    assert m
    fields = re.findall(r"`([a-z_]+)`", m.group(1))
    assert {"stage", "stage_status", "stage_range"} <= set(fields)
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    missing = [f for f in fields if f not in schema["properties"]]
    assert not missing, f"result fields the contract names but the schema lacks: {missing}"
    assert set(schema.get("required", [])) >= {"stage", "stage_reason", "actions"}
