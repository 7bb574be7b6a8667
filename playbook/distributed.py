"""The same batch on a Dask distributed cluster (`assess ... --scheduler ADDRESS`).

Each task is `batch.assess_one` for one partner: it assesses, renders and writes
the report atomically into the shared --out-dir, so the reports are byte-identical
to a local run. Workers keep one loaded pack per process (batch._ASSESSORS).
A worker that dies mid-task loses nothing: the scheduler reruns its tasks on
another worker (up to `distributed.scheduler.allowed-failures` times), and the
dead worker's half-written temporary files are removed at the end.

The out-dir (and the answers files) must be reachable under the same path on
every worker: a shared file system, as usual for Dask clusters.
Dask is an optional extra: `pip install 'playbook-assess[dask]'`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from playbook.batch import BatchConfig, Row, assess_one, plan_tasks
from playbook.errors import UsageError

RETRIES = 2  # an exception inside a task (not a dead worker, which Dask handles itself)
NO_WORKER_SECONDS = 30.0  # a cluster with no worker this long will not finish the run: say so
POLL_SECONDS = 0.5


def _client(address: str | None, client: Any) -> tuple[Any, bool]:
    if client is not None:
        return client, False
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'playbook-assess[dask]'") from None
    try:
        return Client(address, timeout="10s"), True  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_distributed(files: Sequence[Path], config: BatchConfig, *, address: str | None = None,
                    client: Any = None, progress: Callable[[Row], None] | None = None,
                    no_worker_seconds: float | None = None) -> list[Row]:
    """Assess `files` on the cluster at `address` (or on `client`); rows in input order.
    A cluster left without any worker for `no_worker_seconds` ends the run with a
    usage error (what happened, how many reports were written, what to do)."""
    limit = NO_WORKER_SECONDS if no_worker_seconds is None else no_worker_seconds
    out_dir = Path(config.out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"--out-dir {out_dir}: no such folder")
    tasks = plan_tasks(files, config)
    cl, owned = _client(address, client)
    try:
        from distributed import as_completed

        # absolute paths: a worker's working directory is not ours
        futures = {cl.submit(assess_one, str(Path(p).resolve()), name, _absolute(config), b and str(Path(b).resolve()),
                             key=f"playbook-assess-{i}-{name}", retries=RETRIES, pure=False): p
                   for i, (p, name, b) in enumerate(tasks)}
        rows: dict[str, Row] = {}
        pending: Any = as_completed(list(futures))  # type: ignore[no-untyped-call]
        alone_since: float | None = None
        while not pending.is_empty():
            finished = pending.next_batch(block=False)
            if not finished:
                alone_since = _watch_workers(cl, alone_since, limit)
                if alone_since is not None and alone_since < 0:
                    cl.cancel(list(futures))
                    raise UsageError(_no_worker_message(address, limit, len(rows), len(tasks)))
                time.sleep(POLL_SECONDS)
                continue
            alone_since = None
            for fut in finished:
                row = _row_of(fut, futures[fut])
                rows[row.file] = row
                if progress:
                    progress(row)
    finally:
        if owned:
            cl.close()
        _remove_stale_temporaries(out_dir, [t[1] for t in tasks])
    return [rows[t[0]] for t in tasks]


def _row_of(fut: Any, file: str) -> Row:
    try:
        row: Row = fut.result()
    except Exception as exc:  # retries used up (a bug, or workers dying again and again)
        return Row(file, status="error", errors=1,
                   messages=(f"{file}: error: the task failed on the cluster "
                             f"({type(exc).__name__}: {exc}); nothing was written for it",))
    return Row(file, row.partner, row.stage, row.stage_status, row.status, row.errors,
               row.warnings, row.output, row.messages)


def _watch_workers(cl: Any, alone_since: float | None, limit: float) -> float | None:
    """None while workers are there; the time the last one went; -1 once that is over `limit`."""
    try:
        workers = len(cl.nthreads())
    except Exception:  # the scheduler itself is gone: as good as no worker
        workers = 0
    if workers:
        return None
    now = time.monotonic()
    if alone_since is None:
        return now
    return -1.0 if now - alone_since >= limit else alone_since


def _no_worker_message(address: str | None, limit: float, done: int, total: int) -> str:
    where = f"at {address}" if address else "in use"
    return (f"the Dask cluster {where} has had no worker for {limit:g} s, so the batch cannot finish "
            f"({done} of {total} partners done, their reports written); start workers "
            f"(`dask worker {address or 'SCHEDULER_ADDRESS'}`) and run again, or run without --scheduler")


def _absolute(config: BatchConfig) -> BatchConfig:
    import dataclasses

    def ab(p: str | None) -> str | None:
        return str(Path(p).resolve()) if p else None
    pack = config.pack_spec
    if pack and ("/" in pack or "\\" in pack):  # a folder, not a bundled id
        pack = str(Path(pack).resolve())
    return dataclasses.replace(config, pack_spec=pack, out_dir=str(Path(config.out_dir).resolve()), brand_file=ab(config.brand_file),
                               template_dir=ab(config.template_dir))


def _remove_stale_temporaries(out_dir: Path, names: Sequence[str]) -> None:
    """The writer's temporary files (.NAME.xxxx.tmp) left by a worker killed mid-write."""
    for name in names:
        for tmp in out_dir.glob(f".{name}.*.tmp"):
            try:
                tmp.unlink()
            except OSError:
                pass
