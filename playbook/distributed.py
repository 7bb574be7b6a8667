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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from playbook.batch import BatchConfig, Row, assess_one, plan_tasks
from playbook.errors import UsageError

RETRIES = 2  # an exception inside a task (not a dead worker, which Dask handles itself)


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
                    client: Any = None, progress: Callable[[Row], None] | None = None) -> list[Row]:
    """Assess `files` on the cluster at `address` (or on `client`); rows in input order."""
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
        for fut in as_completed(list(futures)):  # type: ignore[no-untyped-call]
            try:
                row = fut.result()
            except Exception as exc:  # retries used up (a bug, or workers dying again and again)
                row = Row(futures[fut], status="error", errors=1,
                          messages=(f"{futures[fut]}: error: the task failed on the cluster "
                                    f"({type(exc).__name__}: {exc}); nothing was written for it",))
            row = Row(futures[fut], row.partner, row.stage, row.stage_status, row.status, row.errors,
                      row.warnings, row.output, row.messages)
            rows[row.file] = row
            if progress:
                progress(row)
    finally:
        if owned:
            cl.close()
    _remove_stale_temporaries(out_dir, [t[1] for t in tasks])
    return [rows[t[0]] for t in tasks]


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
    """write_atomic's temporary files (.NAME.xxxx.tmp) left by a worker killed mid-write."""
    for name in names:
        for tmp in out_dir.glob(f".{name}.*.tmp"):
            try:
                tmp.unlink()
            except OSError:
                pass
