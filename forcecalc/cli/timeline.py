"""``forcecalc timeline``: force generation month by month over the mandate."""

from __future__ import annotations

import argparse

from forcecalc.cli.engines import add_engine_options, dask_asked, open_engine
from forcecalc.cli.options import (
    EXIT_OK,
    Command,
    add_output_options,
    add_run_options,
    emit,
    int_arg,
    parse_assignment,
    scenario_argument,
)
from forcecalc.cli.plotting import add_plot_option, check_plot, write_plot
from forcecalc.cli.progress import Progress
from forcecalc.core.timeline_engine import run_timeline_on
from forcecalc.core.timeline_run import run_timeline
from forcecalc.report.charts import WIDTH
from forcecalc.report.charts_timeline import fan_spec
from forcecalc.report.timeline import render_timeline
from forcecalc.scenario.loader import load_scenario


def cmd_timeline(args: argparse.Namespace) -> int:
    check_plot(args)
    overrides = dict(parse_assignment(a) for a in args.overrides)
    scenario = load_scenario(args.scenario)
    settings = (args.samples, args.seed, args.sampler, overrides, args.months)
    if dask_asked(args):
        with open_engine(args) as engine, Progress("timeline") as bar:
            result = run_timeline_on(engine, scenario, *settings, on_progress=bar)
    else:
        result = run_timeline(scenario, *settings)
    emit(render_timeline(result, args.format), args)
    write_plot(fan_spec(result, WIDTH), args)
    return EXIT_OK


def _timeline_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p, optional=False)
    p.add_argument(
        "--months",
        type=int_arg,
        metavar="N",
        help="the mandate in months, for every sample (default: the timeline's mandate_months)",
    )
    add_run_options(p)
    add_output_options(p)
    add_plot_option(p, "the fan chart: required against available, month by month")
    add_engine_options(p)
    p.epilog = (
        "Monthly bands are P5, P50 and P95 (no --percentiles, unlike run): the timeline "
        "reduces each month's samples to those as it runs, and its fan chart draws them."
    )


COMMANDS: dict[str, Command] = {
    "timeline": (
        "force generation month by month: required, available, shortfall over the mandate",
        _timeline_args,
        cmd_timeline,
    ),
}
