"""The batch on a Dask cluster: identical reports, and a killed worker loses nothing.

A LocalCluster with two worker processes; skipped when dask[distributed] is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from playbook.batch import BatchConfig, collect_inputs, run_local

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install '.[dask]')")

N = 30  # enough HTML reports that a worker is busy when it is killed


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as client:
        yield client


@pytest.fixture(scope="module")
def partners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("partners")
    src = [EXAMPLES / "grow-stage.yaml", EXAMPLES / "start-stage.yaml", EXAMPLES / "optimize-stage.yaml"]
    for i in range(N):
        shutil.copy(src[i % 3], d / f"p{i:02d}.yaml")
    (d / "zz-broken.yaml").write_text("answers: {adoption_plans: maybe}\n")
    return d


def _outputs(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in d.iterdir()}


def test_identical_to_a_local_run(cluster: Any, partners: Path, tmp_path: Path) -> None:
    from playbook.distributed import run_distributed

    files = collect_inputs([partners])[:7] + [partners / "zz-broken.yaml"]
    local, dist = tmp_path / "local", tmp_path / "dist"
    local.mkdir()
    dist.mkdir()
    rows_l = run_local(files, BatchConfig(out_dir=str(local), fmt="html"), jobs=1)
    rows_d = run_distributed(files, BatchConfig(out_dir=str(dist), fmt="html"), client=cluster)
    assert [(r.file, r.status, r.stage) for r in rows_l] == [(r.file, r.status, r.stage) for r in rows_d]
    assert rows_d[-1].status == "invalid"
    assert _outputs(local) == _outputs(dist) and len(_outputs(dist)) == 7


def test_a_worker_killed_mid_run_loses_nothing(cluster: Any, partners: Path, tmp_path: Path) -> None:
    from playbook.distributed import run_distributed

    files = collect_inputs([partners])
    out = tmp_path / "out"
    out.mkdir()
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        # wait until reports are being written, then kill a worker that holds a task
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(out.iterdir()):
                for addr, keys in cluster.processing().items():
                    if keys:
                        pid = cluster.run(os.getpid, workers=[addr])[addr]
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                        return
            time.sleep(0.005)

    t = threading.Thread(target=kill_a_busy_worker)
    t.start()
    rows = run_distributed(files, BatchConfig(out_dir=str(out), fmt="html"), client=cluster)
    t.join()
    assert killed, "the run ended before a worker could be killed"
    assert sum(r.ok for r in rows) == N and rows[-1].status == "invalid"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"p{i:02d}-report.html" for i in range(N))  # no temporary files left
    assert all(p.read_bytes().rstrip().endswith(b"</html>") for p in out.iterdir())
