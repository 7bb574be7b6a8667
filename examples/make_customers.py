"""Generate examples/customers.csv: a few hundred made-up customers with the
skewed revenue of a real base (a log-normal spread), seeded so the file and the
example's checked-in reports never change. Also used by the tests and the
benchmark to make bigger files: ``python examples/make_customers.py N OUT``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

HEADER = ["Name", "Stage", "ARR", "First purchase", "Renewal date", "Services", "Seats", "Industry", "Size",
          "Last NPS", "Ended"]
STAGES = ["ad_hoc", "opportunistic", "repeatable", "managed", "optimized"]
STAGE_WEIGHTS = [20, 27, 16, 28, 9]  # the shares the guide reports (000 § Understand the Cloud Buyer)
INDUSTRIES = ["Manufacturing", "Healthcare", "Retail", "Professional services", "Financial services",
              "Education", "Public sector"]
SIZES = [("Small", 1.0), ("Mid-market", 3.0), ("Enterprise", 9.0)]
SERVICES = ["Microsoft 365", "Azure migration", "Managed security", "Backup", "Dynamics 365", "BI portal",
            "Help desk"]
WORDS_A = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Adatum", "Litware", "Proseware", "Woodgrove",
           "Coho", "Alpine", "Lucerne", "Humongous", "Trey", "Wingtip", "Relecloud", "Bellows", "Fourth Coffee",
           "Margie's", "Lamna", "VanArsdel"]
WORDS_B = ["Health", "Logistics", "Bank", "Toys", "Research", "Energy", "Foods", "Legal", "Travel", "Media",
           "Builders", "Cycles", "Partners", "Labs", "Outfitters", "Insurance", "Pharma", "Studios"]
ASSESSED = dt.date(2026, 11, 1)
SUFFIXES = ["", " Group", " Ltd", " Inc", " & Co", " Holdings", " International"]


def rows(n: int, seed: int = 14) -> list[list[str]]:
    rnd = random.Random(seed)
    out = []
    used: set[str] = set()
    for i in range(n):
        name = f"{rnd.choice(WORDS_A)} {rnd.choice(WORDS_B)}"
        for suffix in SUFFIXES:
            if name + suffix not in used:
                name += suffix
                break
        else:
            name = f"{name} {i}"
        used.add(name)
        size, scale = rnd.choices(SIZES, weights=[55, 33, 12])[0]
        arr = round(rnd.lognormvariate(8.6, 1.0) * scale, -2)
        first = ASSESSED - dt.timedelta(days=rnd.randint(30, 6 * 365))
        ended = ""
        if rnd.random() < 0.14:  # about 12 % a year: the guide's "8-10 %" target missed a little
            ended = max(first + dt.timedelta(days=20), ASSESSED - dt.timedelta(days=rnd.randint(1, 500))).isoformat()
        renewal = ""
        if rnd.random() > 0.06:
            renewal = (ASSESSED + dt.timedelta(days=rnd.randint(-10, 400))).isoformat()
        services = rnd.sample(SERVICES, rnd.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0])
        nps = "" if rnd.random() < 0.3 else str(min(10, max(0, round(rnd.gauss(8, 2)))))
        out.append([name, rnd.choices(STAGES, weights=STAGE_WEIGHTS)[0], f"{arr:.0f}", first.isoformat(), renewal,
                    "; ".join(services), str(max(1, round(arr / 400))), rnd.choice(INDUSTRIES), size, nps, ended])
    return out


def csv_text(n: int, seed: int = 14) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows(n, seed))
    return buf.getvalue()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).with_name("customers.csv")
    target.write_text(csv_text(count), encoding="utf-8")
    print(target)
