"""Start-up of the ``forcecalc`` command against the imports it cannot avoid (issue 15, item 2).

Each command runs in a fresh interpreter; the commands take turns (one run of each, then the
next round), so a load that comes and goes on the machine falls on all of them alike. Reports
the median and the spread (min-max) of each, and the two ratios the issue sets targets for:

- ``forcecalc --help`` ≤ 2 × ``python -c "import numpy"``;
- a default ``forcecalc run`` ≤ 1.6 × ``python -c "import numpy, scipy.special"``.

Run: ``python benchmarks/startup.py [--repeats 15] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
COMMANDS: dict[str, list[str]] = {
    "import numpy": [PY, "-c", "import numpy"],
    "import numpy, scipy.special": [PY, "-c", "import numpy, scipy.special"],
    "forcecalc --help": [PY, "-m", "forcecalc", "--help"],
    "forcecalc run": [PY, "-m", "forcecalc", "run"],
}
#: (command, baseline, target ratio)
TARGETS = (
    ("forcecalc --help", "import numpy", 2.0),
    ("forcecalc run", "import numpy, scipy.special", 1.6),
)


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=Path(__file__).parents[1])
    return time.perf_counter() - start


def measure(repeats: int) -> dict[str, list[float]]:
    """Seconds of each command, ``repeats`` rounds, the commands alternating in each round."""
    for argv in COMMANDS.values():  # warm the file cache and the .pyc files
        _once(argv)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeats):
        for name, argv in COMMANDS.items():
            times[name].append(_once(argv))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--json", type=Path, help="write medians and ratios to this file")
    args = parser.parse_args()
    times = measure(args.repeats)
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        spread = f"{min(t) * 1e3:.0f}-{max(t) * 1e3:.0f}"
        print(f"{name:30s} median {medians[name] * 1e3:6.0f} ms  ({spread})")
    ratios = {}
    for command, base, target in TARGETS:
        ratio = medians[command] / medians[base]
        ratios[f"{command} / {base}"] = ratio
        verdict = "met" if ratio <= target else "MISSED"
        print(f"{command} / {base}: {ratio:.2f}x (target <= {target}x: {verdict})")
    if args.json:
        out = {"repeats": args.repeats, "median_s": medians, "ratios": ratios}
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
