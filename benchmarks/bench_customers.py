"""Customer rows at scale (issue 14): `python benchmarks/bench_customers.py [--runs N]`.

A cold `playbook assess --format json` and `--format html` with 0, 1,000,
10,000 and 100,000 generated customer rows (examples/make_customers.py), the
time and peak memory each adds over the same answers file with no customers.
Goal: 100,000 rows add at most 2 s and 200 MB to a JSON run, and the HTML
stays under 300 KB. `bench.py` calls `run()` and prints its lines.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from make_customers import csv_text  # noqa: E402

SIZES = (0, 1_000, 10_000, 100_000)
ANSWERS = (ROOT / "examples" / "customers-partner.yaml").read_text(encoding="utf-8")


def _once(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak MB of one run, measured
    in a fresh child of a fresh child, so RUSAGE_CHILDREN holds that run alone.
    CPU time is the figure to judge on a shared machine: wall time there grows
    with the other jobs' load."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True, cwd=ROOT)
    secs, cpu, kb = out.stdout.split()
    return float(secs), float(cpu), int(kb) / 1024


def run(runs: int = 3) -> list[str]:
    lines = [f"{'rows':>8} {'json s':>8} {'+s':>7} {'cpu s':>7} {'+cpu s':>7} {'json MB':>8} {'+MB':>7} "
             f"{'html s':>8} {'html KB':>8}"]
    with tempfile.TemporaryDirectory(prefix="playbook-bench-customers-") as tmp:
        base_t = base_c = base_m = 0.0
        for n in SIZES:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            answers = folder / "answers.yaml"
            if n:
                (folder / "customers.csv").write_text(csv_text(n), encoding="utf-8")
                answers.write_text(ANSWERS, encoding="utf-8")
            else:
                answers.write_text(ANSWERS.replace("customers: customers.csv\n", ""), encoding="utf-8")
            cmd = [sys.executable, "-m", "playbook", "assess", str(answers), "-o", str(folder / "r.json")]
            _once(cmd)  # warm the disk, the bytecode and the pack cache
            samples = [_once(cmd) for _ in range(runs)]
            t = statistics.median(s[0] for s in samples)
            c = statistics.median(s[1] for s in samples)
            m = max(s[2] for s in samples)
            html = folder / "r.html"
            th = time.perf_counter()
            subprocess.run([sys.executable, "-m", "playbook", "assess", str(answers), "-o", str(html)], check=True,
                           cwd=ROOT, stdout=subprocess.DEVNULL)
            th = time.perf_counter() - th
            if not n:
                base_t, base_c, base_m = t, c, m
            lines.append(f"{n:>8,} {t:>8.2f} {t - base_t:>+7.2f} {c:>7.2f} {c - base_c:>+7.2f} {m:>8.0f} "
                         f"{m - base_m:>+7.0f} {th:>8.2f} "
                         f"{html.stat().st_size / 1000:>8.0f}")
    lines.append("goal: 100,000 rows add <= 2 s and <= 200 MB to the JSON run; HTML < 300 KB")
    return lines


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    print("\n".join(run(ap.parse_args().runs)))
