"""The quick structural check that spares importing jsonschema for valid files."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.pack.schema import answers_schema
from playbook.pack.validation import _surely_valid
from tests.conftest import EXAMPLES, ROOT

SCHEMA = answers_schema(None)
KEYS = ["partner", "answers", "metrics", "nps_responses", "customers", "name", "stage", "revenue", "renewal_date",
        "assessed_on", "years_in_cloud", "focus", "currency", "contact", "resale", "ip", "other"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 15), st.floats(allow_nan=True), st.text(max_size=3),
                    st.sampled_from(["resale", "ip", "x" * 201, "", "managed_services"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                      max_leaves=20)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS[:5] + ["other"]), values, max_size=5))
def test_it_never_calls_an_invalid_answers_file_valid(data: dict[str, Any]) -> None:
    # an implication, stated as one: the fast path may give up, but never passes what jsonschema refuses
    # (that it does pass valid files is the next test's)
    assert not _surely_valid(data, SCHEMA) or jsonschema.Draft202012Validator(SCHEMA).is_valid(data)


def test_it_passes_the_examples_and_gives_up_on_keywords_it_does_not_know() -> None:
    from playbook.base.yamlio import load_file

    for f in EXAMPLES.glob("*.yaml"):
        assert _surely_valid(load_file(f).data, SCHEMA), f
    assert not _surely_valid({"id": "x"}, {"type": "object", "patternProperties": {"^a": {}}})
    assert not _surely_valid(1.0, {"type": "integer"})  # valid JSON Schema, but left to jsonschema
    assert not _surely_valid({"a": "x"}, {"type": "object", "properties": {"a": {"format": "date"}}})


def test_assessing_a_valid_file_with_a_valid_pack_does_not_import_jsonschema(tmp_path) -> None:
    # the first run validates the pack, the second reads it from the cache
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("PLAYBOOK_NO_CACHE", None)
    script = ("import sys; from playbook.cli.main import main; sys.argv = ['playbook', 'assess', sys.argv[1], '-o', "
              "sys.argv[2]]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('jsonschema' in sys.modules, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", script, str(EXAMPLES / "grow-stage.yaml"), str(tmp_path / "r.md")],
                           capture_output=True, text=True, env=env, cwd=tmp_path) for _ in range(2)]
    assert [r.stderr.strip().split("\n")[-1] for r in runs] == ["False", "False"], [r.stderr for r in runs]
    bad = tmp_path / "bad.yaml"
    bad.write_text("partner: {name: X, colour: red}\n")
    r = subprocess.run([sys.executable, "-c", script, str(bad), str(tmp_path / "r.md")], capture_output=True,
                       text=True, env=env, cwd=tmp_path)
    assert "unknown key 'colour'" in r.stderr and r.stderr.strip().endswith("True")  # jsonschema words it


def _mutations(data: Any, rnd: Any, n: int) -> list[Any]:
    """Copies of `data` with one node replaced by an odd value."""
    import copy

    odd = [None, True, 0, 1.0, 2.5, -1, "", "X Y", "a", [], {}, ["a", "a"], {"zz": 1}, "1.2", 10**30]
    out = []
    for _ in range(n):
        d = copy.deepcopy(data)
        node, key = d, None
        for _depth in range(rnd.randint(1, 6)):
            parent = node
            if isinstance(node, dict) and node:
                key = rnd.choice(sorted(node, key=str))
            elif isinstance(node, list) and node:
                key = rnd.randrange(len(node))
            else:
                break
            node = parent[key]
            if rnd.random() < 0.3 or not isinstance(node, (dict, list)):
                parent[key] = rnd.choice(odd)
                break
        if isinstance(node, dict) and rnd.random() < 0.3:
            node["unexpected"] = 1
        out.append(d)
    return out


def test_pack_files_are_checked_quickly_and_never_passed_when_invalid() -> None:
    import random

    from playbook.base.resources import bundled_packs
    from playbook.base.yamlio import load_file
    from playbook.pack.schema import manifest_schema, pack_file_schema

    rnd = random.Random(11)
    for f in sorted(bundled_packs()["default"].glob("*.yaml")):
        schema = manifest_schema() if f.name == "pack.yaml" else pack_file_schema()
        data = load_file(f).data
        assert _surely_valid(data, schema), f  # a valid shipped file needs no jsonschema
        validator = jsonschema.Draft202012Validator(schema)
        for d in _mutations(data, rnd, 40):
            assert not _surely_valid(d, schema) or validator.is_valid(d), f
