"""``forcecalc report``: a one-page brief as self-contained HTML, or PDF through Chromium."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

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
from forcecalc.report.brief import BriefInputs, brief_html
from forcecalc.report.brief_run import brief_inputs_for
from forcecalc.report.plot import INSTALL, available, inline_svg
from forcecalc.scenario.files import write_atomic

#: Chromium's names, in the order looked for, and how long a print may take. [s]
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_S = 60


def brief_inputs(args: argparse.Namespace) -> BriefInputs:
    """Every result the page shows, with the run options of ``args``."""
    overrides = dict(parse_assignment(a) for a in args.overrides)
    result = run_from_args(args)
    return brief_inputs_for(result, args.samples, args.seed, args.sampler, overrides)


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
