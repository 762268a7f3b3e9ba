"""The ``forcecalc`` command: parse arguments, call the library, render.

Exit codes: 0 success; 1 an ``expect`` claim not met (``check``); 2 invalid input or usage;
70 an unexpected error (a bug), with the traceback written to a log file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections.abc import Sequence
from typing import NoReturn

from forcecalc.cli import calibrate as calibrate_commands
from forcecalc.cli import explore as explore_commands
from forcecalc.cli import report as report_commands
from forcecalc.cli import run as run_commands
from forcecalc.cli import schema as schema_commands
from forcecalc.cli import timeline as timeline_commands
from forcecalc.cli.options import EXIT_BUG, EXIT_INPUT, Command, error_message
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.text import escape
from forcecalc.core.version import __version__


def all_commands() -> dict[str, Command]:
    """Every subcommand, by command group, in the order ``forcecalc --help`` lists them."""
    return {
        **run_commands.COMMANDS,
        **timeline_commands.COMMANDS,
        **explore_commands.COMMANDS,
        **report_commands.COMMANDS,
        **schema_commands.COMMANDS,
        **calibrate_commands.COMMANDS,
    }


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_INPUT,
            f"forcecalc: error: {self.prog}: {escape(message)} (see '{self.prog} --help')\n",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="forcecalc",
        description="Peacekeeping force sizing: how many people, deployed and with rotation, "
        "and can the contributors supply them.",
    )
    parser.add_argument("--version", action="version", version=f"forcecalc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, add_arguments, handler) in all_commands().items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(p)
        p.set_defaults(handler=handler)
    return parser


def report_bug(exc: BaseException) -> int:
    """Report an unexpected error as a bug: one line, the traceback in a log file."""
    text = "".join(traceback.format_exception(exc))
    try:
        fd, log = tempfile.mkstemp(prefix="forcecalc-crash-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(f"forcecalc {__version__}\n{' '.join(sys.argv)}\n\n{text}")
        where = f"traceback written to {log}"
    except OSError:
        where = "the traceback could not be written to a log file"
    message = escape(" ".join(str(exc).split()))
    print(
        f"forcecalc: internal error (a bug in forcecalc, not in your input): "
        f"{type(exc).__name__}: {message}; {where}",
        file=sys.stderr,
    )
    return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``forcecalc`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    try:
        return args.handler(args)
    except ForcecalcError as exc:
        print(f"forcecalc: error: {error_message(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("forcecalc: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return report_bug(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
