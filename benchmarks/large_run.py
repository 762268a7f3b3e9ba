"""Wall time and peak resident memory of a large ``forcecalc run``, trees interleaved.

Usage::

    python benchmarks/large_run.py --samples 10000000 --repeats 3 BEFORE_TREE AFTER_TREE

Each repeat runs ``python -m forcecalc run --samples N`` once per tree (``PYTHONPATH=TREE``), in
turn, so that the machine's load falls on every tree alike; it prints each tree's median and
spread of wall time and of CPU time (user + system: steadier on a shared machine) and its
peak RSS (``ru_maxrss`` of the child, as ``/usr/bin/time -v``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def measure(tree: str, samples: int, extra: list[str]) -> tuple[float, float, float]:
    """One run: (wall seconds, CPU seconds user + system, peak RSS in MB) of
    ``forcecalc run`` from ``tree``."""
    env = {**os.environ, "PYTHONPATH": tree}
    argv = [sys.executable, "-c", _CHILD, str(samples), *extra]
    start = time.perf_counter()
    out = subprocess.run(argv, env=env, cwd=tree, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cpu, rss = out.stdout.strip().splitlines()[-1].split()
    return wall, float(cpu), float(rss)


_CHILD = """
import contextlib, io, resource, sys
from forcecalc.cli.command import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["run", "--samples", sys.argv[1], *sys.argv[2:]])
assert code == 0, code
use = resource.getrusage(resource.RUSAGE_SELF)
print(use.ru_utime + use.ru_stime, use.ru_maxrss / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--extra", nargs="*", default=[], help="more options of run")
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float, float]]] = {t: [] for t in args.trees}
    for _ in range(args.repeats):
        for tree in args.trees:
            results[tree].append(measure(tree, args.samples, args.extra))
    for tree, runs in results.items():
        walls = sorted(w for w, _, _ in runs)
        cpus = sorted(c for _, c, _ in runs)
        rss = max(r for _, _, r in runs)
        print(
            f"{tree}: wall median {statistics.median(walls):.2f} s "
            f"(min {walls[0]:.2f}, max {walls[-1]:.2f}); CPU median "
            f"{statistics.median(cpus):.2f} s (min {cpus[0]:.2f}, max {cpus[-1]:.2f}); "
            f"peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
