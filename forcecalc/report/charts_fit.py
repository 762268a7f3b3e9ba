"""A chart of :mod:`forcecalc.report.charts` fitted to a page's width, for the planner app.

The shared specs are drawn for a file at a fixed width (:data:`forcecalc.report.charts.WIDTH`)
with long axis labels; on a 420-px phone a label 420 px long left the plot no width at all.
:func:`for_container` returns a copy as wide as its container, each label capped at a share
of that width (the full label stays in the tooltip), with a minimum height. The specs the
command line renders are not changed.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]

#: The share of the container's width an axis's labels may take, and its floor. [px]
LABEL_SHARE, LABEL_FLOOR = 0.35, 90
#: The height of a chart whose height is not set by its rows (no nominal y axis). [px]
MIN_HEIGHT = 260
#: Vega's expression for a label's room: a share of the container's width.
LABEL_LIMIT = {"expr": f"max({LABEL_FLOOR}, containerSize()[0] * {LABEL_SHARE})"}


def _capped(node: object) -> object:
    """A copy of ``node`` with every axis ``labelLimit`` replaced by :data:`LABEL_LIMIT`."""
    if isinstance(node, dict):
        return {
            k: (dict(LABEL_LIMIT) if k == "labelLimit" else _capped(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_capped(v) for v in node]
    return node


def _has_nominal_y(spec: Spec) -> bool:
    layers = [spec, *spec.get("layer", [])]
    return any(
        isinstance(layer, dict)
        and layer.get("encoding", {}).get("y", {}).get("type") in {"nominal", "ordinal"}
        for layer in layers
    )


def _fit(spec: Spec, min_height: int) -> Spec:
    if "vconcat" in spec:
        return {**spec, "vconcat": [_fit(s, min_height) for s in spec["vconcat"]]}
    fitted: Spec = {**_capped(spec), "width": "container"}  # type: ignore[dict-item]
    if "height" not in fitted and not _has_nominal_y(spec):
        fitted["height"] = min_height
    return fitted


def for_container(spec: Spec, min_height: int = MIN_HEIGHT) -> Spec:
    """``spec`` as wide as its container, labels capped at :data:`LABEL_SHARE` of it and the
    legends below the plot (beside it they took a phone's width); a chart of rows (a nominal y
    axis) keeps its height by rows, any other one is ``min_height`` tall unless it sets a
    height. Concatenated charts are fitted one by one."""
    fitted = _fit(spec, min_height)
    config = dict(spec.get("config", {}))
    config["legend"] = {"orient": "bottom", **config.get("legend", {})}
    fitted["config"] = config
    if "vconcat" not in spec:
        fitted.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return fitted
