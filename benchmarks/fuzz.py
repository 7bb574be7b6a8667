"""A longer fuzz run, by hand: the generators of tests/test_fuzz.py with a
larger budget. Prints throughput and how many cases ended with each exit
code, and the seed of every case that broke a rule (replay one with
`--seed N --cases 1`).

    python benchmarks/fuzz.py                      # 20,000 answers cases, 1,000 pack cases
    python benchmarks/fuzz.py --answers 100000 --packs 0
    python benchmarks/fuzz.py --seed 1234 --cases 1 --packs 0
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ["PLAYBOOK_NO_CACHE"] = "1"  # packs are mutated in place: never read or write a cached pack

import test_fuzz as fz  # noqa: E402 - needs the path above


def _report(label: str, codes: Counter[int], seconds: float, bad: list[str], slowest: tuple[float, int]) -> None:
    n = sum(codes.values())
    print(f"{label}: {n:,} cases in {seconds:.1f} s = {n / seconds:,.0f} cases/s; "
          f"slowest {slowest[0] * 1000:.0f} ms (seed {slowest[1]})")
    print("  exit codes: " + ", ".join(f"{code}: {count:,}" for code, count in sorted(codes.items())))
    print(f"  rule breaks: {len(bad)}")
    for line in bad[:50]:
        print("   ", line.replace("\n", "\n    "))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answers", type=int, default=20_000, help="answers-file cases")
    ap.add_argument("--packs", type=int, default=1_000, help="pack cases")
    ap.add_argument("--seed", type=int, default=1_000_000, help="first seed (cases use seed, seed+1, ...)")
    ap.add_argument("--cases", type=int, default=None, help="run this many cases of each kind")
    args = ap.parse_args()
    n_answers = args.cases if args.cases is not None else args.answers
    n_packs = args.cases if args.cases is not None and args.packs else args.packs
    from playbook.pack.load import load_pack

    failed = False
    if n_answers:
        pack = load_pack("default")
        codes: Counter[int] = Counter()
        bad: list[str] = []
        slowest = (0.0, 0)
        t = time.perf_counter()
        for seed in range(args.seed, args.seed + n_answers):
            rng = random.Random(seed)
            out = fz.run_answers_case(pack, fz.answers_input(rng), rng)
            codes[out.code] += 1
            slowest = max(slowest, (out.seconds, seed))
            bad += fz._verdict("answers", seed, out, fz.ANSWERS_SECONDS)
        _report("answers files", codes, time.perf_counter() - t, bad, slowest)
        failed |= bool(bad)
    if n_packs:
        with tempfile.TemporaryDirectory(prefix="playbook-fuzz-") as tmp:
            os.chdir(tmp)
            fx = fz.make_pack_fixture(Path(tmp))
            codes = Counter()
            bad = []
            slowest = (0.0, 0)
            t = time.perf_counter()
            for seed in range(args.seed, args.seed + n_packs):
                out = fz.run_pack_case(fx, random.Random(seed))
                codes[out.code] += 1
                slowest = max(slowest, (out.seconds, seed))
                bad += fz._verdict("pack", seed, out, fz.PACK_SECONDS)
            _report("packs", codes, time.perf_counter() - t, bad, slowest)
            os.chdir(ROOT)
        failed |= bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
