"""A longer fuzz run, by hand: the generators of tests/test_fuzz.py and
tests/fuzz_surfaces.py with a larger budget. For each surface it prints the
cases, the exit codes (HTTP statuses for the web app), throughput, the
slowest case, and every case that broke a rule (replay one with
`--seed N --cases 1`).

    python benchmarks/fuzz.py                  # the issue-22 budget: 20,000 answers (half English, half in
                                               # other locales against the oracle), 2,000 CSVs,
                                               # 1,000 packs, 1,000 packs with translations, 2,000 web posts
    python benchmarks/fuzz.py --scale 0.25     # a quarter of each
    python benchmarks/fuzz.py --answers 0 --packs 0 --translations 0 --web 0 --csvs 5000
    python benchmarks/fuzz.py --seed 1234 --cases 1
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ["PLAYBOOK_NO_CACHE"] = "1"  # packs are mutated in place: never read or write a cached pack

import fuzz_surfaces as fs  # noqa: E402 - needs the path above
import test_fuzz as fz  # noqa: E402

HANG = 10.0  # seconds: a case over this is a hang (PDFs have their own limit in the app and are listed apart)


@dataclass
class Tally:
    label: str
    codes: Counter[Any] = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    slowest: tuple[float, int] = (0.0, 0)
    hangs: int = 0
    seconds: float = 0.0
    extra: Counter[str] = field(default_factory=Counter)

    def add(self, seed: int, code: Any, seconds: float, failures: list[str], hang: float = HANG) -> None:
        self.codes[code] += 1
        self.slowest = max(self.slowest, (seconds, seed))
        if seconds > hang:
            self.hangs += 1
            self.bad.append(f"seed {seed}: took {seconds:.1f} s")
        self.bad += [f"seed {seed}: {f}" for f in failures]

    def report(self) -> None:
        n = sum(self.codes.values())
        print(f"{self.label}: {n:,} cases in {self.seconds:.1f} s = {n / max(self.seconds, 1e-9):,.1f} cases/s; "
              f"slowest {self.slowest[0] * 1000:.0f} ms (seed {self.slowest[1]}); hangs over {HANG:g} s: {self.hangs}")
        print("  " + ("statuses" if self.label.startswith("web") else "exit codes") + ": "
              + ", ".join(f"{code}: {count:,}" for code, count in sorted(self.codes.items())))
        if self.extra:
            print("  " + ", ".join(f"{k}: {v:,}" for k, v in sorted(self.extra.items())))
        print(f"  rule breaks: {len(self.bad)}")
        for line in self.bad[:30]:
            print("   ", line[:2000].replace("\n", "\n    "))
        sys.stdout.flush()


def _timed(tally: Tally, seeds: range, one: Callable[[int], None]) -> Tally:
    t = time.perf_counter()
    for seed in seeds:
        one(seed)
    tally.seconds = time.perf_counter() - t
    tally.report()
    return tally


def answers(pack: Any, seeds: range) -> Tally:
    """Half English answers files (tests/test_fuzz.py), half values written in
    other locales and checked against the oracle."""
    tally = Tally("answers (English + locales with the oracle)")

    def one(seed: int) -> None:
        rng = random.Random(seed)
        if seed % 2:
            out = fs.run_locale_case(pack, rng, tally.extra)
            tally.extra["misreadings"] += sum("SILENT MISREADING" in f for f in out.failures)
        else:
            out = fz.run_answers_case(pack, fz.answers_input(rng), rng)
        tally.add(seed, out.code, out.seconds, out.failures + ([f"exit {out.code}"] if out.code not in (0, 1, 2, 3) else []))

    return _timed(tally, seeds, one)


def csvs(seeds: range, tmp: Path) -> Tally:
    from playbook.api import Assessor

    assessor = Assessor("default")
    tally = Tally("customer CSVs")

    def one(seed: int) -> None:
        out = fs.run_csv_case(assessor, tmp, random.Random(seed))
        tally.add(seed, out.code, out.seconds, out.failures + ([f"exit {out.code}"] if out.code not in (0, 1, 2) else []))

    return _timed(tally, seeds, one)


def packs(seeds: range, tmp: Path) -> Tally:
    fx = fz.make_pack_fixture(tmp)
    tally = Tally("packs and overlays")

    def one(seed: int) -> None:
        out = fz.run_pack_case(fx, random.Random(seed))
        tally.add(seed, out.code, out.seconds, out.failures + ([f"exit {out.code}"] if out.code not in (0, 1, 2, 3) else []))

    return _timed(tally, seeds, one)


def translations(seeds: range, tmp: Path) -> Tally:
    tf = fs.make_translation_fixture(tmp)
    tally = Tally("packs with translations")

    def one(seed: int) -> None:
        out = fs.run_translation_case(tf, random.Random(seed))
        tally.add(seed, out.code, out.seconds, out.failures + ([f"exit {out.code}"] if out.code not in (0, 1, 2, 3) else []))

    return _timed(tally, seeds, one)


def web(seeds: range, pdf_share: float) -> Tally:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from playbook import web as app
    from playbook.pack.load import load_pack

    tally = Tally("web submissions (odd seeds: the app in German)")
    pack = load_pack(None)
    with TestClient(app.create_app(pack), raise_server_exceptions=False) as english, \
            TestClient(app.create_app(pack, lang="de"), raise_server_exceptions=False) as german:
        def one(seed: int) -> None:
            rng = random.Random(seed)
            pdf = rng.random() < pdf_share  # the same draw run_web_case makes first
            client = german if seed % 2 else english
            status, seconds, wrong = fs.run_web_case(client, random.Random(seed), pdf_share)
            if pdf:
                tally.extra["PDF posts"] += 1
                tally.extra["PDF slowest ms"] = max(tally.extra["PDF slowest ms"], int(seconds * 1000))
            tally.add(seed, status, seconds, wrong, hang=fs_pdf_limit() if pdf else HANG)
            if status >= 500:
                tally.extra["5xx (503 on PDF allowed)"] += 1

        return _timed(tally, seeds, one)


def fs_pdf_limit() -> float:
    from playbook.web import PDF_SECONDS

    return float(PDF_SECONDS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answers", type=int, default=20_000, help="answers-file cases (half in other locales)")
    ap.add_argument("--csvs", type=int, default=2_000, help="customer CSV cases")
    ap.add_argument("--packs", type=int, default=1_000, help="pack and overlay cases")
    ap.add_argument("--translations", type=int, default=1_000, help="pack-translation cases")
    ap.add_argument("--web", type=int, default=2_000, help="web submissions")
    ap.add_argument("--pdf-share", type=float, default=0.01, help="share of web posts to /report.pdf")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every budget (0.25: a quarter)")
    ap.add_argument("--seed", type=int, default=1_000_000, help="first seed (cases use seed, seed+1, ...)")
    ap.add_argument("--cases", type=int, default=None, help="run this many cases of each surface")
    args = ap.parse_args()

    def budget(n: int) -> int:
        if args.cases is not None:
            return args.cases if n else 0
        return round(n * args.scale)

    def seeds(n: int) -> range:
        return range(args.seed, args.seed + budget(n))

    from playbook.pack.load import load_pack

    tallies = []
    if budget(args.answers):
        tallies.append(answers(load_pack("default"), seeds(args.answers)))
    if budget(args.csvs):
        with tempfile.TemporaryDirectory(prefix="playbook-fuzz-") as tmp:
            tallies.append(csvs(seeds(args.csvs), Path(tmp)))
    for n, run in ((args.packs, packs), (args.translations, translations)):
        if budget(n):
            with tempfile.TemporaryDirectory(prefix="playbook-fuzz-") as tmp:
                os.chdir(tmp)  # problem file names are relative to it
                tallies.append(run(seeds(n), Path(tmp)))
                os.chdir(ROOT)
    if budget(args.web):
        tallies.append(web(seeds(args.web), args.pdf_share))
    print("\nsummary:")
    for t in tallies:
        n = sum(t.codes.values())
        print(f"  {t.label}: {n:,} cases, {n / max(t.seconds, 1e-9):,.1f}/s, rule breaks {len(t.bad)}, "
              f"hangs {t.hangs}")
    return 1 if any(t.bad for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
