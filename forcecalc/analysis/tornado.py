"""The tornado: each uncertain input at its low and high quantile, one at a time [1]_.

Deterministic: every input is placed at fixed quantiles, nothing is drawn, and the whole grid
of points is one vectorized model evaluation. A categorical input (an ensemble's rule) has no
median; how its bar and the baseline average over its levels is told in
:mod:`forcecalc.analysis.problem`.

References
----------
.. [1] Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana,
   M. & Tarantola, S. (2008). *Global Sensitivity Analysis: The Primer*. Wiley. Ch. 1.2
   (one-at-a-time and tornado).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.analysis.problem import (
    DEFAULT_OUTPUTS,
    Categorical,
    FloatArray,
    Problem,
    evaluate_outputs,
    figure_at,
    level_outputs,
    prepare,
    values_at_medians,
)
from forcecalc.core import budget
from forcecalc.core.errors import ParameterError
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.sampling import correlated_figures
from forcecalc.core.scenario import Figure, Scenario


@dataclass(frozen=True)
class TornadoBar:
    """One input's bar: the output with that input at its low and high quantile.

    Attributes
    ----------
    path, unit : str
        The figure and its unit.
    input_low, input_high : float
        The figure's value at the low and the high quantile; NaN for a categorical input, whose
        draw has no meaning as a number (see ``low_level`` and ``high_level``). [unit]
    output_low, output_high : float
        The output with the figure there and every other input at its median (averaged over
        the levels of any categorical input). [output unit]
    output_min, output_max : float
        Least and greatest output over all probed quantiles between low and high (over all
        levels, for a categorical input).
    swing : float
        ``|output_high - output_low|``. [output unit]
    monotonic : bool
        False when the output rises and falls over the probed quantiles (always True for a
        categorical input, whose levels are ordered by their output).
    low_level, high_level : str or None
        For a categorical input, the level (rule) of least and of greatest output.
    level_outputs : tuple of (str, float)
        For a categorical input, every level and its output, least first.
    """

    path: str
    unit: str
    input_low: float
    input_high: float
    output_low: float
    output_high: float
    output_min: float
    output_max: float
    swing: float
    monotonic: bool
    low_level: str | None = None
    high_level: str | None = None
    level_outputs: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Tornado:
    """The bars of one output, largest swing first, around its all-medians baseline.

    ``averaged_over`` names the categorical inputs the baseline averages over (their levels
    weighted by their shares): such an input has no median.
    """

    output: str
    unit: str
    baseline: float
    bars: tuple[TornadoBar, ...]
    averaged_over: tuple[str, ...] = ()


#: What a tornado's provenance says in place of a sampler: it draws nothing.
NO_SAMPLER = "none"
#: How a tornado's numbers were produced, for its provenance footer and JSON.
DETERMINISTIC = "deterministic: no sampling (each input at fixed quantiles)"


@dataclass(frozen=True)
class TornadoResult:
    """A tornado per output; ``evaluations`` model points were evaluated at once.

    The tornado is deterministic: it places each input at fixed quantiles and draws nothing,
    so no seed, sampler or sample count affects it. Its ``provenance`` says so: sampler
    :data:`NO_SAMPLER`, seed 0 and 0 samples (the model evaluations are ``evaluations``).
    """

    name: str
    low_quantile: float
    high_quantile: float
    probes: int
    evaluations: int
    tornadoes: tuple[Tornado, ...]
    provenance: Provenance
    #: The figures the scenario correlates, which this method treats as independent.
    correlated: tuple[str, ...] = ()


def _is_monotonic(y: FloatArray) -> NDArray[np.bool_]:
    """Whether each row of ``y`` never rises and falls (to rounding). [bool per row]"""
    step = np.diff(y, axis=-1)
    scale = np.max(np.abs(y), axis=-1, initial=0.0)
    tol = 1e-12 * scale[..., None]
    return np.all(step >= -tol, axis=-1) | np.all(step <= tol, axis=-1)


def tornado(
    target: Scenario | Problem,
    low: float = 0.05,
    high: float = 0.95,
    probes: int = 9,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    overrides: Mapping[str, float] | None = None,
) -> TornadoResult:
    """One-at-a-time swings: each uncertain input at its low and high quantile [1]_.

    Parameters
    ----------
    target : Scenario or Problem
        What to analyse.
    low, high : float
        Quantiles of each input's distribution (truncated to its domain). [probability]
    probes : int
        Quantiles probed between ``low`` and ``high`` (both included) to find non-monotonic
        effects.
    outputs : sequence of str
        Outputs of a scenario's model (ignored for a :class:`Problem`).
    overrides : mapping of str to float, optional
        Figures set to point values first, as ``--set`` does.

    Notes
    -----
    Row ``i`` of a ``(k, probes, m)`` grid moves input ``i`` over the probed quantiles and
    holds every other input at its median; the grid is evaluated vectorized, in blocks of rows
    within the memory budget (:func:`_probe_grid`), so memory is linear in the figures.
    A categorical input (an ensemble's rule) has no median: the last axis runs over the ``m``
    combinations of its levels, and every bar and the baseline are averages over them
    weighted by the levels' shares; the categorical input's own bar spans its levels, each
    with every other input at its median. So the result does not depend on the order in which
    the levels are listed. The swing does not see interactions (Sobol indices do).
    """
    if not 0.0 < low < high < 1.0:
        raise ParameterError("low/high", f"{low:g} and {high:g}", "0 < low < high < 1")
    if probes < 2:
        raise ParameterError("probes", str(probes), "at least 2")
    budget.check_at_most("probes", probes, budget.MAX_PROBES, "probes")
    problem = prepare(target, outputs, overrides)
    categorical, combos, shares, medians = values_at_medians(problem)
    inputs = [f for f in problem.inputs if f.path not in problem.categorical]
    k, m, quantiles = len(inputs), len(combos), np.linspace(low, high, probes)
    grid = _probe_grid(problem, inputs, medians, quantiles, m)
    at_medians = evaluate_outputs(problem, medians, (m,))
    tornadoes = tuple(
        _tornado_of(
            problem,
            inputs,
            categorical,
            combos,
            shares,
            name,
            grid[name],
            at_medians[name],
            quantiles,
        )
        for name in problem.outputs
    )
    evaluations = (k * probes + 1) * m
    return TornadoResult(
        name=problem.name,
        low_quantile=low,
        high_quantile=high,
        probes=probes,
        evaluations=evaluations,
        tornadoes=tornadoes,
        provenance=build_provenance(problem.scenario, 0, 0, NO_SAMPLER, overrides),
        correlated=correlated_figures(problem.scenario) if problem.scenario else (),
    )


def _probe_grid(
    problem: Problem,
    inputs: Sequence[Figure],
    medians: Mapping[str, ArrayLike],
    quantiles: FloatArray,
    m: int,
) -> dict[str, FloatArray]:
    """The outputs over the ``(k, probes, m)`` grid: row ``i`` moves input ``i`` over the
    quantiles, every other input at its median.

    Evaluated in blocks of rows, each holding at most :data:`forcecalc.core.budget.MAX_VALUES`
    values (points × figures), so memory grows linearly with the number of figures; the result
    equals one evaluation over the whole grid, the model working point by point.

    Raises
    ------
    ParameterError
        ``probes``, if one row exceeds the memory budget or the grid the work budget.
    """
    k, probes, figures = len(inputs), len(quantiles), len(problem.figures)
    budget.check_values("probes", probes * m, figures, "points per input")
    budget.check_work("probes", (k * probes + 1) * m, figures, "inputs × probes")
    rows = budget.block_rows(probes * m, figures)
    grid = {name: np.empty((k, probes, m)) for name in problem.outputs}
    for start in range(0, k, rows):
        stop = min(start + rows, k)
        values = dict(medians)
        for j in range(start, stop):
            path = inputs[j].path
            column = np.full((stop - start, probes, 1), medians[path], dtype=float)
            column[j - start] = figure_at(inputs[j], quantiles)[:, None]
            values[path] = column
        block = evaluate_outputs(problem, values, (stop - start, probes, m))
        for name, y in block.items():
            grid[name][start:stop] = y
    return grid


def _tornado_of(
    problem: Problem,
    inputs: Sequence[Figure],
    categorical: Sequence[Categorical],
    combos: Sequence[tuple[int, ...]],
    shares: FloatArray,
    output: str,
    grid: FloatArray,
    at_medians: FloatArray,
    quantiles: FloatArray,
) -> Tornado:
    """The bars of one output from the ``(k, probes, m)`` grid and the ``(m,)`` medians."""
    y = grid @ shares
    monotonic = _is_monotonic(y)
    bars = []
    for i, figure in enumerate(inputs):
        ends = figure_at(figure, quantiles[[0, -1]])
        bars.append(
            TornadoBar(
                path=figure.path,
                unit=figure.unit,
                input_low=float(ends[0]),
                input_high=float(ends[1]),
                output_low=float(y[i, 0]),
                output_high=float(y[i, -1]),
                output_min=float(y[i].min()),
                output_max=float(y[i].max()),
                swing=float(abs(y[i, -1] - y[i, 0])),
                monotonic=bool(monotonic[i]),
            )
        )
    for i, c in enumerate(categorical):
        bars.append(_categorical_bar(c, [m[i] for m in combos], shares, at_medians))
    bars.sort(key=lambda b: (-b.swing, -(b.output_max - b.output_min), b.path))
    baseline = float(at_medians @ shares)
    averaged = tuple(c.path for c in categorical)
    return Tornado(output, problem.units.get(output, ""), baseline, tuple(bars), averaged)


def _categorical_bar(
    c: Categorical, level_of: Sequence[int], shares: FloatArray, y: FloatArray
) -> TornadoBar:
    """A categorical input's bar: each level's output (others averaged), least to greatest."""
    by_level = level_outputs(c, level_of, shares, y)
    (lo_name, lo, _), (hi_name, hi, _) = by_level[0], by_level[-1]
    return TornadoBar(
        path=c.path,
        unit=c.unit,
        input_low=math.nan,
        input_high=math.nan,
        output_low=lo,
        output_high=hi,
        output_min=lo,
        output_max=hi,
        swing=hi - lo,
        monotonic=True,
        low_level=lo_name,
        high_level=hi_name,
        level_outputs=tuple((name, value) for name, value, _ in by_level),
    )
