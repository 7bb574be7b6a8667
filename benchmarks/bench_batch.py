"""Batch benchmarks (issue 13 point 8): `python benchmarks/bench_batch.py [--quick]`.

Also called from bench.py as `bench_batch.run(print)`. Measures, in one run on
this machine:
- 1,000 partners to JSON in one `playbook assess DIR --out-dir` run (goal <= 6 s),
  against the engine's own in-process rate over the same files (goal: within 1.2x
  of that rate on two workers);
- 1,000 partners to HTML (goal <= 12 s);
- PDF throughput --jobs 2 against --jobs 1 on a few partners (goal >= 1.7x);
- peak memory (largest process) at 100 and 10,000 partners to JSON (goal: flat);
- the same HTML batch through a two-worker Dask LocalCluster against --jobs 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["grow-stage.yaml", "start-stage.yaml", "optimize-stage.yaml"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
         "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def make_partners(folder: Path, n: int) -> Path:
    """n answers files, the three examples in turn under distinct names."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [(ROOT / "examples" / e).read_text() for e in EXAMPLES]
    for i in range(n):
        (folder / f"partner-{i:05d}.yaml").write_text(texts[i % 3].replace("name: ", f"name: P{i:05d} ", 1))
    return folder


def _playbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "playbook", *args]


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - t


def peak_mb(cmd: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], check=True, capture_output=True, text=True, env=ENV)
    return int(out.stdout.strip()) / 1024


def in_process_rate(files: list[Path], fmt: str) -> float:
    """Seconds for the engine alone (one process, pack loaded once, no writes)."""
    from playbook.api import Assessor

    a = Assessor("default")
    t = time.perf_counter()
    for f in files:
        a.render(a.assess_file(f), fmt)
    return time.perf_counter() - t


def run(say: Callable[[str], None] = print, quick: bool = False) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="playbook-bench-batch-"))
    res: dict[str, float] = {}
    try:
        n = 200 if quick else 1000
        src = make_partners(tmp / "in", n)
        files = sorted(src.glob("*.yaml"))
        out = tmp / "out"
        out.mkdir()
        timed(_playbook("assess", str(files[0]), "-o", str(tmp / "warm.json")))  # fill the pack cache
        res["json_s"] = timed(_playbook("assess", str(src), "--out-dir", str(out), "--format", "json", "--jobs", "2"))
        res["engine_json_s"] = in_process_rate(files, "json")
        say(f"{n} partners to JSON, one run, --jobs 2: {res['json_s']:.2f} s (goal <= 6 s for 1,000); "
            f"engine in one process {res['engine_json_s']:.2f} s, i.e. {res['engine_json_s'] / 2:.2f} s ideal on "
            f"two workers; ratio {res['json_s'] / (res['engine_json_s'] / 2):.2f}x (goal <= 1.2x)")
        res["html_s"] = timed(_playbook("assess", str(src), "--out-dir", str(out), "--format", "html", "--jobs", "2"))
        say(f"{n} partners to HTML, one run, --jobs 2: {res['html_s']:.2f} s (goal <= 12 s for 1,000)")

        few = make_partners(tmp / "few", 4)
        res["pdf_j1_s"] = timed(_playbook("assess", str(few), "--out-dir", str(out), "--format", "pdf", "--jobs", "1"))
        res["pdf_j2_s"] = timed(_playbook("assess", str(few), "--out-dir", str(out), "--format", "pdf", "--jobs", "2"))
        say(f"4 PDFs: --jobs 1 {res['pdf_j1_s']:.2f} s, --jobs 2 {res['pdf_j2_s']:.2f} s: "
            f"{res['pdf_j1_s'] / res['pdf_j2_s']:.2f}x (goal >= 1.7x)")

        small = make_partners(tmp / "m100", 100)
        big = make_partners(tmp / "m10k", 1000 if quick else 10_000)
        res["peak_100_mb"] = peak_mb(_playbook("assess", str(small), "--out-dir", str(out), "--format", "json",
                                               "--jobs", "2"))
        res["peak_big_mb"] = peak_mb(_playbook("assess", str(big), "--out-dir", str(out), "--format", "json",
                                               "--jobs", "2"))
        say(f"peak memory (largest process), JSON --jobs 2: 100 partners {res['peak_100_mb']:.0f} MB, "
            f"{1000 if quick else 10_000} partners {res['peak_big_mb']:.0f} MB (goal: flat)")

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            say("LocalCluster: skipped (dask[distributed] not installed)")
            return res
        from playbook.batch import BatchConfig
        from playbook.distributed import run_distributed

        part = files[:200]
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
                Client(lc) as client:
            run_distributed(part[:4], BatchConfig(out_dir=str(out), fmt="html"), client=client)  # workers warm
            t = time.perf_counter()
            run_distributed(part, BatchConfig(out_dir=str(out), fmt="html"), client=client)
            res["dask_html_200_s"] = time.perf_counter() - t
        lst = tmp / "l200"
        lst.mkdir()
        for f in part:
            shutil.copy(f, lst / f.name)
        res["jobs2_html_200_s"] = timed(_playbook("assess", str(lst), "--out-dir", str(out), "--format", "html",
                                                  "--jobs", "2"))
        say(f"200 partners to HTML: two-worker LocalCluster {res['dask_html_200_s']:.2f} s (warm workers) against "
            f"--jobs 2 {res['jobs2_html_200_s']:.2f} s (whole command)")
        return res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="200 partners instead of 1,000 (and 1,000 for 10,000)")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args()
    figures = run(print, quick=args.quick)
    if args.json:
        print(json.dumps(figures, indent=2))
