"""Summaries of sampled outcomes: mean and P5 / P50 / P95 bands, and claim checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import quantiles, shortfall
from forcecalc.core.clipped import clipped_band
from forcecalc.core.model import Outcome
from forcecalc.core.scenario import Expectation, Scenario

#: The percentiles every band reports.
PERCENTILES = (5.0, 50.0, 95.0)


@dataclass(frozen=True)
class Band:
    """Mean and P5 / P50 / P95 of one output over the samples."""

    mean: float
    p5: float
    p50: float
    p95: float

    def stat(self, name: str) -> float:
        return float(getattr(self, name))


def band(values: ArrayLike, n: int) -> Band:
    """Summarise ``values`` (an array over ``n`` samples, or a scalar) as a :class:`Band`."""
    arr = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    mean, p5, p50, p95 = (float(v) for v in band_rows(arr[np.newaxis])[:, 0])
    return Band(mean=mean, p5=p5, p50=p50, p95=p95)


def _band_once(seen: dict[int, tuple[object, Band]], values: ArrayLike, n: int) -> Band:
    """:func:`band` of ``values``, taken from ``seen`` if that very array was summarised."""
    if not isinstance(values, np.ndarray) or values.ndim == 0:
        return band(values, n)
    held = seen.get(id(values))
    if held is None or held[0] is not values:  # the array is held, so its id is not reused
        seen[id(values)] = held = (values, band(values, n))
    return held[1]


def band_rows(
    values: NDArray[np.float64], percentiles: Sequence[float] = PERCENTILES
) -> NDArray[np.float64]:
    """``(1 + len(percentiles), G)``: the mean, then each percentile (by default P5, P50 and
    P95) of each row of ``values`` ``(G, n)``.

    Interpolating between infinite values gives NaN (inf - inf): a ratio over a requirement of
    0 with something available is infinite by design (:func:`forcecalc.core.model.coverage`), so a
    row holding a value that is not finite takes the nearest sample instead. The percentiles are
    those of ``np.percentile`` bit for bit, found by partition (:mod:`forcecalc.core.quantiles`).
    """
    out = np.empty((1 + len(percentiles), values.shape[0]))
    out[0] = values.mean(axis=-1)
    # A row's mean is finite only if all its values are: only the others need looking at.
    finite = np.isfinite(out[0])
    if not finite.all():
        finite[~finite] = np.isfinite(values[~finite]).all(axis=-1)
    for rows, method in ((finite, "linear"), (~finite, "nearest")):
        if rows.all():
            out[1:] = quantiles.percentiles(values, percentiles, method)
        elif rows.any():
            out[1:, rows] = quantiles.percentiles(values[rows], percentiles, method)
    return out


def percentiles_of(values: ArrayLike, n: int, percentiles: Sequence[float]) -> tuple[float, ...]:
    """The ``percentiles`` (in [0, 100]) of ``values`` over ``n`` samples, by the rule of
    :func:`band_rows`, so P5, P50 and P95 equal a :class:`Band`'s."""
    arr = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    return tuple(float(v) for v in band_rows(arr[np.newaxis], percentiles)[1:, 0])


@dataclass(frozen=True)
class Shortfall:
    """Required minus available for one supply and requirement, by sample
    (:mod:`forcecalc.core.shortfall`).

    ``gap`` is signed (below 0: that many spare); ``shortfall`` is the gap where above 0, else
    0; ``p_short`` the share of samples with a gap above 0. [personnel, probability]
    """

    supply: str
    requirement: str
    gap: Band
    shortfall: Band
    p_short: float


def shortfall_summary(name: str, gap: ArrayLike, n: int) -> Shortfall:
    """A :class:`Shortfall` of the gap ``name`` (``pledged_vs_deployed``) over ``n`` samples."""
    supply, _, requirement = name.partition("_vs_")
    arr = np.broadcast_to(np.asarray(gap, dtype=float), (n,))
    clipped = clipped_band(arr, PERCENTILES)  # without an array of the shortfall, if it can
    if clipped is None:
        short = band(shortfall.shortfall(arr), n)
    else:
        mean, (p5, p50, p95) = clipped
        short = Band(mean=mean, p5=p5, p50=p50, p95=p95)
    return Shortfall(
        supply=supply,
        requirement=requirement,
        gap=band(arr, n),
        shortfall=short,
        p_short=float(np.mean(arr > 0)),
    )


@dataclass(frozen=True)
class Summary:
    """Every output of a run as bands, plus probabilities that the supply suffices.

    ``metrics`` holds the scalar outputs by name (``deployed``, ``committed``,
    ``rotation_multiplier``, ``deployed_per_km``, ``deployed_per_km2``, and where the scenario
    has force generation ``pledged``, ``pledge_coverage``, ``pool_sustainable``,
    ``pool_coverage``). ``probabilities`` holds ``p_pledges_suffice`` and ``p_pool_suffices``.
    ``rules`` holds each sizing rule's requirement for methods analog and ensemble;
    ``sectors`` the deployed personnel along the line in each sector.
    """

    metrics: Mapping[str, Band]
    tasks: Mapping[str, Band]
    categories: Mapping[str, Band]
    probabilities: Mapping[str, float] = field(default_factory=dict)
    rules: Mapping[str, Band] = field(default_factory=dict)
    #: Committed personnel by category, for scenarios with ``sustainment.by_category``.
    committed_categories: Mapping[str, Band] = field(default_factory=dict)
    sectors: Mapping[str, Band] = field(default_factory=dict)
    #: Required minus available by comparison (``pledged_vs_deployed`` ...), with force generation.
    shortfalls: Mapping[str, Shortfall] = field(default_factory=dict)

    def lookup(self, metric: str) -> Band | float:
        """A band or probability by name: ``deployed``, ``tasks.<name>``, ``categories.<c>`` ..."""
        head, _, rest = metric.partition(".")
        if head == "tasks" and rest:
            return self.tasks[rest]
        if head == "categories" and rest:
            return self.categories[rest]
        if head == "rules" and rest:
            return self.rules[rest]
        if head == "committed_categories" and rest:
            return self.committed_categories[rest]
        if head == "sectors" and rest:
            return self.sectors[rest]
        if metric in self.probabilities:
            return self.probabilities[metric]
        return self.metrics[metric]


#: Outcome attributes reported as metrics, in display order.
METRIC_NAMES = (
    "deployed",
    "rotation_multiplier",
    "committed",
    "deployed_per_km",
    "deployed_per_km2",
    "deployed_per_km_line",
    "pledged",
    "pledge_coverage",
    "pool_sustainable",
    "pool_coverage",
)


def summarize(outcome: Outcome, n: int) -> Summary:
    """Bands for every output of ``outcome`` and the probabilities that supply suffices.

    An array held by several outputs (a category of one task, the same object) is summarised
    once: its band is the same, bit for bit."""
    seen: dict[int, tuple[object, Band]] = {}

    def band(values: ArrayLike, n: int) -> Band:
        return _band_once(seen, values, n)

    metrics = {
        name: band(getattr(outcome, name), n)
        for name in METRIC_NAMES
        if getattr(outcome, name) is not None
    }
    probabilities = {}
    if outcome.pledge_coverage is not None:
        probabilities["p_pledges_suffice"] = probability_at_least(outcome.pledge_coverage, 1.0, n)
    if outcome.pool_coverage is not None:
        probabilities["p_pool_suffices"] = probability_at_least(outcome.pool_coverage, 1.0, n)
    return Summary(
        metrics=metrics,
        tasks={k: band(v, n) for k, v in outcome.by_task.items()},
        categories={k: band(v, n) for k, v in outcome.by_category.items()},
        probabilities=probabilities,
        rules={k: band(v, n) for k, v in outcome.by_rule.items()},
        committed_categories={k: band(v, n) for k, v in outcome.committed_by_category.items()},
        sectors={k: band(v, n) for k, v in outcome.by_sector.items()},
        shortfalls={k: shortfall_summary(k, v, n) for k, v in outcome.gaps.items()},
    )


def first_non_finite(
    outcome: Outcome, denominators: Mapping[str, ArrayLike] | None = None
) -> tuple[str, int, str] | None:
    """The first output with a value that is not finite: ``(name, sample, "infinite" or "NaN")``.

    Outputs are taken in display order (:data:`METRIC_NAMES`, then tasks, categories and
    rules). ``denominators`` maps a ratio (``pledge_coverage``, ``pool_coverage``) to what it
    divides by: where that is 0 (nothing to cover) the ratio is infinite by design (or 1 when
    nothing is available either, :func:`forcecalc.core.model.coverage`), and those samples are
    skipped.
    """
    denominators = denominators or {}
    named = [(name, getattr(outcome, name)) for name in METRIC_NAMES]
    named += [(f"tasks.{k}", v) for k, v in outcome.by_task.items()]
    named += [(f"categories.{k}", v) for k, v in outcome.by_category.items()]
    named += [(f"rules.{k}", v) for k, v in outcome.by_rule.items()]
    named += [(f"committed_categories.{k}", v) for k, v in outcome.committed_by_category.items()]
    for name, values in named:
        if values is None:
            continue
        arr, below = np.broadcast_arrays(
            np.atleast_1d(np.asarray(values, dtype=float)),
            np.asarray(denominators.get(name, 1.0), dtype=float),
        )
        bad = ~np.isfinite(arr) & (below != 0)
        if bad.any():
            i = int(np.argmax(bad))
            return name, i, "NaN" if np.isnan(arr[i]) else "infinite"
    return None


def probability_at_least(values: ArrayLike, threshold: float, n: int) -> float:
    """Share of the ``n`` samples in which ``values >= threshold``."""
    arr = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    return float(np.mean(arr >= threshold))


@dataclass(frozen=True)
class ClaimResult:
    """One ``expect`` claim with the value found and whether it holds."""

    expectation: Expectation
    value: float
    met: bool


def claim_value(summary: Summary, expectation: Expectation) -> float:
    """The statistic of the result an expectation speaks about."""
    found = summary.lookup(expectation.metric)
    return found if isinstance(found, float) else found.stat(expectation.statistic)


def check_claim(summary: Summary, expectation: Expectation) -> ClaimResult:
    """Test one ``expect`` claim against a summary."""
    value = claim_value(summary, expectation)
    met = True
    if expectation.approx is not None:
        tolerance = expectation.tolerance or 0.0
        met &= abs(value - expectation.approx) <= tolerance * abs(expectation.approx)
    if expectation.at_most is not None:
        met &= value <= expectation.at_most
    if expectation.at_least is not None:
        met &= value >= expectation.at_least
    return ClaimResult(expectation=expectation, value=value, met=bool(met))


def check_claims(scenario: Scenario, summary: Summary) -> list[ClaimResult]:
    """Every ``expect`` claim of the scenario, tested."""
    return [check_claim(summary, e) for e in scenario.expect]
