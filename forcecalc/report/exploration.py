"""Tables of a sweep and a goal seek (:mod:`forcecalc.analysis.sweep`,
:mod:`forcecalc.analysis.goal`), rendered in every format by
:func:`forcecalc.report.render.render_table`; their footers carry the provenance stamp."""

from __future__ import annotations

from dataclasses import asdict

from forcecalc.analysis.goal import GoalSeek
from forcecalc.analysis.sweep import Sweep
from forcecalc.report.render import Cell, Table, provenance_dict, provenance_lines, to_json

#: Column headings of the probabilities a sweep reports where the scenario has them.
PROBABILITY_LABELS = {
    "p_pledges_suffice": "P(pledges suffice)",
    "p_pool_suffices": "P(pool suffices)",
}


def sweep_table(r: Sweep, pivot: bool = False) -> Table:
    """One row per grid point: the varied figures, P5 / P50 / P95 of each output, and the
    probabilities that the pledges or the pool suffice; with ``pivot``, a two-figure sweep is
    :func:`sweep_pivot` instead."""
    if pivot and len(r.axes) == 2:
        return sweep_pivot(r)
    stats = ("p5", "p50", "p95")
    band_columns = [f"{o} {s}" for o in r.outputs for s in stats]
    prob_keys = list(r.points[0].probabilities) if r.points else []
    labels = PROBABILITY_LABELS
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
        footer=[
            *provenance_lines(r.provenance),
            "every grid point uses the same samples of the other figures (common random "
            "numbers): a point equals 'forcecalc run --set' at its values with the same seed",
        ],
        units=units,
    )


def _heading(value: float) -> str:
    return f"{value:,.6g}"


def sweep_pivot(r: Sweep) -> Table:
    """A two-figure sweep as a grid: one row per value of the first figure, one column per
    value of the second, each cell the P50 of an output there; a section per output."""
    (first, second), (u1, u2) = r.axes, r.units
    corner = f"{first.path} [{u1}] \\ {second.path} [{u2}]"
    columns = [_heading(v) for v in second.values]
    if len(set(columns)) < len(columns):  # values too close for 6 digits: number them
        columns = [f"{i + 1}: {c}" for i, c in enumerate(columns)]
    at = {pt.coordinates: pt for pt in r.points}
    sections = [
        (
            f"{o} P50 [personnel]",
            [
                [_heading(x), *(at[(x, y)].bands[o].p50 for y in second.values)]
                for x in first.values
            ],
        )
        for o in r.outputs
    ]
    return Table(
        title=f"Sweep: {r.name}",
        columns=(corner, *columns),
        sections=sections,
        footer=[
            *provenance_lines(r.provenance),
            f"rows: {first.path}; columns: {second.path}; each cell the P50 there "
            "(--format csv or json gives every band and probability at every point)",
            "every grid point uses the same samples of the other figures (common random "
            "numbers): a point equals 'forcecalc run --set' at its values with the same seed",
        ],
        units=dict.fromkeys(columns, "personnel"),
    )


def goal_table(r: GoalSeek) -> Table:
    """The answer of a goal seek, what it was asked and how it was found, one quantity a row;
    the footer says it in one sentence (:meth:`GoalSeek.describe`)."""
    lo, hi = r.search_range
    rows: list[list[Cell]] = [
        ["status", r.status, ""],
        ["figure", r.path, ""],
        ["answer", r.bound or "none", ""],
        ["value", r.answer if r.value is not None else None, r.unit],
        *_supply_rows(r),
        ["confidence asked", r.confidence, "probability"],
        [_share_label(r), r.probability, "probability"],
        [_need_label(r), r.requirement_at_confidence, "personnel"],
        *(
            [["coverage at that confidence", r.coverage_at_confidence, "ratio"]]
            if r.against
            else []
        ),
        ["search range", f"{lo:,.6g} to {hi:,.6g}", r.unit],
        ["model evaluations", r.evaluations, ""],
    ]
    return Table(
        title=f"Goal seek: {r.name}",
        columns=("quantity", "value", "unit"),
        sections=[("", rows)],
        footer=[
            *provenance_lines(r.provenance),
            r.describe(),
            (
                "scipy.optimize.brentq on the quantile of each sample's 1 - coverage (the "
                "coverage run computes) with common random numbers"
                if r.against
                else "scipy.optimize.brentq on the requirement's quantile with common random "
                "numbers"
            ),
        ],
        units={"value": "row"},
    )


def _supply_rows(r: GoalSeek) -> list[list[Cell]]:
    """What the goal compares: a pool of personnel and the requirement, or the pledges or the
    pool as ``run`` compares them and which requirement (``compared with``)."""
    if not r.against:
        return [["pool", r.pool_personnel, "personnel"], ["requirement", r.requirement, ""]]
    supply = "the pledges" if r.against == "pledged" else "the pool's sustainable personnel"
    return [
        ["against", supply, ""],
        ["requirement", r.requirement, ""],
        ["compared", r.compared_with, ""],
    ]


def _share_label(r: GoalSeek) -> str:
    """The row of the share covered: run's probability against the pledges or the pool."""
    if r.against == "pledged":
        return "share of samples covered (P(pledges suffice))"
    if r.against == "pool":
        return "share of samples covered (P(pool suffices))"
    return "share of samples covered"


def _need_label(r: GoalSeek) -> str:
    """The row of the requirement's quantile (of the whole force, whatever the pledges or the
    pool cover)."""
    return f"{r.requirement}{' (whole force)' if r.against else ''} at that confidence"


def goal_json(r: GoalSeek) -> str:
    """A goal seek as JSON: its fields, its ``answer`` sentence and its provenance; the fields
    of a goal against the pledges or the pool (``against``, ``compared_with``,
    ``coverage_at_confidence``) only there."""
    data = asdict(r)
    if not r.against:
        for key in ("against", "compared_with", "coverage_at_confidence"):
            del data[key]
    data["answer"] = r.describe()
    data["provenance"] = provenance_dict(r.provenance)
    return to_json(data)
