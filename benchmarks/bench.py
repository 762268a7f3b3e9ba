"""Benchmarks of issue 15, measured side by side in one run and reported as ratios.

    pip install ".[bench]"
    python benchmarks/bench.py --json results.json                  # full run, ~5 min, 2 cores
    python benchmarks/bench.py --quick                              # a check, ~1-2 min
    python benchmarks/bench.py --baseline /tmp/base --json r.json   # against an older checkout
    python benchmarks/bench.py --markdown r.json --readme           # README table from the JSON

Sections (``--only`` / ``--skip`` take their names):

* ``exact``: the default scenario's committed requirement is exactly lognormal; its exact
  P5/P50/P95, checked once against a big sample (and the model checked to be that product);
* ``squigglepy``: samples/s against squigglepy on the same model and distributions, built from
  the scenario's figures and refused unless both sides draw the same inputs and give the same
  quantiles within sampling error (target ≥ 1.5× for mc);
* ``accuracy``: time to a P95 within 0.5% of the exact one, squigglepy ÷ forcecalc sobol (≥ 2×);
* ``salib``: Sobol indices against SALib, indices only, same n (≥ 10×, within 0.02);
* ``kernel``: the model kernel's bytes per second ÷ a ``numpy.copyto`` of the same bytes;
* ``summaries``: ``band_rows`` against ``np.percentile`` + mean on the same arrays (≥ 4×);
* ``startup``: ``forcecalc --help`` ÷ ``import numpy`` (≤ 2×), default ``run`` ÷ ``import numpy,
  scipy.special`` (≤ 1.6×), fresh processes;
* ``large``: ``forcecalc run --samples 10000000``, wall time and peak RSS (< 1 GB), and with
  ``--baseline`` its speed-up over the older checkout (≥ 2.5×);
* ``app``: the app's rerun after an edit ÷ an idle rerun (≤ 1.3×);
* ``dask`` (only when asked for with ``--only dask``): 10⁸ samples with ``--engine dask``.

Every timing is interleaved with what it is compared to (round-robin, order rotated), reported
as a median with its spread; a section that fails is reported and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # this checkout's forcecalc, then the benchmarks

import numpy as np  # noqa: E402
from bench_harness import PRESETS, REPO, Preset, Recorder  # noqa: E402
from bench_table import load, markdown, replace_in_readme  # noqa: E402

DEFAULT_SECTIONS = (
    "exact",
    "squigglepy",
    "accuracy",
    "salib",
    "kernel",
    "summaries",
    "startup",
    "large",
    "app",
)
SECTIONS = (*DEFAULT_SECTIONS, "dask")


def run_section(name: str, p: Preset, rec: Recorder, baseline: Path | None, state: dict) -> None:
    """One section; ``state`` carries the exact distribution from ``exact`` to its users."""
    import bench_kernel
    import bench_process
    import bench_squiggle

    def exact():
        if "exact" not in state:
            state["exact"] = bench_squiggle.bench_exact(p, rec)
        return state["exact"]

    actions: dict[str, Callable[[], object]] = {
        "exact": exact,
        "squigglepy": lambda: bench_squiggle.bench_squigglepy(p, rec, exact()),
        "accuracy": lambda: bench_squiggle.bench_accuracy(p, rec, exact()),
        "salib": lambda: bench_kernel.bench_salib(p, rec),
        "kernel": lambda: bench_kernel.bench_bandwidth(p, rec),
        "summaries": lambda: bench_kernel.bench_summaries(p, rec),
        "startup": lambda: bench_process.bench_startup(p, rec, baseline),
        "large": lambda: bench_process.bench_large(p, rec, baseline),
        "app": lambda: bench_process.bench_app(p, rec),
        "dask": lambda: bench_process.bench_dask(p, rec),
    }
    actions[name]()


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (out.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def measure(p: Preset, sections: list[str], baseline: Path | None) -> dict:
    """Run the sections; the results as the JSON ``--json`` writes."""
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": commit(),
        "preset": p.name,
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "load_start": load_average(),
        "baseline": str(baseline) if baseline else None,
        "sections": sections,
    }
    print(f"forcecalc benchmarks: {p.name} run, {meta['commit']}, load {meta['load_start']}")
    rec, state, start = Recorder(p), {}, time.perf_counter()
    for name in sections:
        try:
            run_section(name, p, rec, baseline, state)
        except Exception as exc:  # reported in the results and the exit status
            traceback.print_exc()
            rec.errors[name] = f"{type(exc).__name__}: {exc}"
    meta |= {"load_end": load_average(), "seconds": round(time.perf_counter() - start, 1)}
    return {"meta": meta, **rec.as_json()}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--quick", action="store_true", help="a check: fewer repeats, smaller n")
    kind.add_argument("--tiny", action="store_true", help="the test suite's run: tiny sizes")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every row to FILE")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="PATH",
        help="an older checkout, run with PYTHONPATH=PATH beside this one",
    )
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--skip", default="", help="comma-separated sections to leave out")
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="JSON",
        help="print the README table of a results file and stop",
    )
    parser.add_argument(
        "--readme", action="store_true", help="with --markdown: replace the table in README.md"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.markdown:
        table = markdown(load(args.markdown))
        print(table, end="")
        if args.readme:
            replace_in_readme(REPO / "README.md", table)
        return 0
    if args.baseline and not (args.baseline / "forcecalc" / "__init__.py").is_file():
        raise SystemExit(f"--baseline {args.baseline}: no forcecalc/__init__.py there")
    chosen = args.only.split(",") if args.only else list(DEFAULT_SECTIONS)
    skip = set(filter(None, args.skip.split(",")))
    unknown = (set(chosen) | skip) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections {sorted(unknown)}; known: {', '.join(SECTIONS)}")
    preset = PRESETS["tiny" if args.tiny else "quick" if args.quick else "full"]
    results = measure(preset, [s for s in chosen if s not in skip], args.baseline)
    print("\n" + markdown(results), end="")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
