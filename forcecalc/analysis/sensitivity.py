"""Which assumptions drive the requirement: tornado, Sobol indices, rank correlations, thresholds.

Sampling, the model and the analysis stay separate calls, as in SALib: each method draws (or
places) its points, evaluates the model once, vectorized over all of them, and analyses the
outputs. Every method returns a frozen dataclass that carries its :class:`Provenance`.

The methods work on a :class:`Problem`: the figures, a vectorized model and the outputs to
analyse. :func:`problem_of` builds the problem of a scenario (outputs ``deployed`` and
``committed`` by default); tests build problems with a known analytic answer.

References
----------
.. [1] Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana,
   M. & Tarantola, S. (2008). *Global Sensitivity Analysis: The Primer*. Wiley. Ch. 1.2
   (one-at-a-time and tornado), ch. 4 (variance-based), ch. 5 (Monte Carlo filtering).
.. [2] Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
   their Monte Carlo estimates. *Mathematics and Computers in Simulation* 55(1-3), 271-280.
.. [3] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010).
   Variance based sensitivity analysis of model output. Design and estimator for the total
   sensitivity index. *Computer Physics Communications* 181(2), 259-270.
.. [4] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
   Physics Communications* 117(1-2), 35-43.
.. [5] Spearman, C. (1904). The proof and measurement of association between two things.
   *American Journal of Psychology* 15(1), 72-101. Analytica ranks inputs by the absolute
   rank-order correlation ("importance analysis", Lumina Decision Systems, Analytica User
   Guide).
.. [6] Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank correlation
   coefficients. I. *Biometrika* 44(3-4), 470-481 (standard error 1.03 / sqrt(n - 3) of
   Fisher's z of Spearman's rho).
.. [7] Hornberger, G. M. & Spear, R. C. (1981). An approach to the preliminary analysis of
   environmental systems. *Journal of Environmental Management* 12(1), 7-18 (regional
   sensitivity analysis: split the samples by whether an output exceeds a threshold).
.. [8] Pianosi, F., Beven, K., Freer, J., Hall, J. W., Rougier, J., Stephenson, D. B. &
   Wagener, T. (2016). Sensitivity analysis of environmental models: a systematic review with
   practical workflow. *Environmental Modelling & Software* 79, 214-232 (Monte Carlo filtering
   with the Kolmogorov-Smirnov distance).
.. [9] Smirnov, N. (1948). Table for estimating the goodness of fit of empirical
   distributions. *Annals of Mathematical Statistics* 19(2), 279-281 (the two-sample
   critical value ``c(alpha) sqrt((n1 + n2) / (n1 n2))``, ``c(0.05) = 1.358``).

Categorical inputs
------------------
An ensemble's rule selector ``ensemble.rule_choice`` is sampled as a uniform draw, but it only
picks a rule: its numeric value, and the order in which the scenario lists the rules, mean
nothing. Every method therefore treats it as a :class:`Categorical` input whose levels are the
rules, so that no result depends on the order of the rules in the YAML file:

- tornado: the rule has no median, so the baseline and every other input's bar average the
  output over the rules, weighted by their shares; the rule's own bar spans the least and the
  greatest rule's output with every other input at its median;
- rank and threshold: the rules are ordered by their output with every other input at its
  median (the tornado's bar of the rule; :func:`level_orders`), ties by name, and Spearman's
  rho, the equal-count bins and the Kolmogorov-Smirnov distance are taken over that order.
  The order is fixed before any sample is drawn: ordering by the sampled outputs themselves
  would make a rule with no effect look like a driver (a mean rho of +0.06 at n = 1,024, its
  95% interval excluding 0 half the time). So rho can be negative: it is positive when the
  rules that give more at the medians also give more over the samples;
- Sobol indices are variance-based and need no order: ``Var(E[Y | rule_choice])`` is the same
  whichever rule takes which slice of the draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from forcecalc.calibration import rules
from forcecalc.core import densities, glossary
from forcecalc.core.distributions import Point
from forcecalc.core.errors import UsageError
from forcecalc.core.model import evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.runner import override
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MAX_VALUES,
    Sampler,
    check_sample_count,
    check_seed,
    figure_values,
    unit_design,
)
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.summary import METRIC_NAMES

FloatArray = NDArray[np.float64]

#: Outputs analysed unless others are named.
DEFAULT_OUTPUTS = ("deployed", "committed")
#: Uniform points are kept this far inside (0, 1), as the sampler does.
_EPS = 1e-12

Model = Callable[[Mapping[str, ArrayLike]], Mapping[str, ArrayLike]]
ProgressCallback = Callable[[int, int], None]
#: Samples evaluated at once by the sampling methods, so that they can report progress.
PROGRESS_CHUNK = 1 << 18


# --------------------------------------------------------------------------------------------
# Categorical inputs


@dataclass(frozen=True)
class Categorical:
    """An input whose uniform draw picks one of a few levels by their weights (a rule).

    Attributes
    ----------
    path : str
        The figure holding the draw, e.g. ``ensemble.rule_choice``.
    levels : tuple of str
        The levels in the order the model maps the draw to them (the scenario's rule order).
    weights : tuple of float
        Each level's relative weight, 0 or more. [ratio]

    Notes
    -----
    Level ``k`` takes the draws in ``[c[k-1], c[k])``, ``c`` the cumulative weights over their
    sum (:func:`forcecalc.calibration.rules.mixture`). The methods never use that order: they
    iterate the
    levels by name (:attr:`canonical`) and order them by their output with every other input
    at its median (:func:`level_orders`).
    """

    path: str
    levels: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def shares(self) -> FloatArray:
        """Each level's share of the draws. [fraction]"""
        w = np.asarray(self.weights, dtype=float)
        return w / math.fsum(self.weights)  # fsum: exact, whatever the order of the levels

    @property
    def canonical(self) -> tuple[int, ...]:
        """Indices of the levels that can be drawn (weight above 0), sorted by name."""
        return tuple(
            sorted((k for k, w in enumerate(self.weights) if w > 0), key=self.levels.__getitem__)
        )

    def draw_of(self, k: int) -> float:
        """A draw that picks level ``k``: the middle of its slice of (0, 1). [fraction]"""
        edges = np.concatenate([[0.0], np.cumsum(self.shares)])
        return float((edges[k] + edges[k + 1]) / 2.0)

    def index(self, u: ArrayLike) -> NDArray[np.intp]:
        """The level each draw picks, as the model picks it."""
        return densities.rule_index(self.weights, u)


def categoricals_of(scenario: Scenario) -> dict[str, Categorical]:
    """The categorical inputs of a scenario: an ensemble's rule selector, if it is sampled."""
    figure = scenario.figures.get(rules.RULE_CHOICE)
    if scenario.method != "ensemble" or figure is None or not figure.is_uncertain:
        return {}
    weights = tuple(
        float(scenario.figures[rules.weight_path(r)].dist.value)  # type: ignore[union-attr]
        for r in scenario.rules
    )
    return {figure.path: Categorical(figure.path, tuple(scenario.rules), weights)}


# --------------------------------------------------------------------------------------------
# The problem: figures, model, outputs


@dataclass(frozen=True)
class Problem:
    """What every method analyses: the figures, a vectorized model and its outputs.

    Attributes
    ----------
    figures : tuple of Figure
        Every figure, in document order; each owns one column of a sampling design (as in
        :func:`forcecalc.core.sampling.sample`), points keep their value.
    model : callable
        ``model(values) -> {output: array}``; ``values`` maps every figure path to a scalar or
        an array, all arrays of one broadcastable shape.
    outputs : tuple of str
        The outputs analysed, keys of the model's result.
    units : mapping of str to str
        Unit of each output.
    name : str
        Title used in reports.
    scenario : Scenario or None
        The scenario the problem comes from, for provenance.
    categorical : mapping of str to Categorical
        Uncertain figures whose draw only picks a level (an ensemble's rule), by path.
    """

    figures: tuple[Figure, ...]
    model: Model
    outputs: tuple[str, ...]
    units: Mapping[str, str]
    name: str = ""
    scenario: Scenario | None = None
    categorical: Mapping[str, Categorical] = field(default_factory=dict)

    @property
    def inputs(self) -> tuple[Figure, ...]:
        """The uncertain figures, in document order."""
        return tuple(f for f in self.figures if f.is_uncertain)

    @property
    def fixed(self) -> dict[str, float]:
        """The value of every point figure."""
        return {f.path: f.dist.value for f in self.figures if isinstance(f.dist, Point)}


def check_outputs(scenario: Scenario, outputs: Sequence[str], option: str = "--output") -> None:
    """Raise :class:`UsageError` unless every name is a metric this scenario produces."""
    fg = scenario.force_generation
    present = {
        "deployed",
        "rotation_multiplier",
        "committed",
        "deployed_per_km",
        "deployed_per_km2",
    }
    if fg is not None and fg.pledges:
        present |= {"pledged", "pledge_coverage"}
    if fg is not None and fg.has_pool:
        present |= {"pool_sustainable", "pool_coverage"}
    for name in outputs:
        if name not in present:
            known = ", ".join(m for m in METRIC_NAMES if m in present)
            raise UsageError(
                f"{option} {name}: got a metric this scenario does not produce; "
                f"expected one of {known}"
            )


def problem_of(scenario: Scenario, outputs: Sequence[str] = DEFAULT_OUTPUTS) -> Problem:
    """The sensitivity problem of a scenario: its figures and the model's named outputs.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (with any ``--set`` overrides already applied).
    outputs : sequence of str
        Metric names of :class:`~forcecalc.core.model.Outcome`, e.g. ``deployed``, ``committed``,
        ``pledged``, ``pool_sustainable``.
    """
    outputs = tuple(outputs)
    check_outputs(scenario, outputs)

    def model(values: Mapping[str, ArrayLike]) -> dict[str, ArrayLike]:
        outcome = evaluate(scenario, values)
        return {name: getattr(outcome, name) for name in outputs}

    return Problem(
        figures=tuple(scenario.figures.values()),
        model=model,
        outputs=outputs,
        units={name: glossary.unit_of(name) for name in outputs},
        name=scenario.name,
        scenario=scenario,
        categorical=categoricals_of(scenario),
    )


def evaluate_outputs(
    problem: Problem, values: Mapping[str, ArrayLike], shape: tuple[int, ...]
) -> dict[str, FloatArray]:
    """The problem's outputs at ``values``, each broadcast to ``shape``."""
    result = problem.model(values)
    return {
        name: np.broadcast_to(np.asarray(result[name], dtype=float), shape)
        for name in problem.outputs
    }


def figure_at(figure: Figure, u: ArrayLike) -> FloatArray:
    """The figure's value at quantile(s) ``u`` of its distribution truncated to its domain."""
    u = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
    return np.broadcast_to(figure_values(figure, u), u.shape)


def draw(problem: Problem, n: int, seed: int, sampler: Sampler | str) -> dict[str, FloatArray]:
    """``n`` samples of every figure, exactly as :func:`forcecalc.core.sampling.sample` draws
    them."""
    u = unit_design(len(problem.figures), n, seed, Sampler(sampler))
    return {f.path: figure_values(f, u[:, j]) for j, f in enumerate(problem.figures)}


def _prepare(
    target: Scenario | Problem,
    outputs: Sequence[str],
    overrides: Mapping[str, float] | None,
) -> Problem:
    if isinstance(target, Problem):
        return target
    return problem_of(override(target, dict(overrides or {})), outputs)


# --------------------------------------------------------------------------------------------
# Tornado


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


def _is_monotonic(y: FloatArray) -> NDArray[np.bool_]:
    """Whether each row of ``y`` never rises and falls (to rounding). [bool per row]"""
    step = np.diff(y, axis=-1)
    scale = np.max(np.abs(y), axis=-1, initial=0.0)
    tol = 1e-12 * scale[..., None]
    return np.all(step >= -tol, axis=-1) | np.all(step <= tol, axis=-1)


def _level_combinations(
    categorical: Sequence[Categorical],
) -> tuple[list[tuple[int, ...]], FloatArray]:
    """Every combination of the categorical inputs' levels (by name) and its joint share."""
    combos: list[tuple[int, ...]] = [()]
    for c in categorical:
        combos = [(*m, k) for m in combos for k in c.canonical]
    shares = np.array(
        [math.prod(float(c.shares[k]) for c, k in zip(categorical, m, strict=True)) for m in combos]
    )
    return combos, shares


def _at_medians(
    problem: Problem,
) -> tuple[list[Categorical], list[tuple[int, ...]], FloatArray, dict[str, ArrayLike]]:
    """Every input at its median, over every combination of the categorical inputs' levels.

    Returns the categorical inputs, the ``m`` combinations of their levels (by name) and their
    joint shares, and the values: a point figure's value, an ordinary input's median (a
    scalar) and, for a categorical input, an ``(m,)`` array of draws picking its level in
    each combination.
    """
    categorical = [
        problem.categorical[f.path] for f in problem.inputs if f.path in problem.categorical
    ]
    combos, shares = _level_combinations(categorical)
    values: dict[str, ArrayLike] = dict(problem.fixed)
    for i, c in enumerate(categorical):
        values[c.path] = np.array([c.draw_of(combo[i]) for combo in combos])
    for figure in problem.inputs:
        if figure.path not in problem.categorical:
            values[figure.path] = float(figure_at(figure, 0.5))
    return categorical, combos, shares, values


def _level_outputs(
    c: Categorical, level_of: Sequence[int], shares: FloatArray, y: FloatArray
) -> list[tuple[str, float, int]]:
    """``(level, output, index)`` of each level that can be drawn, least output first.

    ``y`` holds the output at the medians in each combination of levels, ``level_of`` the
    level of ``c`` in each, ``shares`` their joint shares: a level's output is the
    share-weighted mean over the combinations that hold it. Ties (and NaN, last) go by name.
    """
    by_level = []
    for k in c.canonical:
        pick = np.array([lv == k for lv in level_of])
        by_level.append((c.levels[k], float(y[pick] @ shares[pick] / shares[pick].sum()), k))
    by_level.sort(key=lambda t: (math.isnan(t[1]), 0.0 if math.isnan(t[1]) else t[1], t[0]))
    return by_level


def level_orders(problem: Problem) -> dict[str, dict[str, tuple[int, ...]]]:
    """How rank correlation and threshold order each categorical input's levels, per output.

    Returns ``{output: {path: level indices}}``: the levels that can be drawn, least output
    first, each with every other input at its median (the tornado's bar of the input), ties
    by name. The order is fixed before any sample is drawn, so the tests that follow are not
    biased by it, and it does not depend on the order the levels are listed in.
    """
    if not problem.categorical:
        return {name: {} for name in problem.outputs}
    categorical, combos, shares, medians = _at_medians(problem)
    out = evaluate_outputs(problem, medians, (len(combos),))
    return {
        name: {
            c.path: tuple(k for _, _, k in _level_outputs(c, [m[i] for m in combos], shares, y))
            for i, c in enumerate(categorical)
        }
        for name, y in out.items()
    }


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
    holds every other input at its median; the whole grid is one vectorized model evaluation.
    A categorical input (an ensemble's rule) has no median: the last axis runs over the ``m``
    combinations of its levels, and every bar and the baseline are averages over them
    weighted by the levels' shares; the categorical input's own bar spans its levels, each
    with every other input at its median. So the result does not depend on the order in which
    the levels are listed. The swing does not see interactions (Sobol indices do).
    """
    if not 0.0 < low < high < 1.0:
        raise UsageError(f"--low/--high: got {low:g} and {high:g}; expected 0 < low < high < 1")
    if probes < 2:
        raise UsageError(f"--probes: got {probes}; expected at least 2")
    problem = _prepare(target, outputs, overrides)
    categorical, combos, shares, medians = _at_medians(problem)
    inputs = [f for f in problem.inputs if f.path not in problem.categorical]
    k, m, quantiles = len(inputs), len(combos), np.linspace(low, high, probes)
    varied = np.eye(k, dtype=bool)[:, :, None, None]
    values = dict(medians)
    for j, figure in enumerate(inputs):
        at = figure_at(figure, quantiles)[:, None]
        values[figure.path] = np.where(varied[:, j], at, medians[figure.path])
    grid = evaluate_outputs(problem, values, (k, probes, m))
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
    )


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
    by_level = _level_outputs(c, level_of, shares, y)
    (lo_name, lo, _), (hi_name, hi, _) = by_level[0], by_level[-1]
    return TornadoBar(
        path=c.path,
        unit="rule",
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


# --------------------------------------------------------------------------------------------
# Sobol indices


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
        As for :func:`tornado`.
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
    if n < 2 or n & (n - 1):
        lower = 1 << max(n.bit_length() - 1, 1)
        raise UsageError(
            f"--samples: got {n}; expected a power of two for Sobol indices "
            f"(e.g. {lower} or {lower * 2})"
        )
    check_sample_count(n, Sampler.SOBOL)
    check_seed(seed)
    if repeats < 1:
        raise UsageError(f"--repeats: got {repeats}; expected a whole number of at least 1")
    if not 0.0 < confidence < 1.0:
        raise UsageError(f"--confidence: got {confidence:g}; expected a probability in (0, 1)")
    problem = _prepare(target, outputs, overrides)
    inputs, fixed = problem.inputs, problem.fixed
    d = len(inputs)
    if n * d * (d + 2) > MAX_VALUES:
        most = 1 << (MAX_VALUES // (d * (d + 2))).bit_length() - 1
        raise UsageError(
            f"--samples: got {n:,} for Sobol indices of {d} inputs; expected at most {most:,} "
            f"(n·d·(d+2) ≤ {MAX_VALUES:,} values, to bound memory); add --repeats instead"
        )

    def func(x: FloatArray) -> FloatArray:
        values: dict[str, ArrayLike] = dict(fixed)
        values.update({f.path: x[j] for j, f in enumerate(inputs)})
        out = evaluate_outputs(problem, values, x.shape[1:])
        return np.stack([out[name] for name in problem.outputs])

    s = len(problem.outputs)
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
            for j, f in enumerate(inputs)
        ]
        indices.sort(key=lambda i: (-i.total_order, i.path))
        results.append(SobolIndices(name, problem.units.get(name, ""), tuple(indices)))
    evaluations = repeats * n * (d + 2) if d else 0
    return SobolAnalysis(
        name=problem.name,
        n=n,
        repeats=repeats,
        confidence=confidence,
        evaluations=evaluations,
        outputs=tuple(results),
        provenance=build_provenance(
            problem.scenario, n, seed, "sobol (scipy.stats.sobol_indices)", overrides
        ),
    )


def _mean_interval(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Mean over the first axis and the half-width of its Student t interval (NaN if one)."""
    r = x.shape[0]
    mean = x.mean(axis=0)
    if r < 2:
        return mean, np.full_like(mean, np.nan)
    t = stats.t.ppf(0.5 + confidence / 2.0, r - 1)
    return mean, t * x.std(axis=0, ddof=1) / math.sqrt(r)


# --------------------------------------------------------------------------------------------
# Rank correlation


@dataclass(frozen=True)
class RankEntry:
    """Spearman's rank correlation of one input with an output, and its interval.

    ``importance`` is ``|rho|``, the measure Analytica ranks inputs by [5]_. For a categorical
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

    Returns an ``(k, s)`` array; a constant column correlates 0 with everything [5]_.

    Notes
    -----
    Ranks (ties averaged) are standardized; ``rho = z_x.T @ z_y / n``.
    """
    zx, zy = _standard_ranks(x), _standard_ranks(y)
    return np.clip(zx.T @ zy / x.shape[0], -1.0, 1.0)


def _standard_ranks(a: FloatArray) -> FloatArray:
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
    """Importance of each uncertain input as its rank correlation with each output [5]_.

    Parameters
    ----------
    target : Scenario or Problem
        What to analyse.
    n, seed, sampler
        The samples, drawn exactly as ``forcecalc run`` draws them.
    confidence : float
        Level of the interval of rho, from Fisher's z with standard error
        ``1.03 / sqrt(n - 3)`` [6]_ (approximate for Latin hypercube and Sobol' designs).
    outputs, overrides
        As for :func:`tornado`.
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
        raise UsageError(f"--samples: got {n}; expected at least 4 for rank correlations")
    problem = _prepare(target, outputs, overrides)
    orders = level_orders(problem)
    steps = _Steps(on_progress, 3 * n)
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
    half = stats.norm.ppf(0.5 + confidence / 2.0) * 1.03 / math.sqrt(n - 3)
    with np.errstate(divide="ignore"):
        z = np.arctanh(rho)
    low, high = np.tanh(z - half), np.tanh(z + half)
    results = []
    for o, name in enumerate(problem.outputs):
        entries = [
            RankEntry(
                f.path,
                "rule" if f.path in levels else f.unit,
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


class _Steps:
    """Counts work done towards ``total`` and reports it to an optional progress callback."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.done = callback, max(total, 1), 0

    def advance(self, amount: int) -> None:
        self.done = min(self.done + amount, self.total)
        if self.callback is not None:
            self.callback(self.done, self.total)


def evaluate_chunked(
    problem: Problem,
    values: Mapping[str, ArrayLike],
    n: int,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = PROGRESS_CHUNK,
) -> dict[str, FloatArray]:
    """The outputs over ``n`` samples, evaluated ``chunk`` samples at a time.

    The model works sample by sample, so the result equals one evaluation over all of them;
    ``on_chunk(m)`` is called after each chunk of ``m`` samples.
    """
    out = {name: np.empty(n) for name in problem.outputs}
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        part = {k: v[start:stop] if np.ndim(v) else v for k, v in values.items()}
        for name, y in evaluate_outputs(problem, part, (stop - start,)).items():
            out[name][start:stop] = y
        if on_chunk is not None:
            on_chunk(stop - start)
    return out


# --------------------------------------------------------------------------------------------
# Threshold (exceedance) analysis

#: What a requirement can be compared with, besides a number: the pledges' total, the pool's
#: sustainable personnel, or the requirement's own median.
SUPPLIES = ("pledged", "pool", "median")

#: Fewest samples on each side of the threshold (exceeding and not) for the drivers to mean
#: anything. With fewer, the 5% critical value of the two-sample KS distance [9]_ is above
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
    """The two-sample Kolmogorov-Smirnov distance significant at level ``alpha`` [9]_.

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
        exceed and in those that do not [7]_ [8]_; 0 when all or none exceed.
    by_level : tuple of (str, float)
        For a categorical input (an ensemble's rule): ``P(exceed | level)`` of every level
        drawn, in the order of :func:`level_orders` (the requirement with every other input at
        its median, least first, ties by name). Its bins, ``delta`` and ``ks`` are taken over
        the levels in that order (each bin the share-weighted mean of the levels it overlaps).
        The order is fixed before sampling, so the KS test keeps its level for a rule with no
        effect, and nothing depends on the order the scenario lists the levels in.
    significant : bool
        Whether ``ks`` exceeds the 5% critical value of the two-sample test [9]_
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
    """Probability that the requirement exceeds a supply, and which inputs drive it [7]_.

    Parameters
    ----------
    scenario : Scenario
        What to analyse.
    supply : float or str, optional
        A ceiling [personnel], or ``pledged``, ``pool`` or ``median``; default: pledged when
        the scenario has pledges, else pool, else the requirement's median.
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
    measures how different the exceeding samples are [8]_. With ``supply = pledged`` and the
    scenario's own basis, ``probability`` is ``1 - P(pledges suffice)`` of ``forcecalc run``.

    A split with fewer than :data:`MIN_SIDE_SAMPLES` samples on either side is flagged
    (``reliable`` False, ``warning``), and each driver says whether its KS distance is
    significant at 5% [9]_.
    """
    scenario = override(scenario, dict(overrides or {}))
    supply = default_supply(scenario) if supply is None else supply
    requirement = requirement or default_requirement(scenario, supply)
    if requirement not in ("committed", "deployed"):
        raise UsageError(f"--requirement: got {requirement!r}; expected 'committed' or 'deployed'")
    if bins < 2:
        raise UsageError(f"--bins: got {bins}; expected at least 2")
    check_sample_count(n, Sampler(sampler))
    check_seed(seed)
    if n < bins:
        raise UsageError(f"--samples: got {n}; expected at least as many as --bins ({bins})")
    supply_output = _supply_output(scenario, supply)
    outputs = (requirement,) if supply_output is None else (requirement, supply_output)
    problem = problem_of(scenario, outputs)
    steps = _Steps(on_progress, 3 * n)
    values = draw(problem, n, seed, sampler)
    steps.advance(n)
    out = evaluate_chunked(problem, values, n, steps.advance)
    need = out[requirement]
    if supply_output is not None:
        ceiling, level = None, out[supply_output]
    else:
        ceiling = float(np.median(need)) if supply == "median" else float(supply)
        level = np.float64(ceiling)
    exceed = need > level
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
    )


def _supply_output(scenario: Scenario, supply: str | float) -> str | None:
    """The model output a supply names, or None for a number or the median."""
    if isinstance(supply, int | float):
        if not math.isfinite(supply) or supply < 0:
            raise UsageError(f"--ceiling: got {supply:g}; expected a number of personnel ≥ 0")
        return None
    if supply not in SUPPLIES:
        raise UsageError(f"--against: got {supply!r}; expected one of {', '.join(SUPPLIES)}")
    if supply == "median":
        return None
    name = "pledged" if supply == "pledged" else "pool_sustainable"
    check_outputs(scenario, (name,), option=f"--against {supply}:")
    return name


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
        unit="rule",
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
