"""Sobol indices: first-order and total variance shares of each input, with intervals [2]_.

Each repeat draws scrambled Sobol' matrices A and B and their mixes (``scipy.stats.
sobol_indices``), evaluates the model once over all their points and estimates the indices;
the spread over independent repeats gives the confidence intervals. A categorical input (an
ensemble's rule) needs no order of its levels here (:mod:`forcecalc.analysis.problem`).

References
----------
.. [1] Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana,
   M. & Tarantola, S. (2008). *Global Sensitivity Analysis: The Primer*. Wiley. Ch. 4
   (variance-based).
.. [2] Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
   their Monte Carlo estimates. *Mathematics and Computers in Simulation* 55(1-3), 271-280.
.. [3] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010).
   Variance based sensitivity analysis of model output. Design and estimator for the total
   sensitivity index. *Computer Physics Communications* 181(2), 259-270.
.. [4] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
   Physics Communications* 117(1-2), 35-43.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from forcecalc.analysis.problem import (
    DEFAULT_OUTPUTS,
    FloatArray,
    Problem,
    evaluate_outputs,
    figure_at,
    prepare,
)
from forcecalc.core.errors import ParameterError
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MAX_VALUES,
    Sampler,
    check_sample_count,
    check_seed,
)
from forcecalc.core.scenario import Figure, Scenario


@dataclass(frozen=True)
class SobolIndex:
    """First-order and total Sobol indices of one input, with confidence intervals.

    Attributes
    ----------
    path, unit : str
        The figure and its unit.
    first_order, total_order : float
        Mean over the repeats of the estimates. [fraction of variance]
    first_low, first_high, total_low, total_high : float
        Confidence interval of each mean (Student t over the repeats; NaN with one repeat).
    """

    path: str
    unit: str
    first_order: float
    first_low: float
    first_high: float
    total_order: float
    total_low: float
    total_high: float


@dataclass(frozen=True)
class SobolIndices:
    """The indices of one output, largest total index first."""

    output: str
    unit: str
    indices: tuple[SobolIndex, ...]


@dataclass(frozen=True)
class SobolAnalysis:
    """Sobol indices per output from ``repeats`` independent designs of ``n`` base samples.

    Each repeat costs ``n * (d + 2)`` model evaluations for ``d`` uncertain inputs.
    """

    name: str
    n: int
    repeats: int
    confidence: float
    evaluations: int
    outputs: tuple[SobolIndices, ...]
    provenance: Provenance


@dataclass(frozen=True)
class _Quantiles:
    """A figure's quantile function, in the form ``scipy.stats.sobol_indices`` takes."""

    figure: Figure

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.array(figure_at(self.figure, u))


def sobol(
    target: Scenario | Problem,
    n: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    repeats: int = 10,
    confidence: float = 0.95,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    overrides: Mapping[str, float] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> SobolAnalysis:
    """First-order and total Sobol indices [2]_ with confidence intervals from repeated seeds.

    Parameters
    ----------
    target : Scenario or Problem
        What to analyse.
    n : int
        Base samples per repeat, a power of two (the balance of Sobol' points needs it).
    seed : int
        Seed; repeat ``r`` uses the ``r``-th child of ``numpy.random.SeedSequence(seed)``.
    repeats : int
        Independent designs; their spread gives the confidence intervals.
    confidence : float
        Level of the intervals. [probability]
    outputs, overrides
        As for :func:`forcecalc.analysis.tornado.tornado`.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each repeat.

    Notes
    -----
    Each repeat calls ``scipy.stats.sobol_indices`` (Saltelli et al. 2010 [3]_: first order
    ``S_i = mean(f(B) (f(AB_i) - f(A))) / V``, total order Jansen's [4]_
    ``S_Ti = mean((f(A) - f(AB_i))^2) / (2 V)``) on scrambled Sobol' points, every model call
    vectorized over all ``n * (d + 2)`` points. The reported index is the mean over the repeats
    and its interval ``mean ± t_{(1+c)/2, R-1} s / sqrt(R)``. Repeats are used instead of
    scipy's bootstrap, whose memory grows with ``n²``.
    """
    _check_arguments(n, seed, repeats, confidence)
    problem = prepare(target, outputs, overrides)
    d = len(problem.inputs)
    _check_memory(n, d)
    first, total = _repeated_indices(problem, n, seed, repeats, on_progress)
    evaluations = repeats * n * (d + 2) if d else 0
    return SobolAnalysis(
        name=problem.name,
        n=n,
        repeats=repeats,
        confidence=confidence,
        evaluations=evaluations,
        outputs=_indices_of(problem, first, total, confidence),
        provenance=build_provenance(
            problem.scenario, n, seed, "sobol (scipy.stats.sobol_indices)", overrides
        ),
    )


def _check_arguments(n: int, seed: int, repeats: int, confidence: float) -> None:
    """Raise :class:`ParameterError` unless the base samples, seed, repeats and level can be
    used."""
    if n < 2 or n & (n - 1):
        lower = 1 << max(n.bit_length() - 1, 1)
        raise ParameterError(
            "n", str(n), f"a power of two for Sobol indices (e.g. {lower} or {lower * 2})"
        )
    check_sample_count(n, Sampler.SOBOL)
    check_seed(seed)
    if repeats < 1:
        raise ParameterError("repeats", str(repeats), "a whole number of at least 1")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", f"{confidence:g}", "a probability in (0, 1)")


def _check_memory(n: int, d: int) -> None:
    """Raise :class:`ParameterError` if one repeat over ``d`` inputs holds too many values."""
    if n * d * (d + 2) > MAX_VALUES:
        most = 1 << (MAX_VALUES // (d * (d + 2))).bit_length() - 1
        raise ParameterError(
            "n",
            f"{n:,} for Sobol indices of {d} inputs",
            f"at most {most:,} (n·d·(d+2) ≤ {MAX_VALUES:,} values, to bound memory); "
            "add repeats instead",
        )


def _repeated_indices(
    problem: Problem,
    n: int,
    seed: int,
    repeats: int,
    on_progress: Callable[[int, int], None] | None,
) -> tuple[FloatArray, FloatArray]:
    """First-order and total indices of every repeat, ``(repeats, outputs, inputs)`` each.

    Repeat ``r`` draws its A and B matrices with the ``r``-th child of
    ``numpy.random.SeedSequence(seed)``; every model call is vectorized over all their points.
    """
    inputs, fixed = problem.inputs, problem.fixed
    d, s = len(inputs), len(problem.outputs)

    def func(x: FloatArray) -> FloatArray:
        values: dict[str, ArrayLike] = dict(fixed)
        values.update({f.path: x[j] for j, f in enumerate(inputs)})
        out = evaluate_outputs(problem, values, x.shape[1:])
        return np.stack([out[name] for name in problem.outputs])

    first = np.zeros((repeats, s, d))
    total = np.zeros((repeats, s, d))
    children = np.random.SeedSequence(seed).spawn(repeats)
    for r, child in enumerate(children):
        if d:
            res = stats.sobol_indices(
                func=func,
                n=n,
                dists=[_Quantiles(f) for f in inputs],
                rng=np.random.default_rng(child),
            )
            first[r] = np.reshape(res.first_order, (s, d))
            total[r] = np.reshape(res.total_order, (s, d))
        if on_progress is not None:
            on_progress(r + 1, repeats)
    return first, total


def _indices_of(
    problem: Problem, first: FloatArray, total: FloatArray, confidence: float
) -> tuple[SobolIndices, ...]:
    """The indices of each output: means over the repeats and their intervals, largest total
    index first."""
    f_mean, f_half = _mean_interval(first, confidence)
    t_mean, t_half = _mean_interval(total, confidence)
    results = []
    for o, name in enumerate(problem.outputs):
        indices = [
            SobolIndex(
                path=f.path,
                unit=f.unit,
                first_order=float(f_mean[o, j]),
                first_low=float(f_mean[o, j] - f_half[o, j]),
                first_high=float(f_mean[o, j] + f_half[o, j]),
                total_order=float(t_mean[o, j]),
                total_low=float(t_mean[o, j] - t_half[o, j]),
                total_high=float(t_mean[o, j] + t_half[o, j]),
            )
            for j, f in enumerate(problem.inputs)
        ]
        indices.sort(key=lambda i: (-i.total_order, i.path))
        results.append(SobolIndices(name, problem.units.get(name, ""), tuple(indices)))
    return tuple(results)


def _mean_interval(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Mean over the first axis and the half-width of its Student t interval (NaN if one)."""
    r = x.shape[0]
    mean = x.mean(axis=0)
    if r < 2:
        return mean, np.full_like(mean, np.nan)
    t = stats.t.ppf(0.5 + confidence / 2.0, r - 1)
    return mean, t * x.std(axis=0, ddof=1) / math.sqrt(r)
