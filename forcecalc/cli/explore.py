"""Subcommands ``sensitivity``, ``sweep``, ``goal`` and ``run-large``: parse, call, render.

Registered in :func:`forcecalc.cli.command.all_commands`; output formats, ``--output`` and the
provenance block are those of ``forcecalc run``.
"""

from __future__ import annotations

import argparse

from forcecalc.analysis.goal import REQUIREMENTS, goal_seek
from forcecalc.analysis.goal import SUPPLIES as GOAL_SUPPLIES
from forcecalc.analysis.rank import rank_correlation
from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.sweep import SweepAxis, axis, axis_by_step, axis_of_values, sweep
from forcecalc.analysis.sweep_engine import sweep_on
from forcecalc.analysis.threshold import SUPPLIES, threshold
from forcecalc.analysis.tornado import TornadoResult, tornado
from forcecalc.cli.engines import add_engine_options, dask_asked, open_engine
from forcecalc.cli.options import (
    EXIT_OK,
    Command,
    add_output_options,
    add_run_options,
    emit,
    given_sampling,
    int_arg,
    num_arg,
    option_number,
    parse_assignment,
    scenario_argument,
)
from forcecalc.cli.plotting import add_plot_option, check_plot, write_plot
from forcecalc.cli.progress import Progress
from forcecalc.cli.run import add_percentiles_option, sized_result
from forcecalc.core.chunked import (
    DEFAULT_CHUNK,
    DEFAULT_LARGE_SAMPLER,
    DEFAULT_LARGE_SAMPLES,
)
from forcecalc.core.errors import UsageError
from forcecalc.core.scenario import Scenario
from forcecalc.report.charts import stacked, sweep_chart, tornado_chart
from forcecalc.report.exploration import goal_json, goal_table, sweep_table
from forcecalc.report.render import render_run, render_table, result_json
from forcecalc.report.sensitivity import SensitivityResult, render_sensitivity
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

METHODS = ("tornado", "sobol", "rank", "threshold")
#: Why ``sweep`` has no ``--percentiles`` (its ``--help``).
NO_PERCENTILES_SWEEP = (
    "Bands are P5, P50 and P95 (no --percentiles, unlike run): the sweep reduces each grid "
    "point's samples to those as it evaluates the grid block by block. A point equals 'forcecalc "
    "run --set KEY=VALUE' with the same seed, which takes --percentiles 5,50,80,95."
)
#: Why ``goal`` has no ``--percentiles``.
NO_PERCENTILES_GOAL = (
    "No --percentiles: the goal prints no band; its --confidence is the one percentile it "
    "solves at (0.8: the value where 80% of the samples are covered)."
)


# --------------------------------------------------------------------------------------------
# Parsing


def parse_vary(text: str) -> SweepAxis:
    """``"geometry.front_length_km=600:3700:32"`` (32 values from 600 to 3700),
    ``"...=600:3700:step=100"`` (every 100 from 600) or ``"...=600,1200,3700"`` (these values)
    → a :class:`~forcecalc.analysis.sweep.SweepAxis`; each number by the loader's rules."""
    path, sep, spec = text.partition("=")
    path, parts = path.strip(), spec.split(":")
    usage = UsageError(
        f"--vary {text}: got {text!r}; expected KEY.PATH=START:STOP:STEPS, "
        "KEY.PATH=START:STOP:step=S or KEY.PATH=V1,V2,..., e.g. "
        "geometry.front_length_km=600:3700:32"
    )
    if not sep or not path:
        raise usage
    if len(parts) == 1 and "," in spec:
        values = [option_number(v, "--vary", path, text) for v in spec.split(",")]
        return axis_of_values(path, values)
    if len(parts) != 3:
        raise usage
    start, stop = (option_number(v, "--vary", path, text) for v in parts[:2])
    key, is_step, step = parts[2].partition("=")
    if is_step and key.strip() == "step":
        return axis_by_step(path, start, stop, option_number(step, "--vary", path, text))
    try:
        steps = int(parts[2])
    except ValueError:
        raise usage from None
    return axis(path, start, stop, steps)


def parse_range(text: str | None, path: str = "") -> tuple[float, float] | None:
    """``"600:4000"`` → ``(600.0, 4000.0)``, read by the loader's rules for the figure at
    ``path``; None stays None."""
    if text is None:
        return None
    lo, sep, hi = text.partition(":")
    if not sep:
        raise UsageError(f"--range: got {text!r}; expected LOW:HIGH, e.g. 600:4000")
    low, high = (option_number(v, "--range", path, text) for v in (lo, hi))
    return low, high


def _load(args: argparse.Namespace) -> tuple[Scenario, dict[str, float]]:
    scenario = load_scenario(args.scenario or default_scenario())
    return scenario, dict(parse_assignment(a) for a in args.overrides)


# --------------------------------------------------------------------------------------------
# forcecalc sensitivity


def refuse_sampling(args: argparse.Namespace) -> None:
    """Refuse the sampling options for the tornado, which samples nothing (each input at fixed
    quantiles), so that a seed given is never silently ignored.

    Raises
    ------
    UsageError
        For ``--samples``, ``--seed`` or ``--sampler`` with ``--method tornado``.
    """
    given = given_sampling(args) if args.method == "tornado" else []
    if given:
        option = given[0]
        value = getattr(args, option.removeprefix("--"))
        raise UsageError(
            f"{option}: got {value} with --method tornado; expected no {option}: the "
            "tornado is deterministic (each input at fixed quantiles, nothing sampled)"
        )


def refuse_plot(args: argparse.Namespace) -> None:
    """Refuse ``--plot`` with a method that has no chart (only the tornado has one), and an
    unknown extension or a missing vl-convert, before any work.

    Raises
    ------
    UsageError
        For ``--plot`` with ``--method`` other than tornado.
    """
    if args.plot and args.method != "tornado":
        raise UsageError(
            f"--plot: got --method {args.method}; expected --method tornado (the only "
            "sensitivity method with a chart)"
        )
    check_plot(args)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    refuse_sampling(args)
    refuse_plot(args)
    scenario, overrides = _load(args)
    r: SensitivityResult
    match args.method:
        case "tornado":
            r = tornado(scenario, args.low, args.high, args.probes, overrides=overrides)
        case "sobol":
            with Progress("sobol") as bar:
                r = sobol(
                    scenario,
                    n=args.samples,
                    seed=args.seed,
                    repeats=args.repeats,
                    confidence=args.confidence,
                    overrides=overrides,
                    on_progress=bar,
                )
        case "rank":
            with Progress("rank", counts=False) as bar:
                r = rank_correlation(
                    scenario,
                    args.samples,
                    args.seed,
                    args.sampler,
                    overrides=overrides,
                    on_progress=bar,
                )
        case _:
            supply = args.ceiling if args.ceiling is not None else args.against
            with Progress("threshold", counts=False) as bar:
                r = threshold(
                    scenario,
                    supply=supply,
                    requirement=args.requirement,
                    n=args.samples,
                    seed=args.seed,
                    sampler=args.sampler,
                    bins=args.bins,
                    overrides=overrides,
                    on_progress=bar,
                )
    emit(render_sensitivity(r, args.format), args)
    if isinstance(r, TornadoResult):
        write_plot(stacked([tornado_chart(t) for t in r.tornadoes]), args)
    return EXIT_OK


def _sensitivity_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    p.add_argument("--method", choices=METHODS, default="tornado", help="default: tornado")
    add_run_options(p)  # the tornado refuses them when given (see refuse_sampling)
    add_output_options(p)
    add_plot_option(p, "the tornado (--method tornado)")
    g = p.add_argument_group(
        "tornado", "deterministic (fixed quantiles): refuses --samples, --seed and --sampler"
    )
    g.add_argument("--low", type=num_arg, default=0.05, help="low quantile (default 0.05)")
    g.add_argument("--high", type=num_arg, default=0.95, help="high quantile (default 0.95)")
    g.add_argument("--probes", type=int_arg, default=9, help="quantiles probed (default 9)")
    g = p.add_argument_group("sobol")
    g.add_argument("--repeats", type=int_arg, default=10, help="independent repeats (default 10)")
    g.add_argument("--confidence", type=num_arg, default=0.95, help="interval level (default 0.95)")
    g = p.add_argument_group("threshold")
    supply = g.add_mutually_exclusive_group()
    supply.add_argument("--ceiling", type=num_arg, metavar="N", help="a personnel ceiling")
    supply.add_argument(
        "--against",
        choices=SUPPLIES,
        help="compare with the pledges, the pool or the requirement's median (default: "
        "pledged if the scenario has pledges, else pool, else median)",
    )
    g.add_argument(
        "--requirement",
        choices=REQUIREMENTS,
        help="default: the pledges' basis, deployed for a pool, committed otherwise",
    )
    g.add_argument("--bins", type=int_arg, default=5, help="quantile bins per input (default 5)")


# --------------------------------------------------------------------------------------------
# forcecalc sweep


def cmd_sweep(args: argparse.Namespace) -> int:
    scenario, overrides = _load(args)
    axes = [parse_vary(v) for v in args.vary]
    check_plot(args)
    settings = (args.samples, args.seed, args.sampler, overrides)
    if dask_asked(args):
        with open_engine(args) as engine, Progress("sweep") as bar:
            r = sweep_on(engine, scenario, axes, *settings, on_progress=bar)
    else:
        with Progress("sweep") as bar:
            r = sweep(scenario, axes, *settings, on_progress=bar)
    if args.format == "json":
        emit(result_json(r, r.provenance, shape=list(r.shape)), args)
    else:
        emit(render_table(sweep_table(r, pivot=args.format != "csv"), args.format), args)
    write_plot(stacked([sweep_chart(r, o) for o in r.outputs]), args)
    return EXIT_OK


def _sweep_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY.PATH=START:STOP:STEPS",
        help="a figure and its grid (once or twice): START:STOP:STEPS values, "
        "START:STOP:step=S, or V1,V2,...",
    )
    add_run_options(p)
    add_output_options(p)
    add_plot_option(p, "P50 with its P5–P95 band (one figure) or a heatmap of P50 (two)")
    add_engine_options(p)
    p.epilog = NO_PERCENTILES_SWEEP


# --------------------------------------------------------------------------------------------
# forcecalc goal


def cmd_goal(args: argparse.Namespace) -> int:
    scenario, overrides = _load(args)
    with Progress("goal", counts=False) as bar:
        r = goal_seek(
            scenario,
            args.solve,
            args.pool if args.pool is not None else args.against,
            args.confidence,
            args.requirement,
            parse_range(args.range, args.solve),
            args.samples,
            args.seed,
            args.sampler,
            overrides,
            on_progress=bar,
        )
    if args.format == "json":
        emit(goal_json(r), args)
    else:
        emit(render_table(goal_table(r), args.format), args)
    return EXIT_OK


def _goal_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    supply = p.add_mutually_exclusive_group(required=True)
    supply.add_argument("--pool", type=num_arg, metavar="N", help="personnel available")
    supply.add_argument(
        "--against",
        choices=GOAL_SUPPLIES,
        help="the scenario's pledges or pool instead, compared as run compares them",
    )
    p.add_argument("--solve", required=True, metavar="KEY.PATH", help="the figure to solve for")
    p.add_argument(
        "--confidence",
        type=num_arg,
        default=0.8,
        help="share of samples the pool must cover (default 0.8)",
    )
    p.add_argument(
        "--requirement",
        choices=REQUIREMENTS,
        help="compare with the committed or the deployed requirement (default: committed "
        "for --pool, the pledges' basis for pledged, deployed for pool)",
    )
    p.add_argument(
        "--range", metavar="LOW:HIGH", help="values to search (default: the figure's domain)"
    )
    p.epilog = NO_PERCENTILES_GOAL
    add_run_options(p)
    add_output_options(p)


# --------------------------------------------------------------------------------------------
# forcecalc run-large


def cmd_run_large(args: argparse.Namespace) -> int:
    """An alias of ``forcecalc run`` that always chunks, with its own defaults (10 million
    samples, mc)."""
    result = sized_result(args, chunk=args.chunk, title="run-large")
    emit(render_run(result, args.format, args.percentiles), args)
    return EXIT_OK


def _run_large_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_run_options(
        p,
        samples=DEFAULT_LARGE_SAMPLES,
        sampler=DEFAULT_LARGE_SAMPLER,
        sampler_help="plain Monte Carlo (default) or scrambled Sobol; lhs only for one chunk",
    )
    p.add_argument(
        "--chunk",
        type=int_arg,
        default=DEFAULT_CHUNK,
        metavar="N",
        help=f"samples evaluated at once (default {DEFAULT_CHUNK:,}); the result "
        "does not depend on it",
    )
    add_output_options(p)
    add_percentiles_option(p)


COMMANDS: dict[str, Command] = {
    "sensitivity": (
        "which inputs drive the requirement: tornado, Sobol indices, rank correlation, threshold",
        _sensitivity_args,
        cmd_sensitivity,
    ),
    "sweep": (
        "P5/P50/P95 over a grid of one or two figures (common random numbers)",
        _sweep_args,
        cmd_sweep,
    ),
    "goal": (
        "the largest (or smallest) value of a figure a pool of personnel covers",
        _goal_args,
        cmd_goal,
    ),
    "run-large": (
        "alias of run, always in chunks (default 10 million samples, mc); run chunks by itself",
        _run_large_args,
        cmd_run_large,
    ),
}
