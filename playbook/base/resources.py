"""Where the bundled packs, schemas and templates are.

In a wheel they are copied to playbook/_data/ (see pyproject.toml); in a
source checkout or an editable install they are read from the repository's
top-level folders.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """The folder holding bundled `assessments`, `schemas` or `templates`."""
    packaged = Path(str(resources.files("playbook"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    # playbook/base/resources.py -> the repository's top level
    return Path(__file__).resolve().parents[2] / name


def bundled_packs() -> dict[str, Path]:
    root = data_dir("assessments")
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if (p / "pack.yaml").is_file()}
