"""``--engine {local,dask}``, ``--scheduler ADDRESS`` and ``--workers N``: where ``run``,
``sweep`` and ``timeline`` evaluate (:mod:`forcecalc.core.engine`); dask is loaded only for
``--engine dask`` (:mod:`forcecalc.core.dask_engine`)."""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager, nullcontext

from forcecalc.cli.options import int_arg, parse_assignment
from forcecalc.cli.progress import Progress
from forcecalc.core.chunked import MAX_KEPT_VALUES
from forcecalc.core.dask_engine import connect
from forcecalc.core.engine import (
    Engine,
    LocalEngine,
    evaluate_rows,
    flatten,
    kept_values,
    prepare,
    run_on,
)
from forcecalc.core.errors import UsageError
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import MAX_SAMPLES, Sampler
from forcecalc.core.streaming import StreamedRun, stream_run
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

ENGINES = ("local", "dask")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    """The engine options of a command."""
    g = p.add_argument_group("engine", "where the chunks are evaluated; the numbers do not change")
    g.add_argument("--engine", choices=ENGINES, default="local", help="default: local")
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --engine dask: "
        "a local cluster of this machine's cores)",
    )
    g.add_argument("--workers", type=int_arg, metavar="N", help="local cluster's workers")


def open_engine(args: argparse.Namespace) -> AbstractContextManager[Engine]:
    """The engine ``args`` ask for, as a context manager that closes it."""
    if not dask_asked(args):
        return nullcontext(LocalEngine())
    return connect(args.scheduler, args.workers)


def dask_asked(args: argparse.Namespace) -> bool:
    """Whether ``args`` ask for the dask engine (refusing its options without it)."""
    if getattr(args, "engine", "local") == "dask":
        return True
    for option in ("scheduler", "workers"):
        if getattr(args, option, None) is not None:
            raise UsageError(f"--{option}: got it with --engine local; expected --engine dask")
    return False


def engine_result(
    args: argparse.Namespace, chunk: int | None = None, title: str = "run"
) -> RunResult | StreamedRun:
    """The run ``args`` ask for on the engine: gathered where its outputs fit in memory (the
    local run's numbers), else streamed (:func:`forcecalc.core.streaming.stream_run`)."""
    overrides = dict(parse_assignment(a) for a in args.overrides)
    scenario = load_scenario(args.scenario or default_scenario())
    sampler = args.sampler if "sampler" in getattr(args, "given", ()) else None
    n = args.samples
    changed, _, _, size = prepare(scenario, n, args.seed, sampler, overrides, chunk)
    probe = (0, min(size, n, 1 << 10))  # which outputs vary: any sampler tells, mc any rows
    first = flatten(evaluate_rows(changed, n, args.seed, Sampler.MC, probe))
    with open_engine(args) as engine, Progress(title) as bar:
        if n <= MAX_SAMPLES and kept_values(first, n) <= MAX_KEPT_VALUES:
            return run_on(engine, scenario, n, args.seed, sampler, overrides, chunk, bar)
        return stream_run(
            engine, scenario, n, args.seed, sampler, overrides, chunk, args.percentiles, bar
        )
