"""Memory of a long-running process that makes PDFs: `python benchmarks/bench_memory.py [N] [ANSWERS]`.

Renders the same partner's PDF N times in one process (as `playbook serve`,
a batch worker or a Dask worker does) and prints the resident memory after
the first PDF and after the last one, and the peaks. The goal: after the
last PDF, the process (and its peak) within 20 MB of the first PDF's peak.
tests/test_memory.py runs it with N=20.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """The resident set size now (not the peak), from /proc."""
    import os

    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """The highest resident set size so far (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, answers: Path) -> dict[str, object]:
    from playbook.answers.check import load_answers
    from playbook.engine.evaluation import evaluate
    from playbook.pack.load import load_pack
    from playbook.report.render import render

    pack = load_pack("default")
    result = evaluate(pack, load_answers(answers, pack))
    sizes, peaks = [], []
    for _ in range(n):
        render(result, pack, "pdf")
        sizes.append(rss_mb())
        peaks.append(peak_mb())
    return {"pdfs": n, "sizes_mb": [round(s, 1) for s in sizes],
            "after_first_mb": round(sizes[0], 1), "after_last_mb": round(sizes[-1], 1),
            "first_peak_mb": round(peaks[0], 1), "last_peak_mb": round(peaks[-1], 1),
            # the goal: the process after the last PDF stays within 20 MB of the first PDF's peak
            "growth_mb": round(max(sizes[-1], peaks[-1]) - peaks[0], 1)}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    answers = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "examples" / "grow-stage.yaml"
    print(json.dumps(measure(n, answers)))
