"""Drivers and sweeps for the app: the tornado of a scenario text and a one-figure sweep.

Thin calls into :mod:`forcecalc.analysis.tornado` and :mod:`forcecalc.analysis.sweep` on a
scenario text, and the rows and default ranges the Drivers and Sweep tabs draw.
"""

from __future__ import annotations

import math

import numpy as np

from forcecalc.analysis.problem import figure_at
from forcecalc.analysis.sweep import Sweep, axis, sweep
from forcecalc.analysis.tornado import TornadoResult, tornado
from forcecalc.app.texts import parse_text
from forcecalc.calibration import rules
from forcecalc.core.runner import refused_pledges
from forcecalc.core.sampling import TIMELINE_PREFIX, Sampler
from forcecalc.core.scenario import Figure, Scenario

#: Outputs the tornado and sweep panels offer.
DRIVER_OUTPUTS = ("deployed", "committed")


#: Largest scenario, in figures, whose tornado and sweep the app computes on every upload;
#: and the largest whose tornado it computes at all, after a click. A tornado's work grows
#: with the square of the number of figures (each figure moved, the model run over all of
#: them); the library's budget (:mod:`forcecalc.core.budget`) bounds its memory.
AUTO_TORNADO_FIGURES, MAX_TORNADO_FIGURES = 200, 1_000


def tornado_plan(n_figures: int) -> str:
    """When the app computes a scenario's tornado: ``"auto"`` (at once), ``"ask"`` (after a
    click) or ``"refuse"``, by its number of figures."""
    if n_figures <= AUTO_TORNADO_FIGURES:
        return "auto"
    return "ask" if n_figures <= MAX_TORNADO_FIGURES else "refuse"


def tornado_text(text: str, name: str) -> TornadoResult:
    """The tornado of a scenario text (P5 to P95 swings of deployed and committed)."""
    return tornado(parse_text(text, name), outputs=DRIVER_OUTPUTS)


#: The largest number a range or an input may hold (a browser's number input refuses inf).
LARGEST = float(np.finfo(float).max)


def sweep_paths(scenario: Scenario) -> list[str]:
    """The figures a sweep (or a goal seek) can vary, in document order.

    Every figure but the pledges of contributors that refused: those stay 0 whatever is asked
    (:func:`forcecalc.core.runner.refused_pledges`), so the library refuses to sweep them; and but
    an
    ensemble's rule choice, a uniform draw that only picks a rule (no value of it means
    anything). A rule's weight can be swept: how the requirement moves as one precedent counts
    more is a fair question, though goal seek refuses it (the quantile is not monotonic in it).
    Nor the timeline's figures (``timeline.``): they change no number of a sweep (the Timeline
    tab varies them).
    """
    left_out = refused_pledges(scenario) | {rules.RULE_CHOICE}
    return [p for p in scenario.figures if p not in left_out and not p.startswith(TIMELINE_PREFIX)]


def sweep_range(figure: Figure) -> tuple[float, float]:
    """A default range to sweep a figure over: half its P5 to twice its P95, in its domain.

    Both ends are finite, even for a figure so extreme that its P95 overflows: its quantiles
    are taken at most a quarter of :data:`LARGEST` in size.
    """
    q05, q95 = (
        float(np.clip(v, -LARGEST / 4, LARGEST / 4)) for v in figure_at(figure, [0.05, 0.95])
    )
    d = figure.domain
    start = max(0.5 * q05, d.lower)
    if d.lower_open and start <= d.lower:
        start = d.lower + 0.01 * max(abs(q05), 1.0)
    stop = 2.0 * q95
    if math.isfinite(d.upper):
        stop = min(stop, d.upper * (0.99 if d.upper_open else 1.0))
    if stop <= start:
        stop = start + max(abs(start), 1.0)
    return start, stop


def figure_median(figure: Figure) -> float:
    """The figure's median (its value, for a point), to mark on a sweep."""
    return float(figure_at(figure, 0.5))


def sweep_text(
    text: str,
    name: str,
    path: str,
    start: float,
    stop: float,
    steps: int,
    samples: int,
    seed: int,
    sampler: str = Sampler.LHS,
) -> Sweep:
    """P5 / P50 / P95 of deployed and committed with one figure swept from ``start`` to ``stop``.

    Raises
    ------
    UsageError
        For a value outside the figure's domain or a bad number of steps.
    """
    scenario = parse_text(text, name)
    grid = axis(path, start, stop, steps)
    return sweep(scenario, [grid], samples, seed, sampler, outputs=DRIVER_OUTPUTS)
