from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run, so a failure there reproduces on a
# developer's machine with HYPOTHESIS_PROFILE=ci; locally examples vary.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

# The validated-pack cache goes to a throwaway folder, so tests neither read
# a stale cache from the developer's home nor leave files in it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="playbook-test-cache-")

from playbook.base.model import Pack  # noqa: E402 - after the cache folder is set
from playbook.pack.load import load_pack  # noqa: E402

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


# Tests that drive Chromium are slow by nature; the rest mark themselves
# (PDF rendering, wheel installs, fuzzing) with @pytest.mark.slow, so that
# `pytest -m "not slow"` is the quick everyday loop.
BROWSER_FIXTURES = frozenset({"browser"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
