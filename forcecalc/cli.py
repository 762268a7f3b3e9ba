"""The ``forcecalc`` command: parse arguments, call the library, render.

Exit codes: 0 success; 1 an ``expect`` claim not met (``check``); 2 invalid input or usage;
70 an unexpected error (a bug), with the traceback written to a log file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from forcecalc import __version__
from forcecalc.errors import ForcecalcError, ScenarioError, UsageError
from forcecalc.loader import load_scenario, read_number
from forcecalc.output import write_atomic
from forcecalc.render import FORMATS, claims_table, render_run, render_sources, render_table
from forcecalc.resources import default_scenario
from forcecalc.runner import RunResult, run
from forcecalc.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler

EXIT_OK, EXIT_UNMET, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 70


def parse_assignment(text: str) -> tuple[str, float]:
    """``"geometry.front_length_km=3650"`` → ``("geometry.front_length_km", 3650.0)``.

    The value follows the rules of a ``value:`` written in the scenario
    (:func:`forcecalc.loader.read_number`): ``10.000`` people, ``010``, ``1_000``, text, NaN
    and infinity are refused as the loader refuses them, and ``-0`` is read as 0.
    """
    path, sep, value = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise UsageError(
            f"--set {text}: got {text!r}; expected KEY.PATH=NUMBER, e.g. "
            "geometry.front_length_km=3650"
        )
    return path, option_number(value, "--set", path, text)


def option_number(value: str, option: str, path: str, text: str) -> float:
    """``value`` of the figure at ``path`` read by the loader's rules, as a :class:`UsageError`
    naming ``option`` and the argument ``text`` as given (:func:`forcecalc.loader.read_number`).
    """
    try:
        return read_number(value, option, path)
    except ScenarioError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        raise UsageError(f"{option} {text}: got {exc.got}; expected {exc.expected}{hint}") from None


class _SetOnce(argparse.Action):
    """``--set``, repeatable for different figures; the same figure twice is a usage error.

    A repeated key would otherwise keep only its last value, silently: the run would not be
    the one the command line seems to ask for.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        given = list(getattr(namespace, self.dest, None) or [])
        key = str(values).partition("=")[0].strip()
        for earlier in given:
            if earlier.partition("=")[0].strip() == key:
                parser.error(
                    f"--set {values}: got {key} a second time (first as --set {earlier}); "
                    "expected each figure at most once"
                )
        setattr(namespace, self.dest, [*given, str(values)])


def add_sampling_options(
    parser: argparse.ArgumentParser,
    samples: int = DEFAULT_SAMPLES,
    sampler: Sampler = Sampler.LHS,
    samples_help: str = "number of samples",
    sampler_help: str = "Latin hypercube (default), scrambled Sobol or plain Monte Carlo",
) -> None:
    """``--samples``, ``--seed`` and ``--sampler``, with the command's own defaults."""
    parser.add_argument(
        "--samples",
        type=int,
        default=samples,
        metavar="N",
        help=f"{samples_help} (default {samples:,})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="S",
        help=f"random seed; same seed, same numbers (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--sampler", choices=[s.value for s in Sampler], default=sampler.value, help=sampler_help
    )


def add_run_options(
    parser: argparse.ArgumentParser,
    samples: int = DEFAULT_SAMPLES,
    sampler: Sampler = Sampler.LHS,
    sampler_help: str = "Latin hypercube (default), scrambled Sobol or plain Monte Carlo",
) -> None:
    """``--samples``, ``--seed``, ``--sampler`` and ``--set``: shared by the run-like commands,
    with the command's own defaults (:func:`add_sampling_options`)."""
    add_sampling_options(parser, samples, sampler, sampler_help=sampler_help)
    parser.add_argument(
        "--set",
        action=_SetOnce,
        default=[],
        metavar="KEY.PATH=VALUE",
        dest="overrides",
        help="set a figure to a point value (repeatable)",
    )


def add_output_options(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    """``--format`` and ``--output``."""
    parser.add_argument("--format", choices=formats, default="table")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically)")


def scenario_argument(parser: argparse.ArgumentParser, optional: bool = True) -> None:
    parser.add_argument(
        "scenario",
        nargs="?" if optional else None,
        metavar="SCENARIO",
        help="scenario YAML file (default: the bundled default scenario)",
    )


def run_from_args(args: argparse.Namespace) -> RunResult:
    """Load the scenario named in ``args`` and run it with the run options."""
    path = args.scenario or default_scenario()
    overrides = dict(parse_assignment(a) for a in args.overrides)
    return run(
        load_scenario(path),
        samples=DEFAULT_SAMPLES if args.samples is None else args.samples,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        sampler=args.sampler or Sampler.LHS,
        overrides=overrides,
    )


def input_paths(args: argparse.Namespace) -> list[Path]:
    """Every file a command reads: its scenario (or the bundled default) and its FILE list."""
    paths = [Path(p) for p in getattr(args, "files", None) or ()]
    if hasattr(args, "scenario"):
        paths.append(Path(args.scenario) if args.scenario else default_scenario())
    return paths


def emit(text: str, args: argparse.Namespace) -> None:
    """Print ``text`` or write it to ``--output``, never over one of the command's inputs."""
    if getattr(args, "output", None):
        write_atomic(args.output, text, protect=input_paths(args))
    else:
        sys.stdout.write(text)


def cmd_run(args: argparse.Namespace) -> int:
    if getattr(args, "from_result", None):
        from forcecalc.cli_reproduce import cmd_rerun

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
            f"ok: {path}: {s.name} ({len(s.tasks)} tasks, {len(s.figures)} figures, "
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
            print(f"forcecalc: error: {path}: {exc}", file=sys.stderr)
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


#: Subcommands: name → (help, add arguments, handler). Other modules add theirs here.
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


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
    p.set_defaults(seed=None, samples=None, sampler=None)  # None: not given (see --from)


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


#: Modules that add subcommands: each has a ``COMMANDS`` mapping like the one above. They are
#: imported when the parser is built, so they may import this module's helpers.
EXTENSIONS: tuple[str, ...] = (
    "forcecalc.cli_explore",
    "forcecalc.cli_schema",
    "forcecalc.cli_calibrate",
)


def all_commands() -> dict[str, Command]:
    """The built-in subcommands and those of every extension module."""
    commands = dict(COMMANDS)
    for module in EXTENSIONS:
        commands.update(importlib.import_module(module).COMMANDS)
    return commands


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_INPUT, f"forcecalc: error: {self.prog}: {message} (see '{self.prog} --help')\n"
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
    message = " ".join(str(exc).split())
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
        print(f"forcecalc: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("forcecalc: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return report_bug(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
