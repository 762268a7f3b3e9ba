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
from forcecalc.core import glossary, sustainment
from forcecalc.core.provenance import Provenance
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import describe_figure
from forcecalc.core.scenario import Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource
from forcecalc.core.summary import Band, ClaimResult, band
from forcecalc.core.version import __version__
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


def fmt_number(value: Cell, unit: str = "") -> str:
    """A number formatted for reading, by its unit."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
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


def _text_rows(table: Table) -> list[list[str]]:
    unit_col = table.columns.index("unit") if "unit" in table.columns else None
    rows = []
    for _, section_rows in table.sections:
        for row in section_rows:
            unit = str(row[unit_col]) if unit_col is not None else ""
            cells = []
            for col, value in zip(table.columns, row, strict=True):
                kind = table.units.get(col, "")
                cells.append(fmt_number(value, unit if kind == "row" else kind))
            rows.append(cells)
    return rows


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
    """CSV with a ``section`` column and raw numbers; the footer as ``#`` comment lines."""
    buf = io.StringIO()
    for line in table.footer:
        buf.write(f"# {line}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("section", *table.columns))
    for name, section_rows in table.sections:
        for row in section_rows:
            writer.writerow((name, *("" if v is None else v for v in row)))
    return buf.getvalue()


def render_table(table: Table, fmt: str) -> str:
    """A table as ``table``, ``markdown`` or ``csv`` text."""
    match fmt:
        case "markdown":
            return markdown_table(table)
        case "csv":
            return csv_table(table)
        case _:
            return text_table(table)


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
        lines.append("overrides: " + ", ".join(f"{k}={v:g}" for k, v in p.overrides.items()))
    return lines


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

_BAND_COLUMNS = ("name", "unit", "p5", "p50", "p95", "mean")
_BAND_UNITS = {"p5": "row", "p50": "row", "p95": "row", "mean": "row"}

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


def _band_row(name: str, unit: str, b: Band) -> list[Cell]:
    return [name, unit, b.p5, b.p50, b.p95, b.mean]


def run_table(result: RunResult) -> Table:
    """The result of ``forcecalc run`` as a table of bands."""
    s = result.summary
    tasks = [_band_row(k, "personnel", b) for k, b in s.tasks.items()]
    categories = [_band_row(k, "personnel", b) for k, b in s.categories.items()]
    totals = [
        _band_row(_LABELS[k], glossary.unit_of(k), s.metrics[k])
        for k in ("deployed", "rotation_multiplier", "committed")
    ]
    densities = [
        _band_row(_LABELS[k], glossary.unit_of(k), s.metrics[k])
        for k in ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line")
        if k in s.metrics
    ]
    compared = sustainment.compared_with(result.scenario)  # only where `covers` is used
    supply = [
        _band_row(supply_rows.coverage_label(k, _LABELS[k], compared), glossary.unit_of(k), b)
        for k in ("pledged", "pledge_coverage", "pool_sustainable", "pool_coverage")
        if (b := s.metrics.get(k)) is not None
    ]
    supply += [[_LABELS[k], "probability", None, v, None, None] for k, v in s.probabilities.items()]
    rules = [_band_row(k, "personnel", b) for k, b in s.rules.items()]
    sections: list[tuple[str, Sequence[Sequence[Cell]]]] = [
        ("Deployed by task", tasks),
        ("Deployed by category", categories),
        (
            "Committed by category (own rotation rules)",
            [_band_row(k, "personnel", b) for k, b in supply_rows.committed_rows(result)],
        ),
        ("Deployed by sector (tasks along the line)", _sector_rows(result)),
        (f"Requirement by sizing rule (alternatives; method {result.scenario.method})", rules),
        ("Totals", totals),
        ("Densities", densities),
    ]
    sections = [(name, rows) for name, rows in sections if rows]
    if supply:
        sections.append(("Force generation", supply))
    return Table(
        title=result.scenario.name,
        columns=_BAND_COLUMNS,
        sections=sections,
        footer=[*ensemble_lines(result.scenario), *provenance_lines(result.provenance)],
        units=_BAND_UNITS,
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


def _sector_rows(result: RunResult) -> list[list[Cell]]:
    """Deployed by sector, for a scenario that declares sectors (none for the shorthand)."""
    if not result.scenario.geometry.sectors:
        return []
    rows = [_band_row(k, "personnel", b) for k, b in result.summary.sectors.items()]
    rest = result.outcome.deployed - sum(result.outcome.by_sector.values())
    if np.any(np.abs(rest) > 1e-9 * np.abs(result.outcome.deployed)):
        whole = band(rest, result.samples.n)
        rows.append(_band_row("(whole force: fixed, shares)", "personnel", whole))
    return rows


def run_dict(result: RunResult) -> dict[str, object]:
    """The result of ``forcecalc run`` as JSON-ready data."""
    s = result.summary
    by_sector = {}
    if result.scenario.geometry.sectors:
        by_sector = {"sectors": {k: asdict(b) for k, b in s.sectors.items()}}
    return {
        "scenario": result.scenario.name,
        "metrics": {k: asdict(b) for k, b in s.metrics.items()},
        "probabilities": dict(s.probabilities),
        "tasks": {k: asdict(b) for k, b in s.tasks.items()},
        "categories": {k: asdict(b) for k, b in s.categories.items()},
        **by_sector,
        "method": result.scenario.method,
        "rules": {k: asdict(b) for k, b in s.rules.items()},
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


def render_run(result: RunResult, fmt: str) -> str:
    """``forcecalc run`` output in any of :data:`FORMATS`."""
    if fmt == "json":
        return to_json(run_dict(result))
    return render_table(run_table(result), fmt)


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
