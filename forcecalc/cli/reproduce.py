"""``forcecalc run --from results.json``: re-run an earlier result and say if it reproduces.

Exit 0 only when the result is reproduced (every number recorded and identical, with the
recorded scenario and software: :attr:`~forcecalc.report.reproduce.Reproduction.reproduced`),
1 otherwise, 2 for a results file or scenario
that cannot be used. ``--output`` writes the new result (in ``--format``), never over the
results file or the scenario it names.
"""

from __future__ import annotations

import argparse
import sys

from forcecalc.cli.options import EXIT_OK, EXIT_UNMET, given_sampling
from forcecalc.core.errors import UsageError
from forcecalc.report.render import render_run
from forcecalc.report.reproduce import report_lines, reproduce
from forcecalc.scenario.files import write_atomic


def check_no_settings(args: argparse.Namespace) -> None:
    """Refuse settings given alongside ``--from``: they come from the results file (the
    scenario, the sampling options as :func:`~forcecalc.cli.options.given_sampling` lists them,
    and ``--set``)."""
    sampling = given_sampling(args)
    given = [
        *(["SCENARIO"] if args.scenario is not None else []),
        *(f for f in ("--seed", "--samples", "--sampler") if f in sampling),
        *(["--set"] if args.overrides else []),
    ]
    if given:
        raise UsageError(
            f"--from {args.from_result}: got {', '.join(given)} as well; expected --from "
            "alone (it takes the scenario, seed, samples, sampler and overrides from the file)"
        )


def cmd_rerun(args: argparse.Namespace) -> int:
    """Re-run the result in ``args.from_result``; print the report; exit 0 if reproduced."""
    check_no_settings(args)
    rep = reproduce(args.from_result)
    if args.output:
        text = render_run(rep.result, args.format)
        write_atomic(args.output, text, protect=[args.from_result, rep.scenario_path])
    sys.stdout.write("\n".join(report_lines(rep)) + "\n")
    return EXIT_OK if rep.reproduced else EXIT_UNMET
