"""Benchmarks of the browser path: `python benchmarks/bench_web.py [--runs N] [--requests N]`.

- `playbook form`: cold time to write the questionnaire, and its size (target < 300 KB);
- `playbook serve` on loopback (one worker process per core): response time of
  the HTML report (median, 95th percentile) and reports a second with 20
  concurrent clients, against the rate one process makes the same report
  in-process times the cores (goal: at least 0.8 of it); and of the PDF,
  alone and with 4 clients (PDFs are rendered one at a time per worker).

bench.py calls `measure()` and prints `lines()`; run alone, this prints them.
The request counts are bounded so a run takes well under a minute.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "grow-stage.yaml"
FORM_LIMIT_KB = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(0.95 * len(xs)) - 1))]


def _load(url: str, body: bytes, clients: int, requests: int) -> tuple[list[float], int]:
    """`requests` POSTs from `clients` threads at once: each one's time, and how many failed."""
    def one(_: int) -> tuple[float, bool]:
        t = time.perf_counter()
        req = Request(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urlopen(req, timeout=120) as r:
                r.read()
                ok = r.status == 200
        except OSError:
            ok = False
        return time.perf_counter() - t, ok

    with ThreadPoolExecutor(clients) as pool:
        got = list(pool.map(one, range(requests)))
    return [t for t, _ in got], sum(not ok for _, ok in got)


def in_process_rate(answers: Path, seconds: float = 3.0) -> float:
    """Reports a second one process makes: evaluate and render the HTML, in a loop (in a child process,
    so that this one's imports do not count)."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from playbook.api import Assessor\n"
        "from playbook.report.render import render\n"
        "a = Assessor()\n"
        "data = Path(sys.argv[1]).read_bytes()\n"
        "def once():\n"
        "    render(a.assess_bytes(data, sys.argv[1]).result, a.pack, 'html')\n"
        "once()\n"
        "n, t = 0, time.perf_counter()\n"
        "while time.perf_counter() - t < float(sys.argv[2]):\n"
        "    once(); n += 1\n"
        "print(n / (time.perf_counter() - t))\n")
    out = subprocess.run([sys.executable, "-c", code, str(answers), str(seconds)], check=True, capture_output=True,
                         text=True, cwd=ROOT)
    return float(out.stdout.strip())


def measure(runs: int = 3, clients: int = 20, requests: int = 200, pdf_clients: int = 4,
            pdf_requests: int = 8, answers: Path = EXAMPLE, env: dict[str, str] | None = None,
            workers: int | None = None) -> dict[str, Any]:
    env = dict(env or os.environ)
    py = [sys.executable, "-m", "playbook"]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="playbook-bench-web-") as tmp:
        target = Path(tmp) / "questionnaire.html"
        for quick in ("--quick", "--full"):
            cmd = [*py, "form", quick, "-o", str(target)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)  # warm pyc and cache
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
                times.append(time.perf_counter() - t)
            out[f"form_{quick[2:]}_s"] = statistics.median(times)
            out[f"form_{quick[2:]}_kb"] = target.stat().st_size / 1000

    # the in-process rate just before the served one, so that both meet the same load
    out["in_process_per_s"] = in_process_rate(answers)
    port = _free_port()
    workers = workers or os.cpu_count() or 1
    server = subprocess.Popen([*py, "serve", "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        body = urlencode({"answers": answers.read_text(encoding="utf-8")}).encode()
        _load(base + "/report", body, 2 * workers, 4 * workers)  # warm up: each worker compiles the templates
        t = time.perf_counter()
        times, failed = _load(base + "/report", body, clients, requests)
        out.update(html_clients=clients, html_requests=requests, html_failed=failed, workers=workers,
                   html_per_s=requests / (time.perf_counter() - t),
                   html_median_s=statistics.median(times), html_p95_s=_p95(times))
        _load(base + "/report.pdf", body, 1, 1)
        times, failed = _load(base + "/report.pdf", body, 1, 3)
        out.update(pdf_single_s=statistics.median(times))
        times, failed = _load(base + "/report.pdf", body, pdf_clients, pdf_requests)
        out.update(pdf_clients=pdf_clients, pdf_requests=pdf_requests, pdf_failed=failed,
                   pdf_median_s=statistics.median(times), pdf_p95_s=_p95(times))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return out


def lines(r: dict[str, Any]) -> list[str]:
    ok = "ok" if max(r["form_quick_kb"], r["form_full_kb"]) < FORM_LIMIT_KB else "OVER"
    return [
        f"playbook form --quick: {r['form_quick_s']:.2f} s, {r['form_quick_kb']:.0f} KB; "
        f"--full: {r['form_full_s']:.2f} s, {r['form_full_kb']:.0f} KB (limit {FORM_LIMIT_KB} KB: {ok})",
        f"serve HTML report, {r['html_clients']} concurrent clients, {r['html_requests']} requests: "
        f"median {r['html_median_s'] * 1000:.0f} ms, p95 {r['html_p95_s'] * 1000:.0f} ms, {r['html_failed']} failed; "
        f"{r['html_per_s']:.1f} reports/s with {r['workers']} workers = "
        f"{r['html_per_s'] / (r['in_process_per_s'] * (os.cpu_count() or 1)):.2f}x the in-process rate "
        f"({r['in_process_per_s']:.1f}/s) times the cores (goal >= 0.8)",
        f"serve PDF report, one client: median {r['pdf_single_s']:.2f} s; "
        f"{r['pdf_clients']} concurrent clients, {r['pdf_requests']} requests: "
        f"median {r['pdf_median_s']:.2f} s, p95 {r['pdf_p95_s']:.2f} s, {r['pdf_failed']} failed",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--answers", type=Path, default=EXAMPLE)
    ap.add_argument("--workers", type=int, default=None, help="serve's worker processes (default: one per core)")
    a = ap.parse_args()
    for line in lines(measure(a.runs, a.clients, a.requests, answers=a.answers, workers=a.workers)):
        print(line)


if __name__ == "__main__":
    main()
