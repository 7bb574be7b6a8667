from __future__ import annotations

from pathlib import Path

import pytest

from playbook.loader import load_pack
from playbook.model import Pack

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "packs" / "mini"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def mini() -> Pack:
    return load_pack(MINI)


@pytest.fixture(scope="session")
def default_pack() -> Pack:
    return load_pack("default")
