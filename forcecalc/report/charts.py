"""Chart definitions shared by the planner app, ``--plot`` and ``forcecalc report``.

Each function returns a Vega-Lite specification (a plain ``dict`` whose data are inline), so
the app draws it with ``st.vega_lite_chart`` and the command line renders the same chart
offline with vl-convert (:mod:`forcecalc.report.plot`). No function here imports a plotting
library or reads anything outside its arguments.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.analysis.sweep import Sweep
from forcecalc.analysis.tornado import Tornado
from forcecalc.core.runner import RunResult
from forcecalc.core.summary import Band
from forcecalc.report.render import fmt_number

Spec = dict[str, Any]

#: Width of a chart drawn outside the app (the app uses its container's width). [px]
WIDTH = 560
#: Colours: the P5/P95 marks, the P50 mark, the pledged total.
BAND_COLOUR, MEDIAN_COLOUR, PLEDGED_COLOUR = "#b45309", "#111827", "#b91c1c"
_TOOLTIP_FORMAT = ",.0f"
#: The label of the pledged total's mark on a distribution.
PLEDGED = "pledged total (P50)"
#: The percentiles of a band chart's columns.
PCTS = ("p5", "p50", "p95")


def _finite(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Rows whose numbers are all finite (Vega-Lite data are JSON: no NaN or infinity)."""
    return [
        dict(r)
        for r in rows
        if all(not isinstance(v, float) or math.isfinite(v) for v in r.values())
    ]


def _chart(title: str, layers: list[Spec], **extra: object) -> Spec:
    return {"title": title, "width": WIDTH, "layer": layers, **extra}


# --------------------------------------------------------------------------------------------
# Distribution


def histogram(values: ArrayLike, bins: int = 50) -> list[dict[str, float]]:
    """A histogram as rows ``start``, ``end``, ``share`` (fraction of all samples in the bin).

    Samples that are not finite fall in no bin (the shares then sum to less than one); with
    no finite sample there are no rows.
    """
    arr = np.asarray(values, dtype=float).ravel()
    ok = np.isfinite(arr)
    finite = arr if ok.all() else arr[ok]  # no copy of a whole output where every value counts
    with np.errstate(over="ignore"):
        if finite.size == 0 or not np.isfinite(np.ptp(finite)):
            return []
    counts, edges = np.histogram(finite, bins=bins)
    return [
        {"start": float(a), "end": float(b), "share": float(c / arr.size)}
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]


def distribution_spec(
    bins: Sequence[Mapping[str, float]],
    band: Band,
    metric: str,
    pledged: float | None = None,
    tooltips: bool = False,
) -> Spec:
    """Histogram of a requirement [personnel] with dashed rules at its P5, P50 and P95 and,
    where given, a solid rule at the pledged total (its P50). [personnel]"""
    marks = [{"statistic": k.upper(), "value": band.stat(k)} for k in PCTS]
    domain, colours = ["P5", "P50", "P95"], [BAND_COLOUR, MEDIAN_COLOUR, BAND_COLOUR]
    if pledged is not None:
        marks.append({"statistic": PLEDGED, "value": pledged})
        domain, colours = [*domain, PLEDGED], [*colours, PLEDGED_COLOUR]
    bars = {
        "data": {"values": _finite(bins)},
        "mark": {"type": "bar", "opacity": 0.7},
        "encoding": {
            "x": {"field": "start", "type": "quantitative", "title": f"{metric} [personnel]"},
            "x2": {"field": "end"},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": "share of samples",
                "axis": {"format": "%"},
            },
            "y2": {"datum": 0},
        },
    }
    rules = {
        "data": {"values": _finite(marks)},
        "mark": {"type": "rule", "strokeWidth": 2},
        "encoding": {
            "x": {"field": "value", "type": "quantitative"},
            "color": {
                "field": "statistic",
                "type": "nominal",
                "title": "marks",
                "scale": {"domain": domain, "range": colours},
            },
            "strokeDash": {
                "condition": {"test": f"datum.statistic === '{PLEDGED}'", "value": [1, 0]},
                "value": [4, 3],
            },
            "tooltip": [
                {"field": "statistic", "type": "nominal"},
                {"field": "value", "type": "quantitative", "format": _TOOLTIP_FORMAT},
            ],
        },
    }
    if tooltips:  # the app's hover values (a file's SVG has no hover)
        bars["encoding"]["tooltip"] = [
            {"field": "start", "type": "quantitative", "format": _TOOLTIP_FORMAT, "title": "from"},
            {"field": "end", "type": "quantitative", "format": _TOOLTIP_FORMAT, "title": "to"},
            {"field": "share", "type": "quantitative", "format": ".1%", "title": "of samples"},
        ]
    return _chart(f"Distribution of {metric}", [bars, rules])


def _metric_values(result: RunResult, metric: str) -> np.ndarray:
    return np.broadcast_to(
        np.asarray(getattr(result.outcome, metric), dtype=float), (result.samples.n,)
    )


def distribution_chart(result: RunResult, metric: str = "deployed", tooltips: bool = False) -> Spec:
    """:func:`distribution_spec` of a run's ``metric`` (``deployed`` or ``committed``), with
    the pledged total's P50 marked where the scenario has pledges (``tooltips``: hover values
    on the bars too, for the app)."""
    pledged = result.summary.metrics.get("pledged")
    return distribution_spec(
        histogram(_metric_values(result, metric)),
        result.summary.metrics[metric],
        metric,
        pledged.p50 if pledged else None,
        tooltips,
    )


# --------------------------------------------------------------------------------------------
# Exceedance

#: Points of an exceedance curve, at most (evenly spaced through the sorted samples).
EXCEEDANCE_POINTS = 200


def exceedance_rows(
    values: ArrayLike, max_points: int = EXCEEDANCE_POINTS
) -> list[dict[str, float]]:
    """The probability that the requirement exceeds each of its sampled values: rows
    ``requirement`` (a sampled value, ascending) and ``exceedance`` = 1 − the empirical CDF
    there (the share of all samples, not finite ones too, that are not at or below it).

    At most ``max_points`` distinct values (the first, the last and evenly spaced ones between);
    each row's probability is exact. No finite sample: no rows.
    """
    arr = np.asarray(values, dtype=float).ravel()
    finite = np.sort(arr[np.isfinite(arr)])
    if finite.size == 0:
        return []
    distinct = np.unique(finite)
    if distinct.size > max_points:
        distinct = distinct[
            np.unique(np.linspace(0, distinct.size - 1, max_points).round()).astype(int)
        ]
    at_or_below = np.searchsorted(finite, distinct, side="right")
    return [
        {"requirement": float(v), "exceedance": float(1.0 - k / arr.size)}
        for v, k in zip(distinct, at_or_below, strict=True)
    ]


def exceedance_spec(
    rows: Sequence[Mapping[str, float]], metric: str, pledged: float | None = None
) -> Spec:
    """The probability [0–1] that the requirement [personnel] exceeds X, as a step line, with
    a solid rule at the pledged total (its P50) where given."""
    x = {"field": "requirement", "type": "quantitative", "title": f"{metric} [personnel]"}
    curve = {
        "data": {"values": _finite(rows)},
        "mark": {"type": "line", "interpolate": "step-after", "point": False},
        "encoding": {
            "x": x,
            "y": {
                "field": "exceedance",
                "type": "quantitative",
                "title": f"P({metric} > X)",
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            "tooltip": [
                {
                    "field": "requirement",
                    "type": "quantitative",
                    "format": _TOOLTIP_FORMAT,
                    "title": "X",
                },
                {
                    "field": "exceedance",
                    "type": "quantitative",
                    "format": ".1%",
                    "title": f"P({metric} > X)",
                },
            ],
        },
    }
    layers = [curve]
    if pledged is not None and math.isfinite(pledged):
        layers.append(
            {
                "data": {"values": [{"statistic": PLEDGED, "value": pledged}]},
                "mark": {"type": "rule", "strokeWidth": 2, "color": PLEDGED_COLOUR},
                "encoding": {
                    "x": {"field": "value", "type": "quantitative"},
                    "tooltip": [
                        {"field": "statistic", "type": "nominal"},
                        {"field": "value", "type": "quantitative", "format": _TOOLTIP_FORMAT},
                    ],
                },
            }
        )
    return _chart(f"Probability that {metric} exceeds X", layers)


def exceedance_chart(result: RunResult, metric: str = "deployed") -> Spec:
    """:func:`exceedance_spec` of a run's ``metric`` from its samples, with the pledged
    total's P50 marked where the scenario has pledges."""
    pledged = result.summary.metrics.get("pledged")
    rows = exceedance_rows(_metric_values(result, metric))
    return exceedance_spec(rows, metric, pledged.p50 if pledged else None)


# --------------------------------------------------------------------------------------------
# Tornado


def tornado_rows(t: Tornado) -> list[dict[str, object]]:
    """Two segments per uncertain figure that moves the output, from the all-medians baseline
    to the output with the figure at its low and at its high quantile; largest swing first."""
    rows: list[dict[str, object]] = []
    for rank, bar in enumerate(b for b in t.bars if b.output_max > b.output_min):
        if bar.low_level is not None:  # the ensemble's rule choice: its ends are rules
            label = f"{bar.path} ({bar.low_level} → {bar.high_level})"
            ends = (("least rule", bar.low_level), ("greatest rule", bar.high_level))
        else:
            low, high = fmt_number(bar.input_low, bar.unit), fmt_number(bar.input_high, bar.unit)
            label = f"{bar.path} ({low} → {high} {bar.unit})"
            ends = (("figure at its P5", low), ("figure at its P95", high))
        for (end, at), output in zip(ends, (bar.output_low, bar.output_high), strict=True):
            rows.append(
                {
                    "figure": label,
                    "rank": rank,
                    "end": end,
                    "at": at,
                    "baseline": t.baseline,
                    "output": output,
                }
            )
    return rows


def tornado_spec(rows: Sequence[Mapping[str, object]], output: str, baseline: float) -> Spec:
    """Horizontal bars from the all-medians ``baseline`` [personnel] to each end's output,
    one row per figure in ``rank`` order, with a rule at the baseline."""
    bars = {
        "data": {"values": _finite(rows)},
        "mark": "bar",
        "encoding": {
            "y": {
                "field": "figure",
                "type": "nominal",
                "sort": {"field": "rank"},
                "title": None,
                "axis": {"labelLimit": 420},
            },
            "x": {
                "field": "baseline",
                "type": "quantitative",
                "title": f"{output} [personnel]",
                "scale": {"zero": False},
            },
            "x2": {"field": "output"},
            "color": {"field": "end", "type": "nominal", "title": None},
            "tooltip": [
                {"field": "figure", "type": "nominal"},
                {"field": "end", "type": "nominal"},
                {"field": "at", "type": "nominal", "title": "figure at"},
                {"field": "output", "type": "quantitative", "format": _TOOLTIP_FORMAT},
            ],
        },
    }
    rule = {
        "data": {"values": _finite([{"baseline": baseline}])},
        "mark": "rule",
        "encoding": {"x": {"field": "baseline", "type": "quantitative"}},
    }
    return _chart(f"Drivers of {output}", [bars, rule])


def tornado_chart(t: Tornado) -> Spec:
    """:func:`tornado_spec` of one tornado (one output) of a tornado analysis."""
    return tornado_spec(tornado_rows(t), t.output, t.baseline)


def stacked(specs: Sequence[Spec]) -> Spec:
    """Several charts one above the other (one chart stays itself)."""
    if len(specs) == 1:
        return dict(specs[0])
    return {"vconcat": list(specs), "resolve": {"scale": {"color": "independent"}}}


# --------------------------------------------------------------------------------------------
# Sweep


def sweep_rows(result: Sweep, output: str) -> list[dict[str, float]]:
    """One row per swept value of a one-figure sweep: ``value`` and the output's P5/P50/P95."""
    return [{"value": p.coordinates[0], **band_dict(p.bands[output])} for p in result.points]


def sweep_spec(
    rows: Sequence[Mapping[str, float]],
    path: str,
    unit: str,
    output: str,
    marker: float | None = None,
) -> Spec:
    """The output's P50 [personnel] against the swept figure (``path``, in ``unit``) as a
    line, its P5–P95 as a band, and a dashed rule at ``marker`` (the figure's value in the
    scenario) where given."""
    data = {"values": _finite(rows)}
    x = {"field": "value", "type": "quantitative", "title": f"{path} [{unit}]"}
    band = {
        "data": data,
        "mark": {"type": "area", "opacity": 0.3},
        "encoding": {
            "x": x,
            "y": {"field": "p5", "type": "quantitative"},
            "y2": {"field": "p95"},
        },
    }
    line = {
        "data": data,
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": x,
            "y": {
                "field": "p50",
                "type": "quantitative",
                "title": f"{output} [personnel], P50 with P5–P95",
            },
            "tooltip": [
                {"field": c, "type": "quantitative", "format": ",.4g"}
                for c in ("value", "p5", "p50", "p95")
            ],
        },
    }
    layers = [band, line]
    if marker is not None and math.isfinite(marker):
        layers.append(
            {
                "data": {"values": [{"value": marker}]},
                "mark": {"type": "rule", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            }
        )
    return _chart(f"{output} against {path}", layers)


def _edges(values: Sequence[float]) -> dict[float, tuple[float, float]]:
    """Each grid value's cell, from midway to its lower neighbour to midway to its upper."""
    v = sorted(set(values))
    if len(v) == 1:
        return {v[0]: (v[0] - 0.5, v[0] + 0.5)}
    mids = [(a + b) / 2 for a, b in itertools.pairwise(v)]
    lows = [v[0] - (mids[0] - v[0]), *mids]
    highs = [*mids, v[-1] + (v[-1] - mids[-1])]
    return {x: (lo, hi) for x, lo, hi in zip(v, lows, highs, strict=True)}


def _grid_axis(field: str, title: str) -> Spec:
    """A heatmap's axis: the cells' edges, no rounding of the scale to nice values or 0."""
    scale = {"nice": False, "zero": False}
    return {"field": field, "type": "quantitative", "title": title, "scale": scale}


def heatmap_spec(
    rows: Sequence[Mapping[str, float]], x_title: str, y_title: str, output: str
) -> Spec:
    """P50 of the output [personnel] over a two-figure grid as coloured cells (rows ``x``,
    ``y``, ``p50``)."""
    xs, ys = _edges([r["x"] for r in rows]), _edges([r["y"] for r in rows])
    cells = [
        {**r, "x0": xs[r["x"]][0], "x1": xs[r["x"]][1], "y0": ys[r["y"]][0], "y1": ys[r["y"]][1]}
        for r in rows
    ]
    layer = {
        "data": {"values": _finite(cells)},
        "mark": "rect",
        "encoding": {
            "x": _grid_axis("x0", x_title),
            "x2": {"field": "x1"},
            "y": _grid_axis("y0", y_title),
            "y2": {"field": "y1"},
            "color": {
                "field": "p50",
                "type": "quantitative",
                "title": f"{output} P50",
                "scale": {"scheme": "viridis"},
            },
            "tooltip": [
                {"field": "x", "type": "quantitative", "title": x_title, "format": ",.4g"},
                {"field": "y", "type": "quantitative", "title": y_title, "format": ",.4g"},
                {"field": "p50", "type": "quantitative", "format": _TOOLTIP_FORMAT},
            ],
        },
    }
    return _chart(f"{output} P50 over {x_title} and {y_title}", [layer], height=WIDTH * 3 // 4)


def sweep_chart(result: Sweep, output: str, marker: float | None = None) -> Spec:
    """The chart of a sweep's ``output``: :func:`sweep_spec` for one figure,
    :func:`heatmap_spec` of P50 for two."""
    if len(result.axes) == 1:
        path, unit = result.axes[0].path, result.units[0]
        return sweep_spec(sweep_rows(result, output), path, unit, output, marker)
    titles = [f"{a.path} [{u}]" for a, u in zip(result.axes, result.units, strict=True)]
    rows = [
        {"x": p.coordinates[0], "y": p.coordinates[1], "p50": p.bands[output].p50}
        for p in result.points
    ]
    return heatmap_spec(rows, titles[0], titles[1], output)


# --------------------------------------------------------------------------------------------
# Bands by task, category, rule or sector


def band_spec(
    rows: Sequence[Mapping[str, object]],
    name: str,
    title: str,
    color: str | None = None,
    x_title: str = "personnel deployed (P5–P95, tick at P50)",
    details: Sequence[str] = (),
) -> Spec:
    """Horizontal P5–P95 bars with a tick at P50, one per row (its ``name`` column: task,
    category, rule or sector); ``color`` names a column that splits each row into coloured
    bars (deployed, committed), ``details`` text columns added to the tooltip."""
    y: Spec = {
        "field": name,
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": 320},
    }
    encoding: Spec = {"y": y}
    if color:
        encoding |= {
            "color": {"field": color, "type": "nominal", "title": None},
            "yOffset": {"field": color, "type": "nominal"},
        }
    tooltip = [
        {"field": name, "type": "nominal"},
        *({"field": d, "type": "nominal"} for d in details),
        *({"field": k, "type": "quantitative", "format": _TOOLTIP_FORMAT} for k in PCTS),
    ]
    bars = {
        "mark": {"type": "bar", "opacity": 0.45},
        "encoding": {
            **encoding,
            "x": {"field": "p5", "type": "quantitative", "title": x_title},
            "x2": {"field": "p95"},
        },
    }
    ticks = {
        "mark": {"type": "tick", "thickness": 3, "size": 18, "color": "black"},
        "encoding": {
            **encoding,
            "x": {"field": "p50", "type": "quantitative"},
            "tooltip": tooltip,
        },
    }
    return _chart(title, [bars, ticks], data={"values": _finite(rows)})


def band_dict(b: Band) -> dict[str, float]:
    """A band's P5, P50 and P95 by name: the columns a band, sweep or distribution chart
    reads. [the band's unit]"""
    return {k: b.stat(k) for k in PCTS}


def bands_chart(bands: Mapping[str, Band], kind: str, title: str) -> Spec:
    """:func:`band_spec` of named bands (a run's ``summary.tasks``, ``categories`` ...)."""
    rows = [{kind: name, **band_dict(b)} for name, b in bands.items()]
    return band_spec(rows, kind, title)


def pledge_metric(result: RunResult) -> str:
    """The requirement the pledges are compared with: ``deployed`` unless the scenario's
    ``pledge_basis`` is ``committed``."""
    fg = result.scenario.force_generation
    basis = fg.pledge_basis if fg is not None else "deployed"
    return "committed" if basis == "committed" else "deployed"
