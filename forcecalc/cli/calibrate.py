"""Subcommands ``analogs``, ``backtest`` and ``missions``: parse, call the library, render.

Registered in :func:`forcecalc.cli.command.all_commands`; output formats, ``--output`` and the
provenance block are those of ``forcecalc run``.
"""

from __future__ import annotations

import argparse

from forcecalc.calibration.analogs import compare
from forcecalc.calibration.backtest import DEFAULT_BACKTEST_SAMPLES, backtest_postures
from forcecalc.calibration.missions import default_missions
from forcecalc.calibration.rules import WEIGHTINGS
from forcecalc.cli.options import (
    EXIT_OK,
    Command,
    add_output_options,
    add_run_options,
    add_sampling_options,
    emit,
    run_from_args,
    scenario_argument,
)
from forcecalc.report.calibration import render_analogs, render_backtest, render_missions


def cmd_analogs(args: argparse.Namespace) -> int:
    missions = default_missions()
    comparison = compare(run_from_args(args), missions)
    emit(render_analogs(comparison, missions, args.format), args)
    return EXIT_OK


def cmd_backtest(args: argparse.Namespace) -> int:
    missions = default_missions()
    every, own = backtest_postures(
        missions,
        samples=args.samples,
        seed=args.seed,
        doctrine=not args.no_doctrine,
        sampler=args.sampler,
        weighting=args.weights,
    )
    emit(render_backtest(every, missions, args.format, own), args)
    return EXIT_OK


def cmd_missions(args: argparse.Namespace) -> int:
    emit(render_missions(default_missions(), args.format, sources=args.sources), args)
    return EXIT_OK


def _analogs_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_run_options(p)
    add_output_options(p)


def _backtest_args(p: argparse.ArgumentParser) -> None:
    add_sampling_options(
        p, DEFAULT_BACKTEST_SAMPLES, samples_help="samples of each mission's ensemble"
    )
    p.add_argument(
        "--no-doctrine",
        action="store_true",
        help="leave out the doctrine rules (20-25 per 1,000 inhabitants; posts every 1.45-2.4 km)",
    )
    p.add_argument(
        "--weights",
        choices=WEIGHTINGS,
        default="mission",
        help="equal weights per mission (default: a mission's rules share its weight) or per rule",
    )
    add_output_options(p)


def _missions_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources",
        action="store_true",
        help="list every figure with its source and quote instead of the densities",
    )
    add_output_options(p)


COMMANDS: dict[str, Command] = {
    "analogs": (
        "the scenario's densities beside past missions, its rank, and each sizing rule's answer",
        _analogs_args,
        cmd_analogs,
    ),
    "backtest": (
        "the rule ensemble on each past mission's geometry, leaving it out: coverage and error",
        _backtest_args,
        cmd_backtest,
    ),
    "missions": (
        "the cited dataset of past missions: figures, densities, sources",
        _missions_args,
        cmd_missions,
    ),
}
