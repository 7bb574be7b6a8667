"""The per-user pack cache: data only, in a folder only the user can write."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from playbook.base.model import Leaf, Pack
from playbook.errors import InvalidInput
from playbook.pack import cache
from playbook.pack.load import load_pack
from tests.conftest import MINI

pytestmark = pytest.mark.skipif(not cache._SUPPORTED, reason="the cache needs POSIX dir_fd and O_NOFOLLOW")


@pytest.fixture()
def cache_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pack cache switched on, in a folder of its own, working in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cache" / "playbook"


def _overlay(folder: Path, extends: str) -> Path:
    folder.mkdir()
    (folder / "pack.yaml").write_text(f"id: overlay\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nextends: {extends}\n")
    return folder


def _copy_mini(tmp_path: Path) -> Path:
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    return pack


def _entry(folder: Path) -> Path:
    (entry,) = folder.glob("pack-*.msgpack")
    return entry


def _planted(entry: Path, good: Pack, stamp: str | None = None) -> bytes:
    """A well-formed entry that holds a pack renamed 'planted': read, it shows."""
    real_stamp, digest, dirs, _ = cache.decode(entry.read_bytes())
    return cache.encode((stamp or real_stamp, digest, dirs, dataclasses.replace(good, name="planted")))


def test_validated_pack_is_cached_and_an_edit_invalidates_it(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    first = load_pack(pack)
    entry = _entry(cache_on)
    assert entry.stat().st_mode & 0o777 == 0o600 and cache_on.stat().st_mode & 0o777 == 0o700
    assert load_pack(pack) == first

    content = pack / "content.yaml"
    content.write_text(content.read_text().replace("title:", "titel:", 1))
    with pytest.raises(InvalidInput) as exc:
        load_pack(pack)
    assert any(p.code == "unknown-key" for p in exc.value.problems)


def _leaves(o: object) -> list[Leaf]:
    if isinstance(o, Leaf):
        return [o]
    if dataclasses.is_dataclass(o):
        return [x for f in dataclasses.fields(o) for x in _leaves(getattr(o, f.name))]
    if isinstance(o, (tuple, list)):
        return [x for v in o for x in _leaves(v)]
    if isinstance(o, dict):
        return [x for v in o.values() for x in _leaves(v)]
    return []


def test_the_cache_holds_data_the_model_reads_back_equal(default_pack: Pack) -> None:
    import re

    from playbook.errors import Problem

    # every kind of value in the model: Condition unions, Any operands (tuples), dicts, Problems
    pack = dataclasses.replace(default_pack, warnings=(Problem("f.yaml", 3, 4, "odd", "odd", "warning"),))
    back = cache.decode(cache.encode(pack))
    assert back == pack and type(back.warnings[0]) is Problem
    assert any(type(leaf.value) is tuple for leaf in _leaves(back))  # an Any operand is still a tuple
    code = "".join(f.read_text() for f in Path(cache.__file__).parent.rglob("*.py"))
    assert not re.search(r"import pickle|from pickle|pickle\.loads?\(|marshal\.loads?\(", code)


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


def test_a_well_formed_entry_is_really_read_but_not_one_others_could_write(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    entry.write_bytes(_planted(entry, good))
    assert load_pack(pack).name == "planted"  # the cache is really read (so the refusals below mean something)
    entry.write_bytes(_planted(entry, good))
    entry.chmod(0o666)
    assert load_pack(pack) == good


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path, cache_on: Path, mode: int) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    planted = _planted(entry, good)
    entry.write_bytes(planted)
    cache_on.chmod(mode)
    try:
        assert load_pack(pack) == good  # not read...
        assert entry.read_bytes() == planted and os.listdir(cache_on) == [entry.name]  # ...nor written
    finally:
        cache_on.chmod(0o700)


def test_a_symlinked_cache_folder_is_not_used(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    elsewhere = tmp_path / "elsewhere"
    cache_on.rename(elsewhere)
    entry = _entry(elsewhere)
    planted = _planted(entry, good)
    entry.write_bytes(planted)
    cache_on.symlink_to(elsewhere)
    assert load_pack(pack) == good
    assert entry.read_bytes() == planted and os.listdir(elsewhere) == [entry.name]


def test_a_symlinked_cache_file_is_not_followed_nor_written_through(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    # the link points at a file of the user's that holds a well-formed entry
    target = tmp_path / "users-own-file"
    target.write_bytes(_planted(entry, good))
    before = target.read_bytes()
    entry.unlink()
    entry.symlink_to(target)
    assert load_pack(pack) == good
    assert target.read_bytes() == before
    # the rewritten entry replaced the link, not its target
    assert not entry.is_symlink() and load_pack(pack) == good


@pytest.mark.parametrize("damage", [
    b"", b"not msgpack at all", b"\x93\x01\x02",  # garbage, a short tree
    None,  # truncated
    # a tree naming a class outside the model, and one whose fields differ from the definition
    cache.encode(["stamp", "d", [], [6, "system", "echo hi"]]),
    cache.encode(["stamp", "d", [], [6, "Loc", "f"]]),
])
def test_a_corrupt_cache_file_is_ignored(tmp_path: Path, cache_on: Path, damage: bytes | None) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    entry.write_bytes(entry.read_bytes()[:-100] if damage is None else damage)
    assert load_pack(pack) == good
    assert load_pack(pack) == good and cache.read(entry.name, lambda root, spec: None) == good  # rewritten


def test_a_planted_pickle_is_never_run(tmp_path: Path, cache_on: Path) -> None:
    # what the old pickle cache would have executed: a payload that leaves a marker file
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    marker = tmp_path / "ran"
    entry.write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    entry.chmod(0o600)
    assert load_pack(pack) == good and not marker.exists()


def test_a_fifo_as_the_cache_file_does_not_block(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    entry.unlink()
    os.mkfifo(entry)
    assert load_pack(pack) == good


def test_a_planted_temporary_symlink_is_not_written_through(tmp_path: Path, cache_on: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    entry.unlink()
    # make the temporary's name predictable and plant a link under it
    monkeypatch.setattr(cache.os, "urandom", lambda n: b"\0" * n)
    victim = tmp_path / "victim.yaml"
    victim.write_text("precious: true\n")
    tmp = cache_on / f".{entry.name}.{os.getpid()}.{'00' * 6}.tmp"
    tmp.symlink_to(victim)
    assert load_pack(pack) == good
    assert victim.read_text() == "precious: true\n" and tmp.is_symlink() and not entry.exists()


def test_an_entry_from_a_different_code_version_is_ignored(tmp_path: Path, cache_on: Path) -> None:
    pack = _copy_mini(tmp_path)
    good = load_pack(pack)
    entry = _entry(cache_on)
    entry.write_bytes(_planted(entry, good, stamp="1\x000.0.1\x00an older playbook"))
    assert load_pack(pack) == good


def test_no_cache_when_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PLAYBOOK_NO_CACHE", "1")
    load_pack(MINI)
    assert not (tmp_path / "cache").exists()


def test_a_read_only_cache_folder_does_not_stop_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    assert load_pack(MINI).id


def test_the_cache_key_changes_with_the_package_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import playbook.pack.load as loader

    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    before = cache.cache_file(MINI)
    code = Path(loader.__file__)
    st = code.stat()
    try:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert cache.cache_file(MINI) != before
    finally:
        os.utime(code, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.cache_file(MINI) == before


def test_a_re_pointed_symlink_in_extends_is_seen(tmp_path: Path, cache_on: Path) -> None:
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


def test_cache_files_unused_for_a_month_and_old_pickles_are_pruned(cache_on: Path) -> None:
    folder = cache_on
    folder.mkdir(parents=True, mode=0o700)
    stale, recent, pickle = folder / "pack-old.msgpack", folder / "pack-new.msgpack", folder / "pack-new.pickle"
    for f, age in ((stale, 31), (recent, 5), (pickle, 1)):
        f.write_bytes(b"x")
        os.utime(f, (time.time() - age * 86400,) * 2)
    load_pack(MINI)
    assert not stale.exists() and not pickle.exists() and recent.exists()
    assert len(list(folder.glob("pack-*.msgpack"))) == 2


def test_compiled_templates_are_read_only_from_the_checked_cache_folder(cache_on: Path, default_pack: Pack,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # a compiled template is marshalled code: it gets the same folder and checks as the pack cache
    import jinja2

    from playbook.answers.check import load_answers
    from playbook.engine.evaluation import evaluate
    from playbook.report import env
    from playbook.report.render import render as render_once
    from tests.conftest import EXAMPLES

    def render(*args: Any) -> bytes:
        # the environment is kept per process; a fresh one, as a new run would make, reads the cache
        env._environment.cache_clear()
        return render_once(*args)

    result = evaluate(default_pack, load_answers(EXAMPLES / "grow-stage.yaml", default_pack))
    html = render(result, default_pack, "html")
    compiled = list(cache_on.glob("tpl-*.cache"))
    assert compiled and all(f.stat().st_mode & 0o777 == 0o600 for f in compiled)
    loaded: list[int] = []
    real = jinja2.bccache.Bucket.bytecode_from_string
    monkeypatch.setattr(jinja2.bccache.Bucket, "bytecode_from_string",
                        lambda self, data: (loaded.append(1), real(self, data))[1])
    cache_on.chmod(0o777)
    try:
        assert render(result, default_pack, "html") == html and not loaded
    finally:
        cache_on.chmod(0o700)
    assert render(result, default_pack, "html") == html and loaded


def test_a_pack_saved_between_load_and_cache_write_is_not_served_stale(
        tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry's digest is of the bytes that were parsed: an edit saved while the
    pack was being validated leaves an entry that does not match the new file."""
    import playbook.pack.load as loader

    pack = _copy_mini(tmp_path)
    manifest = pack / "pack.yaml"
    real_load = loader._load

    def load_then_save(spec: object) -> object:
        out = real_load(spec)  # type: ignore[arg-type]
        text = manifest.read_text()
        manifest.write_text(text.replace(f"name: {out[0].name}", "name: Saved Meanwhile", 1))
        return out

    monkeypatch.setattr(loader, "_load", load_then_save)
    first = load_pack(pack)
    assert "Saved Meanwhile" in manifest.read_text() and first.name != "Saved Meanwhile"
    monkeypatch.setattr(loader, "_load", real_load)
    assert load_pack(pack).name == "Saved Meanwhile"
