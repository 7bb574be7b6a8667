"""A long-running process that makes PDFs stays flat in memory (issue: 3-8 MB more with every PDF)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_twenty_pdfs_in_one_process_stay_within_20_mb_of_the_first() -> None:
    # In a child process, so that what this test process holds does not count;
    # the small quick-partial report keeps it to seconds a PDF.
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_memory.py"), "20",
                          str(ROOT / "examples" / "quick-partial.yaml")],
                         capture_output=True, text=True, cwd=ROOT, check=True, timeout=900)
    m = json.loads(out.stdout)
    assert m["pdfs"] == 20
    assert m["growth_mb"] <= 20, m
