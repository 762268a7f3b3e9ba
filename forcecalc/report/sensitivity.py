"""Tables and JSON of the sensitivity methods: tornado, Sobol indices, rank correlation and
threshold (:mod:`forcecalc.analysis.tornado`, :mod:`~forcecalc.analysis.sobol`,
:mod:`~forcecalc.analysis.rank`, :mod:`~forcecalc.analysis.threshold`).

Rendered in every format by :func:`forcecalc.report.render.render_table`; their footers carry
the provenance stamp, which for the tornado, which samples nothing, says so
(:func:`deterministic_lines`).
"""

from __future__ import annotations

from dataclasses import asdict, replace

from forcecalc.analysis.rank import RankAnalysis
from forcecalc.analysis.sobol import SobolAnalysis
from forcecalc.analysis.threshold import MIN_SIDE_SAMPLES, ThresholdAnalysis
from forcecalc.analysis.tornado import DETERMINISTIC, TornadoResult
from forcecalc.core.provenance import Provenance
from forcecalc.report.render import (
    Cell,
    Table,
    fmt_number,
    provenance_dict,
    provenance_lines,
    render_table,
    result_json,
    to_json,
)

#: What a sensitivity method returns.
SensitivityResult = TornadoResult | SobolAnalysis | RankAnalysis | ThresholdAnalysis

#: The ``method`` each result's JSON names.
METHOD_OF: dict[type, str] = {
    TornadoResult: "tornado",
    SobolAnalysis: "sobol",
    RankAnalysis: "rank",
    ThresholdAnalysis: "threshold",
}


def render_sensitivity(r: SensitivityResult, fmt: str) -> str:
    """The result as ``fmt`` (``table``, ``markdown``, ``csv`` or ``json``).

    JSON holds the result's fields, its ``method`` and its provenance stamp (that of
    :func:`deterministic_dict` for the tornado).
    """
    if fmt == "json":
        p: Provenance | dict[str, object] = r.provenance
        if isinstance(r, TornadoResult):
            p = deterministic_dict(r.provenance, r.evaluations)
        if isinstance(r, ThresholdAnalysis):
            return threshold_json(r)
        if isinstance(r, TornadoResult | SobolAnalysis):
            return independent_json(r, p)
        return result_json(r, p, method=METHOD_OF[type(r)])
    table = sensitivity_table(r)
    if fmt in ("table", "markdown"):  # CSV and JSON keep every figure's row and its zeros
        table = without_no_effect(table, no_effect(r))
    return render_table(table, fmt)


#: Most figures a "no effect" line names before "(+N more)".
NO_EFFECT_LISTED = 8


def no_effect(r: SensitivityResult) -> list[tuple[str, list[str]]]:
    """Per section of the table (its output), the figures with no effect on it: a tornado bar
    of swing 0 that is flat at every probe, Sobol indices all exactly 0 (the model's output
    does not change when the figure does). Rank correlation and threshold measure association
    in samples, where a figure with no effect still shows noise: they keep every row."""
    if isinstance(r, TornadoResult):
        return [
            (t.output, [b.path for b in t.bars if b.swing == 0 and b.monotonic])
            for t in r.tornadoes
        ]
    if isinstance(r, SobolAnalysis):
        bounds = ("first_order", "first_low", "first_high", "total_order", "total_low")
        return [
            (
                o.output,
                [
                    i.path
                    for i in o.indices
                    if all(getattr(i, k) == 0 for k in (*bounds, "total_high"))
                ],
            )
            for o in r.outputs
        ]
    return []


def no_effect_line(paths: list[str], output: str = "") -> str:
    """``no effect: a, b, c (+N more)``; ``no effect on committed: ...`` for one output."""
    shown = ", ".join(paths[:NO_EFFECT_LISTED])
    more = len(paths) - NO_EFFECT_LISTED
    head = f"no effect on {output}" if output else "no effect"
    return f"{head}: {shown}" + (f" (+{more:,} more)" if more > 0 else "")


def without_no_effect(table: Table, silent: list[tuple[str, list[str]]]) -> Table:
    """The table with the figures of no effect taken out of each section's rows and named on
    one line at the head of the footer (one line for all outputs when they agree)."""
    if not any(paths for _, paths in silent):
        return table
    sections = [
        (heading, [row for row in rows if row[0] not in set(paths)])
        for (heading, rows), (_, paths) in zip(table.sections, silent, strict=True)
    ]
    if all(paths == silent[0][1] for _, paths in silent):
        lines = [no_effect_line(silent[0][1])]
    else:
        lines = [no_effect_line(paths, output) for output, paths in silent if paths]
    return replace(table, sections=sections, footer=[*lines, *table.footer])


def sensitivity_table(r: SensitivityResult) -> Table:
    """The table of any sensitivity result."""
    if isinstance(r, TornadoResult):
        return tornado_table(r)
    if isinstance(r, SobolAnalysis):
        return sobol_table(r)
    if isinstance(r, RankAnalysis):
        return rank_table(r)
    return threshold_table(r)


# --------------------------------------------------------------------------------------------
# Provenance of a result that samples nothing


def deterministic_lines(p: Provenance, evaluations: int) -> list[str]:
    """The provenance stamp of a result that samples nothing (the tornado), as footer lines.

    The stamp of :func:`~forcecalc.report.render.provenance_lines` with its seed, sampler and sample
    count replaced by what happened: no sampling, and how many model evaluations.
    """
    sha = (p.scenario_sha256 or "")[:16]
    first = (
        f"forcecalc {p.version} · scenario {p.scenario_file} (sha256 {sha}…) · "
        f"{DETERMINISTIC}, so no seed or sampler · "
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
    data.update(sampling=DETERMINISTIC, model_evaluations=evaluations)
    return data


def independence_notes(r: TornadoResult | SobolAnalysis) -> list[str]:
    """The one-line note that the method treats the scenario's correlated figures as
    independent, or none when the scenario has no correlations."""
    if not r.correlated:
        return []
    return [
        f"NOTE: {METHOD_OF[type(r)]} assumes independent inputs and ignores the scenario's "
        f"correlations between {', '.join(r.correlated)} (run, sweep, goal, rank and "
        "threshold sample them correlated)"
    ]


def independent_json(r: TornadoResult | SobolAnalysis, p: Provenance | dict[str, object]) -> str:
    """A tornado or Sobol result as JSON (as :func:`~forcecalc.report.render.result_json`
    writes it), with ``correlated`` and its ``note`` only when the scenario has correlations."""
    data = asdict(r)
    if r.correlated:
        data["note"] = independence_notes(r)[0]
    else:
        del data["correlated"]
    data["method"] = METHOD_OF[type(r)]
    data["provenance"] = p if isinstance(p, dict) else provenance_dict(p)
    return to_json(data)


# --------------------------------------------------------------------------------------------
# The tables


def tornado_table(r: TornadoResult) -> Table:
    """Each output's bars, largest swing first, with the input and output at both ends."""
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
            *independence_notes(r),
        ],
        units={
            f"input {lo}": "row",
            f"input {hi}": "row",
            f"output at {lo}": "personnel",
            f"output at {hi}": "personnel",
            "swing": "personnel",
        },
    )


#: How the levels of an ensemble by sector's rule selector read.
_BY_SECTOR_NOTE = (
    "ensemble by sector: one draw picks every sector's rule, each from its own posture's rules "
    "and shares, so each level names what the draw takes in every sector (sector rule / "
    "sector rule), weighted by its share of the draws"
)


def _rule_notes(r: TornadoResult) -> list[str]:
    """How the rule selector's bar reads, when the scenario is an ensemble."""
    for t in r.tornadoes:
        for b in t.bars:
            if b.level_outputs:
                return [
                    f"{b.path} picks a rule: it has no median, so the baseline and the other "
                    "bars average over the rules by weight; its own bar runs from the rule of "
                    "least to the rule of greatest output, every other input at its median",
                    *([_BY_SECTOR_NOTE] if b.unit == "rule per sector" else []),
                ]
    return []


def sobol_table(r: SobolAnalysis) -> Table:
    """Each output's first-order and total indices with their intervals, largest total
    first."""
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
        footer=[
            *provenance_lines(r.provenance),
            f"{r.repeats} independent repeats of n = {r.n:,} base samples "
            f"({r.evaluations:,} model evaluations); index = mean over repeats, low/high = "
            f"its {level} Student t interval",
            "scipy.stats.sobol_indices: Saltelli et al. (2010) first order, Jansen (1999) "
            "total order; Sobol' (2001)",
            *(
                [
                    "ensemble by sector: ensemble.rule_choice is one draw that picks every "
                    "sector's rule, each from its own posture's rules and shares; its indices "
                    "are those of that joint choice, not of any one sector's rule"
                ]
                if any(i.unit == "rule per sector" for o in r.outputs for i in o.indices)
                else []
            ),
            *independence_notes(r),
        ],
        units={c: "ratio" for c in columns[2:]},
    )


def rank_table(r: RankAnalysis) -> Table:
    """Each output's inputs by importance (|Spearman rho|), with rho's interval."""
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
        footer=[
            *provenance_lines(r.provenance),
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
        ],
        units={c: "ratio" for c in columns[2:]},
    )


def threshold_label(r: ThresholdAnalysis) -> str:
    """``P(committed > pledged) = 91.5%`` and the like; where pledges or the pool name the
    categories they ``cover``, ``P(pledged short of deployed of military) = 12.0%``."""
    if r.compared_with:
        return f"P({r.supply} short of {r.compared_with}){_percent(r.probability)}"
    match r.supply:
        case "ceiling":
            against = f"{r.ceiling:,.0f}"
        case "median":
            against = f"its median {r.ceiling:,.0f}"
        case "pool":
            against = "the pool's sustainable personnel"
        case _:
            against = "the pledged total"
    return f"P({r.requirement} > {against}){_percent(r.probability)}"


def _percent(probability: float) -> str:
    """`` = 12.0%``, or `` >99.9%``: a probability as ``run`` prints it, never 0.0% or 100.0%
    for what some samples did but not all."""
    text = fmt_number(probability, "probability")
    return f" {text}" if text[0] in "<>" else f" = {text}"


def threshold_json(r: ThresholdAnalysis) -> str:
    """A threshold as JSON (as :func:`~forcecalc.report.render.result_json` writes it), with
    ``compared_with`` only where pledges or the pool name the categories they ``cover``, as
    ``run``'s ``coverage_compares_with``."""
    data = asdict(r)
    if not r.compared_with:
        del data["compared_with"]
    data["method"] = METHOD_OF[ThresholdAnalysis]
    data["provenance"] = provenance_dict(r.provenance)
    return to_json(data)


def threshold_table(r: ThresholdAnalysis) -> Table:
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
            f"{MIN_SIDE_SAMPLES}): these drivers are noise, not effects"
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
