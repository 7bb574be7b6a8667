"""A seeded random sample of mutmut's mutants, the same number from each module.

A full `mutmut run` over the four configured modules is about 2,800 mutants, an
hour or more on two cores; a sample of a few dozen per module measures the
score in minutes and, being seeded, names the same mutants every time:

    mutmut run "playbook.base.values.x_format_value*"   # once, to generate the mutants (or any run)
    mutmut run --max-children 2 $(python benchmarks/mutation_sample.py 60)
    mutmut results

The names are read from `mutmut results --all true` (every generated mutant).
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import defaultdict

MODULES = ("playbook.base.values", "playbook.customers.analysis", "playbook.engine.conditions",
           "playbook.engine.stage")


def sample(per_module: int, seed: int = 19) -> list[str]:
    listing = subprocess.run(["mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    by_module: dict[str, list[str]] = defaultdict(list)
    for line in listing.splitlines():
        name = line.strip().split(":", 1)[0]
        for m in MODULES:
            if name.startswith(m + "."):
                by_module[m].append(name)
    rng = random.Random(seed)
    out: list[str] = []
    for m in MODULES:
        names = sorted(by_module[m])
        out += rng.sample(names, min(per_module, len(names)))
    return out


if __name__ == "__main__":
    print("\n".join(sample(int(sys.argv[1]) if len(sys.argv) > 1 else 60)))
