"""``--plot FILE.svg|png``: a command's chart written atomically beside its table.

The chart definitions are :mod:`forcecalc.report.charts` (the app draws the same ones); they
are rendered offline by vl-convert (:mod:`forcecalc.report.plot`).
"""

from __future__ import annotations

import argparse

from forcecalc.cli.options import input_paths
from forcecalc.report.charts import Spec
from forcecalc.report.plot import plot_bytes, plot_format
from forcecalc.scenario.files import write_atomic


def add_plot_option(parser: argparse.ArgumentParser, chart: str) -> None:
    """``--plot FILE``, the ``chart`` it draws named in its help."""
    parser.add_argument(
        "--plot",
        metavar="FILE.svg|png",
        help=f"also draw {chart} to FILE (SVG or PNG by its extension; needs vl-convert: "
        'pip install "forcecalc[report]")',
    )


def check_plot(args: argparse.Namespace) -> None:
    """Refuse a ``--plot`` with an unknown extension, or without vl-convert, before any work.

    Raises
    ------
    ParameterError
        Naming ``plot`` (``--plot``).
    """
    if getattr(args, "plot", None):
        plot_format(args.plot)


def write_plot(spec: Spec, args: argparse.Namespace) -> None:
    """Write the chart to ``--plot`` atomically, never over one of the command's inputs."""
    if getattr(args, "plot", None):
        data = plot_bytes(spec, plot_format(args.plot))
        write_atomic(args.plot, data, protect=input_paths(args))
