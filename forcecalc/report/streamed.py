"""Tables of a streamed run (:class:`forcecalc.core.streaming.StreamedRun`): its bands at the
percentiles asked for, as ``forcecalc run`` prints them, without the outcome's arrays."""

from __future__ import annotations

from dataclasses import asdict

from forcecalc.core.streaming import StreamedRun
from forcecalc.report.bands import column
from forcecalc.report.render import (
    Cell,
    Table,
    provenance_columns,
    provenance_dict,
    provenance_lines,
    render_table,
    to_json,
)

#: Sections of the table, by the streamed names' heads, in the order ``run`` prints them.
SECTIONS = {
    "tasks": "Deployed by task",
    "categories": "Deployed by category",
    "committed_categories": "Committed by category (own rotation rules)",
    "sectors": "Deployed by sector (tasks along the line)",
    "rules": "Requirement by sizing rule (alternatives)",
    "metrics": "Totals and supply",
    "gaps": "Required minus available",
    "shortfalls": "Shortfall",
}


def streamed_table(result: StreamedRun) -> Table:
    """The bands of every output at the run's percentiles, then the mean."""
    s = result.summary
    means = {
        f"{head}.{k}": b.mean
        for head in ("tasks", "categories", "rules", "sectors", "committed_categories", "metrics")
        for k, b in getattr(s, head).items()
    }
    for k, sf in s.shortfalls.items():
        means[f"gaps.{k}"], means[f"shortfalls.{k}"] = sf.gap.mean, sf.shortfall.mean
    sections: list[tuple[str, list[list[Cell]]]] = []
    for head, title in SECTIONS.items():
        rows: list[list[Cell]] = [
            [name.partition(".")[2], *values, means[name]]
            for name, values in result.at.items()
            if name.partition(".")[0] == head and name in means
        ]
        if rows:
            sections.append((title, rows))
    probs: list[list[Cell]] = [[k, None, v] for k, v in s.probabilities.items()]
    probs += [[f"p_short {k}", None, sf.p_short] for k, sf in s.shortfalls.items()]
    if probs:
        sections.append(
            ("Probabilities", [p[:1] + [p[2]] + [None] * len(result.percentiles) for p in probs])
        )
    return Table(
        title=f"{result.scenario.name} (streamed: {result.passes} passes)",
        columns=("name", *(column(q) for q in result.percentiles), "mean"),
        sections=sections,
        footer=provenance_lines(result.provenance),
        provenance=provenance_columns(result.provenance),
    )


def render_streamed(result: StreamedRun, fmt: str) -> str:
    """A streamed run as ``table``, ``markdown``, ``csv`` or ``json``."""
    if fmt == "json":
        data = {
            "summary": asdict(result.summary),
            "percentiles": {
                k: dict(zip(map(column, result.percentiles), v, strict=True))
                for k, v in result.at.items()
            },
            "passes": result.passes,
            "provenance": provenance_dict(result.provenance),
        }
        return to_json(data)
    return render_table(streamed_table(result), fmt)
