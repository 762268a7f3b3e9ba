"""Subcommands ``sensitivity``, ``sweep``, ``goal`` and ``run-large``: parse, call, render.

Registered in :func:`forcecalc.cli.command.all_commands`; output formats, ``--output`` and the
provenance
block are those of ``forcecalc run``.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from forcecalc.analysis import explore, sensitivity
from forcecalc.cli.options import (
    EXIT_OK,
    Command,
    add_output_options,
    add_run_options,
    emit,
    option_number,
    parse_assignment,
    scenario_argument,
)
from forcecalc.core.errors import UsageError
from forcecalc.core.provenance import Provenance
from forcecalc.core.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler
from forcecalc.core.scenario import Scenario
from forcecalc.report.render import (
    Cell,
    Table,
    provenance_dict,
    provenance_lines,
    render_run,
    render_table,
    to_json,
)
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

METHODS = ("tornado", "sobol", "rank", "threshold")


# --------------------------------------------------------------------------------------------
# Parsing


def parse_vary(text: str) -> explore.SweepAxis:
    """``"geometry.front_length_km=600:3700:32"`` → a
    :class:`~forcecalc.analysis.explore.SweepAxis`."""
    path, sep, spec = text.partition("=")
    path, parts = path.strip(), spec.split(":")
    try:
        if not sep or not path or len(parts) != 3:
            raise ValueError
        steps = int(parts[2])
    except ValueError:
        raise UsageError(
            f"--vary {text}: got {text!r}; expected KEY.PATH=START:STOP:STEPS, e.g. "
            "geometry.front_length_km=600:3700:32"
        ) from None
    start, stop = (option_number(v, "--vary", path, text) for v in parts[:2])
    return explore.axis(path, start, stop, steps)


def parse_range(text: str | None, path: str = "") -> tuple[float, float] | None:
    """``"600:4000"`` → ``(600.0, 4000.0)``, read by the loader's rules for the figure at
    ``path``; None stays None."""
    if text is None:
        return None
    lo, sep, hi = text.partition(":")
    if not sep:
        raise UsageError(f"--range: got {text!r}; expected LOW:HIGH, e.g. 600:4000")
    low, high = (option_number(v, "--range", path, text) for v in (lo, hi))
    return low, high


def _load(args: argparse.Namespace) -> tuple[Scenario, dict[str, float]]:
    scenario = load_scenario(args.scenario or default_scenario())
    return scenario, dict(parse_assignment(a) for a in args.overrides)


def _footer(p: Provenance, *notes: str) -> list[str]:
    return [*provenance_lines(p), *notes]


def deterministic_lines(p: Provenance, evaluations: int) -> list[str]:
    """The provenance stamp of a result that samples nothing (the tornado), as footer lines.

    The stamp of :func:`~forcecalc.report.render.provenance_lines` with its seed, sampler and sample
    count replaced by what happened: no sampling, and how many model evaluations.
    """
    sha = (p.scenario_sha256 or "")[:16]
    first = (
        f"forcecalc {p.version} · scenario {p.scenario_file} (sha256 {sha}…) · "
        f"{sensitivity.DETERMINISTIC}, so no seed or sampler · "
        f"{evaluations:,} model evaluations"
    )
    return [first, *provenance_lines(p)[1:]]


def deterministic_dict(p: Provenance, evaluations: int) -> dict[str, object]:
    """The provenance stamp of a result that samples nothing, as JSON-ready data.

    Seed, sampler and samples are null (they do not apply); ``sampling`` says why and
    ``model_evaluations`` counts the model points evaluated.
    """
    data = provenance_dict(p)
    data.update(seed=None, sampler=None, samples=None)
    data.update(sampling=sensitivity.DETERMINISTIC, model_evaluations=evaluations)
    return data


def _json(result: object, p: Provenance | dict[str, object], **extra: object) -> str:
    data = asdict(result)  # type: ignore[call-overload]
    data.update(extra)
    data["provenance"] = p if isinstance(p, dict) else provenance_dict(p)
    return to_json(data)


# --------------------------------------------------------------------------------------------
# forcecalc sensitivity


def tornado_table(r: sensitivity.TornadoResult) -> Table:
    lo, hi = f"P{r.low_quantile * 100:g}", f"P{r.high_quantile * 100:g}"
    sections = [
        (
            f"{t.output} [{t.unit}], baseline {t.baseline:,.0f} with every input at its median"
            + (
                f" (averaged over {', '.join(t.averaged_over)} by weight)"
                if t.averaged_over
                else ""
            ),
            [
                [
                    b.path,
                    b.unit,
                    b.low_level or b.input_low,
                    b.high_level or b.input_high,
                    b.output_low,
                    b.output_high,
                    b.swing,
                    "yes" if b.monotonic else "NO",
                ]
                for b in t.bars
            ],
        )
        for t in r.tornadoes
    ]
    return Table(
        title=f"Tornado: {r.name}",
        columns=(
            "figure",
            "unit",
            f"input {lo}",
            f"input {hi}",
            f"output at {lo}",
            f"output at {hi}",
            "swing",
            "monotonic",
        ),
        sections=sections,
        footer=[
            *deterministic_lines(r.provenance, r.evaluations),
            f"each input at its {lo} and {hi}, every other input at its median; sorted by "
            f"swing; {r.probes} quantiles probed from {lo} to {hi}, NO = the output rises and "
            "falls between them (Saltelli et al. 2008, ch. 1.2)",
            *_rule_notes(r),
        ],
        units={
            f"input {lo}": "row",
            f"input {hi}": "row",
            f"output at {lo}": "personnel",
            f"output at {hi}": "personnel",
            "swing": "personnel",
        },
    )


def _rule_notes(r: sensitivity.TornadoResult) -> list[str]:
    """How the rule selector's bar reads, when the scenario is an ensemble."""
    for t in r.tornadoes:
        for b in t.bars:
            if b.level_outputs:
                return [
                    f"{b.path} picks a rule: it has no median, so the baseline and the other "
                    "bars average over the rules by weight; its own bar runs from the rule of "
                    "least to the rule of greatest output, every other input at its median"
                ]
    return []


def sobol_table(r: sensitivity.SobolAnalysis) -> Table:
    level = f"{r.confidence:.0%}"
    sections = [
        (
            f"{o.output} [{o.unit}]",
            [
                [
                    i.path,
                    i.unit,
                    i.first_order,
                    i.first_low,
                    i.first_high,
                    i.total_order,
                    i.total_low,
                    i.total_high,
                ]
                for i in o.indices
            ],
        )
        for o in r.outputs
    ]
    columns = ("figure", "unit", "first", "first low", "first high", "total", "total low")
    columns += ("total high",)
    return Table(
        title=f"Sobol indices: {r.name}",
        columns=columns,
        sections=sections,
        footer=_footer(
            r.provenance,
            f"{r.repeats} independent repeats of n = {r.n:,} base samples "
            f"({r.evaluations:,} model evaluations); index = mean over repeats, low/high = "
            f"its {level} Student t interval",
            "scipy.stats.sobol_indices: Saltelli et al. (2010) first order, Jansen (1999) "
            "total order; Sobol' (2001)",
        ),
        units={c: "ratio" for c in columns[2:]},
    )


def rank_table(r: sensitivity.RankAnalysis) -> Table:
    sections = [
        (
            f"{o.output} [{o.unit}]",
            [[e.path, e.unit, e.rho, e.rho_low, e.rho_high, e.importance] for e in o.entries],
        )
        for o in r.outputs
    ]
    columns = ("figure", "unit", "spearman rho", "low", "high", "importance")
    return Table(
        title=f"Rank-correlation importance: {r.name}",
        columns=columns,
        sections=sections,
        footer=_footer(
            r.provenance,
            "importance = |Spearman rho| of the input with the output (Analytica's importance); "
            "low/high: 95% interval from Fisher's z, s.e. 1.03/sqrt(n-3) (Fieller et al. 1957)",
            *(
                [
                    "a rule selector's rules are ranked in the order of their output with every "
                    "other input at its median (as in the tornado), fixed before sampling; its "
                    "rho is positive when that order holds over the samples too"
                ]
                if any(e.levels for o in r.outputs for e in o.entries)
                else []
            ),
        ),
        units={c: "ratio" for c in columns[2:]},
    )


def threshold_label(r: sensitivity.ThresholdAnalysis) -> str:
    """``P(committed > pledged) = 91.5%`` and the like."""
    match r.supply:
        case "ceiling":
            against = f"{r.ceiling:,.0f}"
        case "median":
            against = f"its median {r.ceiling:,.0f}"
        case "pool":
            against = "the pool's sustainable personnel"
        case _:
            against = "the pledged total"
    return f"P({r.requirement} > {against}) = {r.probability:.1%}"


def threshold_table(r: sensitivity.ThresholdAnalysis) -> Table:
    """The drivers of a threshold; when a side of the split is too small (``r.warning``), the
    section heading says the drivers are unreliable and the footer's first note says why."""
    bins = [f"bin {b + 1}" for b in range(r.bins)]
    rows: list[list[Cell]] = [
        [d.path, d.unit, *d.by_bin, d.delta, d.spread, d.ks, "yes" if d.significant else "no"]
        for d in r.drivers
    ]
    columns = ("figure", "unit", *bins, "delta", "spread", "KS", "KS significant")
    section = f"P(exceed) by quantile bin of each input (bin 1 = lowest {1 / r.bins:.0%})"
    if r.warning:
        side = min(r.exceeding, r.n - r.exceeding)
        section = (
            f"UNRELIABLE: {side:,} of {r.n:,} samples on one side of the threshold (fewer than "
            f"{sensitivity.MIN_SIDE_SAMPLES}): these drivers are noise, not effects"
        )
    return Table(
        title=f"Threshold: {r.name}: {threshold_label(r)}",
        columns=columns,
        sections=[(section, rows)],
        footer=[
            *([f"WARNING: {r.warning}"] if r.warning else []),
            *provenance_lines(r.provenance),
            f"{r.exceeding:,} of {r.n:,} samples exceed; P(exceed) by quantile bin of each "
            f"input, bin 1 = its lowest {1 / r.bins:.0%}",
            "Monte Carlo filtering (Hornberger & Spear 1981; Saltelli et al. 2008, ch. 5): "
            "delta = P(exceed | top bin) - P(exceed | bottom bin); spread = max - min over bins; "
            "KS = Kolmogorov-Smirnov distance between the input's values in exceeding and "
            "other samples; significant = above the critical value that keeps 5% for all "
            "inputs together (Bonferroni) "
            + (
                f"{r.ks_critical:.3f} (Smirnov 1948)"
                if r.ks_critical <= 1.0
                else "(Smirnov 1948), which no distance reaches with so few samples on a side"
            ),
            *(
                [
                    "a rule selector's bins run over its rules in the order of their "
                    "requirement with every other input at its median (as in the tornado), "
                    "fixed before sampling; P(exceed | rule): "
                    + ", ".join(f"{name} {p:.1%}" for name, p in d.by_level)
                    for d in r.drivers
                    if d.by_level
                ]
            ),
        ],
        units={**{b: "probability" for b in bins}, "delta": "ratio", "spread": "ratio"}
        | {"KS": "ratio"},
    )


#: The sampling options, their defaults for the sampling methods, and their ``args`` names.
_SAMPLING_OPTIONS = {
    "--samples": ("samples", DEFAULT_SAMPLES),
    "--seed": ("seed", DEFAULT_SEED),
    "--sampler": ("sampler", Sampler.LHS.value),
}


def sampling_defaults(args: argparse.Namespace) -> None:
    """Fill in the sampling options not given; refuse them for the tornado, which samples
    nothing (each input at fixed quantiles), so that a seed given is never silently ignored.

    Raises
    ------
    UsageError
        For ``--samples``, ``--seed`` or ``--sampler`` with ``--method tornado``.
    """
    for option, (name, default) in _SAMPLING_OPTIONS.items():
        given = getattr(args, name)
        if given is None:
            setattr(args, name, default)
        elif args.method == "tornado":
            raise UsageError(
                f"{option}: got {given} with --method tornado; expected no {option}: the "
                "tornado is deterministic (each input at fixed quantiles, nothing sampled)"
            )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    sampling_defaults(args)
    scenario, overrides = _load(args)
    match args.method:
        case "tornado":
            r = sensitivity.tornado(scenario, args.low, args.high, args.probes, overrides=overrides)
            table = tornado_table(r)
            p: Provenance | dict[str, object] = deterministic_dict(r.provenance, r.evaluations)
        case "sobol":
            with explore.Progress("sobol") as bar:
                r = sensitivity.sobol(
                    scenario,
                    n=args.samples,
                    seed=args.seed,
                    repeats=args.repeats,
                    confidence=args.confidence,
                    overrides=overrides,
                    on_progress=bar,
                )
            table, p = sobol_table(r), r.provenance
        case "rank":
            with explore.Progress("rank", counts=False) as bar:
                r = sensitivity.rank_correlation(
                    scenario,
                    args.samples,
                    args.seed,
                    args.sampler,
                    overrides=overrides,
                    on_progress=bar,
                )
            table, p = rank_table(r), r.provenance
        case _:
            supply = args.ceiling if args.ceiling is not None else args.against
            with explore.Progress("threshold", counts=False) as bar:
                r = sensitivity.threshold(
                    scenario,
                    supply=supply,
                    requirement=args.requirement,
                    n=args.samples,
                    seed=args.seed,
                    sampler=args.sampler,
                    bins=args.bins,
                    overrides=overrides,
                    on_progress=bar,
                )
            table, p = threshold_table(r), r.provenance
    text = _json(r, p, method=args.method) if args.format == "json" else None
    emit(text or render_table(table, args.format), args)
    return EXIT_OK


def _sensitivity_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    p.add_argument("--method", choices=METHODS, default="tornado", help="default: tornado")
    add_run_options(p)
    # None marks an option not given: the tornado refuses them (see sampling_defaults)
    p.set_defaults(samples=None, seed=None, sampler=None)
    add_output_options(p)
    g = p.add_argument_group(
        "tornado", "deterministic (fixed quantiles): refuses --samples, --seed and --sampler"
    )
    g.add_argument("--low", type=float, default=0.05, help="low quantile (default 0.05)")
    g.add_argument("--high", type=float, default=0.95, help="high quantile (default 0.95)")
    g.add_argument("--probes", type=int, default=9, help="quantiles probed (default 9)")
    g = p.add_argument_group("sobol")
    g.add_argument("--repeats", type=int, default=10, help="independent repeats (default 10)")
    g.add_argument("--confidence", type=float, default=0.95, help="interval level (default 0.95)")
    g = p.add_argument_group("threshold")
    supply = g.add_mutually_exclusive_group()
    supply.add_argument("--ceiling", type=float, metavar="N", help="a personnel ceiling")
    supply.add_argument(
        "--against",
        choices=sensitivity.SUPPLIES,
        help="compare with the pledges, the pool or the requirement's median (default: "
        "pledged if the scenario has pledges, else pool, else median)",
    )
    g.add_argument(
        "--requirement",
        choices=explore.REQUIREMENTS,
        help="default: the pledges' basis, deployed for a pool, committed otherwise",
    )
    g.add_argument("--bins", type=int, default=5, help="quantile bins per input (default 5)")


# --------------------------------------------------------------------------------------------
# forcecalc sweep


def sweep_table(r: explore.Sweep) -> Table:
    stats = ("p5", "p50", "p95")
    band_columns = [f"{o} {s}" for o in r.outputs for s in stats]
    prob_keys = list(r.points[0].probabilities) if r.points else []
    labels = {"p_pledges_suffice": "P(pledges suffice)", "p_pool_suffices": "P(pool suffices)"}
    axes = [f"{a.path} [{u}]" for a, u in zip(r.axes, r.units, strict=True)]
    rows: list[list[Cell]] = [
        [
            *pt.coordinates,
            *(pt.bands[o].stat(s) for o in r.outputs for s in stats),
            *(pt.probabilities[k] for k in prob_keys),
        ]
        for pt in r.points
    ]
    units = {a: u for a, u in zip(axes, r.units, strict=True)}
    units |= {c: "personnel" for c in band_columns}
    units |= {labels.get(k, k): "probability" for k in prob_keys}
    return Table(
        title=f"Sweep: {r.name}",
        columns=(*axes, *band_columns, *(labels.get(k, k) for k in prob_keys)),
        sections=[("", rows)],
        footer=_footer(
            r.provenance,
            "every grid point uses the same samples of the other figures (common random "
            "numbers): a point equals 'forcecalc run --set' at its values with the same seed",
        ),
        units=units,
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    scenario, overrides = _load(args)
    axes = [parse_vary(v) for v in args.vary]
    with explore.Progress("sweep") as bar:
        r = explore.sweep(
            scenario, axes, args.samples, args.seed, args.sampler, overrides, on_progress=bar
        )
    if args.format == "json":
        emit(_json(r, r.provenance, shape=list(r.shape)), args)
    else:
        emit(render_table(sweep_table(r), args.format), args)
    return EXIT_OK


def _sweep_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY.PATH=START:STOP:STEPS",
        help="a figure and its grid (once or twice)",
    )
    add_run_options(p)
    add_output_options(p)


# --------------------------------------------------------------------------------------------
# forcecalc goal


def goal_table(r: explore.GoalSeek) -> Table:
    lo, hi = r.search_range
    rows: list[list[Cell]] = [
        ["status", r.status, ""],
        ["figure", r.path, ""],
        ["answer", r.bound or "none", ""],
        ["value", r.answer if r.value is not None else None, r.unit],
        ["pool", r.pool_personnel, "personnel"],
        ["requirement", r.requirement, ""],
        ["confidence asked", r.confidence, "probability"],
        ["share of samples covered", r.probability, "probability"],
        [f"{r.requirement} at that confidence", r.requirement_at_confidence, "personnel"],
        ["search range", f"{lo:,.6g} to {hi:,.6g}", r.unit],
        ["model evaluations", r.evaluations, ""],
    ]
    return Table(
        title=f"Goal seek: {r.name}",
        columns=("quantity", "value", "unit"),
        sections=[("", rows)],
        footer=_footer(
            r.provenance,
            r.describe(),
            "scipy.optimize.brentq on the requirement's quantile with common random numbers",
        ),
        units={"value": "row"},
    )


def cmd_goal(args: argparse.Namespace) -> int:
    scenario, overrides = _load(args)
    with explore.Progress("goal", counts=False) as bar:
        r = explore.goal_seek(
            scenario,
            args.solve,
            args.pool,
            args.confidence,
            args.requirement,
            parse_range(args.range, args.solve),
            args.samples,
            args.seed,
            args.sampler,
            overrides,
            on_progress=bar,
        )
    if args.format == "json":
        emit(_json(r, r.provenance, answer=r.describe()), args)
    else:
        emit(render_table(goal_table(r), args.format), args)
    return EXIT_OK


def _goal_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    p.add_argument("--pool", type=float, required=True, metavar="N", help="personnel available")
    p.add_argument("--solve", required=True, metavar="KEY.PATH", help="the figure to solve for")
    p.add_argument(
        "--confidence",
        type=float,
        default=0.8,
        help="share of samples the pool must cover (default 0.8)",
    )
    p.add_argument(
        "--requirement",
        choices=explore.REQUIREMENTS,
        default="committed",
        help="compare the pool with the committed (default) or the deployed requirement",
    )
    p.add_argument(
        "--range", metavar="LOW:HIGH", help="values to search (default: the figure's domain)"
    )
    add_run_options(p)
    add_output_options(p)


# --------------------------------------------------------------------------------------------
# forcecalc run-large


#: Default sample count of ``run-large``.
LARGE_SAMPLES = 10_000_000


def cmd_run_large(args: argparse.Namespace) -> int:
    scenario, overrides = _load(args)
    with explore.Progress("run-large") as bar:
        result = explore.run_chunked(
            scenario,
            args.samples,
            args.seed,
            args.sampler,
            overrides,
            chunk_samples=args.chunk,
            on_progress=bar,
        )
    emit(render_run(result, args.format), args)
    return EXIT_OK


def _run_large_args(p: argparse.ArgumentParser) -> None:
    scenario_argument(p)
    add_run_options(
        p,
        samples=LARGE_SAMPLES,
        sampler=Sampler.MC,
        sampler_help="plain Monte Carlo (default) or scrambled Sobol; lhs only for one chunk",
    )
    p.add_argument(
        "--chunk",
        type=int,
        default=explore.DEFAULT_CHUNK,
        metavar="N",
        help=f"samples evaluated at once (default {explore.DEFAULT_CHUNK:,}); the result "
        "does not depend on it",
    )
    add_output_options(p)


COMMANDS: dict[str, Command] = {
    "sensitivity": (
        "which inputs drive the requirement: tornado, Sobol indices, rank correlation, threshold",
        _sensitivity_args,
        cmd_sensitivity,
    ),
    "sweep": (
        "P5/P50/P95 over a grid of one or two figures (common random numbers)",
        _sweep_args,
        cmd_sweep,
    ),
    "goal": (
        "the largest (or smallest) value of a figure a pool of personnel covers",
        _goal_args,
        cmd_goal,
    ),
    "run-large": (
        "run with many samples (default 10 million, mc) in chunks of bounded memory",
        _run_large_args,
        cmd_run_large,
    ),
}
