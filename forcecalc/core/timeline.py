"""Force generation over time: the requirement and what contributors supply, month by month.

A scenario's ``timeline`` (:class:`~forcecalc.core.scenario.Timeline`, figures under
``timeline.``) turns the steady-state requirement of :func:`forcecalc.core.model.evaluate` into
a monthly one and compares it with what the pledges supply each month. Arrays are samples ×
months; the months are broadcast, never looped over samples.

Definitions (month ``m`` = 1, 2, ... of the mandate):

- **required deployed** = steady-state deployed × profile(m); the profile is 1 for the first
  ``full_strength_months`` (default: the whole mandate), then falls linearly over
  ``drawdown_months`` to ``drawdown_to`` and stays there. **Required committed** = steady-state
  committed × profile(m) (each category with its own rotation rule, as ``run``).
- **available** = the pledges present in month m (delivered per ``delivery_probability``, from
  ``from_month`` to ``until_month``, until the contributor withdraws), topped up when
  ``top_up`` by the others present, up to their ceilings, for those that left; limited by the
  build-up: × min(1, m / ``build_up_months``), or at most ``deployment_per_month`` × m.
- **shortfall** = max(0, required − available), with required the ``pledge_basis``'s
  (deployed, or committed).
- **pass-through** = Σ over the months of required deployed ÷ tour_months, per category (its
  own tour, else the default rule's, else ``timeline.tour_months``): the troop tours the mandate
  needs. 64,000 deployed on six-month tours for 24 months is 64,000 × 24 / 6 = 256,000.

A contributor's withdrawal is a constant hazard: with ``h = withdrawal_per_year``, it stays
``T = 12 × ln(1 − u) / ln(1 − h)`` months after ``from_month`` (P(T > 12) = 1 − h), ``u`` a
uniform draw per sample and pledge from :func:`withdrawal_generator`: a stream of its own,
derived from the run's seed, so a higher hazard with the same seed never leaves a contributor
longer, and ``--set`` of a figure leaves the draws unchanged.

After a sample's mandate (``mandate_months``, the horizon its largest value) nothing is
required or available.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.errors import ParameterError
from forcecalc.core.limits import LIMITS
from forcecalc.core.model import Outcome
from forcecalc.core.scenario import Scenario
from forcecalc.core.sustainment import (
    DEFAULT_PREFIX,
    category_prefix,
    delivered,
    pledge_personnel,
    rule_multiplier,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

PREFIX = "timeline."
#: Entropy word of the withdrawal stream: ``SeedSequence([seed, WITHDRAWAL_STREAM])``.
WITHDRAWAL_STREAM = 0x74696D65  # "time"
#: Largest horizon, in months (the unit's limit: a century).
MAX_MONTHS = int(LIMITS["months"].largest)
#: Whole-run arrays of samples × months kept besides those of committed by category.
MONTHLY_OUTPUTS = ("required_deployed", "required_committed", "available", "shortfall")


def withdrawal_generator(seed: int) -> np.random.Generator:
    """The generator of the withdrawal draws of a run with ``seed``: its own stream
    (``SeedSequence([seed, WITHDRAWAL_STREAM])``), so the design's draws are untouched."""
    return np.random.default_rng(np.random.SeedSequence([seed, WITHDRAWAL_STREAM]))


def month_numbers(months: int) -> FloatArray:
    """``[1, 2, ..., months]`` as a row ``(1, months)``. [months]"""
    return np.arange(1, months + 1, dtype=float)[np.newaxis, :]


def _column(x: ArrayLike) -> FloatArray:
    """A value per sample as a column ``(n, 1)`` (a scalar stays a scalar)."""
    arr = np.asarray(x, dtype=float)
    return arr[:, np.newaxis] if arr.ndim == 1 else arr


def profile(
    months: ArrayLike,
    full_strength_months: ArrayLike,
    drawdown_months: ArrayLike = 0.0,
    drawdown_to: ArrayLike = 1.0,
) -> FloatArray:
    """Share of full strength required in each month. [fraction]

    Parameters
    ----------
    months : array_like
        Month numbers, 1 for the first. [months]
    full_strength_months : array_like
        Months at full strength. [months]
    drawdown_months : array_like
        Months of the linear drawdown that follows (0: at once). [months]
    drawdown_to : array_like
        Share the requirement draws down to, in [0, 1]. [fraction]

    Notes
    -----
    ``k = m − full_strength_months``; 1 where ``k ≤ 0``, else
    ``1 − (1 − drawdown_to) × min(1, k / drawdown_months)``. Never above 1.
    """
    k = np.asarray(months, dtype=float) - _column(full_strength_months)
    d = _column(drawdown_months)
    to = _column(drawdown_to)
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(d > 0, np.clip(k / np.where(d > 0, d, 1.0), 0.0, 1.0), 1.0)
    drawn = np.where(progress >= 1.0, to, 1.0 - (1.0 - to) * progress)  # exactly to, at the end
    return np.where(k <= 0, 1.0, drawn)


def build_up_share(months: ArrayLike, build_up_months: ArrayLike) -> FloatArray:
    """Share of the force that can be in theatre by each month: ``min(1, m / build_up_months)``
    (1 from month 1 for 0 months). [fraction]"""
    b = _column(build_up_months)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, np.minimum(1.0, np.asarray(months, dtype=float) / b), 1.0)


def presence(
    months: ArrayLike,
    from_month: ArrayLike,
    until_month: ArrayLike,
    withdrawal_per_year: ArrayLike,
    draw: ArrayLike,
) -> tuple[BoolArray, BoolArray]:
    """``(present, departed)`` in each month of a contributor.

    Parameters
    ----------
    months : array_like
        Month numbers. [months]
    from_month, until_month : array_like
        Its window (``until_month`` infinite for open-ended). [months]
    withdrawal_per_year : array_like
        Chance it withdraws within a year, in [0, 1). [probability]
    draw : array_like
        Uniform draw in [0, 1) per sample. [fraction]

    Notes
    -----
    Present where ``from ≤ m ≤ until`` and ``m − from < T`` with
    ``T = 12 ln(1 − u) / ln(1 − h)`` (infinite for ``h = 0``); departed where ``m ≥ from`` and
    not present: it came, or was due, and left.
    """
    m = np.asarray(months, dtype=float)
    start = _column(from_month)
    h = _column(withdrawal_per_year)
    u = _column(draw)
    with np.errstate(divide="ignore", invalid="ignore"):
        stay = np.where(h > 0, 12.0 * np.log1p(-u) / np.log1p(-h), math.inf)
    begun = m >= start
    present = begun & (m <= _column(until_month)) & (m - start < stay)
    return present, begun & ~present


def pass_through(deployed: ArrayLike, tour_months: ArrayLike) -> FloatArray:
    """Troop tours over the months: ``Σ_m deployed(m) / tour_months``. [personnel]

    ``deployed`` is ``(n, months)`` (or ``(months,)``); 64,000 deployed for 24 months on
    6-month tours pass 256,000 people through.
    """
    total = np.asarray(deployed, dtype=float).sum(axis=-1)
    return total / np.asarray(tour_months, dtype=float)


def horizon(scenario: Scenario) -> int:
    """Months the arrays span: the largest ``mandate_months`` a sample can take, whole."""
    figure = scenario.figures[PREFIX + "mandate_months"]
    top = getattr(figure.dist, "value", None)
    if top is None:
        top = float(figure.dist.ppf(1.0 - 1e-12))  # the design's largest uniform draw
    return int(min(MAX_MONTHS, math.ceil(min(top, MAX_MONTHS))))


def check_budget(samples: int, months: int, categories: int) -> None:
    """Refuse samples × months × kept outputs above :data:`MAX_VALUES` (``samples``)."""
    kept = len(MONTHLY_OUTPUTS) + categories
    if samples * months * kept > MAX_VALUES:
        raise ParameterError(
            "samples",
            f"{samples:,} samples × {months:,} months × {kept} monthly outputs",
            f"at most {MAX_VALUES:,} values (at most {MAX_VALUES // (months * kept):,} samples "
            f"for {months:,} months), to bound memory",
        )


@dataclass(frozen=True)
class Month:
    """One chunk's monthly arrays ``(n, months)`` and per-sample tours. [personnel]"""

    required_deployed: FloatArray
    required_committed: FloatArray
    available: FloatArray
    shortfall: FloatArray
    committed_by_category: dict[str, FloatArray]
    pass_through: FloatArray


def _figure(values: Mapping[str, ArrayLike], name: str, default: float) -> ArrayLike:
    return values.get(PREFIX + name, default)


def _committed_categories(
    scenario: Scenario, values: Mapping[str, ArrayLike], outcome: Outcome
) -> dict[str, FloatArray]:
    """Steady-state committed of each category with its rotation rule (empty without
    categories: methods analog and ensemble)."""
    if outcome.committed_by_category:
        return dict(outcome.committed_by_category)
    default = rule_multiplier(scenario.sustainment, values, DEFAULT_PREFIX)
    return {c: np.asarray(d, dtype=float) * default for c, d in outcome.by_category.items()}


def tour_of(scenario: Scenario, values: Mapping[str, ArrayLike], category: str | None) -> object:
    """A category's tour length: its own rule's, else the default rule's, else
    ``timeline.tour_months``; ``None`` where none is stated. [months]"""
    own = dict(scenario.category_sustainment)
    if category in own:
        if own[category] == "tour_and_dwell":
            return values[category_prefix(category) + "tour_months"]
    elif scenario.sustainment == "tour_and_dwell":
        return values[DEFAULT_PREFIX + "tour_months"]
    return values.get(PREFIX + "tour_months")


def available(
    scenario: Scenario, values: Mapping[str, ArrayLike], draws: FloatArray, months: FloatArray
) -> FloatArray:
    """Personnel the pledges supply in each month ``(n, months)``, before the mandate mask.

    ``draws`` ``(n, pledges)`` are the withdrawal draws, one column per pledge in order.
    """
    fg = scenario.force_generation
    timeline = scenario.timeline
    if fg is None or not fg.pledges or timeline is None:
        return np.zeros((draws.shape[0], months.shape[-1]))
    windows = {c.contributor: c for c in timeline.contributors}
    held = supply = departed = 0.0
    for j, pledge in enumerate(fg.pledges):
        personnel = _column(pledge_personnel(pledge, values))
        window = windows.get(pledge.contributor)
        ceiling = personnel
        if window is None:
            present, gone = np.ones_like(months, dtype=bool), np.zeros_like(months, dtype=bool)
        else:
            present, gone = presence(
                months,
                values.get(window.figure_path("from_month"), 1.0),
                values.get(window.figure_path("until_month"), math.inf),
                values.get(window.figure_path("withdrawal_per_year"), 0.0),
                draws[:, j],
            )
            if window.figure_path("ceiling") in values:
                came: ArrayLike = 1.0
                if pledge.reliability:
                    came = delivered(1.0, values[pledge.probability_path], values[pledge.draw_path])
                most = _column(values[window.figure_path("ceiling")]) * _column(came)
                ceiling = np.maximum(most, personnel)
        held = held + personnel * present
        supply = supply + ceiling * present
        departed = departed + personnel * gone
    total = np.minimum(supply, held + departed) if timeline.top_up else held
    total = np.broadcast_to(np.asarray(total, dtype=float), (draws.shape[0], months.shape[-1]))
    if PREFIX + "build_up_months" in values:
        return total * build_up_share(months, values[PREFIX + "build_up_months"])
    if PREFIX + "deployment_per_month" in values:
        return np.minimum(total, _column(values[PREFIX + "deployment_per_month"]) * months)
    return np.array(total)


def monthly(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    outcome: Outcome,
    draws: FloatArray,
    months: int,
) -> Month:
    """The monthly arrays of one chunk of samples (``draws`` has one row per sample)."""
    n = draws.shape[0]
    m = month_numbers(months)
    mandate = _column(_figure(values, "mandate_months", months))
    share = profile(
        m,
        _figure(values, "full_strength_months", math.inf),
        _figure(values, "drawdown_months", 0.0),
        _figure(values, "drawdown_to", 1.0),
    )
    share = np.broadcast_to(np.where(m <= mandate, share, 0.0), (n, months))
    deployed = _column(np.broadcast_to(outcome.deployed, (n,))) * share
    committed = _column(np.broadcast_to(outcome.committed, (n,))) * share
    by_category = {
        c: _column(np.broadcast_to(v, (n,))) * share
        for c, v in _committed_categories(scenario, values, outcome).items()
    }
    supply = np.where(m <= mandate, available(scenario, values, draws, m), 0.0)
    fg = scenario.force_generation
    basis = committed if fg is not None and fg.pledge_basis == "committed" else deployed
    tours = np.zeros(n)
    categories = outcome.by_category or {None: outcome.deployed}
    for category, steady in categories.items():
        tour = tour_of(scenario, values, category)
        if tour is not None:
            tours = tours + pass_through(_column(np.broadcast_to(steady, (n,))) * share, tour)
    return Month(
        required_deployed=deployed,
        required_committed=committed,
        available=supply,
        shortfall=np.maximum(basis - supply, 0.0),
        committed_by_category=by_category,
        pass_through=tours,
    )


def toured(scenario: Scenario) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(categories with a tour, categories without)`` for pass-through (``("force",)`` for
    a scenario without categories)."""
    categories = tuple(dict.fromkeys(t.category for t in scenario.tasks)) or ("force",)
    values = {path: 1.0 for path in scenario.figures}
    with_tour = tuple(
        c for c in categories if tour_of(scenario, values, None if c == "force" else c) is not None
    )
    return with_tour, tuple(c for c in categories if c not in with_tour)
