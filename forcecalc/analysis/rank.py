"""Rank correlation: the importance of each input as its Spearman rho with an output [1]_.

The samples are drawn exactly as ``forcecalc run`` draws them and evaluated in chunks; a
categorical input (an ensemble's rule) is ranked by the fixed order of its levels
(:func:`forcecalc.analysis.problem.level_orders`).

References
----------
.. [1] Spearman, C. (1904). The proof and measurement of association between two things.
   *American Journal of Psychology* 15(1), 72-101. Analytica ranks inputs by the absolute
   rank-order correlation ("importance analysis", Lumina Decision Systems, Analytica User
   Guide).
.. [2] Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank correlation
   coefficients. I. *Biometrika* 44(3-4), 470-481 (standard error 1.03 / sqrt(n - 3) of
   Fisher's z of Spearman's rho).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.analysis.problem import (
    DEFAULT_OUTPUTS,
    Categorical,
    FloatArray,
    Problem,
    ProgressCallback,
    Steps,
    draw,
    evaluate_chunked,
    level_orders,
    prepare,
)
from forcecalc.core.errors import ParameterError
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    check_sample_count,
    check_seed,
)
from forcecalc.core.scenario import Scenario


@dataclass(frozen=True)
class RankEntry:
    """Spearman's rank correlation of one input with an output, and its interval.

    ``importance`` is ``|rho|``, the measure Analytica ranks inputs by [1]_. For a categorical
    input (an ensemble's rule), ``levels`` lists its levels ordered by their output with every
    other input at its median (least first, :func:`level_orders`) and ``rho`` is taken over
    that order: positive when the levels that give more there also give more in the samples.
    """

    path: str
    unit: str
    rho: float
    rho_low: float
    rho_high: float
    importance: float
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RankCorrelation:
    """The inputs of one output by importance, largest first."""

    output: str
    unit: str
    entries: tuple[RankEntry, ...]


@dataclass(frozen=True)
class RankAnalysis:
    """Rank-correlation importance per output over ``n`` samples."""

    name: str
    n: int
    outputs: tuple[RankCorrelation, ...]
    provenance: Provenance


def spearman(x: FloatArray, y: FloatArray) -> FloatArray:
    """Spearman's rho between every column of ``x`` ``(n, k)`` and of ``y`` ``(n, s)``.

    Returns an ``(k, s)`` array; a constant column correlates 0 with everything [1]_.

    Notes
    -----
    Ranks (ties averaged) are standardized; ``rho = z_x.T @ z_y / n``.
    """
    zx, zy = _standard_ranks(x), _standard_ranks(y)
    return np.clip(zx.T @ zy / x.shape[0], -1.0, 1.0)


def _standard_ranks(a: FloatArray) -> FloatArray:
    from scipy import stats  # lazy: scipy.stats costs ~0.3 s at start-up

    ranks = stats.rankdata(a, axis=0)
    sd = ranks.std(axis=0)
    safe = np.where(sd > 0, sd, 1.0)
    return np.where(sd > 0, (ranks - ranks.mean(axis=0)) / safe, 0.0)


def rank_correlation(
    target: Scenario | Problem,
    n: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.LHS,
    confidence: float = 0.95,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    overrides: Mapping[str, float] | None = None,
    on_progress: ProgressCallback | None = None,
) -> RankAnalysis:
    """Importance of each uncertain input as its rank correlation with each output [1]_.

    Parameters
    ----------
    target : Scenario or Problem
        What to analyse.
    n, seed, sampler
        The samples, drawn exactly as ``forcecalc run`` draws them.
    confidence : float
        Level of the interval of rho, from Fisher's z with standard error
        ``1.03 / sqrt(n - 3)`` [2]_ (approximate for Latin hypercube and Sobol' designs).
    outputs, overrides
        As for :func:`forcecalc.analysis.tornado.tornado`.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` as the samples are drawn, evaluated (in chunks)
        and ranked.

    Notes
    -----
    A categorical input (an ensemble's rule) is first replaced by the position of each
    sample's level in the order of :func:`level_orders`: its levels by their output with every
    other input at its median, ties by name. That order is fixed before sampling, so a level
    with no effect has rho near 0 (an order taken from the same samples would bias rho
    upwards), and it does not depend on the order in which the scenario lists the levels.
    """
    check_sample_count(n, Sampler(sampler))
    check_seed(seed)
    if n < 4:
        raise ParameterError("n", str(n), "at least 4 for rank correlations")
    problem = prepare(target, outputs, overrides)
    orders = level_orders(problem)
    steps = Steps(on_progress, 3 * n)
    values = draw(problem, n, seed, sampler)
    steps.advance(n)
    inputs = problem.inputs
    out = evaluate_chunked(problem, values, n, steps.advance)
    y = np.column_stack([out[name] for name in problem.outputs])
    zy = _standard_ranks(y)
    steps.advance(n // 2)
    rho = np.zeros((len(inputs), len(problem.outputs)))
    levels: dict[str, list[tuple[str, ...]]] = {}
    plain = [j for j, f in enumerate(inputs) if f.path not in problem.categorical]
    if plain:
        x = np.column_stack([values[inputs[j].path] for j in plain])
        rho[plain] = np.clip(_standard_ranks(x).T @ zy / n, -1.0, 1.0)
    for j, f in enumerate(inputs):
        if f.path in problem.categorical:
            c = problem.categorical[f.path]
            order = [orders[name][f.path] for name in problem.outputs]
            encoded = np.column_stack([_level_code(c, values[f.path], n, o) for o in order])
            rho[j] = np.clip(np.sum(_standard_ranks(encoded) * zy, axis=0) / n, -1.0, 1.0)
            levels[f.path] = [tuple(c.levels[k] for k in o) for o in order]
    steps.advance(n - n // 2)
    from scipy import stats  # lazy: scipy.stats costs ~0.3 s at start-up

    half = stats.norm.ppf(0.5 + confidence / 2.0) * 1.03 / math.sqrt(n - 3)
    with np.errstate(divide="ignore"):
        z = np.arctanh(rho)
    low, high = np.tanh(z - half), np.tanh(z + half)
    results = []
    for o, name in enumerate(problem.outputs):
        entries = [
            RankEntry(
                f.path,
                problem.categorical[f.path].unit if f.path in levels else f.unit,
                float(rho[j, o]),
                float(low[j, o]),
                float(high[j, o]),
                float(abs(rho[j, o])),
                levels[f.path][o] if f.path in levels else (),
            )
            for j, f in enumerate(inputs)
        ]
        entries.sort(key=lambda e: (-e.importance, e.path))
        results.append(RankCorrelation(name, problem.units.get(name, ""), tuple(entries)))
    return RankAnalysis(
        name=problem.name,
        n=n,
        outputs=tuple(results),
        provenance=build_provenance(problem.scenario, n, seed, str(Sampler(sampler)), overrides),
    )


def _level_code(c: Categorical, u: ArrayLike, n: int, order: Sequence[int]) -> FloatArray:
    """Each of ``n`` samples' level of ``c``, coded by its position in ``order``. [rank]"""
    position = np.full(len(c.levels), -1.0)
    position[list(order)] = np.arange(len(order))
    return position[c.index(np.broadcast_to(u, (n,)))]
