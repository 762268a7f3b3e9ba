"""``forcecalc run``, ``validate``, ``check`` and ``sources``."""

from __future__ import annotations

import argparse
import sys

from forcecalc.cli.engines import add_engine_options, dask_asked, engine_result
from forcecalc.cli.options import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_UNMET,
    Command,
    add_output_options,
    add_run_options,
    emit,
    error_message,
    parse_assignment,
    run_from_args,
    scenario_argument,
)
from forcecalc.cli.plotting import add_plot_option, check_plot, write_plot
from forcecalc.cli.progress import Progress
from forcecalc.cli.reproduce import cmd_rerun
from forcecalc.core.chunked import run_sized
from forcecalc.core.errors import ForcecalcError, ParameterError, ScenarioError
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import TIMELINE_PREFIX
from forcecalc.core.streaming import StreamedRun
from forcecalc.core.summary import PERCENTILES
from forcecalc.core.text import escape
from forcecalc.report.bands import parse_percentiles
from forcecalc.report.charts import distribution_chart, pledge_metric
from forcecalc.report.render import (
    claims_table,
    merged_claims,
    render_run,
    render_sources,
    render_table,
)
from forcecalc.report.streamed import render_streamed
from forcecalc.scenario.collect import MAX_ERRORS
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario
from forcecalc.scenario.validate_all import validate_file


def cmd_run(args: argparse.Namespace) -> int:
    if getattr(args, "from_result", None):
        if args.plot:  # a re-run draws nothing: never ignore an option silently
            raise ParameterError("plot", "--plot with --from", "one of the two")
        return cmd_rerun(args)
    check_plot(args)
    result = engine_result(args) if dask_asked(args) else sized_result(args)
    if isinstance(result, StreamedRun):
        if args.plot:  # a streamed run keeps no samples to draw
            raise ParameterError("plot", "--plot with a streamed run", "a run that fits in memory")
        emit(render_streamed(result, args.format), args)
        return EXIT_OK
    emit(render_run(result, args.format, args.percentiles), args)
    if args.plot:  # the chart's histogram copies the output: not for nothing
        write_plot(distribution_chart(result, pledge_metric(result)), args)
    return EXIT_OK


def sized_result(
    args: argparse.Namespace, chunk: int | None = None, title: str = "run"
) -> RunResult:
    """The run ``args`` ask for, of any size: in chunks where the samples need it, with a
    progress bar on a terminal (:func:`forcecalc.core.chunked.run_sized`). Without
    ``--sampler``, ``lhs`` where the run is in one piece and ``mc`` where it is chunked."""
    overrides = dict(parse_assignment(a) for a in args.overrides)
    scenario = load_scenario(args.scenario or default_scenario())
    sampler = args.sampler if "sampler" in getattr(args, "given", ()) else None
    with Progress(title) as bar:
        return run_sized(scenario, args.samples, args.seed, sampler, overrides, chunk, bar)


def _percentiles(text: str) -> tuple[float, ...]:
    try:
        return parse_percentiles(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(f"got {exc.got}; expected {exc.expected}") from None


def add_percentiles_option(p: argparse.ArgumentParser) -> None:
    """``--percentiles 5,50,80,95``: the bands shown (default 5,50,95)."""
    p.add_argument(
        "--percentiles",
        type=_percentiles,
        default=PERCENTILES,
        metavar="P,P,...",
        help="the percentiles of every band, e.g. 5,50,80,95 (default 5,50,95)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.files:
        try:
            checked = validate_file(path)  # every error of the file, in file order
        except ForcecalcError as exc:
            print(f"forcecalc: error: {exc}", file=sys.stderr)
            status = EXIT_INPUT
            continue
        for exc in checked.errors:
            print(f"forcecalc: error: {exc}", file=sys.stderr)
        if checked.more:
            more = f"{checked.more:,} more errors not shown (validate lists the first {MAX_ERRORS})"
            print(f"forcecalc: error: {escape(str(path))}: {more}", file=sys.stderr)
        s = checked.scenario
        if s is None:
            status = EXIT_INPUT
            continue
        n_uncertain = len(s.uncertain)
        n_timeline = sum(f.startswith(TIMELINE_PREFIX) for f in s.figures)
        of_timeline = f" ({n_timeline} of the timeline)" if n_timeline else ""
        print(
            f"ok: {escape(str(path))}: {escape(s.name)} ({len(s.tasks)} tasks, "
            f"{len(s.figures)} figures{of_timeline}, "
            f"{n_uncertain} uncertain, {len(s.expect)} claims)"
        )
    return status


def cmd_check(args: argparse.Namespace) -> int:
    """Every file's claims, as ``validate`` lists every file: an invalid file is its one-line
    error and the others are still checked. Exit 2 if a file is invalid, else 1 if a claim is
    not met, else 0."""
    for assignment in args.overrides:  # a malformed --set is one error, not one per file
        parse_assignment(assignment)
    invalid = unmet = False
    chunks, tables = [], []
    for path in args.files:
        try:
            result = run_from_args(argparse.Namespace(**{**vars(args), "scenario": path}))
        except ScenarioError as exc:  # names its file already
            print(f"forcecalc: error: {exc}", file=sys.stderr)
            invalid = True
            continue
        except ForcecalcError as exc:  # a --set that does not fit this scenario
            print(f"forcecalc: error: {path}: {error_message(exc)}", file=sys.stderr)
            invalid = True
            continue
        tables.append(claims_table(result))
        chunks.append(render_table(tables[-1], args.format))
        if not result.scenario.expect:
            chunks.append(f"(no expect claims in {path})\n")
        unmet |= not all(c.met for c in result.claims())
    if tables and args.format == "csv":  # one table, whatever the number of files
        emit(render_table(merged_claims(tables), "csv"), args)
    elif chunks:
        emit("\n".join(chunks), args)
    return EXIT_INPUT if invalid else EXIT_UNMET if unmet else EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario or default_scenario())
    emit(render_sources(scenario, args.format), args)
    return EXIT_OK


def _run_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_run_options(p)
    add_output_options(p)
    add_percentiles_option(p)
    add_plot_option(p, "the distribution of the requirement, the pledged total marked")
    add_engine_options(p)
    p.add_argument(
        "--from",
        dest="from_result",
        metavar="RESULTS_JSON",
        help="re-run a 'run --format json' result with its recorded settings; exit 0 if the "
        "numbers are identical, 1 if not",
    )


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE")


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE")
    add_run_options(p)
    add_output_options(p, ("table", "markdown", "csv"))


def _sources_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_output_options(p)


COMMANDS: dict[str, Command] = {
    "run": ("compute the requirement with its uncertainty bands", _run_args, cmd_run),
    "validate": ("validate scenario files", _validate_args, cmd_validate),
    "check": (
        "test the scenarios' expect claims (exit 1 if one is not met)",
        _check_args,
        cmd_check,
    ),
    "sources": (
        "list every figure with its value, unit, source and quote",
        _sources_args,
        cmd_sources,
    ),
}
