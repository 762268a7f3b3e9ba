"""The timeline's charts as Vega-Lite specifications: plain dicts, drawn by any Vega-Lite
renderer (the app's ``st.vega_lite_chart``, or a converter to SVG for a report).

Two charts of a :class:`~forcecalc.core.timeline_run.TimelineResult`, month by month:

- :func:`fan_spec`: the requirement the pledges are compared with (required deployed, or
  required committed where ``pledge_basis`` says so) against what is available, each as its
  P5–P95 band with its P50 line;
- :func:`shortfall_spec`: the shortfall, its P5–P95 band and P50 line, with P(shortfall) that
  month in the tooltip.

Each spec carries its data inline (``data.values``, one row per month and series), so it is
complete on its own: nothing here imports a plotting or page library.
"""

from __future__ import annotations

from forcecalc.core.timeline_run import TimelineResult

#: The Vega-Lite schema the specs are written for.
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Colour of each series: the requirement dark blue, what is available orange (both readable
#: on a white or dark page, and apart for red-green colour blindness); the shortfall red.
COLOURS = {"required": "#1f4e9c", "available": "#d97706", "shortfall": "#b91c1c"}
#: Height of each chart's plot, its title, legend and axes outside it. [px]
HEIGHT = 240
#: What every chart's subtitle ends with.
BANDS = "band P5–P95, line at P50"
_AXIS_FORMAT = ",.0f"


def required_key(result: TimelineResult) -> str:
    """The monthly output the shortfall is measured against: ``required_deployed`` unless the
    scenario's ``pledge_basis`` is ``committed``."""
    fg = result.scenario.force_generation
    basis = fg.pledge_basis if fg is not None else "deployed"
    return "required_committed" if basis == "committed" else "required_deployed"


def required_label(result: TimelineResult) -> str:
    """The requirement's series name: ``required deployed`` or ``required committed``."""
    return required_key(result).replace("_", " ")


def _series_rows(result: TimelineResult, key: str, series: str) -> list[dict[str, object]]:
    rows = result.monthly[key]
    return [
        {
            "month": m + 1,
            "series": series,
            "p5": float(rows[1, m]),
            "p50": float(rows[2, m]),
            "p95": float(rows[3, m]),
            "p_shortfall": float(result.p_shortfall[m]),
        }
        for m in range(result.months)
    ]


def fan_rows(result: TimelineResult) -> list[dict[str, object]]:
    """One row per month and series (the requirement, then available): month, P5, P50, P95."""
    return [
        *_series_rows(result, required_key(result), required_label(result)),
        *_series_rows(result, "available", "available"),
    ]


def shortfall_rows(result: TimelineResult) -> list[dict[str, object]]:
    """One row per month: the shortfall's P5, P50, P95 and P(shortfall) that month."""
    return _series_rows(result, "shortfall", "shortfall")


def _x(months: int) -> dict[str, object]:
    return {
        "field": "month",
        "type": "quantitative",
        "title": "month of the mandate",
        "scale": {"domain": [1, max(months, 2)], "nice": False},
        "axis": {"tickMinStep": 1, "format": "d"},
    }


def _tooltip(what: str) -> list[dict[str, object]]:
    return [
        {"field": "month", "type": "quantitative", "title": "month"},
        {"field": "series", "type": "nominal", "title": what},
        *(
            {"field": k, "type": "quantitative", "title": k.upper(), "format": _AXIS_FORMAT}
            for k in ("p5", "p50", "p95")
        ),
        {"field": "p_shortfall", "type": "quantitative", "title": "P(shortfall)", "format": ".1%"},
    ]


def _layers(colour: dict[str, object], y_title: str, what: str) -> list[dict[str, object]]:
    """A P5–P95 area and a P50 line (with points for the tooltip) per series."""
    y = {"field": "p5", "type": "quantitative", "title": y_title, "axis": {"format": "~s"}}
    return [
        {
            "mark": {"type": "area", "opacity": 0.25},
            "encoding": {"y": y, "y2": {"field": "p95"}, "color": colour},
        },
        {
            "mark": {"type": "line", "strokeWidth": 2.5, "point": {"size": 28}},
            "encoding": {
                "y": {**y, "field": "p50"},
                "color": colour,
                "tooltip": _tooltip(what),
            },
        },
    ]


#: Width of a chart: the page's (``"container"``), or pixels for a file (an SVG). [px]
Width = int | str


def _spec(
    title: tuple[str, ...],
    rows: list[dict[str, object]],
    layers: list[dict[str, object]],
    months: int,
    width: Width,
) -> dict[str, object]:
    return {
        "$schema": SCHEMA,
        # short lines, each read whole on a 390-px phone (Vega cuts a long title, never wraps)
        "title": {"text": title[0], "subtitle": list(title[1:]), "anchor": "start"},
        "width": width,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "height": HEIGHT,
        "data": {"values": rows},
        "encoding": {"x": _x(months)},
        "layer": layers,
    }


def fan_spec(result: TimelineResult, width: Width = "container") -> dict[str, object]:
    """The fan chart: the requirement against what is available, P5–P95 bands, P50 lines.

    Parameters
    ----------
    width : int or "container"
        The chart's width: the page's, or pixels (for an SVG). [px]

    Returns
    -------
    dict
        A Vega-Lite v6 layered spec with its data inline. [personnel on the y axis]
    """
    required = required_label(result)
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [required, "available"],
            "range": [COLOURS["required"], COLOURS["available"]],
        },
        "legend": {"orient": "top", "direction": "horizontal"},
    }
    return _spec(
        (f"{required.capitalize()} against available", f"month by month; {BANDS}"),
        fan_rows(result),
        _layers(colour, "personnel", "series"),
        result.months,
        width,
    )


def shortfall_spec(result: TimelineResult, width: Width = "container") -> dict[str, object]:
    """The shortfall month by month: its P5–P95 band and P50 line.

    Parameters
    ----------
    width : int or "container"
        The chart's width: the page's, or pixels (for an SVG). [px]

    Returns
    -------
    dict
        A Vega-Lite v6 layered spec with its data inline. [personnel on the y axis]
    """
    colour = {"value": COLOURS["shortfall"]}
    return _spec(
        ("Shortfall", f"{required_label(result)} − available, 0 or more;", BANDS),
        shortfall_rows(result),
        _layers(colour, "personnel short", "shortfall"),
        result.months,
        width,
    )


def timeline_specs(result: TimelineResult, width: Width = "container") -> list[dict[str, object]]:
    """Both charts, in the order a report shows them (``width`` in pixels for a file)."""
    return [fan_spec(result, width), shortfall_spec(result, width)]
