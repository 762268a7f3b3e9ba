"""``forcecalc report``: a one-page brief as self-contained HTML, or PDF through Chromium."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from forcecalc.analysis.problem import figure_at
from forcecalc.analysis.sweep import Sweep, axis, sweep
from forcecalc.analysis.tornado import tornado
from forcecalc.calibration.analogs import compare
from forcecalc.calibration.missions import default_missions
from forcecalc.cli.options import (
    EXIT_OK,
    Command,
    add_run_options,
    input_paths,
    parse_assignment,
    run_from_args,
    scenario_argument,
)
from forcecalc.core.errors import ParameterError
from forcecalc.core.runner import RunResult
from forcecalc.core.timeline_run import run_timeline
from forcecalc.report.brief import BriefInputs, brief_html
from forcecalc.report.calibration import analogs_tables
from forcecalc.report.plot import INSTALL, available, inline_svg
from forcecalc.scenario.files import write_atomic

FRONT = "geometry.front_length_km"
#: The front-length sweep: from half to one and a half times its median, in this many steps.
FRONT_STEPS = 11
#: Chromium's names, in the order looked for, and how long a print may take. [s]
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_S = 60


def _front_sweep(
    result: RunResult, overrides: dict[str, float], args: argparse.Namespace
) -> Sweep | None:
    figure = result.scenario.figures.get(FRONT)
    if figure is None or FRONT in overrides:
        return None
    median = float(figure_at(figure, 0.5))
    grid = axis(FRONT, median * 0.5, median * 1.5, FRONT_STEPS)
    return sweep(result.scenario, [grid], args.samples, args.seed, args.sampler, overrides)


def brief_inputs(args: argparse.Namespace) -> BriefInputs:
    """Every result the page shows, with the run options of ``args``."""
    overrides = dict(parse_assignment(a) for a in args.overrides)
    result = run_from_args(args)
    scenario = result.scenario
    missions = default_missions()
    timeline = None
    if scenario.timeline is not None:
        timeline = run_timeline(scenario, args.samples, args.seed, args.sampler, overrides)
    front: Sweep | None = _front_sweep(result, overrides, args)
    return BriefInputs(
        result=result,
        tornado=tornado(scenario, overrides=overrides),
        front=front,
        precedents=analogs_tables(compare(result, missions), missions),
        timeline=timeline,
    )


def chromium() -> str:
    """The path of a Chromium to print with.

    Raises
    ------
    ParameterError
        Naming ``--format``, where none is installed.
    """
    for name in CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    raise ParameterError(
        "--format",
        "pdf with no Chromium installed",
        "html (or install Chromium: apt-get install chromium)",
    )


def print_pdf(page: str) -> bytes:
    """The HTML ``page`` printed to PDF by headless Chromium (A4, from the page's CSS)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="forcecalc-report-") as folder:
        source, target = Path(folder, "brief.html"), Path(folder, "brief.pdf")
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_S, check=False)
        if not target.exists() or not target.stat().st_size:
            raise ParameterError("--format", "pdf that Chromium did not print", "html")
        return target.read_bytes()


def cmd_report(args: argparse.Namespace) -> int:
    if not available():
        raise ParameterError("report", "vl-convert is not installed", f"it installed: {INSTALL}")
    if args.format == "pdf":
        chromium()  # refuse at once, before any work
    page = brief_html(brief_inputs(args), inline_svg)
    data: str | bytes = print_pdf(page) if args.format == "pdf" else page
    write_atomic(args.output, data, protect=input_paths(args))
    return EXIT_OK


def _report_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_run_options(p)
    p.add_argument("--format", choices=("html", "pdf"), default="html", help="default: html")
    p.add_argument(
        "--output", "-o", metavar="FILE", required=True, help="write to FILE (atomically)"
    )


COMMANDS: dict[str, Command] = {
    "report": (
        "a one-page brief (self-contained HTML, or PDF through Chromium): headline, charts, "
        "precedents, caveats, sources",
        _report_args,
        cmd_report,
    ),
}
