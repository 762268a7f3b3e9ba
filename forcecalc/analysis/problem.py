"""The problem every sensitivity method analyses, and what the methods share.

Sampling, the model and the analysis stay separate calls, as in SALib: each method (one a
module: :mod:`~forcecalc.analysis.tornado`, :mod:`~forcecalc.analysis.sobol`,
:mod:`~forcecalc.analysis.rank`, :mod:`~forcecalc.analysis.threshold`) draws (or places) its
points, evaluates the model once, vectorized over all of them, and analyses the outputs. Every
method returns a frozen dataclass that carries its :class:`Provenance`.

This module holds what they work on: a :class:`Problem` (the figures, a vectorized model and the
outputs to analyse), :func:`problem_of` to build the problem of a scenario (outputs
``deployed`` and ``committed`` by default; tests build problems with a known analytic answer),
the :class:`Categorical` inputs and their level orders, and the evaluation of the model over
samples in chunks, with progress.

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

Over sectors of different postures (an ensemble by sector,
:mod:`forcecalc.calibration.sector_postures`) the one draw picks a rule in every sector at once,
each sector by its own rules' cumulative shares. Its levels are then the combinations the draw
can pick, one for each slice of (0, 1) between consecutive edges of any sector's cumulative
shares, labelled with each sector's rule (``front doctrine.posts / border unmee.per_km``) and
weighted by the slice's width (:func:`by_sector_categorical`): a level names what the draw
takes in every sector, never one rule of a sector as if it held the whole line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.calibration import rules
from forcecalc.core import densities, glossary
from forcecalc.core.backstop import check_results
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import evaluate
from forcecalc.core.runner import override
from forcecalc.core.sampling import (
    Sampler,
    design_figures,
    draw_figure_rows,
    figure_values,
)
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.shares import check_shares
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
    #: The sectors whose rules each level names, in the line's order (an ensemble by sector);
    #: empty when a level is one rule for the whole line.
    sectors: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        """What a level is: ``rule``, or ``rule per sector`` for an ensemble by sector."""
        return "rule per sector" if self.sectors else "rule"

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
    if scenario.sector_ensembles:
        return {figure.path: by_sector_categorical(scenario)}
    weights = tuple(
        float(scenario.figures[rules.weight_path(r)].dist.value)  # type: ignore[union-attr]
        for r in scenario.rules
    )
    return {figure.path: Categorical(figure.path, tuple(scenario.rules), weights)}


#: Edges of the sectors' cumulative shares closer than this are one edge (rounding). [fraction]
_EDGE_TOLERANCE = 1e-12


def _point_weight(scenario: Scenario, rule: str) -> float:
    """A rule's weight figure ``rules.<rule>.weight``, a point value. [ratio]"""
    return float(scenario.figures[rules.weight_path(rule)].dist.value)  # type: ignore[union-attr]


def by_sector_categorical(scenario: Scenario) -> Categorical:
    """The rule selector of an ensemble by sector: the combinations of rules it picks.

    Each sector takes, at draw ``u``, the rule whose slice of its cumulative weights
    (share × ``rules.<id>.weight``, rules in the line's one size order, smallest first, as
    :func:`forcecalc.calibration.sector_postures.size_order` puts them) holds ``u``
    (:func:`forcecalc.core.sectors.sector_mixture`). Between two consecutive edges of any
    sector's slices every sector's rule is fixed, so each such slice of (0, 1) is one level,
    labelled ``sector rule`` for every sector (``front doctrine.posts / border unmee.per_km``)
    and weighted by its width; each sector's rule in a level is the one the model's own
    :func:`~forcecalc.core.densities.rule_index` picks at the slice's middle.
    """
    own = scenario.sector_ensembles
    weights = [
        np.array([s * _point_weight(scenario, r) for r, s in zip(e.rules, e.shares, strict=True)])
        for e in own
    ]
    edges = np.unique(np.concatenate([[0.0, 1.0], *(np.cumsum(w) / w.sum() for w in weights)]))
    kept = [0.0]
    for edge in edges[1:]:
        if edge - kept[-1] > _EDGE_TOLERANCE:
            kept.append(float(edge))
    kept[-1] = 1.0
    cuts = np.array(kept)
    middles = (cuts[:-1] + cuts[1:]) / 2.0
    picks = [densities.rule_index(w, middles) for w in weights]
    levels = tuple(
        " / ".join(f"{e.sector} {e.rules[p[i]]}" for e, p in zip(own, picks, strict=True))
        for i in range(len(middles))
    )
    return Categorical(
        rules.RULE_CHOICE, levels, tuple(np.diff(cuts).tolist()), tuple(e.sector for e in own)
    )


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


def check_outputs(
    scenario: Scenario, outputs: Sequence[str], parameter: str = "outputs", prefix: str = ""
) -> None:
    """Raise :class:`ParameterError` unless every name is a metric this scenario produces.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose model would produce the metrics.
    outputs : sequence of str
        Metric names.
    parameter : str
        The caller's parameter that names them, for the message (``outputs``; ``supply`` for
        a threshold's supply that names a metric).
    prefix : str
        What the message puts before the metric's name (``pool: `` for that supply).
    """
    fg = scenario.force_generation
    present = {
        "deployed",
        "rotation_multiplier",
        "committed",
        "deployed_per_km",
        "deployed_per_km2",
    }
    if scenario.geometry.has_border or scenario.geometry.sectors:
        present.add("deployed_per_km_line")
    if fg is not None and fg.pledges:
        present |= {"pledged", "pledge_coverage"}
    if fg is not None and fg.has_pool:
        present |= {"pool_sustainable", "pool_coverage"}
    for name in outputs:
        if name not in present:
            known = ", ".join(m for m in METRIC_NAMES if m in present)
            raise ParameterError(
                parameter,
                "a metric this scenario does not produce",
                f"one of {known}",
                detail=f"{prefix}{name}",
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
        check_shares(scenario, values)  # shares of a whole reaching 1: one line, not NaN
        outcome = evaluate(scenario, values, outputs)
        return {name: getattr(outcome, name) for name in outputs}

    return Problem(
        figures=tuple(design_figures(scenario)),  # the timeline's figures are not drawn
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
    """The problem's outputs at ``values``, each broadcast to ``shape``.

    Raises
    ------
    ScenarioError
        If an output is not finite or beyond the physical limits of its unit
        (:func:`forcecalc.core.backstop.check_results`); numpy's warnings are silenced, this
        reports instead.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = problem.model(values)
    out = {
        name: np.broadcast_to(np.asarray(result[name], dtype=float), shape)
        for name in problem.outputs
    }
    check_results(problem.scenario, out, "the model's evaluations")
    return out


def figure_at(figure: Figure, u: ArrayLike) -> FloatArray:
    """The figure's value at quantile(s) ``u`` of its distribution truncated to its domain."""
    u = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
    return np.broadcast_to(figure_values(figure, u), u.shape)


def draw(problem: Problem, n: int, seed: int, sampler: Sampler | str) -> dict[str, FloatArray]:
    """``n`` samples of every figure, exactly as :func:`forcecalc.core.sampling.sample` draws
    them."""
    scenario = problem.scenario  # its correlations, as sample() imposes them
    correlations = scenario.correlations if scenario is not None else ()
    return draw_figure_rows(problem.figures, n, seed, sampler, correlations=correlations)


def prepare(
    target: Scenario | Problem,
    outputs: Sequence[str],
    overrides: Mapping[str, float] | None,
) -> Problem:
    """``target`` itself if it is a problem, else the problem of the scenario with
    ``overrides`` set first (as ``--set`` does) and ``outputs`` analysed."""
    if isinstance(target, Problem):
        return target
    return problem_of(override(target, dict(overrides or {})), outputs)


# --------------------------------------------------------------------------------------------
# Every input at its median, and the order of a categorical input's levels


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


def values_at_medians(
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


def level_outputs(
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
    categorical, combos, shares, medians = values_at_medians(problem)
    out = evaluate_outputs(problem, medians, (len(combos),))
    return {
        name: {
            c.path: tuple(k for _, _, k in level_outputs(c, [m[i] for m in combos], shares, y))
            for i, c in enumerate(categorical)
        }
        for name, y in out.items()
    }


# --------------------------------------------------------------------------------------------
# Evaluation over many samples, with progress


class Steps:
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
