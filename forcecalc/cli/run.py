"""``forcecalc run``, ``validate``, ``check`` and ``sources``."""

from __future__ import annotations

import argparse
import sys

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
from forcecalc.cli.reproduce import cmd_rerun
from forcecalc.core.errors import ForcecalcError, ScenarioError
from forcecalc.core.text import escape
from forcecalc.report.render import claims_table, render_run, render_sources, render_table
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario


def cmd_run(args: argparse.Namespace) -> int:
    if getattr(args, "from_result", None):
        return cmd_rerun(args)
    emit(render_run(run_from_args(args), args.format), args)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.files:
        try:
            s = load_scenario(path)
        except ForcecalcError as exc:
            print(f"forcecalc: error: {exc}", file=sys.stderr)
            status = EXIT_INPUT
            continue
        n_uncertain = len(s.uncertain)
        print(
            f"ok: {escape(str(path))}: {escape(s.name)} ({len(s.tasks)} tasks, "
            f"{len(s.figures)} figures, "
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
    chunks = []
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
        chunks.append(render_table(claims_table(result), args.format))
        if not result.scenario.expect:
            chunks.append(f"(no expect claims in {path})\n")
        unmet |= not all(c.met for c in result.claims())
    if chunks:
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
