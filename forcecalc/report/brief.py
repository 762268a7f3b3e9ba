"""``forcecalc report``: one self-contained HTML page a planner can brief from.

The page holds the headline, the charts of :mod:`forcecalc.report.charts` (the app's) inline as
SVG, the precedents, the caveats, every figure with its source and quote, and the provenance.
It loads nothing: no script, no stylesheet, font or image from anywhere; every text of the
scenario goes through :func:`html.escape`. Its print CSS sets an A4 page.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forcecalc.analysis.sweep import Sweep
from forcecalc.analysis.tornado import Tornado, TornadoResult
from forcecalc.core.runner import RunResult
from forcecalc.core.sources import Assumption
from forcecalc.core.summary import Band
from forcecalc.core.timeline_run import TimelineResult
from forcecalc.report import charts
from forcecalc.report.charts import Spec
from forcecalc.report.charts_timeline import fan_spec
from forcecalc.report.render import (
    Table,
    cell_texts,
    fmt_number,
    provenance_lines,
    sources_rows,
)

#: Sections of the page, by anchor, in order.
SECTIONS = {
    "headline": "Headline",
    "distribution": "Distribution of the requirement",
    "drivers": "What drives the answer",
    "front": "The requirement against front length",
    "timeline": "Force generation over time",
    "precedents": "Precedents",
    "caveats": "Caveats",
    "sources": "Every figure and its source",
    "provenance": "Provenance",
}
#: Drivers named in the caveats, at most.
CAVEATS = 5

CSS = """
body { font-family: sans-serif; font-size: 10.5pt; color: #111827; max-width: 190mm;
       margin: 1em auto; line-height: 1.35; }
h1 { font-size: 17pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0.5em 0; }
th, td { border: 1px solid #d1d5db; padding: 2px 4px; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; } th { background: #f3f4f6; }
figure { margin: 0.6em 0; } figure svg { max-width: 100%; height: auto; }
figcaption, .small { font-size: 8.5pt; color: #4b5563; }
.headline td { font-size: 11pt; }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; margin: 0; } section { break-inside: avoid-page; }
  #sources, #precedents { break-inside: auto; } tr { break-inside: avoid; } }
"""


@dataclass(frozen=True)
class BriefInputs:
    """What the page shows: a run, its tornado, a sweep of the front length (where the
    scenario has one), its precedents as tables, and its timeline (where it has one)."""

    result: RunResult
    tornado: TornadoResult
    front: Sweep | None
    precedents: Sequence[Table]
    timeline: TimelineResult | None = None


def e(text: object) -> str:
    """``text`` escaped for HTML, quotes too."""
    return html.escape(str(text), quote=True)


def _section(key: str, body: str) -> str:
    return f'<section id="{key}"><h2>{e(SECTIONS[key])}</h2>\n{body}\n</section>'


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{e(caption)}</figcaption></figure>"


#: The attribute of a table cell holding a number (right-aligned by the page's CSS).
NUMERIC = ' class="n"'


def table_html(table: Table) -> str:
    """A :class:`~forcecalc.report.render.Table` as an HTML table, each cell formatted by its
    column's unit and escaped; sections as full-width rows."""
    head = "".join(f"<th>{e(c)}</th>" for c in table.columns)
    rows = []
    for name, section_rows in table.sections:
        if name:
            rows.append(f'<tr><th colspan="{len(table.columns)}">{e(name)}</th></tr>')
        for row in section_rows:
            cells = (
                f"<td{'' if isinstance(value, str) else NUMERIC}>{e(text)}</td>"
                for value, text in zip(row, cell_texts(table, row), strict=True)
            )
            rows.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<p><b>{e(table.title)}</b></p>" if table.title else ""
    notes = "".join(f'<p class="small">{e(line)}</p>' for line in table.footer)
    return f"{title}<table><tr>{head}</tr>{''.join(rows)}</table>{notes}"


def _band(b: Band) -> str:
    return (
        f"{fmt_number(b.p50, 'personnel')} (P5–P95 {fmt_number(b.p5, 'personnel')}–"
        f"{fmt_number(b.p95, 'personnel')})"
    )


def headline(result: RunResult) -> str:
    """Deployed and committed P50 with their bands; where there are pledges or a pool, what
    they supply, the coverage, the shortfall (required minus supplied, 0 when covered) with
    its band and the probability that they suffice."""
    m, probabilities = result.summary.metrics, result.summary.probabilities
    rows = [
        ("deployed", _band(m["deployed"])),
        ("committed (with rotation)", _band(m["committed"])),
    ]
    if "pledged" in m:
        rows.append(("pledged", _band(m["pledged"])))
        coverage = fmt_number(m["pledge_coverage"].p50, "ratio")
        rows.append((f"pledged ÷ required {charts.pledge_metric(result)} (P50)", coverage))
    for s in getattr(result.summary, "shortfalls", {}).values():
        what = f"shortfall: {s.requirement} − {s.supply}"
        rows.append(
            (what, f"{_band(s.shortfall)}; P(short) {fmt_number(s.p_short, 'probability')}")
        )
    for key, label in (
        ("p_pledges_suffice", "P(pledges suffice)"),
        ("p_pool_suffices", "P(pool suffices)"),
    ):
        if key in probabilities:
            rows.append((label, fmt_number(probabilities[key], "probability")))
    cells = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f'<table class="headline">{cells}</table>'


def caveats(result: RunResult, t: Tornado) -> list[str]:
    """The assumptions that drive the answer most, in words: the tornado's largest bars whose
    figure is an assumption (no published source), each with its reason."""
    figures = result.scenario.figures
    lines = []
    for bar in t.bars:
        figure = figures.get(bar.path)
        if figure is None or not isinstance(figure.source, Assumption):
            continue
        if bar.output_max <= bar.output_min:
            continue
        low, high = fmt_number(bar.output_min, "personnel"), fmt_number(bar.output_max, "personnel")
        lines.append(
            f"{bar.path} is an assumption ({figure.source.reason}): over its P5–P95 it moves "
            f"{t.output} from {low} to {high}."
        )
        if len(lines) == CAVEATS:
            break
    return lines


def _sources_table(result: RunResult) -> str:
    columns = ("figure", "value", "unit", "source", "quote", "gloss")
    rows = sources_rows(result.scenario)
    return table_html(
        Table(title="", columns=columns, sections=[("", [[r[c] for c in columns] for r in rows])])
    )


def _main_tornado(r: TornadoResult) -> Tornado:
    by_output = {t.output: t for t in r.tornadoes}
    return by_output.get("committed") or r.tornadoes[0]


def brief_html(inputs: BriefInputs, draw: Callable[[Spec], str]) -> str:
    """The page, each chart drawn as an ``<svg>`` element by ``draw``
    (:func:`forcecalc.report.plot.inline_svg`)."""
    result = inputs.result
    t = _main_tornado(inputs.tornado)
    metric = charts.pledge_metric(result)
    sections = [
        _section("headline", headline(result)),
        _section(
            "distribution",
            _figure(
                draw(charts.distribution_chart(result, metric)),
                f"{result.samples.n:,} samples of {metric}; dashed lines at P5, P50 and P95, a "
                "solid line at the pledged total (P50) where there are pledges.",
            ),
        ),
        _section(
            "drivers",
            _figure(
                draw(charts.tornado_chart(t)),
                "Each uncertain figure moved from its P5 to its P95 with every other at its "
                f"median; the line is the all-medians {t.output}.",
            ),
        ),
    ]
    if inputs.front is not None:
        chart = charts.sweep_chart(inputs.front, "committed")
        sections.append(
            _section(
                "front",
                _figure(draw(chart), "P50 with its P5–P95 band; the same samples at every point."),
            )
        )
    if inputs.timeline is not None:
        sections.append(
            _section(
                "timeline",
                _figure(draw(fan_spec(inputs.timeline, charts.WIDTH)), "Month by month."),
            )
        )
    sections += _closing_sections(inputs, t)
    return _page(result, sections)


def _closing_sections(inputs: BriefInputs, t: Tornado) -> list[str]:
    result = inputs.result
    words = caveats(result, t) or ["No assumption (unsourced figure) moves the requirement."]
    provenance = "".join(f"<p>{e(line)}</p>" for line in provenance_lines(result.provenance))
    precedents = "".join(table_html(table) for table in inputs.precedents)
    return [
        _section("precedents", precedents or "<p>No precedent to compare with.</p>"),
        _section("caveats", "<ul>" + "".join(f"<li>{e(w)}</li>" for w in words) + "</ul>"),
        _section("sources", _sources_table(result)),
        _section("provenance", provenance),
    ]


def _page(result: RunResult, sections: Sequence[str]) -> str:
    s = result.scenario
    description = f"<p>{e(s.description)}</p>" if getattr(s, "description", "") else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{e(s.name)}</title><style>{CSS}</style></head>\n<body>\n"
        f"<h1>{e(s.name)}</h1>{description}\n" + "\n".join(sections) + "\n</body></html>\n"
    )
