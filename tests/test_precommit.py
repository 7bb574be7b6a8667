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
