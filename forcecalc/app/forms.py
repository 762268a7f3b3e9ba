"""The form a figure is entered in: a point, a 90% range, a PERT or a uniform, switched at will.

A planner switches a figure's form in the Assumptions tab (a pledge of exactly 10,000 was a
range 5,000–10,000); :func:`converted` gives the new form's starting parameters from the figure
as it is, so a switch starts from numbers near the old ones. The loader checks what is entered.
"""

from __future__ import annotations

import numpy as np

from forcecalc.core.distributions import FAMILIES, Distribution, Interval90, Pert, Point, Uniform

#: The forms offered for every figure, by the label the page shows.
FORMS: dict[str, type] = {
    "point": Point,
    "90% range": Interval90,
    "PERT": Pert,
    "uniform": Uniform,
}

_LABEL_OF = {cls: label for label, cls in FORMS.items()}
_FAMILY_LABEL = {f.cls: f.label for f in FAMILIES}

#: What each parameter is called beside its input.
PARAM_LABELS = {
    "value": "value",
    "low": "low",
    "high": "high",
    "mode": "most likely",
    "mean": "mean",
    "sd": "sd",
    "median": "median",
}


def form_of(dist: Distribution) -> str:
    """The form of ``dist`` as the page names it (a family not offered keeps its own name)."""
    return _LABEL_OF.get(type(dist), _FAMILY_LABEL.get(type(dist), type(dist).__name__))


def form_options(dist: Distribution) -> list[str]:
    """The forms a figure may be switched to: the four offered, and its own if another."""
    own = form_of(dist)
    return [*FORMS, *([own] if own not in FORMS else [])]


def _quantile(dist: Distribution, q: float) -> float:
    return float(np.asarray(dist.ppf(np.array([q])), dtype=float)[0])


def _whole(x: float, whole: bool) -> float:
    return float(round(x)) if whole else float(f"{x:.4g}")


def converted(dist: Distribution, form: str, whole: bool = False) -> Distribution:
    """``dist`` in ``form``: itself if already so; else the new form's parameters from the
    figure's median and its 5th and 95th percentiles (a uniform, PERT or range keeps its low
    and high; a point gets ±10%, or 0 to 1 around 0), rounded to whole numbers when ``whole``
    (a head count) and to 4 significant digits otherwise.

    Raises
    ------
    KeyError
        If ``form`` is neither offered (:data:`FORMS`) nor the figure's own.
    """
    if form == form_of(dist):
        return dist
    cls = FORMS[form]
    median = _quantile(dist, 0.5)
    if isinstance(dist, Point):
        spread = abs(median) * 0.1 or 1.0
        low, high = median - spread, median + spread
        if median >= 0 > low:
            low = 0.0
    else:
        low, high = _quantile(dist, 0.05), _quantile(dist, 0.95)
    if isinstance(dist, Uniform | Pert | Interval90):  # keep the bounds the figure states
        low, high = dist.low, dist.high
    low, mid, high = (_whole(x, whole) for x in (low, median, high))
    if cls is Point:
        return Point(mid)
    if cls is Pert:
        return Pert(low, mid, high)
    return cls(low, high)
