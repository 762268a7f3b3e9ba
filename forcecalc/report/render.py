"""Turning results into text: aligned tables, Markdown, CSV and JSON, each with provenance.

Generic pieces (:class:`Table`, :func:`render_table`) serve every subcommand; the
``*_table`` functions build the tables of particular results.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from forcecalc.calibration import sector_postures
from forcecalc.calibration.rules import describe_ensemble, ensemble_shares, scenario_choice
from forcecalc.core import glossary
from forcecalc.core.provenance import Provenance
from forcecalc.core.ranged import show_override
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import describe_figure
from forcecalc.core.scenario import Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource
from forcecalc.core.summary import PERCENTILES, ClaimResult, band
from forcecalc.core.version import __version__
from forcecalc.report import bands
from forcecalc.report import supply as supply_rows

FORMATS = ("table", "json", "csv", "markdown")

Cell = str | float | int | None


@dataclass(frozen=True)
class Table:
    """Rows under named sections, with raw values kept for CSV and JSON.

    ``units`` gives, per column, the unit used to format its numbers in text output
    (``"row"`` takes the unit from the row's ``unit`` column).
    """

    title: str
    columns: tuple[str, ...]
    sections: Sequence[tuple[str, Sequence[Sequence[Cell]]]]
    footer: Sequence[str] = ()
    units: Mapping[str, str] = field(default_factory=dict)
    #: The provenance as CSV columns (``seed``, ``samples`` ...) repeated on every row; without
    #: it a CSV carries the footer in one ``provenance`` column.
    provenance: Mapping[str, Cell] = field(default_factory=dict)


#: The note under a run whose coverage is infinite in some samples.
INFINITE_COVERAGE = (
    "coverage ∞ (in JSON null): nothing is required of the categories it compares with, and "
    "something is available"
)


def fmt_number(value: Cell, unit: str = "") -> str:
    """A number formatted for reading, by its unit."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if unit == "ratio" and value == math.inf:
        return "∞"  # a coverage with nothing required (INFINITE_COVERAGE)
    if not math.isfinite(value):
        return str(value)
    if unit in ("personnel", "personnel_per_post"):
        return f"{value:,.0f}"
    if unit == "probability":
        # never "0.0%" or "100.0%" for what happened in some samples but not all
        if 0 < value < 0.0005:
            return "<0.1%"
        if 0.9995 <= value < 1:
            return ">99.9%"
        return f"{value:.1%}"
    if unit in ("ratio", "fraction"):
        return f"{value:.3g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def cell_texts(table: Table, row: Sequence[Cell]) -> list[str]:
    """The cells of one row of ``table`` as text, each by its column's unit (a column of unit
    ``row`` by the row's own ``unit`` column)."""
    unit = str(row[table.columns.index("unit")]) if "unit" in table.columns else ""
    kinds = (table.units.get(col, "") for col in table.columns)
    return [
        fmt_number(value, unit if kind == "row" else kind)
        for kind, value in zip(kinds, row, strict=True)
    ]


def _text_rows(table: Table) -> list[list[str]]:
    return [cell_texts(table, row) for _, section_rows in table.sections for row in section_rows]


def text_table(table: Table) -> str:
    """An aligned plain-text table: text columns left, numbers right."""
    rows = _text_rows(table)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(table.columns)]
    numeric = [table.columns[i] in table.units for i in range(len(widths))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [table.title, "", "  " + line(table.columns)]
    it = iter(rows)
    for name, section_rows in table.sections:
        if name:
            out.append(f"{name}")
        out.extend("  " + line(next(it)) for _ in section_rows)
    if table.footer:
        out += ["", *table.footer]
    return "\n".join(out) + "\n"


def markdown_table(table: Table) -> str:
    """A GitHub-flavoured Markdown table, sections as bold rows."""
    rows = iter(_text_rows(table))
    align = ["---:" if c in table.units else ":---" for c in table.columns]
    out = [
        f"## {table.title}",
        "",
        "| " + " | ".join(table.columns) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for name, section_rows in table.sections:
        if name:
            out.append(f"| **{name}** |" + " |" * (len(table.columns) - 1))
        for _ in section_rows:
            cells = [c.replace("|", "\\|") for c in next(rows)]
            out.append("| " + " | ".join(cells) + " |")
    if table.footer:
        out += ["", *(f"_{line}_  " for line in table.footer)]
    return "\n".join(out) + "\n"


def csv_table(table: Table) -> str:
    """One CSV table, its header on the first line (``pandas.read_csv`` reads it with its
    defaults): a ``section`` column, the table's columns with raw numbers, then the provenance
    as columns repeated on every row (:attr:`Table.provenance`, or the footer as one
    ``provenance`` column)."""
    stamp = dict(table.provenance) or _footer_column(table.footer)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("section", *table.columns, *stamp))
    for name, section_rows in table.sections:
        for row in section_rows:
            cells = (*row, *stamp.values())
            writer.writerow((name, *("" if v is None else v for v in cells)))
    return buf.getvalue()


def _footer_column(footer: Sequence[str]) -> dict[str, Cell]:
    text = " · ".join(line.strip() for line in footer if line.strip())
    return {"provenance": text} if text else {}


def render_table(table: Table, fmt: str) -> str:
    """A table as ``table``, ``markdown`` or ``csv`` text."""
    match fmt:
        case "markdown":
            return markdown_table(table)
        case "csv":
            return csv_table(table)
        case _:
            return text_table(table)


def render_tables(tables: Sequence[Table], fmt: str) -> str:
    """Several tables as ``table`` or ``markdown`` text one after another; as CSV one table
    (:func:`stacked`), so that a spreadsheet or ``pandas.read_csv`` reads it whole."""
    if fmt == "csv" and len(tables) > 1:
        return csv_table(stacked(tables))
    return "\n".join(render_table(t, fmt) for t in tables)


def stacked(tables: Sequence[Table]) -> Table:
    """Tables as one: a ``table`` column naming each row's table (its title), the union of
    their columns (empty where a table has none), and their footers without repeats (the
    ``provenance`` column of :func:`csv_table`)."""
    columns: list[str] = []
    for t in tables:
        columns += [c for c in t.columns if c not in columns]
    sections = [
        (
            section,
            [
                [t.title, *(dict(zip(t.columns, r, strict=True)).get(c) for c in columns)]
                for r in rows
            ],
        )
        for t in tables
        for section, rows in t.sections
    ]
    footer = list(dict.fromkeys(line for t in tables for line in t.footer))
    units = {k: v for t in tables for k, v in t.units.items()}
    return Table(tables[0].title, ("table", *columns), sections, footer, units)


def to_json(data: object) -> str:
    """Indented JSON; non-finite numbers become null (JSON has no NaN)."""
    return json.dumps(_finite(data), indent=2, ensure_ascii=False) + "\n"


def _finite(data: object) -> object:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, Mapping):
        return {str(k): _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


# --------------------------------------------------------------------------------------------
# Provenance


def provenance_lines(p: Provenance) -> list[str]:
    """The provenance stamp as footer lines."""
    sha = (p.scenario_sha256 or "")[:16]
    lines = [
        f"forcecalc {p.version} · scenario {p.scenario_file} (sha256 {sha}…) · "
        f"seed {p.seed} · sampler {p.sampler} · {p.samples:,} samples",
    ]
    if p.overrides:
        lines.append(
            "overrides: " + ", ".join(f"{k}={show_override(v)}" for k, v in p.overrides.items())
        )
    return lines


def provenance_columns(p: Provenance) -> dict[str, Cell]:
    """The provenance stamp as CSV columns (:attr:`Table.provenance`)."""
    return {
        "forcecalc_version": p.version,
        "scenario_file": p.scenario_file,
        "scenario_sha256": p.scenario_sha256,
        "seed": str(p.seed),  # up to 2**64 - 1: text, so a spreadsheet keeps every digit
        "sampler": p.sampler,
        "samples": p.samples,
        "overrides": "; ".join(f"{k}={show_override(v)}" for k, v in p.overrides.items()),
    }


def provenance_dict(p: Provenance) -> dict[str, object]:
    """The provenance stamp as JSON-ready data."""
    return {**asdict(p), "overrides": dict(p.overrides)}


def result_json(result: object, p: Provenance | dict[str, object], **extra: object) -> str:
    """A result dataclass as JSON: its fields, then ``extra``, then its ``provenance`` (a
    :class:`Provenance`, or a stamp already made JSON-ready)."""
    data = asdict(result)  # type: ignore[call-overload]
    data.update(extra)
    data["provenance"] = p if isinstance(p, dict) else provenance_dict(p)
    return to_json(data)


# --------------------------------------------------------------------------------------------
# forcecalc run


_LABELS = {
    "deployed": "deployed",
    "rotation_multiplier": "rotation multiplier",
    "committed": "committed (with rotation)",
    "deployed_per_km": "deployed per km of front",
    "deployed_per_km2": "deployed per km² of buffer",
    "deployed_per_km_line": "deployed per km of the whole line",
    "pledged": "pledged",
    "pledge_coverage": "pledged ÷ required",
    "pool_sustainable": "pool, sustainable",
    "pool_coverage": "pool sustainable ÷ deployed",
    "p_pledges_suffice": "P(pledges suffice)",
    "p_pool_suffices": "P(pool suffices)",
}


def metric_label(metric: str) -> str:
    """The label ``forcecalc run`` prints for an output (``deployed per km of front``); the
    app's headline and comparison use the same."""
    return _LABELS[metric]


def run_table(result: RunResult, percentiles: Sequence[float] = PERCENTILES) -> Table:
    """The result of ``forcecalc run`` as a table of bands (at ``percentiles``, by default
    P5, P50 and P95), with the shortfall where the scenario has pledges or a pool."""
    s, o, b = result.summary, result.outcome, bands.Bands(result, tuple(percentiles))
    tasks = [b.row(k, "personnel", v, o.by_task[k]) for k, v in s.tasks.items()]
    categories = [b.row(k, "personnel", v, o.by_category[k]) for k, v in s.categories.items()]
    totals = [
        b.row(_LABELS[k], glossary.unit_of(k), s.metrics[k], getattr(o, k))
        for k in ("deployed", "rotation_multiplier", "committed")
    ]
    densities = [
        b.row(_LABELS[k], glossary.unit_of(k), s.metrics[k], getattr(o, k))
        for k in ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line")
        if k in s.metrics
    ]
    labels = {**_LABELS, **bands.coverage_labels(result.scenario)}
    supply = [
        b.row(labels[k], glossary.unit_of(k), v, getattr(o, k))
        for k in ("pledged", "pledge_coverage", "pool_sustainable", "pool_coverage")
        if (v := s.metrics.get(k)) is not None
    ]
    supply += [b.blank(labels[k], "probability", v) for k, v in s.probabilities.items()]
    committed = [
        b.row(k, "personnel", v, o.committed_by_category[k])
        for k, v in supply_rows.committed_rows(result)
    ]
    rules = [b.row(k, "personnel", v, o.by_rule[k]) for k, v in s.rules.items()]
    sections: list[tuple[str, Sequence[Sequence[Cell]]]] = [
        ("Deployed by task", tasks),
        ("Deployed by category", categories),
        ("Committed by category (own rotation rules)", committed),
        ("Deployed by sector (tasks along the line)", _sector_rows(result, b)),
        (f"Requirement by sizing rule (alternatives; method {result.scenario.method})", rules),
        ("Totals", totals),
        ("Densities", densities),
        ("Force generation", supply),
        ("Shortfall (required − available, by sample)", bands.shortfall_rows(b)),
    ]
    ensemble = ensemble_lines(result.scenario)
    stamp = provenance_columns(result.provenance)
    infinite = [
        INFINITE_COVERAGE
        for k in ("pledge_coverage", "pool_coverage")
        if (v := s.metrics.get(k)) is not None and v.mean == math.inf
    ][:1]
    return Table(
        title=result.scenario.name,
        columns=b.columns,
        sections=[(name, rows) for name, rows in sections if rows],
        footer=[*ensemble, *infinite, *provenance_lines(result.provenance)],
        units={c: "row" for c in b.columns[2:]},
        provenance={**({"ensemble": ensemble[0]} if ensemble else {}), **stamp},
    )


def ensemble_lines(scenario: Scenario) -> list[str]:
    """An ensemble's posture, fallback and weights, as one line (none for other methods); by
    sector, each sector's (:mod:`forcecalc.calibration.sector_postures`)."""
    return [sector_postures.describe(scenario), ""] if scenario.method == "ensemble" else []


def ensemble_dict(scenario: Scenario) -> dict[str, object]:
    """An ensemble's posture, whether it fell back, and each rule's share of the samples
    (by sector: ``sectors`` gives each sector's posture, rules, fallback and shares)."""
    if scenario.sector_ensembles:
        return sector_postures.by_sector_dict(scenario)
    choice = scenario_choice(scenario)
    return {
        "posture": scenario.ensemble_posture,
        "conditioned": choice.conditioned and set(choice.rules) == set(scenario.rules),
        "fell_back": choice.fell_back,
        "shares": ensemble_shares(scenario),
        "statement": describe_ensemble(scenario),
    }


def _sector_rows(result: RunResult, b: bands.Bands) -> list[list[Cell]]:
    """Deployed by sector, for a scenario that declares sectors (none for the shorthand)."""
    if not result.scenario.geometry.sectors:
        return []
    by = result.outcome.by_sector
    rows = [b.row(k, "personnel", v, by[k]) for k, v in result.summary.sectors.items()]
    rest = result.outcome.deployed - sum(by.values())
    if np.any(np.abs(rest) > 1e-9 * np.abs(result.outcome.deployed)):
        whole = band(rest, result.samples.n)
        rows.append(b.row("(whole force: fixed, shares)", "personnel", whole, rest))
    return rows


def run_dict(result: RunResult, percentiles: Sequence[float] = PERCENTILES) -> dict[str, object]:
    """The result of ``forcecalc run`` as JSON-ready data (each band with P5, P50, P95, the
    mean and any other of ``percentiles``)."""
    s, o, b = result.summary, result.outcome, bands.Bands(result, tuple(percentiles))
    by_sector = {}
    if result.scenario.geometry.sectors:
        by_sector = {"sectors": bands.band_json(b, s.sectors, o.by_sector)}
    metrics = {k: getattr(o, k) for k in s.metrics}
    return {
        "scenario": result.scenario.name,
        "metrics": bands.band_json(b, s.metrics, metrics),
        "probabilities": dict(s.probabilities),
        **bands.shortfall_dict(b),
        "tasks": bands.band_json(b, s.tasks, o.by_task),
        "categories": bands.band_json(b, s.categories, o.by_category),
        **by_sector,
        "method": result.scenario.method,
        "rules": bands.band_json(b, s.rules, o.by_rule),
        **supply_rows.run_extras(result),
        **(
            {"ensemble": ensemble_dict(result.scenario)}
            if result.scenario.method == "ensemble"
            else {}
        ),
        "units": {k: glossary.unit_of(k) for k in (*s.metrics, *s.probabilities)},
        "claims": [claim_dict(c) for c in result.claims()],
        "provenance": provenance_dict(result.provenance),
    }


def render_run(result: RunResult, fmt: str, percentiles: Sequence[float] = PERCENTILES) -> str:
    """``forcecalc run`` output in any of :data:`FORMATS` (bands at ``percentiles``)."""
    if fmt == "json":
        return to_json(run_dict(result, percentiles))
    return render_table(run_table(result, percentiles), fmt)


# --------------------------------------------------------------------------------------------
# forcecalc check


def claim_dict(c: ClaimResult) -> dict[str, object]:
    e = c.expectation
    return {
        "claim": e.describe(),
        "metric": e.metric,
        "statistic": e.statistic,
        "value": c.value,
        "met": c.met,
        "source": source_label(e.source),
    }


def claims_table(result: RunResult) -> Table:
    """The ``expect`` claims of a scenario, met or not."""
    rows = [
        [
            "met" if c.met else "NOT MET",
            c.expectation.describe(),
            c.value,
            source_label(c.expectation.source),
        ]
        for c in result.claims()
    ]
    return Table(
        title=f"{result.scenario.name} ({result.scenario.source_file})",
        columns=("result", "claim", "value", "source"),
        sections=[("", rows)],
        footer=provenance_lines(result.provenance),
        units={"value": ""},
    )


def merged_claims(tables: Sequence[Table]) -> Table:
    """Several scenarios' claims tables (:func:`claims_table`) as one, for CSV and xlsx: a
    ``scenario`` column first, each row's provenance last."""
    rows = [
        [t.title, *row, " · ".join(t.footer)]
        for t in tables
        for _, section_rows in t.sections
        for row in section_rows
    ]
    columns = ("scenario", *tables[0].columns, "provenance")
    return Table("Claims", columns, [("", rows)], units=tables[0].units)


# --------------------------------------------------------------------------------------------
# forcecalc sources


def source_label(source: RegisterSource | Citation | Assumption) -> str:
    return source.label()


def _quote_gloss(source: RegisterSource | Citation | Assumption) -> tuple[str, str]:
    match source:
        case RegisterSource(figure=fig):
            return fig.quote, fig.gloss
        case Citation(quote=quote):
            return quote or "", ""
    return "", ""


_SOURCE_KINDS = {RegisterSource: "register", Citation: "citation", Assumption: "assumption"}


def _source_row(
    name: str, value: str, unit: str, source: RegisterSource | Citation | Assumption, note: str
) -> dict[str, str]:
    quote, gloss = _quote_gloss(source)
    return {
        "figure": name,
        "value": value,
        "unit": unit,
        "kind": _SOURCE_KINDS[type(source)],
        "source": source_label(source),
        "quote": quote,
        "gloss": gloss,
        "note": note,
    }


def sources_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Every figure with its value, unit, source, quote and gloss."""
    return [
        _source_row(f.path, describe_figure(f), f.unit, f.source, f.note)
        for f in scenario.figures.values()
    ]


def claim_source_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Every ``expect`` claim with its source, quote and gloss."""
    return [
        _source_row(f"expect[{i}]: {c.metric}", c.describe(), "", c.source, c.note)
        for i, c in enumerate(scenario.expect)
    ]


def correlation_source_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Every correlation of ``correlations:`` with its source, quote and gloss."""
    return [
        _source_row(
            f"correlations[{i}]: {' and '.join(c.between)}",
            f"rank correlation {c.rank_correlation:g}",
            "ratio",
            c.source,
            c.note,
        )
        for i, c in enumerate(scenario.correlations)
    ]


def sources_table(scenario: Scenario) -> Table:
    columns = ("figure", "value", "unit", "source", "quote", "gloss")
    correlations = [[r[c] for c in columns] for r in correlation_source_rows(scenario)]
    return Table(
        title=f"Sources of {scenario.name}",
        columns=columns,
        sections=[
            ("Figures", [[r[c] for c in columns] for r in sources_rows(scenario)]),
            ("Claims", [[r[c] for c in columns] for r in claim_source_rows(scenario)]),
            *([("Correlations", correlations)] if correlations else []),
        ],
        footer=(
            f"forcecalc {__version__} · scenario {scenario.source_file} "
            f"(sha256 {(scenario.source_sha256 or '')[:16]}…)",
        ),
    )


def render_sources(scenario: Scenario, fmt: str) -> str:
    if fmt == "json":
        return to_json(
            {
                "scenario": scenario.name,
                "figures": sources_rows(scenario),
                "claims": claim_source_rows(scenario),
                **(
                    {"correlations": correlation_source_rows(scenario)}
                    if scenario.correlations
                    else {}
                ),
                "provenance": {
                    "version": __version__,
                    "scenario_file": scenario.source_file,
                    "scenario_sha256": scenario.source_sha256,
                },
            }
        )
    return render_table(sources_table(scenario), fmt)
