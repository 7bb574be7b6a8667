from __future__ import annotations

from pathlib import Path

import pytest

from playbook.errors import InvalidInput, UsageError
from playbook.loader import engine_compatible, load_pack, resolve_pack_dir
from tests.conftest import DATA, MINI

BROKEN = DATA / "packs" / "broken"


def test_mini_pack_loads(mini) -> None:
    assert mini.id == "mini"
    assert [a.id for a in mini.actions] == ["formal_onboarding", "renewals_early", "gather_references",
                                         "ip_margin_healthy", "reduce_churn", "raise_nps"]
    assert mini.content_hash.startswith("sha256:")
    assert load_pack(MINI).content_hash == mini.content_hash


def test_broken_pack_reports_one_error_per_mistake() -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(BROKEN)
    got = [(p.line, p.code) for p in exc.value.problems if p.severity == "error"]
    assert got == [
        (19, "unknown-key"),      # priorty
        (24, "unknown-key"),      # greater_than
        (29, "unknown-metric"),   # churn_rate_anual
        (35, "cycle"),
        (42, "duplicate-id"),
        (51, "operator-type"),
        (56, "unknown-value"),
    ]
    text = "\n".join(p.format() for p in exc.value.problems)
    assert "did you mean 'gt'?" in text
    assert "did you mean 'churn_rate_annual'?" in text
    assert "did you mean 'scheduled'?" in text
    assert all(p.file.endswith("content.yaml") and p.column > 0 for p in exc.value.problems)


def _pack(tmp_path: Path, manifest: str, content: str) -> Path:
    (tmp_path / "pack.yaml").write_text(manifest)
    (tmp_path / "content.yaml").write_text(content)
    return tmp_path


MANIFEST = "id: t\nname: T\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n"


@pytest.mark.parametrize("content,code", [
    ("actions:\n  - {id: a, title: A, phase: grow, area: x, done_when: {question: q, eq: yes}, requires: [b]}\n"
     "  - {id: b, title: B, phase: optimize, area: x, done_when: {question: q, eq: yes}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "prerequisite-phase"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, eq: yes}, requires: [zz]}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "unknown-action"),
    ("actions:\n  - {id: a, title: A, phase: start, area: y, done_when: {question: q, eq: yes}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "unknown-area"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, eq: maybe}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "operand-type"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, lt: 3}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "operator-type"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, when: {all: [{question: q, eq: yes}], any: []}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "items"),
    ("metrics:\n  - {id: m, name: M, unit: count, better: higher, derive: {formula: {add: [{metric: n}, 1]}}}\n"
     "  - {id: n, name: N, unit: count, better: higher, derive: {formula: {add: [{metric: m}, 1]}}}\n", "cycle"),
    ("benchmarks:\n  - {id: b, metric: nope, target: {ge: 1}, target_text: x}\n", "unknown-metric"),
    ("actions: {}\n", "type"),
    ("- just a list\n", "type"),
])
def test_cross_reference_errors(tmp_path: Path, content: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    assert code in [p.code for p in exc.value.problems], exc.value


def test_engine_range_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs engine >=9"):
        load_pack(_pack(tmp_path, MANIFEST.replace(">=0.1,<1", ">=9"), "{}\n"))


@pytest.mark.parametrize("spec,ok", [(">=0.1,<1", True), (">=0.2", False), ("==0.1", True), ("<0.1", False),
                                     ("~=0.1", True), ("bogus", None)])
def test_engine_compatible(spec: str, ok: bool | None) -> None:
    assert engine_compatible(spec, "0.1.0") is ok


def test_unknown_pack_suggests(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="did you mean 'default'"):
        resolve_pack_dir("defualt")
    with pytest.raises(UsageError, match="no pack.yaml"):
        resolve_pack_dir(str(tmp_path))


def test_unconditional_action_is_a_warning(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path, MANIFEST, "actions:\n  - {id: a, title: A, phase: start, area: x}\n"))
    assert [w.code for w in pack.warnings] == ["unconditional"]


def test_lint_warnings(tmp_path: Path) -> None:
    content = """questions:
  - {id: used, text: U, type: yesno, section: S}
  - {id: unused, text: N, type: yesno, section: S}
metrics:
  - {id: churn, name: C, unit: percent, better: lower}
  - {id: lonely, name: L, unit: count, better: higher}
  - {id: shown, name: S, unit: count, better: higher, track_only: true}
actions:
  - {id: never, title: N, phase: start, area: x, when: {all: [{metric: churn, gt: 50}, {metric: churn, lt: 10}]}}
  - {id: over, title: O, phase: start, area: x, when: {metric: churn, gt: 100}}
  - {id: fine, title: F, phase: start, area: x, when: {metric: churn, gt: 10}, done_when: {question: used, eq: yes}}
  - {id: undoable, title: U, phase: start, area: x, when: {metric: churn, gt: 10}, done_when: {all: [{question: used, eq: yes}, {question: used, eq: no}]}}
benchmarks:
  - {id: churn_ok, metric: churn, target: {le: 10}, target_text: 10 % or less}
  - {id: churn_pct, metric: churn, target: {ge: 120}, target_text: written as a ratio}
  - {id: churn_never, metric: churn, target: {le: 10}, target_text: x, applies_when: {metric: churn, lt: -1}}
"""
    pack = load_pack(_pack(tmp_path, MANIFEST, content))
    got = sorted((w.line, w.code) for w in pack.warnings)
    assert got == [(3, "unused-question"), (6, "unused-metric"), (9, "never-true"), (10, "never-true"),
                   (12, "never-true"), (15, "never-true"), (16, "never-true")]
    assert any("'undoable' can never be done: question 'used' cannot equal both" in w.message for w in pack.warnings)
    assert any("benchmark 'churn_pct' can never be met: no value of metric 'churn' satisfies it (its range is 0 to 100)"
               in w.message for w in pack.warnings)
    assert any("benchmark 'churn_never' can never apply" in w.message for w in pack.warnings)
    assert all(w.severity == "warning" for w in pack.warnings)


@pytest.fixture()
def cache_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pack cache switched on, in a folder of its own, working in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cache" / "playbook"


def test_an_item_dropped_for_its_own_error_does_not_also_make_its_question_unused(tmp_path: Path) -> None:
    content = ("actions:\n  - {id: a, title: A, phase: strat, area: x, done_when: {question: q, eq: yes}}\n"
               "questions: [{id: q, text: Q, type: yesno, section: S}]\n"
               "metrics: [{id: m, name: M, unit: count, better: higher}]\n")
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    # one mistake, one message; the metric really is unused and still says so
    assert [(p.code, p.severity) for p in exc.value.problems] == [("enum", "error"), ("unused-metric", "warning")]


def test_references_to_an_item_dropped_for_its_own_error_are_not_errors_too(tmp_path: Path) -> None:
    content = ("metrics:\n  - {id: m, name: M, unit: percent, beter: lower}\n"
               "  - {id: d, name: D, unit: number, better: higher, derive: {formula: {add: [{metric: m}, 1]}}}\n"
               "questions: [{id: q, text: Q, type: yesnoo, section: S}]\n"
               "benchmarks: [{id: b, metric: m, target: {le: 10}, target_text: x}]\n"
               "actions:\n  - {id: a, title: A, phase: start, area: x, when: {metric: m, gt: 10},"
               " done_when: {question: q, eq: yes}}\n")
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    errors = [(p.line, p.code) for p in exc.value.problems if p.severity == "error"]
    # the misspelt key (twice: 'better' missing, 'beter' unknown) and the bad type; no "unknown metric/question"
    assert sorted(errors) == [(2, "missing-key"), (2, "unknown-key"), (4, "enum")], exc.value.problems


def _overlay(folder: Path, extends: str) -> Path:
    folder.mkdir()
    (folder / "pack.yaml").write_text(f"id: overlay\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: {extends}\n")
    return folder


def _copy_mini(tmp_path: Path) -> Path:
    import shutil
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    return pack


def test_validated_pack_is_cached_and_an_edit_invalidates_it(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    first = load_pack(pack)
    cached = list((tmp_path / "cache" / "playbook").glob("pack-*.pickle"))
    assert len(cached) == 1 and cached[0].stat().st_mode & 0o777 == 0o600
    assert load_pack(pack) == first

    content = pack / "content.yaml"
    content.write_text(content.read_text().replace("title:", "titel:", 1))
    with pytest.raises(InvalidInput) as exc:
        load_pack(pack)
    assert any(p.code == "unknown-key" for p in exc.value.problems)


def test_an_edit_is_seen_when_the_pack_is_outside_the_working_directory_and_in_a_base_layer(
        tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # messages name such files relative to the pack's parent, not the working directory
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    base = _copy_mini(tmp_path)
    overlay = _overlay(tmp_path / "overlay", "../mini")
    assert load_pack(overlay).id == "overlay"
    content = base / "content.yaml"
    content.write_text(content.read_text().replace("title:", "titel:", 1))
    with pytest.raises(InvalidInput):
        load_pack(overlay)
    with pytest.raises(InvalidInput):
        load_pack(base)


def test_a_new_file_in_the_pack_folder_invalidates_the_cache(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    load_pack(pack)
    (pack / "more.yaml").write_text("actions:\n  - id: oops\n")
    with pytest.raises(InvalidInput):
        load_pack(pack)


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path: Path, cache_on: Path) -> None:
    import dataclasses
    import pickle
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    (cache,) = (tmp_path / "cache" / "playbook").glob("pack-*.pickle")
    digest, layer_dirs, _ = pickle.loads(cache.read_bytes())

    def plant(mode: int) -> None:
        cache.write_bytes(pickle.dumps((digest, layer_dirs, dataclasses.replace(good, name="planted"))))
        cache.chmod(mode)

    plant(0o600)
    assert load_pack(pack).name == "planted"  # the cache is really read...
    plant(0o666)
    assert load_pack(pack) == good  # ...but never one that others could have written
    cache.write_bytes(b"not a pickle")
    assert load_pack(pack) == good


def test_no_cache_when_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PLAYBOOK_NO_CACHE", "1")
    load_pack(MINI)
    assert not (tmp_path / "cache").exists()


def test_a_read_only_cache_folder_does_not_stop_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert load_pack(MINI).id


SECTIONED = MANIFEST + """sources:
  - file: g.txt
    sections:
      - Onboarding
      - Renewal strategy
      - {section: Foreword, not_encoded: narrative}
      - {section: Churn, not_encoded: said twice}
"""
SECTION_CONTENT = """questions:
  - {id: q, text: Q, type: yesno, section: S, source: "g.txt § ONBOARDING"}
actions:
  - id: a
    title: A
    phase: start
    area: x
    done_when: {question: q, eq: yes}
    source: "g.txt § Renewal strategies"
checklists:
  - id: c
    title: C
    items:
      - {id: i, text: I, done_when: {question: q, eq: yes}, source: "g.txt § Churn"}
"""


def test_citations_must_name_a_listed_section(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, SECTIONED, SECTION_CONTENT))
    (p,) = [p for p in exc.value.problems if p.severity == "error"]
    assert (p.file.endswith("content.yaml"), p.line, p.column, p.code) == (True, 9, 13, "unknown-section")
    assert "did you mean 'Renewal strategy'?" in p.message


def test_sections_nothing_cites_need_a_reason(tmp_path: Path) -> None:
    content = SECTION_CONTENT.replace("Renewal strategies", "Onboarding")
    pack = load_pack(_pack(tmp_path, SECTIONED, content))
    got = sorted((w.line, w.code) for w in pack.warnings)
    # Renewal strategy is cited by nothing; Churn is cited yet marked not encoded
    assert got == [(10, "uncovered-section"), (12, "cited-not-encoded")]
    (g,) = pack.sources
    assert g.sections[:2] == ("Onboarding", "Renewal strategy") and dict(g.not_encoded)["Foreword"] == "narrative"


def test_the_cache_key_changes_with_the_package_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import playbook.loader as loader

    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    before = loader._cache_file(MINI)
    code = Path(loader.__file__)
    st = code.stat()
    try:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert loader._cache_file(MINI) != before
    finally:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert loader._cache_file(MINI) == before


def test_a_re_pointed_symlink_in_extends_is_seen(tmp_path: Path, cache_on: Path) -> None:
    import shutil

    a = _copy_mini(tmp_path)
    b = tmp_path / "other"
    shutil.copytree(a, b)
    content = (b / "content.yaml").read_text()
    (b / "content.yaml").write_text(content.replace("title: Set up a formal onboarding process", "title: Other title"))
    (tmp_path / "base").symlink_to(a)
    overlay = _overlay(tmp_path / "overlay", "../base")
    load_pack(overlay)
    (tmp_path / "base").unlink()
    (tmp_path / "base").symlink_to(b)
    assert "Other title" not in {a.title for a in load_pack(a).actions}
    assert "Other title" in {a.title for a in load_pack(overlay).actions}


def test_a_folder_named_like_a_bundled_pack_does_not_hide_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playbook.resources import bundled_packs

    (tmp_path / "default").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_pack_dir(None) == resolve_pack_dir("default") == bundled_packs()["default"]
    with pytest.raises(UsageError, match="not a rule pack"):
        resolve_pack_dir("./default")


def test_an_unreadable_file_is_reported_alone(tmp_path: Path) -> None:
    """Its ids would otherwise be reported as unknown wherever they are used."""
    pack = _copy_mini(tmp_path)
    content = pack / "content.yaml"
    text = content.read_text()
    metrics = text.index("metrics:")
    content.write_text(text[:metrics] + "other: !!python/object:os.system {}\n" + text[metrics:])
    with pytest.raises(InvalidInput) as exc:
        load_pack(pack)
    assert [(p.file.endswith("content.yaml"), p.code) for p in exc.value.problems] == [(True, "tag")]


def test_a_yml_file_in_a_pack_is_a_warning_not_silence(tmp_path: Path) -> None:
    pack = _copy_mini(tmp_path)
    (pack / "more.yml").write_text("actions: []\n")
    w = [p for p in load_pack(pack).warnings if p.code == "ignored-file"]
    assert len(w) == 1 and w[0].file.endswith("more.yml") and "end in .yaml" in w[0].message


def test_cache_files_unused_for_a_month_are_pruned(cache_on: Path) -> None:
    import os
    import time

    folder = cache_on
    folder.mkdir(parents=True)
    stale, recent = folder / "pack-old.pickle", folder / "pack-new.pickle"
    for f, age in ((stale, 31), (recent, 5)):
        f.write_bytes(b"x")
        os.utime(f, (time.time() - age * 86400,) * 2)
    load_pack(MINI)
    assert not stale.exists() and recent.exists() and len(list(folder.glob("pack-*.pickle"))) == 2
