"""``forcecalc timeline`` output: the monthly bands and the mandate's figures, as a table
(text, Markdown, CSV) or JSON, with provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from forcecalc.core.summary import Band
from forcecalc.core.sustainment import compared_with
from forcecalc.core.timeline import PREFIX, has_build_up
from forcecalc.core.timeline_run import TimelineResult
from forcecalc.report.render import (
    Cell,
    Table,
    provenance_dict,
    provenance_lines,
    render_tables,
    to_json,
)

#: Monthly outputs in the order shown, with their labels.
MONTHLY_LABELS = {
    "required_deployed": "deployed",
    "required_committed": "committed",
    "available": "available",
    "shortfall": "shortfall",
    "pool_shortfall": "pool shortfall",
}
_STATS = ("mean", "p5", "p50", "p95")
#: Figures over the mandate, their labels and units.
MANDATE_LABELS = {
    "peak_committed": ("peak committed", "personnel"),
    "pass_through": ("personnel passing through (troop tours)", "personnel"),
    "first_shortfall_month": ("first month of shortfall (where one happens)", "months"),
    "at_strength_month": ("first month at strength (where reached)", "months"),
    "build_up_month": ("month the build-up completes", "months"),
    "after_build_up_shortfall_month": (
        "first shortfall after the build-up (where one happens)",
        "months",
    ),
}
PROBABILITY_LABELS = {
    "p_no_shortfall": "P(no shortfall in any month)",
    "p_at_strength": "P(at strength in some month)",
    "p_no_shortfall_after_build_up": "P(no shortfall after the build-up)",
    "p_pool_no_shortfall": "P(pool short in no month)",
}


def _shown(result: TimelineResult) -> tuple[str, ...]:
    """The monthly outputs the result has, in :data:`MONTHLY_LABELS` order."""
    return tuple(k for k in MONTHLY_LABELS if k in result.monthly)


def _monthly_columns(result: TimelineResult) -> tuple[str, ...]:
    bands = tuple(f"{MONTHLY_LABELS[k]} {s}" for k in _shown(result) for s in ("p5", "p50", "p95"))
    return ("month", *bands, "P(shortfall)")


def month_rows(result: TimelineResult) -> list[list[Cell]]:
    """One row per month: P5, P50, P95 of each monthly output, then P(shortfall)."""
    rows: list[list[Cell]] = []
    for m in range(result.months):
        row: list[Cell] = [m + 1]
        for key in _shown(result):
            row += [float(result.monthly[key][i, m]) for i in (1, 2, 3)]
        rows.append([*row, float(result.p_shortfall[m])])
    return rows


def _band_row(label: str, unit: str, b: Band) -> list[Cell]:
    return [label, unit, b.p5, b.p50, b.p95, b.mean]


def mandate_rows(result: TimelineResult) -> list[list[Cell]]:
    """The mandate's figures as bands, then its probabilities."""
    rows = [
        _band_row(label, unit, result.mandate[k])
        for k, (label, unit) in MANDATE_LABELS.items()
        if k in result.mandate
    ]
    rows += [
        [label, "probability", None, result.probabilities[k], None, None]
        for k, label in PROBABILITY_LABELS.items()
        if k in result.probabilities
    ]
    return rows


def compared(result: TimelineResult) -> dict[str, str]:
    """Which requirement each shortfall compares with, as ``run``'s coverages:
    ``{"shortfall": ..., "pool_shortfall": ...}``, e.g. ``"required deployed"`` or
    ``"required committed of military, enablers"``."""
    fg = result.scenario.force_generation
    basis = fg.pledge_basis if fg is not None else "deployed"
    by = compared_with(result.scenario)
    out = {"shortfall": "required " + by.get("pledge_coverage", basis)}
    if "pool_shortfall" in result.monthly:
        out["pool_shortfall"] = "required " + by.get("pool_coverage", "deployed")
    return out


def after_build_up_note(result: TimelineResult) -> str:
    """Which months "after the build-up" counts."""
    if not has_build_up(result.scenario):
        return "no build-up planned: after the build-up is every month of the mandate"
    rate = PREFIX + "deployment_per_month" in result.scenario.figures
    end = (
        "the month lift could have deployed the whole requirement (deployment_per_month)"
        if rate
        else "the month the build-up completes (build_up_months)"
    )
    return (
        f"after the build-up = from {end} to the mandate's end, a window no withdrawal moves; "
        "the first month at strength is descriptive (a withdrawal during the build-up can "
        "move it past a later shortfall)"
    )


def notes(result: TimelineResult) -> list[str]:
    """What a reader must know to read the numbers."""
    against = compared(result)
    lines = [
        f"shortfall = {against['shortfall']} − available from the pledges, 0 or more (as run's "
        "pledge coverage compares them)"
    ]
    if "pool_shortfall" in against:
        lines.append(
            f"pool shortfall = {against['pool_shortfall']} − the pool's sustainable personnel, "
            "0 or more (as run's pool coverage; the pool has no build-up or withdrawal)"
        )
    else:
        lines.append("no force_generation.pool: the timeline compares the pledges only")
    lines.append(after_build_up_note(result))
    if result.untoured:
        lines.append(
            "pass-through leaves out " + ", ".join(result.untoured) + " (no tour length stated: "
            "give sustainment tour_months or timeline.tour_months)"
        )
    return lines


def timeline_tables(result: TimelineResult) -> list[Table]:
    """The monthly table and the mandate table."""
    columns = _monthly_columns(result)
    units = {c: "personnel" for c in columns[1:-1]}
    monthly = Table(
        title=f"{result.scenario.name}: required deployed and committed, available and "
        f"shortfall, month by month ({result.months} months)",
        columns=columns,
        sections=[("", month_rows(result))],
        units={"month": "", **units, "P(shortfall)": "probability"},
    )
    mandate = Table(
        title=f"{result.scenario.name}: over the mandate",
        columns=("name", "unit", "p5", "p50", "p95", "mean"),
        sections=[("Mandate", mandate_rows(result))],
        footer=[*notes(result), *provenance_lines(result.provenance)],
        units={"p5": "row", "p50": "row", "p95": "row", "mean": "row"},
    )
    return [monthly, mandate]


def _bands(rows: Sequence[Sequence[float]]) -> dict[str, list[float]]:
    return {s: [float(x) for x in rows[i]] for i, s in enumerate(_STATS)}


def timeline_dict(result: TimelineResult) -> dict[str, object]:
    """The result as JSON-ready data: per month mean/P5/P50/P95 of each output."""
    return {
        "scenario": result.scenario.name,
        "months": result.months,
        "monthly": {k: _bands(v) for k, v in result.monthly.items()},
        "committed_by_category": {k: _bands(v) for k, v in result.committed_by_category.items()},
        "p_shortfall": [float(x) for x in result.p_shortfall],
        "shortfall_compares": compared(result),
        "mandate": {k: asdict(b) for k, b in result.mandate.items()},
        "probabilities": dict(result.probabilities),
        "pass_through_categories": list(result.toured),
        "pass_through_leaves_out": list(result.untoured),
        "notes": notes(result),
        "provenance": provenance_dict(result.provenance),
    }


def render_timeline(result: TimelineResult, fmt: str) -> str:
    """``forcecalc timeline`` output in ``table``, ``markdown``, ``csv`` or ``json``."""
    if fmt == "json":
        return to_json(timeline_dict(result))
    return render_tables(timeline_tables(result), fmt)  # as CSV one table
