"""The dask engine against the single-process run, on this machine (issue 15, item 9).

Times ``forcecalc.core.engine.run_on`` on a local dask cluster (``--workers``, default 2) against
the single-process ``run_sized`` at the largest size both accept (``--compare``, default 10⁷:
the single-process run refuses more than 10 million samples), in interleaved repeats, each in a
fresh process (so each peak memory is its own); then a streamed run of ``--large`` samples
(default 10⁸) on the cluster, with its time, passes and peak memory (the client's, and the
largest worker's). The cluster is started once and its start-up is reported apart. Every
measurement checks its numbers: the dask run's summary against the local run's.

    python benchmarks/dask_bench.py --json dask_bench.json      # ~10 minutes on 2 cores
    python benchmarks/dask_bench.py --quick                      # 10⁶ / 10⁷, a smoke run
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from forcecalc.core.chunked import run_sized
from forcecalc.core.dask_engine import DaskEngine, connect
from forcecalc.core.engine import run_on
from forcecalc.core.streaming import stream_run
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

SEED = 1


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _worker_peak_mib(engine: DaskEngine) -> float:
    peaks = engine.client.run(_peak_mib)
    return max(peaks.values())


def one(kind: str, n: int, scheduler: str | None) -> dict[str, object]:
    """One measurement, in this (fresh) process."""
    scenario = load_scenario(default_scenario())
    start = time.perf_counter()
    if kind == "local":
        result = run_sized(scenario, n, SEED, "mc")
        summary = result.summary
        extra: dict[str, object] = {}
    else:
        with connect(scheduler) as engine:
            start = time.perf_counter()
            if kind == "dask":
                summary = run_on(engine, scenario, n, SEED, "mc").summary
                extra = {}
            else:
                streamed = stream_run(engine, scenario, n, SEED, "mc")
                summary, extra = streamed.summary, {"passes": streamed.passes}
            extra["worker_peak_mib"] = _worker_peak_mib(engine)
    seconds = time.perf_counter() - start
    deployed = summary.metrics["deployed"]
    return {
        "kind": kind,
        "samples": n,
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "deployed": [deployed.mean, deployed.p5, deployed.p50, deployed.p95],
        **extra,
    }


def _child(kind: str, n: int, scheduler: str | None) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--one", kind, "--samples", str(n)]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--compare", type=float, default=1e7, help="samples, both engines")
    p.add_argument("--large", type=float, default=1e8, help="samples, streamed on dask")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="10⁶ / 10⁷, 2 repeats")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--one", choices=("local", "dask", "stream"), help=argparse.SUPPRESS)
    p.add_argument("--samples", type=int, help=argparse.SUPPRESS)
    p.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.samples, args.scheduler)))
        return
    if args.quick:
        args.compare, args.large, args.repeats = 1e6, 1e7, 2
    compare, large = int(args.compare), int(args.large)
    t0 = time.perf_counter()
    with connect(workers=args.workers) as engine:
        startup = time.perf_counter() - t0
        address = engine.client.scheduler.address
        runs: dict[str, list[dict[str, object]]] = {"local": [], "dask": []}
        for _ in range(args.repeats):  # interleaved
            for kind in ("local", "dask"):
                runs[kind].append(_child(kind, compare, address))
                print(kind, compare, f"{runs[kind][-1]['seconds']:.2f} s", flush=True)
        same = all(
            r["deployed"] == runs["local"][0]["deployed"] for rs in runs.values() for r in rs
        )
        med = {k: statistics.median(r["seconds"] for r in rs) for k, rs in runs.items()}
        print("medians", med, "identical", same, flush=True)
        streamed = _child("stream", large, address)
        print("stream", large, f"{streamed['seconds']:.2f} s", flush=True)
    report = {
        "workers": args.workers,
        "cluster_startup_s": startup,
        "compare_samples": compare,
        "local_s": [r["seconds"] for r in runs["local"]],
        "dask_s": [r["seconds"] for r in runs["dask"]],
        "local_median_s": med["local"],
        "dask_median_s": med["dask"],
        "speedup": med["local"] / med["dask"],
        "local_peak_mib": max(r["peak_mib"] for r in runs["local"]),
        "dask_client_peak_mib": max(r["peak_mib"] for r in runs["dask"]),
        "bit_identical_deployed": same,
        "large_samples": large,
        "large_s": streamed["seconds"],
        "large_passes": streamed["passes"],
        "large_client_peak_mib": streamed["peak_mib"],
        "large_worker_peak_mib": streamed["worker_peak_mib"],
        "large_samples_per_s": large / streamed["seconds"],
        "large_deployed_mean_p5_p50_p95": streamed["deployed"],
    }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
