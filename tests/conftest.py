from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The validated-pack cache goes to a throwaway folder, so tests neither read
# a stale cache from the developer's home nor leave files in it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="playbook-test-cache-")

from playbook.pack.load import load_pack
from playbook.base.model import Pack

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
