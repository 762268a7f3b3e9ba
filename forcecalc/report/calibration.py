"""Text, Markdown, CSV and JSON for the calibration results: analogs, back-test, missions.

Built on the generic :class:`~forcecalc.report.render.Table`; every output carries its provenance
(version, seed, samples, and the scenario's or the dataset's sha256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict

from forcecalc.calibration.analogs import Comparison, Precedent
from forcecalc.calibration.backtest import BacktestResult
from forcecalc.calibration.missions import MissionSet
from forcecalc.core import glossary
from forcecalc.core.summary import Band
from forcecalc.core.version import __version__
from forcecalc.report.render import (
    Cell,
    Table,
    metric_label,
    provenance_dict,
    provenance_lines,
    render_table,
    render_tables,
    source_label,
    to_json,
)

#: The densities a scenario is set beside past missions by, labelled as ``forcecalc run`` labels
#: the run's density each one is (:func:`~forcecalc.report.render.metric_label` without
#: "deployed "); ``troops_per_km`` of a line with borders or sectors is :data:`_WHOLE_LINE`.
_DENSITY_LABELS = {
    "troops_per_km": metric_label("deployed_per_km").removeprefix("deployed "),
    "troops_per_km2": metric_label("deployed_per_km2").removeprefix("deployed "),
    "troops_per_1000": "per 1,000 inhabitants",
}
_WHOLE_LINE = metric_label("deployed_per_km_line").removeprefix("deployed ")


def density_labels(c: Comparison) -> dict[str, str]:
    """Each density's label by glossary name, as ``forcecalc run`` names what it divides by:
    per km of front, or per km of the whole line where the scenario has borders or sectors
    (the run's ``deployed_per_km_line``); per km² of buffer; per 1,000 inhabitants."""
    labels = dict(_DENSITY_LABELS)
    if c.border_km is not None:
        labels["troops_per_km"] = _WHOLE_LINE
    return labels


def dataset_sha256(missions: MissionSet) -> str:
    """SHA-256 of the dataset's files, in order."""
    digest = hashlib.sha256()
    for name in missions.source_files:
        with open(name, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def dataset_line(missions: MissionSet) -> str:
    """One provenance line for the missions dataset."""
    return (
        f"missions dataset: {len(missions)} missions (sha256 {dataset_sha256(missions)[:16]}…); "
        "'–' is missing: not stated, or unconfirmed"
    )


def _joined(tables: Sequence[Table], fmt: str) -> str:
    return render_tables(tables, fmt)  # as CSV one table


# --------------------------------------------------------------------------------------------
# forcecalc analogs


def _precedent_row(p: Precedent) -> list[Cell]:
    return [
        f"{p.name} ({p.id})",
        str(p.year),
        p.posture,
        f"{p.counts}, {p.strength_kind}",
        p.strength,
        *(p.densities[d] for d in glossary.DENSITIES),
    ]


def _sort_key(p: Precedent) -> float:
    d = p.densities["troops_per_km"]
    return -d if d is not None else float("inf")


def analogs_tables(c: Comparison, missions: MissionSet) -> list[Table]:
    """The densities table (scenario beside precedents) and the requirement-by-rule table."""
    labels = density_labels(c)
    columns = ("mission", "year", "posture", "counts", "strength")
    columns += tuple(labels[d] for d in glossary.DENSITIES)
    units = {"strength": "personnel", **{labels[d]: d for d in glossary.DENSITIES}}
    scenario_rows = [
        [f"this scenario, {stat.upper()}", None, None, "deployed", None]
        + [c.densities[d].stat(stat) if d in c.densities else None for d in glossary.DENSITIES]
        for stat in ("p5", "p50", "p95")
    ]
    precedent_rows = [_precedent_row(p) for p in sorted(c.precedents, key=_sort_key)]
    ranks = [
        f"{labels[r.density]}: the scenario's median ranks {r.rank} of {r.of}"
        + (f" (denser: {', '.join(r.denser)})" if r.denser else " (denser than every mission)")
        for r in c.ranks
    ]
    densities = Table(
        title=f"{c.scenario}: densities beside past missions",
        columns=columns,
        sections=[("Scenario", scenario_rows), ("Past missions", precedent_rows)],
        footer=[
            *ranks,
            *_density_notes(c),
            dataset_line(missions),
            *provenance_lines(c.provenance),
        ],
        units=units,
    )
    rule_rows = [[e.rule, e.description, *_band(e.band)] for e in c.rules]
    totals = [["this scenario", f"method {c.method}", *_band(c.deployed)]]
    if c.ensemble is not None and c.method == "tasks":
        totals.append(["ensemble", "the rules of the line below", *_band(c.ensemble)])
    whole_line = []
    if c.border_km is not None:
        whole_line = [
            "Rules per km and posts apply to every sector of the line, the front and its "
            f"{c.border_km.p50:,.0f} km of quiet borders, and rules per km² to the sectors with "
            "a buffer, as the scenario's own analog or ensemble does."
        ]
    requirement = Table(
        title=f"{c.scenario}: requirement by sizing rule on the scenario's geometry",
        columns=("rule", "what", "p5", "p50", "p95", "mean"),
        sections=[("Rules", rule_rows), ("Totals", totals)],
        footer=[
            "Each rule applies one density to the scenario's sampled front, buffer area or "
            "population; the rules are alternatives, not parts.",
            *whole_line,
            *([c.ensemble_note] if c.ensemble_note else []),
            *provenance_lines(c.provenance),
        ],
        units={k: "personnel" for k in ("p5", "p50", "p95", "mean")},
    )
    return [densities, requirement]


def _density_notes(c: Comparison) -> list[str]:
    """What the scenario's densities divide by, named as the run names them."""
    per_km, per_km2 = _DENSITY_LABELS["troops_per_km"], _DENSITY_LABELS["troops_per_km2"]
    territory = "a mission present in a whole territory (KFOR, all of Kosovo) has none."
    if c.border_km is None or c.per_km_front is None:
        return [
            f"{per_km}: the scenario's deployed force ÷ its front, as a mission's strength ÷ "
            "its line.",
            f"{per_km2}: of a buffer or security zone; {territory}",
        ]
    front = c.per_km_front
    return [
        f"{_WHOLE_LINE}: the scenario's whole deployed force ÷ its front plus its "
        f"{c.border_km.p50:,.0f} km of quiet borders, as a mission's whole strength ÷ its whole "
        f"line; ÷ the front alone it would be {front.p50:.3g} ({front.p5:.3g}-{front.p95:.3g}) "
        "per km, counting the border troops as if they stood on the front (the run's "
        f"deployed {per_km}).",
        f"{per_km2}: the whole force, border cover included, ÷ the area of the sectors with a "
        f"buffer (the run's deployed {per_km2}); a mission's is of a buffer or security zone, "
        f"and {territory}",
    ]


def _band(b: Band) -> list[Cell]:
    return [b.p5, b.p50, b.p95, b.mean]


def analogs_dict(c: Comparison, missions: MissionSet) -> dict[str, object]:
    """The comparison as JSON-ready data."""
    return {
        "scenario": c.scenario,
        "method": c.method,
        "densities": {k: asdict(b) for k, b in c.densities.items()},
        "ranks": [asdict(r) for r in c.ranks],
        "labels": density_labels(c),
        "precedents": [asdict(p) for p in c.precedents],
        "deployed": asdict(c.deployed),
        "rules": [asdict(e) for e in c.rules],
        "ensemble": asdict(c.ensemble) if c.ensemble is not None else None,
        "ensemble_note": c.ensemble_note,
        "troops_per_km_line": "front and borders" if c.border_km is not None else "front",
        "deployed_per_km_front": asdict(c.per_km_front) if c.per_km_front is not None else None,
        "border_length_km": asdict(c.border_km) if c.border_km is not None else None,
        "units": {
            **{d: t.unit for d, t in glossary.DENSITIES.items()},
            "strength": "personnel",
            "deployed": "personnel",
            "deployed_per_km_front": "troops_per_km",
            "border_length_km": "km",
        },
        "dataset_sha256": dataset_sha256(missions),
        "provenance": provenance_dict(c.provenance),
    }


def one_table(tables: Sequence[Table], names: Sequence[str]) -> Table:
    """Several tables as one long table: a ``table`` column names each row's table.

    The columns are the union of the tables' columns in order of first appearance; a row has
    no value (an empty CSV cell) in the columns its table lacks. The footers are joined
    without repeats, so one CSV file holds one well-formed table.
    """
    columns: list[str] = []
    for t in tables:
        columns += [c for c in t.columns if c not in columns]
    sections = []
    for name, t in zip(names, tables, strict=True):
        for section, rows in t.sections:
            remapped = [
                [name, *(dict(zip(t.columns, row, strict=True)).get(c) for c in columns)]
                for row in rows
            ]
            sections.append((section, remapped))
    footer = list(dict.fromkeys(line for t in tables for line in t.footer))
    units = {k: v for t in tables for k, v in t.units.items()}
    title = "; ".join(t.title for t in tables)
    return Table(title, ("table", *columns), sections, footer, units)


def render_analogs(c: Comparison, missions: MissionSet, fmt: str) -> str:
    """``forcecalc analogs`` output in any format; CSV is one table with a ``table`` column."""
    if fmt == "json":
        return to_json(analogs_dict(c, missions))
    tables = analogs_tables(c, missions)
    if fmt == "csv":
        return render_table(one_table(tables, ("densities", "requirement")), fmt)
    return _joined(tables, fmt)


# --------------------------------------------------------------------------------------------
# forcecalc backtest


def _seed_line(b: BacktestResult) -> str:
    """Whether the seed can move the bands: only at a rule boundary when all are points."""
    points = (
        "a band changes with the seed only where one of its quantiles sits on the boundary "
        "between two rules' shares"
    )
    if b.point_rules:
        return (
            "The bands hardly depend on the seed: every rule is a point density, so each "
            "mission's ensemble is a few fixed numbers in their weights' shares (to within one "
            f"sample); {points}."
        )
    return (
        "The bands move with the seed: the doctrine rules' ranges are sampled; with point "
        f"densities only (--no-doctrine) {points}."
    )


def backtest_footer(b: BacktestResult, missions: MissionSet) -> list[str]:
    """The summary figures, per mission group and per row, and the provenance of a back-test."""
    groups = b.missions
    shared = ", ".join(f"{g.group} {len(g.rows)} rows" for g in groups if len(g.rows) > 1)
    lines = [
        f"coverage by mission: {b.missions_inside} of {len(groups)} missions inside the "
        f"ensemble's P5-P95 in every row (mean share of rows inside {b.mission_coverage:.0%}); "
        f"typical error a factor of {b.mission_typical_factor:.2f}; band width: median "
        f"P95 / P5 = {b.mission_median_width_ratio:.0f}. Each mission counts once, its rows "
        f"averaged ({shared or 'one row each'}): the median over missions of the mean "
        "|ln(P50 / actual)| and of the mean ln(P95 / P5) of their rows.",
        f"coverage by row: {b.inside} of {len(b.rows)} rows ({b.coverage:.0%}) inside; "
        f"median |ln(P50 / actual)| = {b.median_abs_log_ratio:.2f}, a factor of "
        f"{b.typical_factor:.2f}; median P95 / P5 = {b.median_width_ratio:.0f}. Rows of one "
        "mission are not independent (the UNFICYP years share one zone, IFOR, SFOR and EUFOR "
        "one line).",
        "Each mission's rules leave out its whole group (UNFICYP in every year; IFOR, SFOR, "
        "EUFOR) and every figure derived from its own strength; "
        + ("equal weights per mission" if b.weighting == "mission" else "equal weights per rule")
        + (", doctrine rules included." if b.doctrine else ", no doctrine rules."),
        _seed_line(b),
    ]
    lines += [f"skipped {s.mission}: {s.reason}" for s in b.skipped]
    lines += [
        dataset_line(missions),
        f"forcecalc {__version__} · seed {b.seed} · sampler {b.sampler} · "
        f"{b.samples:,} samples per mission",
    ]
    return lines


def backtest_table(b: BacktestResult, missions: MissionSet) -> Table:
    """One back-test's rows; conditioned on posture, with the ensemble each row drew on."""
    rows = [
        [
            *([("own posture" if r.conditioned else "all: fallback")] if b.posture else []),
            r.mission,
            r.group,
            str(r.year),
            r.posture,
            r.actual,
            r.band.p5,
            r.band.p50,
            r.band.p95,
            "yes" if r.inside else "NO",
            r.band.p50 / r.actual,
            len(r.rules),
        ]
        for r in b.rows
    ]
    rows = [[*row[1:2], *row[:1], *row[2:]] if b.posture else row for row in rows]
    title = "Back-test: the rule ensemble on each mission's own geometry, leaving it out"
    if b.posture:
        title += ", from the other missions of its own posture"
    return Table(
        title=title,
        columns=(
            "mission",
            *(("ensemble",) if b.posture else ()),
            "group",
            "year",
            "posture",
            "actual",
            "p5",
            "p50",
            "p95",
            "inside",
            "p50/actual",
            "rules",
        ),
        sections=[("", rows)],
        footer=backtest_footer(b, missions),
        units={
            "actual": "personnel",
            "p5": "personnel",
            "p50": "personnel",
            "p95": "personnel",
            "p50/actual": "ratio",
            "rules": "",
        },
    )


def _posture_line(own: BacktestResult) -> str:
    return (
        f"Conditioned on posture, each mission's ensemble draws on the other missions of its "
        f"own posture and the rules of no single posture (doctrine); it falls back to every "
        f"rule when fewer than {own.min_missions} other mission(s) of its posture give a rule "
        f"its geometry allows: {own.conditioned} of {len(own.rows)} rows drew on their own "
        "posture. Same seeds in both: the difference is the rules chosen."
    )


def _summary_row(name: str, b: BacktestResult) -> list[Cell]:
    return [
        name,
        f"{b.missions_inside} of {len(b.missions)}",
        b.mission_coverage,
        b.mission_typical_factor,
        b.mission_median_width_ratio,
        f"{b.inside} of {len(b.rows)}",
        b.typical_factor,
        b.median_width_ratio,
    ]


def posture_table(every: BacktestResult, own: BacktestResult) -> Table:
    """Coverage, error factor and band width without and with posture conditioning."""
    return Table(
        title="Back-test with and without posture conditioning",
        columns=(
            "ensemble",
            "missions inside",
            "share inside",
            "factor",
            "P95/P5",
            "rows inside",
            "factor by row",
            "P95/P5 by row",
        ),
        sections=[("", [_summary_row("all postures", every), _summary_row("own posture", own)])],
        footer=[
            "missions inside: missions with every row inside the P5-P95; share inside: mean "
            "over missions of their rows' share inside; factor: exp of the median over "
            "missions of the mean |ln(P50 / actual)|; P95/P5: median band width (by mission, "
            "then by row).",
            _posture_line(own),
        ],
        units={"share inside": "fraction", "factor": "ratio", "P95/P5": "ratio"},
    )


def backtest_dict(b: BacktestResult, missions: MissionSet) -> dict[str, object]:
    return {
        "coverage": b.coverage,
        "inside": b.inside,
        "missions": len(b.rows),
        "median_abs_log_ratio": b.median_abs_log_ratio,
        "typical_factor": b.typical_factor,
        "median_width_ratio": b.median_width_ratio,
        "by_mission": {
            "missions": len(b.missions),
            "inside": b.missions_inside,
            "coverage": b.mission_coverage,
            "median_abs_log_ratio": b.mission_median_abs_log_ratio,
            "typical_factor": b.mission_typical_factor,
            "median_width_ratio": b.mission_median_width_ratio,
            "groups": [
                {**asdict(g), "share_inside": g.share_inside, "all_inside": g.all_inside}
                for g in b.missions
            ],
        },
        "point_rules": b.point_rules,
        "posture": b.posture,
        "conditioned_rows": b.conditioned,
        "min_posture_missions": b.min_missions,
        "rows": [asdict(r) for r in b.rows],
        "skipped": [asdict(s) for s in b.skipped],
        "dataset_sha256": dataset_sha256(missions),
        "provenance": {
            "version": __version__,
            "seed": b.seed,
            "samples": b.samples,
            "sampler": b.sampler,
            "doctrine": b.doctrine,
            "weighting": b.weighting,
        },
    }


def render_backtest(
    b: BacktestResult, missions: MissionSet, fmt: str, own: BacktestResult | None = None
) -> str:
    """``forcecalc backtest`` output in any format; with ``own``, conditioned on posture too.

    ``b`` is the back-test over every posture, ``own`` the same conditioned on posture
    (:func:`forcecalc.calibration.backtest.backtest_postures`): their comparison comes first.
    """
    if fmt == "json":
        data = backtest_dict(b, missions)
        if own is not None:
            data["by_posture"] = backtest_dict(own, missions)
        return to_json(data)
    tables = [backtest_table(b, missions)]
    if own is not None:
        tables = [posture_table(b, own), *tables, backtest_table(own, missions)]
    return _joined(tables, fmt)


# --------------------------------------------------------------------------------------------
# forcecalc missions


def missions_table(missions: MissionSet) -> Table:
    """Every mission with its figures and densities."""
    figures = ("line_length_km", "area_km2", "territory_area_km2", "population")
    rows = []
    for m in missions:
        cells: list[Cell] = [m.id, str(m.year), m.posture, m.counts, m.strength]
        cells += [getattr(m, f) for f in figures]
        cells += [m.density(d) for d in glossary.DENSITIES]
        cells.append(", ".join(m.unconfirmed))
        rows.append(cells)
    columns = (
        "mission",
        "year",
        "posture",
        "counts",
        "strength",
        *figures,
        *glossary.DENSITIES,
        "unconfirmed",
    )
    units = {
        "strength": "personnel",
        "line_length_km": "km",
        "area_km2": "km2",
        "territory_area_km2": "km2",
        "population": "inhabitants",
        **{d: d for d in glossary.DENSITIES},
    }
    return Table(
        title="Past missions: figures and densities",
        columns=columns,
        sections=[("", rows)],
        footer=[
            "area_km2 is a buffer or security zone's stated area, or line × width when only "
            "those are known; territory_area_km2 is the whole territory a mission was present "
            "in (KFOR: all of Kosovo), which gives no density per km².",
            dataset_line(missions),
        ],
        units=units,
    )


def mission_sources_table(missions: MissionSet) -> Table:
    """Every figure of the dataset with its value, source and quote, or its unconfirmed mark."""
    rows = []
    for m in missions:
        for f in m.figures.values():
            if f.value is not None:
                value = f"{f.value:,.10g}"
            elif f.low is not None:
                value = f"{f.low:,.10g} to {f.high:,.10g}"
            else:
                value = "unconfirmed"
            source = source_label(f.source) if f.source is not None else "–"
            quote = (f.source.quote or "") if f.source is not None else ""
            rows.append([f"{m.id}.{f.name}", value, f.unit, source, quote, f.note])
    return Table(
        title="Past missions: every figure and its source",
        columns=("figure", "value", "unit", "source", "quote", "note"),
        sections=[("", rows)],
        footer=[dataset_line(missions)],
    )


def missions_dict(missions: MissionSet) -> dict[str, object]:
    out = []
    for m in missions:
        data = asdict(m)
        data["densities"] = {d: m.density(d) for d in glossary.DENSITIES}
        data["area_km2"] = m.area_km2
        data["territory_area_km2"] = m.territory_area_km2
        out.append(data)
    return {"missions": out, "dataset_sha256": dataset_sha256(missions), "version": __version__}


def render_missions(missions: MissionSet, fmt: str, sources: bool = False) -> str:
    """``forcecalc missions`` output in any format."""
    if fmt == "json":
        return to_json(missions_dict(missions))
    table = mission_sources_table(missions) if sources else missions_table(missions)
    return render_table(table, fmt)
