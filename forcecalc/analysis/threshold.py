"""Threshold: the probability that the requirement exceeds a supply, and what drives it [2]_.

Monte Carlo filtering: the samples (drawn exactly as ``forcecalc run`` draws them) are split
by whether the requirement exceeds the supply (a ceiling, the pledges, the pool or the
requirement's median); each input's drivers are its exceedance probability by quantile bin
and the Kolmogorov-Smirnov distance between its values on the two sides [3]_, tested at 5%
for all inputs together [4]_. A split with too few samples on a side is flagged
(:func:`reliability_warning`). A categorical input (an ensemble's rule) is binned over the
fixed order of its levels (:func:`forcecalc.analysis.problem.level_orders`).

References
----------
.. [1] Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana,
   M. & Tarantola, S. (2008). *Global Sensitivity Analysis: The Primer*. Wiley. Ch. 5 (Monte
   Carlo filtering).
.. [2] Hornberger, G. M. & Spear, R. C. (1981). An approach to the preliminary analysis of
   environmental systems. *Journal of Environmental Management* 12(1), 7-18 (regional
   sensitivity analysis: split the samples by whether an output exceeds a threshold).
.. [3] Pianosi, F., Beven, K., Freer, J., Hall, J. W., Rougier, J., Stephenson, D. B. &
   Wagener, T. (2016). Sensitivity analysis of environmental models: a systematic review with
   practical workflow. *Environmental Modelling & Software* 79, 214-232 (Monte Carlo filtering
   with the Kolmogorov-Smirnov distance).
.. [4] Smirnov, N. (1948). Table for estimating the goodness of fit of empirical
   distributions. *Annals of Mathematical Statistics* 19(2), 279-281 (the two-sample
   critical value ``c(alpha) sqrt((n1 + n2) / (n1 n2))``, ``c(0.05) = 1.358``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.analysis.against import (
    AGAINST,
    COVERAGE,
    Comparison,
    comparison,
    coverage_problem,
    suffices,
)
from forcecalc.analysis.problem import (
    Categorical,
    FloatArray,
    ProgressCallback,
    Steps,
    draw,
    evaluate_chunked,
    level_orders,
    problem_of,
)
from forcecalc.core.errors import ParameterError
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.runner import override
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    check_sample_count,
    check_seed,
)
from forcecalc.core.scenario import Figure, Scenario

#: What a requirement can be compared with, besides a number: the pledges' total, the pool's
#: sustainable personnel, or the requirement's own median.
SUPPLIES = ("pledged", "pool", "median")

#: Fewest samples on each side of the threshold (exceeding and not) for the drivers to mean
#: anything. With fewer, the 5% critical value of the two-sample KS distance [4]_ is above
#: 1.358 / sqrt(100) = 0.136 even for an unlimited other side, and each of 5 bins holds on
#: average fewer than 20 samples of the smaller side, so a driver's KS distance and its
#: bin probabilities are mostly noise (one sample on one side gives KS near 1 for every input).
MIN_SIDE_SAMPLES = 100
#: Significance level of the drivers' KS tests, taken together. [probability]
KS_ALPHA = 0.05


def family_alpha(tests: int, alpha: float = KS_ALPHA) -> float:
    """Level of each of ``tests`` KS tests so that all together keep ``alpha`` (Bonferroni).

    With five inputs tested at 5% each, one input with no effect at all would be called
    significant about one time in four; at ``alpha / tests`` each, one time in twenty at most.
    """
    return alpha / max(tests, 1)


def ks_critical(n1: int, n2: int, alpha: float = KS_ALPHA) -> float:
    """The two-sample Kolmogorov-Smirnov distance significant at level ``alpha`` [4]_.

    Parameters
    ----------
    n1, n2 : int
        Samples on each side (exceeding and not).
    alpha : float
        Significance level. [probability]

    Returns
    -------
    float
        ``sqrt(-ln(alpha / 2) / 2) * sqrt((n1 + n2) / (n1 n2))`` (asymptotic); infinity when a
        side is empty. A distance above 1 is never reached: no input can be significant.
    """
    if n1 <= 0 or n2 <= 0:
        return math.inf
    return math.sqrt(-math.log(alpha / 2.0) / 2.0) * math.sqrt((n1 + n2) / (n1 * n2))


@dataclass(frozen=True)
class ExceedanceDriver:
    """How one input moves the probability that the requirement exceeds the supply.

    Attributes
    ----------
    path, unit : str
        The figure and its unit.
    by_bin : tuple of float
        ``P(exceed | input in quantile bin b)``, lowest bin first. [probability]
    delta : float
        Top bin minus bottom bin: positive when a larger input makes exceeding likelier.
    spread : float
        Largest minus smallest bin probability (equals ``|delta|`` for a monotonic effect).
    ks : float
        Kolmogorov-Smirnov distance between the input's distribution in the samples that
        exceed and in those that do not [2]_ [3]_; 0 when all or none exceed.
    by_level : tuple of (str, float)
        For a categorical input (an ensemble's rule): ``P(exceed | level)`` of every level
        drawn, in the order of :func:`level_orders` (the requirement with every other input at
        its median, least first, ties by name). Its bins, ``delta`` and ``ks`` are taken over
        the levels in that order (each bin the share-weighted mean of the levels it overlaps).
        The order is fixed before sampling, so the KS test keeps its level for a rule with no
        effect, and nothing depends on the order the scenario lists the levels in.
    significant : bool
        Whether ``ks`` exceeds the 5% critical value of the two-sample test [4]_
        (:func:`ks_critical`): below it the input's effect cannot be told from noise.
    """

    path: str
    unit: str
    by_bin: tuple[float, ...]
    delta: float
    spread: float
    ks: float
    by_level: tuple[tuple[str, float], ...] = ()
    significant: bool = False


@dataclass(frozen=True)
class ThresholdAnalysis:
    """``P(requirement > supply)`` and the inputs that drive it, largest spread first.

    ``supply`` names what the requirement is compared with: ``ceiling`` (the number in
    ``ceiling``), ``pledged``, ``pool`` (the pool's sustainable personnel) or ``median``
    (the requirement's own median, in ``ceiling``).

    ``exceeding`` of the ``n`` samples exceed. ``reliable`` is False when either side holds
    fewer than :data:`MIN_SIDE_SAMPLES`: the drivers are then noise, and ``warning`` says so
    (it is empty otherwise). ``ks_critical`` is the KS distance a driver needs to be
    significant at 5% with these two sides (:func:`ks_critical`; infinite with an empty side).

    With ``pledged`` or ``pool``, a sample exceeds where the supply does not suffice as
    ``forcecalc run`` counts it (its coverage below 1: only the pledges delivered in that
    sample, each compared with the requirement of the categories it ``covers``;
    :mod:`forcecalc.analysis.against`). ``compared_with`` then names the requirement compared
    where ``covers`` is used (e.g. ``deployed of military``), and is empty otherwise.
    """

    name: str
    requirement: str
    supply: str
    ceiling: float | None
    probability: float
    n: int
    bins: int
    drivers: tuple[ExceedanceDriver, ...]
    provenance: Provenance
    exceeding: int = 0
    reliable: bool = True
    ks_critical: float = math.inf
    warning: str = ""
    compared_with: str = ""


def reliability_warning(exceeding: int, n: int, minimum: int = MIN_SIDE_SAMPLES) -> str:
    """Why the drivers of a split of ``n`` samples with ``exceeding`` above the threshold are
    noise, or ``""`` when both sides hold at least ``minimum`` samples."""
    count = min(exceeding, n - exceeding)
    if count >= minimum:
        return ""
    if count == 0:
        state = "every" if exceeding == n else "no"
        return (
            f"{state} sample exceeds: there is nothing to split, so no input's effect can be "
            "measured within these ranges"
        )
    side = ("exceeds", "does not exceed") if count == 1 else ("exceed", "do not exceed")
    side_text = side[0] if count == exceeding else side[1]
    return (
        f"only {count:,} of {n:,} samples {side_text} (fewer than {minimum} on one side): the "
        f"drivers are noise, not effects (a KS distance needs {ks_critical(count, n - count):.2f}"
        " to be significant at 5%); compare with a threshold nearer the requirement's median "
        "or draw more samples"
    )


def default_supply(scenario: Scenario) -> str:
    """What a threshold analysis compares with by default: pledges, else pool, else median."""
    fg = scenario.force_generation
    if fg is not None and fg.pledges:
        return "pledged"
    if fg is not None and fg.has_pool:
        return "pool"
    return "median"


def default_requirement(scenario: Scenario, supply: str | float) -> str:
    """The requirement a supply is compared with, as the model compares it.

    Pledges go with the scenario's ``pledge_basis``; the pool with ``deployed``; a ceiling or
    the median with ``committed``.
    """
    fg = scenario.force_generation
    if supply == "pledged" and fg is not None:
        return fg.pledge_basis
    if supply == "pool":
        return "deployed"
    return "committed"


def threshold(
    scenario: Scenario,
    supply: str | float | None = None,
    requirement: str | None = None,
    n: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.LHS,
    bins: int = 5,
    overrides: Mapping[str, float] | None = None,
    on_progress: ProgressCallback | None = None,
) -> ThresholdAnalysis:
    """Probability that the requirement exceeds a supply, and which inputs drive it [2]_.

    Parameters
    ----------
    scenario : Scenario
        What to analyse.
    supply : float or str, optional
        A ceiling [personnel], or ``pledged``, ``pool`` or ``median``; default: pledged when
        the scenario has pledges, else pool, else the requirement's median. An error in a
        number names it ``ceiling``, in a name ``supply``.
    requirement : str, optional
        ``committed`` or ``deployed``; default as :func:`default_requirement`.
    n, seed, sampler
        The samples, drawn exactly as ``forcecalc run`` draws them.
    bins : int
        Quantile bins of each input for the conditional probabilities.
    overrides : mapping of str to float, optional
        Figures set to point values first, as ``--set`` does.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` as the samples are drawn, evaluated (in chunks)
        and binned.

    Notes
    -----
    Monte Carlo filtering [1]_ (ch. 5): the samples are split by the indicator
    ``requirement > supply``. For each input, ``P(exceed | bin)`` over its ``bins`` quantile
    bins shows how far the input alone moves the probability (``delta``: top bin minus bottom
    bin), and the Kolmogorov-Smirnov distance between the input's conditional distributions
    measures how different the exceeding samples are [3]_. With ``supply = pledged`` (or
    ``pool``) a sample exceeds where run's coverage is below 1, so that with the scenario's
    own basis ``probability`` is ``1 - P(pledges suffice)`` (or ``1 - P(pool suffices)``) of
    ``forcecalc run``: delivery probabilities and ``covers`` count as they count there, and a
    pledge's delivery draw and probability are inputs like any other.

    A split with fewer than :data:`MIN_SIDE_SAMPLES` samples on either side is flagged
    (``reliable`` False, ``warning``), and each driver says whether its KS distance is
    significant at 5% [4]_.
    """
    scenario = override(scenario, dict(overrides or {}))
    supply = default_supply(scenario) if supply is None else supply
    requirement = requirement or default_requirement(scenario, supply)
    if requirement not in ("committed", "deployed"):
        raise ParameterError("requirement", repr(requirement), "'committed' or 'deployed'")
    if bins < 2:
        raise ParameterError("bins", str(bins), "at least 2")
    check_sample_count(n, Sampler(sampler))
    check_seed(seed)
    if n < bins:
        raise ParameterError("n", str(n), f"at least as many as bins ({bins})")
    compared = _comparison(scenario, supply, requirement)
    problem = (
        problem_of(scenario, (requirement,)) if compared is None else coverage_problem(compared)
    )
    steps = Steps(on_progress, 3 * n)
    values = draw(problem, n, seed, sampler)
    steps.advance(n)
    out = evaluate_chunked(problem, values, n, steps.advance)
    need = out[requirement]
    if compared is not None:  # exactly run's test: the supply falls short where coverage < 1
        ceiling, exceed = None, ~suffices(out[COVERAGE])
    else:
        ceiling = float(np.median(need)) if supply == "median" else float(supply)
        exceed = need > np.float64(ceiling)
    orders = level_orders(problem)[requirement]
    drivers = exceedance_drivers(problem.inputs, values, exceed, bins, problem.categorical, orders)
    steps.advance(n)
    hits = int(exceed.sum())
    warning = reliability_warning(hits, n)
    return ThresholdAnalysis(
        name=scenario.name,
        requirement=requirement,
        supply="ceiling" if isinstance(supply, int | float) else str(supply),
        ceiling=ceiling,
        probability=float(exceed.mean()),
        n=n,
        bins=bins,
        drivers=drivers,
        provenance=build_provenance(scenario, n, seed, str(Sampler(sampler)), overrides),
        exceeding=hits,
        reliable=not warning,
        ks_critical=ks_critical(hits, n - hits, family_alpha(len(problem.inputs))),
        warning=warning,
        compared_with=compared.compared_with if compared is not None else "",
    )


def _comparison(scenario: Scenario, supply: str | float, requirement: str) -> Comparison | None:
    """How the pledges or the pool are compared with ``requirement``, as ``run`` compares
    them (:func:`forcecalc.analysis.against.comparison`), or None for a number or the
    median."""
    if isinstance(supply, int | float):
        if not math.isfinite(supply) or supply < 0:
            raise ParameterError("ceiling", f"{supply:g}", "a number of personnel ≥ 0")
        return None
    if supply not in SUPPLIES:
        raise ParameterError("supply", repr(supply), f"one of {', '.join(SUPPLIES)}")
    if supply not in AGAINST:
        return None
    return comparison(scenario, supply, requirement, "supply")


def exceedance_drivers(
    inputs: Sequence[Figure],
    values: Mapping[str, ArrayLike],
    exceed: NDArray[np.bool_],
    bins: int,
    categorical: Mapping[str, Categorical] | None = None,
    orders: Mapping[str, Sequence[int]] | None = None,
) -> tuple[ExceedanceDriver, ...]:
    """Conditional exceedance probabilities by quantile bin and KS distance, per input.

    Parameters
    ----------
    inputs : sequence of Figure
        The uncertain figures.
    values : mapping of str to array
        Their sampled values, arrays of length ``n``.
    exceed : ndarray of bool
        Whether each sample exceeds the threshold.
    bins : int
        Number of equal-count quantile bins.
    categorical : mapping of str to Categorical, optional
        Inputs whose draw picks a level (an ensemble's rule); see :class:`ExceedanceDriver`.
    orders : mapping of str to sequence of int, optional
        For each categorical input, the order of its levels (indices, first to last), fixed
        without looking at ``exceed`` (:func:`level_orders`); default: by name
        (:attr:`Categorical.canonical`).
    """
    categorical = categorical or {}
    orders = orders or {}
    n = exceed.shape[0]
    hits = int(np.count_nonzero(exceed))
    critical = ks_critical(hits, n - hits, family_alpha(len(inputs)))
    plain = [f for f in inputs if f.path not in categorical]
    drivers = [
        _categorical_driver(
            categorical[f.path],
            f,
            np.broadcast_to(values[f.path], (n,)),
            exceed,
            bins,
            orders.get(f.path, categorical[f.path].canonical),
        )
        for f in inputs
        if f.path in categorical
    ]
    if plain:
        k = len(plain)
        x = np.column_stack([np.broadcast_to(values[f.path], (n,)) for f in plain])
        order = np.argsort(x, axis=0, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(n)[:, None], axis=0)
        bin_of = ranks * bins // n + bins * np.arange(k)
        hits = np.bincount(bin_of.ravel(), np.repeat(exceed, k).astype(float), bins * k)
        counts = np.bincount(bin_of.ravel(), minlength=bins * k)
        p = (hits / counts).reshape(k, bins)
        ks = _ks_distance(exceed[order])
        drivers += [
            ExceedanceDriver(
                path=f.path,
                unit=f.unit,
                by_bin=tuple(float(v) for v in p[j]),
                delta=float(p[j, -1] - p[j, 0]),
                spread=float(p[j].max() - p[j].min()),
                ks=float(ks[j]),
            )
            for j, f in enumerate(plain)
        ]
    drivers = [replace(dr, significant=dr.ks > critical) for dr in drivers]
    drivers.sort(key=lambda dr: (-dr.spread, -dr.ks, dr.path))
    return tuple(drivers)


def _categorical_driver(
    c: Categorical,
    figure: Figure,
    u: FloatArray,
    exceed: NDArray[np.bool_],
    bins: int,
    order: Sequence[int],
) -> ExceedanceDriver:
    """A categorical input's driver: its levels taken in ``order`` (fixed beforehand).

    Bin ``b`` covers the positions ``[b n / bins, (b + 1) n / bins)`` of the samples sorted by
    level in that order; its probability is the mean of the levels' probabilities weighted by
    how many of their samples fall in it (the samples within a level are exchangeable).
    """
    n, size = exceed.shape[0], len(c.levels)
    index = c.index(u)
    count = np.bincount(index, minlength=size).astype(float)
    hits = np.bincount(index, exceed.astype(float), minlength=size)
    drawn = [k for k in order if count[k]]
    drawn += [k for k in range(size) if count[k] and k not in drawn]  # not in ``order``
    p = {k: hits[k] / count[k] for k in drawn}
    ends = np.concatenate([[0.0], np.cumsum(count[drawn])])
    edges = np.arange(bins + 1) * n / bins
    overlap = np.clip(
        np.minimum(ends[1:, None], edges[None, 1:]) - np.maximum(ends[:-1, None], edges[None, :-1]),
        0.0,
        None,
    )
    by_bin = np.array([p[k] for k in drawn]) @ overlap / np.diff(edges)
    hit_cdf = np.cumsum(hits[drawn]) / max(hits.sum(), 1.0)
    miss_cdf = np.cumsum(count[drawn] - hits[drawn]) / max(n - hits.sum(), 1.0)
    ks = float(np.abs(hit_cdf - miss_cdf).max()) if 0 < hits.sum() < n else 0.0
    return ExceedanceDriver(
        path=figure.path,
        unit=c.unit,
        by_bin=tuple(float(v) for v in by_bin),
        delta=float(by_bin[-1] - by_bin[0]),
        spread=float(by_bin.max() - by_bin.min()),
        ks=ks,
        by_level=tuple((c.levels[k], float(p[k])) for k in drawn),
    )


def _ks_distance(sorted_exceed: NDArray[np.bool_]) -> FloatArray:
    """Largest gap between the empirical CDFs of the exceeding and the other samples.

    ``sorted_exceed`` is ``(n, k)``: the indicator in the order of each input's values.
    """
    hits = sorted_exceed.sum(axis=0)
    misses = sorted_exceed.shape[0] - hits
    if not hits.any() or not misses.any():
        return np.zeros(sorted_exceed.shape[1])
    cdf_hit = np.cumsum(sorted_exceed, axis=0) / np.maximum(hits, 1)
    cdf_miss = np.cumsum(~sorted_exceed, axis=0) / np.maximum(misses, 1)
    return np.where((hits > 0) & (misses > 0), np.abs(cdf_hit - cdf_miss).max(axis=0), 0.0)
