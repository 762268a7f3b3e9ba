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

from forcecalc.analysis.problem import (
    DEFAULT_OUTPUTS,
    FloatArray,
    Problem,
    evaluate_outputs,
    figure_at,
    prepare,
)
from forcecalc.core import budget
from forcecalc.core.backstop import check_results
from forcecalc.core.errors import ParameterError
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    check_sample_count,
    check_seed,
    correlated_figures,
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
    #: The figures the scenario correlates, which this method treats as independent.
    correlated: tuple[str, ...] = ()


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
    _check_budget(n, d, repeats, problem)
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
        correlated=correlated_figures(problem.scenario) if problem.scenario else (),
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


def _check_budget(n: int, d: int, repeats: int, problem: Problem) -> None:
    """Raise :class:`ParameterError` past a budget of :mod:`forcecalc.core.budget`.

    A repeat draws a Sobol' design of ``2 d`` dimensions (``target``, past scipy's engine) and
    holds ``A``, ``B`` and the outputs at them and at every ``AB_i``: ``(2 d + (d + 2) s) n``
    values for ``s`` outputs (``n``), plus one input's ``n`` points of every figure while they
    are evaluated (``n``); the whole analysis evaluates ``repeats n (d + 2)`` points
    (``repeats``).
    """
    budget.check_at_most("repeats", repeats, budget.MAX_REPEATS, "repeats")
    if not d:
        return
    figures, s = len(problem.figures), len(problem.outputs)
    if 2 * d > budget.SOBOL_DIMENSIONS:
        raise ParameterError(
            "target",
            f"Sobol indices of {d:,} uncertain inputs (a Sobol' design of {2 * d:,} dimensions)",
            f"at most {budget.SOBOL_DIMENSIONS // 2:,} inputs (scipy's Sobol' engine has "
            f"{budget.SOBOL_DIMENSIONS:,} dimensions); use --method rank or tornado",
        )
    held = 2 * d + (d + 2) * s
    if n * max(held, figures) > budget.MAX_VALUES:
        most = 1 << max((budget.MAX_VALUES // max(held, figures)).bit_length() - 1, 0)
        raise ParameterError(
            "n",
            f"{n:,} for Sobol indices of {d:,} inputs and {figures:,} figures",
            f"at most {most:,} (at most {budget.MAX_VALUES:,} values held at once, to bound "
            "memory); add repeats instead",
        )
    budget.check_work("repeats", repeats * n * (d + 2), figures, "repeats × n × (inputs + 2)")


def _design(
    inputs: Sequence[Figure], n: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """The ``(d, n)`` matrices A and B, drawn as ``scipy.stats.sobol_indices`` draws them: one
    scrambled Sobol' design of ``2 d`` columns, each mapped by its input's quantiles."""
    d = len(inputs)
    from scipy.stats import qmc  # lazy: scipy.stats costs ~0.3 s at start-up

    a_b = qmc.Sobol(d=2 * d, rng=rng, bits=64).random(n).T.reshape(2, d, -1)
    for j, figure in enumerate(inputs):
        a_b[:, j] = np.array(figure_at(figure, a_b[:, j]))
    return a_b[0], a_b[1]


def _outputs_at_ab(problem: Problem, a: FloatArray, b: FloatArray) -> FloatArray:
    """``f(AB_i)`` for every input ``i`` (A with its row ``i`` from B): ``(d, s, n)``.

    Evaluated a block of inputs at a time within :data:`forcecalc.core.budget.MAX_VALUES`, so
    memory is linear in the inputs (scipy's own ``AB`` holds ``d² n`` values); the numbers
    equal scipy's, the model working point by point.
    """
    (d, n), s = a.shape, len(problem.outputs)
    inputs = problem.inputs
    rows = budget.block_rows(n, len(problem.figures))
    store = np.empty((s, n, d))  # the layout of scipy's own f_AB, so its sums run alike
    for start in range(0, d, rows):
        stop = min(start + rows, d)
        values: dict[str, ArrayLike] = dict(problem.fixed)
        for j, figure in enumerate(inputs):
            if start <= j < stop:
                column = np.repeat(a[j][None, :], stop - start, axis=0)
                column[j - start] = b[j]
                values[figure.path] = column
            else:
                values[figure.path] = a[j]
        y = evaluate_outputs(problem, values, (stop - start, n))
        store[:, :, start:stop] = np.stack([y[name].T for name in problem.outputs])
    return np.moveaxis(store, -1, 0)


def _outputs_at(problem: Problem, x: FloatArray) -> FloatArray:
    """``f(x)`` for a ``(d, n)`` matrix of the inputs' values: ``(s, n)``."""
    values: dict[str, ArrayLike] = dict(problem.fixed)
    values.update({f.path: x[j] for j, f in enumerate(problem.inputs)})
    out = evaluate_outputs(problem, values, x.shape[1:])
    return np.stack([out[name] for name in problem.outputs])


def _repeated_indices(
    problem: Problem,
    n: int,
    seed: int,
    repeats: int,
    on_progress: Callable[[int, int], None] | None,
) -> tuple[FloatArray, FloatArray]:
    """First-order and total indices of every repeat, ``(repeats, outputs, inputs)`` each.

    Repeat ``r`` draws its A and B matrices with the ``r``-th child of
    ``numpy.random.SeedSequence(seed)`` (:func:`_design`), evaluates the model over A, B and
    every ``AB_i`` (:func:`_outputs_at_ab`) and gives the outputs to
    ``scipy.stats.sobol_indices``.
    """
    d, s = len(problem.inputs), len(problem.outputs)
    first = np.zeros((repeats, s, d))
    total = np.zeros((repeats, s, d))
    children = np.random.SeedSequence(seed).spawn(repeats)
    for r, child in enumerate(children):
        if d:
            a, b = _design(problem.inputs, n, np.random.default_rng(child))
            f_a, f_b = _outputs_at(problem, a), _outputs_at(problem, b)
            _check_variance(problem, f_a, f_b)
            first[r], total[r] = _estimate(f_a, f_b, _outputs_at_ab(problem, a, b))
        if on_progress is not None:
            on_progress(r + 1, repeats)
    return first, total


def _estimate(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """First-order and total indices ``(s, d)`` from ``f(A)``, ``f(B)`` ``(s, n)`` and
    ``f(AB_i)`` ``(d, s, n)``: the estimators of ``scipy.stats.sobol_indices`` [3]_ [4]_, step
    for step (outputs centred on the mean over A and B; an index of an output of no variance
    is 0)."""
    mean = np.mean([f_a, f_b], axis=(0, -1)).reshape(-1, 1)
    f_a, f_b = f_a - mean, f_b - mean
    f_ab -= mean
    var = np.var([f_a, f_b], axis=(0, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        first = (np.mean(f_b * (f_ab - f_a), axis=-1) / var).T
        total = (0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var).T
    first[~np.isfinite(first)] = 0
    total[~np.isfinite(total)] = 0
    return first, total


def _check_variance(problem: Problem, f_a: FloatArray, f_b: FloatArray) -> None:
    """Refuse outputs whose variance overflows: the indices would read 0 or NaN."""
    for o, name in enumerate(problem.outputs):
        y = np.concatenate([f_a[o], f_b[o]])
        with np.errstate(over="ignore", invalid="ignore"):
            var = np.var(y)
        if not np.isfinite(var):
            check_results(None, {name: np.array([math.inf])}, "the variance of the outputs")


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
                unit=_unit_of(problem, f),
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


def _unit_of(problem: Problem, figure: Figure) -> str:
    """A figure's unit; ``rule per sector`` for the rule selector of an ensemble by sector,
    whose one draw picks every sector's rule at once (its index is that of the combination)."""
    c = problem.categorical.get(figure.path)
    return c.unit if c is not None and c.sectors else figure.unit


def _mean_interval(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Mean over the first axis and the half-width of its Student t interval (NaN if one)."""
    r = x.shape[0]
    mean = x.mean(axis=0)
    if r < 2:
        return mean, np.full_like(mean, np.nan)
    from scipy import stats  # lazy: scipy.stats costs ~0.3 s at start-up

    t = stats.t.ppf(0.5 + confidence / 2.0, r - 1)
    return mean, t * x.std(axis=0, ddof=1) / math.sqrt(r)
