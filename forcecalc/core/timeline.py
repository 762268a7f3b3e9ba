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
- **shortfall** = max(0, required − available), compared as ``run`` compares the pledges
  (:func:`forcecalc.core.shortfall.gaps`): required is the ``pledge_basis``'s (deployed, or
  committed); where pledges name the categories they ``cover``, it is the personnel the best
  assignment leaves unfilled in the categories they cover (Hall's deficiency, as
  :func:`forcecalc.core.shortfall.restricted_gap`, with the top-up and the lift assigned at
  best: :func:`forcecalc.core.timeline_gap.assigned_gap`), so with every pledge present and no
  build-up no shortfall in a month is exactly ``run``'s ``pledge_coverage ≥ 1`` with that
  month's requirement. More withdrawal never lowers the shortfall of any month.
- **the build-up's end** (:func:`build_up_end`): the month from which the planned build-up no
  longer limits what is available, the same whatever the withdrawals; "P(no shortfall after
  the build-up)" looks at the months from it to the mandate's end.
- **pool shortfall** (a scenario with ``force_generation.pool``) = max(0, required deployed of
  the categories the pool covers − the pool's sustainable personnel), as ``run``'s
  ``pool_coverage`` compares them: the pool is a steady state, with no build-up or withdrawal.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import shortfall, sustainment, timeline_gap
from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.errors import ParameterError
from forcecalc.core.limits import LIMITS
from forcecalc.core.model import Outcome
from forcecalc.core.sampling import TIMELINE_PREFIX
from forcecalc.core.scenario import Pledge, Scenario, Timeline
from forcecalc.core.sustainment import (
    DEFAULT_PREFIX,
    category_prefix,
    covered,
    delivered,
    pledge_personnel,
    rule_multiplier,
)
from forcecalc.core.timeline_gap import Supply

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

PREFIX = TIMELINE_PREFIX  # its figures are sampled from a design of their own
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


def check_not_timeline(path: str, parameter: str, command: str) -> None:
    """Refuse a timeline figure (``timeline.``) where ``command`` varies a figure: it has no
    effect on ``run``'s numbers (the timeline draws it from a design of its own).

    Raises
    ------
    ParameterError
        ``parameter``, naming ``path`` and ``forcecalc timeline --set``.
    """
    if path.startswith(PREFIX):
        raise ParameterError(
            parameter,
            "a timeline figure, which changes no number of " + command,
            f"a figure of run's model; vary it with forcecalc timeline --set {path}=VALUE",
            detail=path,
        )


def has_build_up(scenario: Scenario) -> bool:
    """Whether the scenario plans a build-up (``build_up_months`` or
    ``deployment_per_month``)."""
    return any(PREFIX + k in scenario.figures for k in ("build_up_months", "deployment_per_month"))


def monthly_outputs(scenario: Scenario) -> tuple[str, ...]:
    """The monthly outputs kept whole: :data:`MONTHLY_OUTPUTS`, and ``pool_shortfall`` for a
    scenario with a ``force_generation.pool``."""
    fg = scenario.force_generation
    return MONTHLY_OUTPUTS + (("pool_shortfall",) if fg is not None and fg.has_pool else ())


def check_budget(samples: int, months: int, kept: int) -> None:
    """Refuse samples × months × ``kept`` monthly outputs above :data:`MAX_VALUES`
    (``samples``)."""
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
    #: The pool's shortfall, for a scenario with a ``force_generation.pool``, else None.
    pool_shortfall: FloatArray | None = None
    #: Per sample, the month the build-up completes (:func:`build_up_end`). [months]
    build_up_end: FloatArray | None = None


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


def _windowed(
    pledges: Sequence[Pledge],
    timeline: Timeline,
    values: Mapping[str, ArrayLike],
    draws: FloatArray,
    months: FloatArray,
) -> list[tuple[FloatArray, FloatArray, BoolArray, BoolArray]]:
    """Per pledge: ``(personnel, ceiling, present, departed)``, the first two as columns."""
    windows = {c.contributor: c for c in timeline.contributors}
    out = []
    for j, pledge in enumerate(pledges):
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
        out.append((personnel, ceiling, present, gone))
    return out


def supplies(
    scenario: Scenario, values: Mapping[str, ArrayLike], draws: FloatArray, months: FloatArray
) -> Supply:
    """What the pledges supply in each month ``(n, months)``, before the mandate mask.
    [personnel]

    ``draws`` ``(n, pledges)`` are the withdrawal draws, one column per pledge in order.

    Notes
    -----
    With ``top_up``, the present pledges add, up to their ceilings, what the departed held:
    ``total = Σ own + min(Σ room, departed)``, ``room = (ceiling − pledge) × present``. The
    build-up scales each pledge, its room and the departed alike; ``deployment_per_month``
    caps the total at ``rate × m``. Where pledges ``cover`` categories, the shortfall assigns
    this supply at best (:func:`forcecalc.core.timeline_gap.assigned_gap`).
    """
    n, shape = draws.shape[0], (draws.shape[0], months.shape[-1])
    fg, timeline = scenario.force_generation, scenario.timeline
    if fg is None or not fg.pledges or timeline is None:
        return Supply([], [], np.zeros(shape), [], None, np.zeros(shape))
    rows = _windowed(fg.pledges, timeline, values, draws, months)
    share: ArrayLike = 1.0
    if PREFIX + "build_up_months" in values:
        share = build_up_share(months, values[PREFIX + "build_up_months"])
    each = [np.broadcast_to(p * present, shape) for p, _, present, _ in rows]
    held = sum(each, np.zeros(shape))
    total, room, left = held, [], []
    departed = np.zeros(shape)
    if timeline.top_up:
        room = [np.broadcast_to((c - p) * present, shape) for p, c, present, _ in rows]
        left = [np.broadcast_to(gone & (p > 0), shape) for p, _, _, gone in rows]
        departed = sum((np.broadcast_to(p * gone, shape) for p, _, _, gone in rows), departed)
        total = np.minimum(held + sum(room, np.zeros(shape)), held + departed)
    total = total * share  # the sums first, then the build-up: as each pledge scaled alike
    own = [e * share for e in each]
    room = [r * share for r in room]
    departed = departed * share
    lift = None
    if PREFIX + "deployment_per_month" in values:
        lift = np.broadcast_to(_column(values[PREFIX + "deployment_per_month"]) * months, shape)
        total = np.minimum(total, lift)
    total = np.array(np.broadcast_to(total, (n, shape[1])))
    return Supply(own, room, departed, left, lift, total)


def available(
    scenario: Scenario, values: Mapping[str, ArrayLike], draws: FloatArray, months: FloatArray
) -> FloatArray:
    """Personnel the pledges supply in each month ``(n, months)``, before the mandate mask
    (the total of :func:`supplies`). [personnel]"""
    return supplies(scenario, values, draws, months).total


def build_up_end(
    scenario: Scenario, values: Mapping[str, ArrayLike], outcome: Outcome, n: int
) -> FloatArray:
    """Per sample, the month from which the planned build-up no longer limits what is
    available: ``build_up_months``, or with ``deployment_per_month`` the month its lift could
    have deployed the whole full-strength requirement of the ``pledge_basis``
    (``required / rate``); 0 without either. It depends on no withdrawal. [months]"""
    if PREFIX + "build_up_months" in values:
        return np.broadcast_to(np.asarray(values[PREFIX + "build_up_months"], float), (n,))
    if PREFIX + "deployment_per_month" not in values:
        return np.zeros(n)
    fg = scenario.force_generation
    basis = outcome.committed if fg is not None and fg.pledge_basis == "committed" else None
    need = np.broadcast_to(np.asarray(outcome.deployed if basis is None else basis, float), (n,))
    rate = np.broadcast_to(np.asarray(values[PREFIX + "deployment_per_month"], float), (n,))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(need > 0, need / rate, 0.0)


def _column_of(x: ArrayLike, n: int) -> FloatArray:
    return _column(np.broadcast_to(np.asarray(x, dtype=float), (n,)))


def _shortfalls(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    outcome: Outcome,
    share: FloatArray,
    supply: Supply,
    total: FloatArray,
) -> tuple[FloatArray, FloatArray | None]:
    """``(pledges' shortfall, pool's shortfall or None)`` per month, compared as ``run``
    compares them (:func:`forcecalc.core.shortfall.gaps`): the pledges with the requirement
    of ``pledge_basis`` of the categories they cover, the pool's sustainable personnel with the
    deployed requirement of the categories it covers. [personnel]"""
    fg = scenario.force_generation
    n = share.shape[0]
    deployed = {c: _column_of(v, n) * share for c, v in outcome.by_category.items()}
    committed_basis = fg is not None and fg.pledge_basis == "committed"
    basis = outcome.committed if committed_basis else outcome.deployed
    pledges: FloatArray = shortfall.shortfall(shortfall.gap(total, _column_of(basis, n) * share))
    if fg is not None and supply.own and any(p.covers for p in fg.pledges):
        by = deployed
        if committed_basis:
            steady = sustainment.committed_by_category(scenario, values, outcome.by_category)
            by = {c: _column_of(v, n) * share for c, v in steady.items()}
        gap = timeline_gap.assigned_gap(supply, [p.covers for p in fg.pledges], by)
        pledges = np.broadcast_to(shortfall.shortfall(gap), share.shape)
    if fg is None or not fg.has_pool or outcome.pool_sustainable is None:
        return pledges, None
    need = _column_of(outcome.deployed, n) * share
    if fg.pool_covers:
        need = sum((deployed[c] for c in covered(fg.pool_covers, deployed)), np.zeros(share.shape))
    pool = shortfall.shortfall(shortfall.gap(_column_of(outcome.pool_sustainable, n), need))
    return pledges, np.broadcast_to(pool, share.shape)


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
    by_category = {
        c: _column_of(v, n) * share
        for c, v in _committed_categories(scenario, values, outcome).items()
    }
    supply = supplies(scenario, values, draws, m)
    total = np.where(m <= mandate, supply.total, 0.0)
    short, pool = _shortfalls(scenario, values, outcome, share, supply, total)
    tours = np.zeros(n)
    categories = outcome.by_category or {None: outcome.deployed}
    for category, steady in categories.items():
        tour = tour_of(scenario, values, category)
        if tour is not None:
            tours = tours + pass_through(_column_of(steady, n) * share, tour)
    return Month(
        required_deployed=_column_of(outcome.deployed, n) * share,
        required_committed=_column_of(outcome.committed, n) * share,
        available=total,
        shortfall=np.asarray(short, dtype=float),
        committed_by_category=by_category,
        pass_through=tours,
        pool_shortfall=None if pool is None else np.asarray(pool, dtype=float),
        build_up_end=build_up_end(scenario, values, outcome, n),
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
