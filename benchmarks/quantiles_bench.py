"""Percentiles by partition (issue 15 item 3): ``band_rows`` against the ``np.percentile`` path
it replaced, on the same arrays, interleaved (round-robin, order rotated), medians and spread.

    PYTHONPATH=. python benchmarks/quantiles_bench.py [--n 1000000] [--rows 1 20] [--repeats 15]

"old" is ``band_rows`` as it was (``np.isfinite(...).all`` then ``np.percentile`` on the
selected rows); "numpy" is ``values.mean`` plus one ``np.percentile`` (no selection of rows);
"new" is :func:`forcecalc.core.summary.band_rows`. Every result is checked bit for bit.
``--cpu`` times by the process's CPU time, steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from forcecalc.core.summary import PERCENTILES, band_rows


def old_band_rows(values: np.ndarray, percentiles=PERCENTILES) -> np.ndarray:
    """``band_rows`` before issue 15 item 3, verbatim."""
    finite = np.isfinite(values).all(axis=-1)
    out = np.empty((1 + len(percentiles), values.shape[0]))
    out[0] = values.mean(axis=-1)
    for rows, method in ((finite, "linear"), (~finite, "nearest")):
        if rows.any():
            out[1:, rows] = np.percentile(values[rows], percentiles, axis=-1, method=method)
    return out


def numpy_way(values: np.ndarray) -> np.ndarray:
    return np.vstack([values.mean(axis=-1), np.percentile(values, PERCENTILES, axis=-1)])


def measure(values: np.ndarray, repeats: int, clock=time.perf_counter) -> dict[str, list[float]]:
    ways = {"old": old_band_rows, "numpy": numpy_way, "new": band_rows}
    reference = old_band_rows(values).view(np.int64)
    for name, way in ways.items():
        if not np.array_equal(way(values).view(np.int64), reference):
            raise SystemExit(f"{name} differs bit for bit from the old band_rows")
    times: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for i in range(repeats):
        for name in names[i % 3 :] + names[: i % 3]:
            start = clock()
            ways[name](values)
            times[name].append(clock() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--cpu", action="store_true", help="time by process CPU time (a machine others load)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(15)
    for g in args.rows:
        values = rng.lognormal(8.0, 0.4, size=(g, args.n)).round(1)  # ties, as model outputs
        times = measure(values, args.repeats, time.process_time if args.cpu else time.perf_counter)
        med = {k: float(np.median(v)) for k, v in times.items()}
        spread = {k: np.percentile(v, [10, 90]) * 1e3 for k, v in times.items()}
        print(f"G={g} n={args.n:,} ({args.repeats} interleaved repeats, median [p10, p90] ms)")
        for k in times:
            print(f"  {k:6s} {med[k] * 1e3:9.2f} [{spread[k][0]:.2f}, {spread[k][1]:.2f}]")
        old, numpy = med["old"] / med["new"], med["numpy"] / med["new"]
        print(f"  new vs old {old:.2f}x, vs numpy {numpy:.2f}x")


if __name__ == "__main__":
    main()
