from __future__ import annotations

import sys

import pytest

from playbook import precommit
from tests.conftest import DATA, MINI


def test_precommit_validates_the_packs_of_changed_files(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["x", str(MINI / "content.yaml"), str(MINI / "tests" / "basic.yaml")])
    with pytest.raises(SystemExit) as exc:
        precommit.main()
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip().endswith("mini: ok")


def test_precommit_fails_on_a_broken_pack(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["x", str(DATA / "packs" / "broken" / "content.yaml")])
    with pytest.raises(SystemExit) as exc:
        precommit.main()
    assert exc.value.code == 1
    assert "unknown metric 'churn_rate_anual'" in capsys.readouterr().err


def _repo(tmp_path):  # type: ignore[no-untyped-def]
    """A client repository: answers files beside CI workflows, mkdocs.yml and compose files."""
    from tests.conftest import EXAMPLES

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {test: {runs-on: ubuntu-latest}}\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Clients\nnav: [index.md]\n")
    (tmp_path / "docker-compose.yaml").write_text("services: {web: {image: nginx}}\n")
    (tmp_path / "clients").mkdir()
    good = tmp_path / "clients" / "fabrikam.yaml"
    good.write_text((EXAMPLES / "grow-stage.yaml").read_text())  # has the modeline on line 1
    bad = tmp_path / "clients" / "broken.yaml"
    bad.write_text("# yaml-language-server: $schema=https://example.org/schemas/answers.schema.json\n"
                   "answers: {adoption_plans: maybe}\n")
    plain = tmp_path / "clients" / "no-modeline.yaml"
    plain.write_text("answers: {adoption_plans: maybe}\n")
    others = [tmp_path / ".github" / "workflows" / "ci.yml", tmp_path / "mkdocs.yml",
              tmp_path / "docker-compose.yaml"]
    return good, bad, plain, others


def test_only_answers_files_and_packs_are_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good, bad, plain, others = _repo(tmp_path)
    assert precommit.targets([str(p) for p in [good, bad, plain, *others]]) == [str(good), str(bad)]
    assert precommit.targets([str(p) for p in others]) == []
    # with --answers-files, the hook's files: pattern says what is an answers file
    assert precommit.targets([str(plain)], answers_files=True) == [str(plain)]
    assert precommit.targets([str(MINI / ".github" / "x.yml"), str(MINI / "content.yaml")]) == [str(MINI)]


def test_a_commit_touching_ci_and_mkdocs_passes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good, _, _, others = _repo(tmp_path)
    monkeypatch.setattr(sys, "argv", ["x", str(good), *map(str, others)])
    with pytest.raises(SystemExit) as exc:
        precommit.main()
    assert exc.value.code == 0


def test_a_broken_answers_file_fails_the_commit(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _, bad, _, others = _repo(tmp_path)
    monkeypatch.setattr(sys, "argv", ["x", str(bad), *map(str, others)])
    with pytest.raises(SystemExit) as exc:
        precommit.main()
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "adoption_plans" in err and "mkdocs" not in err and "ci.yml" not in err
