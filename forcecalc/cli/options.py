"""Options, exit codes and output shared by every ``forcecalc`` subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from forcecalc.cli.formats import add_format_options, rendered
from forcecalc.core.errors import ForcecalcError, ParameterError, ScenarioError, UsageError
from forcecalc.core.ranged import Override, range_problem
from forcecalc.core.runner import RunResult, run
from forcecalc.core.sampling import DEFAULT_SAMPLER, DEFAULT_SAMPLES, DEFAULT_SEED, Sampler
from forcecalc.core.text import escape, escape_lines
from forcecalc.report.render import FORMATS
from forcecalc.scenario.files import write_atomic
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario
from forcecalc.scenario.strict_yaml import read_number

EXIT_OK, EXIT_UNMET, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 70

#: The command-line option of each library parameter a :class:`ParameterError` can name.
OPTION_OF: dict[str, str] = {
    "samples": "--samples",
    "seed": "--seed",
    "sampler": "--sampler",
    "overrides": "--set",
    "output": "--output",
    "axes": "--vary",
    "steps": "--vary",
    "step": "--vary",
    "values": "--vary",
    "path": "--solve",
    "pool_personnel": "--pool",
    "confidence": "--confidence",
    "requirement": "--requirement",
    "search_range": "--range",
    "chunk_samples": "--chunk",
    "n": "--samples",
    "low/high": "--low/--high",
    "probes": "--probes",
    "repeats": "--repeats",
    "supply": "--against",
    "ceiling": "--ceiling",
    "bins": "--bins",
    "results": "--from",
    "months": "--months",
    "plot": "--plot",
    "engine": "--engine",
    "scheduler": "--scheduler",
    "workers": "--workers",
}

#: The sampling options' ``args`` names, in the order their flags are listed.
SAMPLING_OPTIONS = {"samples": "--samples", "seed": "--seed", "sampler": "--sampler"}


def error_message(exc: ForcecalcError) -> str:
    """The one-line message of ``exc`` as the command line words it: a library parameter is
    named by its option (``samples`` → ``--samples``)."""
    if isinstance(exc, ParameterError):
        return exc.named(OPTION_OF.get(exc.parameter, exc.parameter))
    return escape(str(exc))


def parse_assignment(text: str) -> tuple[str, Override]:
    """``"geometry.front_length_km=3650"`` → ``("geometry.front_length_km", 3650.0)``;
    ``"...=3000:4000"`` → ``(..., (3000.0, 4000.0))``, a 90% interval, and
    ``"...=3000:3650:4000"`` a PERT (:mod:`forcecalc.core.ranged`).

    Each number follows the rules of a ``value:`` written in the scenario
    (:func:`forcecalc.scenario.strict_yaml.read_number`): ``10.000`` people, ``010``,
    ``1_000``, text, NaN and infinity are refused as the loader refuses them, and ``-0`` is
    read as 0.
    """
    path, sep, value = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise UsageError(
            f"--set {text}: got {text!r}; expected KEY.PATH=NUMBER or KEY.PATH=LOW:HIGH, e.g. "
            "geometry.front_length_km=3650"
        )
    if ":" not in value:
        return path, option_number(value, "--set", path, text)
    bounds = tuple(option_number(part, "--set", path, text) for part in value.split(":"))
    problem = range_problem(bounds)
    if problem:
        raise UsageError(f"--set {text}: got {value.strip()!r}; expected {problem}")
    return path, bounds


def option_number(value: str, option: str, path: str, text: str) -> float:
    """``value`` of the figure at ``path`` read by the loader's rules, as a :class:`UsageError`
    naming ``option`` and the argument ``text`` as given
    (:func:`forcecalc.scenario.strict_yaml.read_number`).
    """
    try:
        return read_number(value, path)
    except ScenarioError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        raise UsageError(f"{option} {text}: got {exc.got}; expected {exc.expected}{hint}") from None


def _argument_number(text: str) -> float:
    """A number argument read by the loader's rules, as argparse's type error if refused."""
    try:
        return read_number(text, "")
    except ScenarioError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        raise argparse.ArgumentTypeError(f"got {exc.got}; expected {exc.expected}{hint}") from None


def int_arg(text: str) -> int:
    """An integer option (``--seed``, ``--samples``, ``--probes`` ...) read by the rules of a
    number in a scenario (no ``1_000``, ``010``, NaN; :func:`option_number`), then whole."""
    value = _argument_number(text)
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"got {text.strip()}; expected a whole number")
    return int(value)


def num_arg(text: str) -> float:
    """A number option (``--pool``, ``--confidence`` ...) read by the rules of a number in a
    scenario: no ``1_000``, ``010``, NaN or infinity."""
    return _argument_number(text)


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


class _Given(argparse.Action):
    """Store an option's value and note, in ``args.given``, that the command line gave it: a
    command that refuses an option it would otherwise default (the tornado's ``--seed``,
    ``run --from``'s settings) can tell the default from the same value given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        namespace.given = frozenset(getattr(namespace, "given", frozenset()) | {self.dest})


def given_sampling(args: argparse.Namespace) -> list[str]:
    """The flags of the sampling options the command line gave, in :data:`SAMPLING_OPTIONS`
    order."""
    given = getattr(args, "given", frozenset())
    return [flag for dest, flag in SAMPLING_OPTIONS.items() if dest in given]


def add_sampling_options(
    parser: argparse.ArgumentParser,
    samples: int = DEFAULT_SAMPLES,
    sampler: Sampler = DEFAULT_SAMPLER,
    samples_help: str = "number of samples",
    sampler_help: str = "Latin hypercube (default), scrambled Sobol or plain Monte Carlo",
) -> None:
    """``--samples``, ``--seed`` and ``--sampler``, with the command's own defaults.

    The one place the command line takes its sampling defaults, from the library's
    (:data:`~forcecalc.core.sampling.DEFAULT_SEED`, a command's ``samples`` and ``sampler``,
    e.g. :data:`~forcecalc.core.sampling.DEFAULT_SAMPLES`); whether an option was given is
    in ``args.given`` (:func:`given_sampling`).
    """
    parser.set_defaults(given=frozenset())
    parser.add_argument(
        "--samples",
        type=int_arg,
        default=samples,
        action=_Given,
        metavar="N",
        help=f"{samples_help} (default {samples:,})",
    )
    parser.add_argument(
        "--seed",
        type=int_arg,
        default=DEFAULT_SEED,
        action=_Given,
        metavar="S",
        help=f"random seed; same seed, same numbers (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--sampler",
        choices=[s.value for s in Sampler],
        default=sampler.value,
        action=_Given,
        help=sampler_help,
    )


def add_run_options(
    parser: argparse.ArgumentParser,
    samples: int = DEFAULT_SAMPLES,
    sampler: Sampler = DEFAULT_SAMPLER,
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
    """``--format`` and ``--output``: the format follows the output's extension
    (:mod:`forcecalc.cli.formats`)."""
    add_format_options(parser, formats)


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
        samples=args.samples,
        seed=args.seed,
        sampler=args.sampler,
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
    data = rendered(text, args)  # a workbook for --format xlsx
    if getattr(args, "output", None):
        write_atomic(args.output, data, protect=input_paths(args))
    else:  # a terminal shows no raw control character (a report keeps its lines and tabs)
        sys.stdout.write(escape_lines(text))


#: A subcommand: (help, add arguments, handler).
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
