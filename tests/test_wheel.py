"""Build the wheel, install it into a fresh virtual environment, run the CLI.

The new environment borrows the already-installed dependencies through a
.pth file (so the test needs no network), but playbook itself comes only
from the wheel, and it runs outside the source tree.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PIP_REQUIRE_VIRTUALENV"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, env=env)
    (whl,) = out.glob("*.whl")
    return whl


def test_installed_wheel_runs_assess(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    target = Path(subprocess.check_output(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    # dependencies from the running interpreter, after the venv's own site-packages;
    # the editable finder of a development install is left out on purpose
    paths = [p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]] if Path(p).is_dir()]
    (target / "zz_deps.pth").write_text("\n".join(dict.fromkeys(paths)) + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    script = env_dir / "bin" / "playbook"

    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.check_output([str(py), "-c", "import playbook, playbook.base.resources as r; "
                                     "print(playbook.__file__); print(r.data_dir('assessments'))"],
                                    text=True, cwd=work).split()
    assert where[0].startswith(str(target)) and where[1].startswith(str(target)), where
    example = next(EXAMPLES.glob("*.yaml"))
    r = subprocess.run([str(script), "assess", str(example)], capture_output=True, text=True, cwd=work)
    assert r.returncode == 0, r.stderr
    report = work / f"{example.stem}-report.html"
    assert r.stdout.strip() == str(report) and report.read_text().startswith("<!DOCTYPE html>")
    r = subprocess.run([str(script), "validate", str(example)], capture_output=True, text=True, cwd=work)
    assert r.returncode == 0, r.stderr
