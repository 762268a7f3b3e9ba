"""Exploring a scenario: parametric sweeps, goal seek and chunked runs of many samples.

All three use common random numbers: the other figures keep the samples ``forcecalc run``
draws for the same seed (every figure owns one column of the design), so differences between
grid points or root-finder steps come from the varied figure alone.

References
----------
.. [1] Brent, R. P. (1973). *Algorithms for Minimization without Derivatives*, ch. 4.
   Prentice-Hall (the root finder behind ``scipy.optimize.brentq``).
.. [2] Glasserman, P. (2003). *Monte Carlo Methods in Financial Engineering*, §4.1
   (common random numbers). Springer.
.. [3] Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
   Statistician* 50(4), 361-365 (definition 1, the inverse of the empirical CDF).
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TextIO

import numpy as np
from numpy.typing import NDArray
from scipy import optimize
from scipy.stats import qmc

from forcecalc.analysis.sensitivity import check_outputs
from forcecalc.calibration import rules
from forcecalc.core import limits
from forcecalc.core.errors import UsageError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.runner import (
    RunResult,
    check_finite,
    find_figure,
    override,
    point_value_problem,
    refused_pledges,
)
from forcecalc.core.sampling import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    Samples,
    check_seed,
    figure_values,
    sample,
    unit_design,
)
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.summary import Band, band_rows, summarize

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

#: Outputs a sweep reports unless others are named.
SWEEP_OUTPUTS = ("deployed", "committed")
#: Most grid points times samples evaluated at once: 2^22 cells, 32 MiB per output array.
MAX_CELLS = 1 << 22
#: Most steps along one axis of a sweep.
MAX_STEPS = 10_000
#: Samples evaluated at once by :func:`run_chunked`.
DEFAULT_CHUNK = 1 << 19
#: Most samples :func:`run_chunked` accepts (memory grows ~100 bytes per sample).
MAX_LARGE_SAMPLES = 100_000_000

_EPS = 1e-12


def check_point(scenario: Scenario, path: str, value: float, option: str) -> None:
    """Raise :class:`UsageError` unless ``value`` is a point ``--set`` would accept there.

    The same rules as a ``value:`` in a scenario or a ``--set``: finite, in the figure's
    domain, within its unit's limits, and 0 for a contributor that refused
    (:func:`forcecalc.core.runner.point_value_problem`).
    """
    problem = point_value_problem(scenario, path, value, option)
    if problem:
        raise UsageError(f"{option} {path}: got {value:g}; expected {problem}")


# --------------------------------------------------------------------------------------------
# Sweeps


@dataclass(frozen=True)
class SweepAxis:
    """A figure and the values it takes in a sweep. [the figure's unit]"""

    path: str
    values: tuple[float, ...]


def axis(path: str, start: float, stop: float, steps: int) -> SweepAxis:
    """``steps`` evenly spaced values from ``start`` to ``stop`` (both included)."""
    if not 1 <= steps <= MAX_STEPS:
        raise UsageError(
            f"--vary {path}: got {steps} steps; expected a whole number from 1 to {MAX_STEPS:,}"
        )
    if steps == 1 and start != stop:
        raise UsageError(
            f"--vary {path}: got 1 step from {start:g} to {stop:g}; expected START = STOP "
            "for one step, or more steps"
        )
    return SweepAxis(path, tuple(float(v) for v in np.linspace(start, stop, steps)))


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: the varied figures' values and the outputs' bands there.

    ``bands`` holds mean and P5 / P50 / P95 per output [personnel]; ``probabilities`` holds
    ``p_pledges_suffice`` and ``p_pool_suffices`` where the scenario has them.
    """

    coordinates: tuple[float, ...]
    bands: Mapping[str, Band]
    probabilities: Mapping[str, float]


@dataclass(frozen=True)
class Sweep:
    """A sweep over one or two figures: grid points in row-major order (last axis fastest)."""

    name: str
    axes: tuple[SweepAxis, ...]
    units: tuple[str, ...]
    outputs: tuple[str, ...]
    points: tuple[SweepPoint, ...]
    provenance: Provenance

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)


def sweep(
    scenario: Scenario,
    axes: Sequence[SweepAxis],
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.LHS,
    overrides: Mapping[str, float] | None = None,
    outputs: Sequence[str] = SWEEP_OUTPUTS,
    max_cells: int = MAX_CELLS,
    on_progress: ProgressCallback | None = None,
) -> Sweep:
    """P5 / P50 / P95 of the outputs over a grid of one or two figures.

    Parameters
    ----------
    scenario : Scenario
        What to sweep.
    axes : sequence of SweepAxis
        One or two figures and their values, each inside the figure's domain.
    samples, seed, sampler
        The samples of the other figures, drawn exactly as ``forcecalc run`` draws them.
    overrides : mapping of str to float, optional
        Other figures set to point values, as ``--set`` does.
    outputs : sequence of str
        Outputs summarised at each point (``deployed``, ``committed``, ...).
    max_cells : int
        Most grid points × samples evaluated at once; larger grids go in row blocks.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` grid points after each block.

    Notes
    -----
    The grid is flattened to ``G`` points of shape ``(G, 1)`` and broadcast against the
    ``(n,)`` samples, so the model runs once over a ``(G, n)`` array (in blocks of rows when
    ``G n > max_cells``). Every grid point sees the same samples of the other figures (common
    random numbers [2]_), so a point equals ``forcecalc run --set`` at its values, same seed.
    """
    scenario = override(scenario, dict(overrides or {}))
    if not 1 <= len(axes) <= 2:
        raise UsageError(f"--vary: got {len(axes)} figures; expected one or two")
    if len({a.path for a in axes}) < len(axes):
        raise UsageError(f"--vary: got {axes[0].path} twice; expected two different figures")
    for ax in axes:
        ends = (ax.values[0], ax.values[-1])  # the ends first: the values the user wrote
        for value in (*ends, *ax.values):
            check_point(scenario, ax.path, value, "--vary")
    outputs = tuple(outputs)
    check_outputs(scenario, outputs, option="--output")
    base = override(scenario, {a.path: a.values[0] for a in axes})
    drawn = sample(base, samples, seed, sampler)
    grid = [g.reshape(-1, 1) for g in np.meshgrid(*[a.values for a in axes], indexing="ij")]
    paths = [a.path for a in axes]
    stats = _sweep_stats(
        base, dict(drawn.values), paths, grid, outputs, samples, max_cells, on_progress
    )
    points = tuple(
        SweepPoint(
            coordinates=tuple(float(g[i, 0]) for g in grid),
            bands={name: _band_at(stats[name], i) for name in outputs},
            probabilities={k: float(stats[k][i]) for k in stats if k.startswith("p_")},
        )
        for i in range(grid[0].shape[0])
    )
    return Sweep(
        name=scenario.name,
        axes=tuple(axes),
        units=tuple(scenario.figures[a.path].unit for a in axes),
        outputs=outputs,
        points=points,
        provenance=build_provenance(scenario, samples, seed, str(drawn.sampler), overrides),
    )


def _sweep_stats(
    scenario: Scenario,
    values: dict[str, FloatArray],
    paths: Sequence[str],
    grid: Sequence[FloatArray],
    outputs: Sequence[str],
    n: int,
    max_cells: int = MAX_CELLS,
    on_progress: ProgressCallback | None = None,
) -> dict[str, FloatArray]:
    """Per grid point: ``mean``/``p5``/``p50``/``p95`` rows per output, and probabilities.

    Returns ``{output: (4, G) array, 'p_...': (G,) array}``.
    """
    g = grid[0].shape[0]
    rows = max(1, max_cells // max(n, 1))
    parts: dict[str, list[FloatArray]] = {}
    for start in range(0, g, rows):
        block = slice(start, min(start + rows, g))
        for path, column in zip(paths, grid, strict=True):
            values[path] = column[block]
        outcome = evaluate(scenario, values)
        shape = (block.stop - block.start, n)
        for name in outputs:
            y = np.broadcast_to(np.asarray(getattr(outcome, name), dtype=float), shape)
            parts.setdefault(name, []).append(band_rows(y))
        for key, ratio in _coverages(outcome).items():
            covered = np.broadcast_to(np.asarray(ratio, dtype=float), shape) >= 1.0
            parts.setdefault(key, []).append(covered.mean(axis=-1))
        if on_progress is not None:
            on_progress(block.stop, g)
    return {k: np.concatenate(v, axis=-1) for k, v in parts.items()}


def _coverages(outcome: Outcome) -> dict[str, FloatArray]:
    out = {}
    if outcome.pledge_coverage is not None:
        out["p_pledges_suffice"] = outcome.pledge_coverage
    if outcome.pool_coverage is not None:
        out["p_pool_suffices"] = outcome.pool_coverage
    return out


def _band_at(stats: FloatArray, i: int) -> Band:
    mean, p5, p50, p95 = (float(v) for v in stats[:, i])
    return Band(mean=mean, p5=p5, p50=p50, p95=p95)


# --------------------------------------------------------------------------------------------
# Goal seek

#: Requirements a pool can be compared with.
REQUIREMENTS = ("committed", "deployed")


#: Significant digits of a goal's printed answer.
ANSWER_DIGITS = 6
#: An infinite upper end of a figure's domain is searched up to this many times its median.
PLAUSIBLE_FACTOR = 1024


@dataclass(frozen=True)
class GoalSeek:
    """The boundary value of a figure at which a pool still covers the requirement.

    Attributes
    ----------
    path, unit : str
        The figure solved for and its unit.
    pool_personnel : float
        Personnel available. [personnel]
    confidence : float
        Required share of samples in which the pool covers the requirement. [probability]
    requirement : str
        ``committed`` or ``deployed``.
    status : str
        ``solved``; ``always_covered`` (the pool covers it over the whole search range: the
        figure does not limit); or ``never_covered`` (nowhere in the range).
    value : float or None
        The answer when solved, rounded to :data:`ANSWER_DIGITS` significant digits towards
        the covered side (down for a largest value, up for a smallest) and checked: fed back
        with ``--set`` it meets the pool at the stated confidence. [unit]
    bound : str or None
        ``largest`` when the requirement grows with the figure (front length, rates), so the
        answer is the largest value covered; ``smallest`` when it shrinks (post spacing, tour
        length).
    search_range : tuple of float
        The values searched. [unit]
    probability : float
        Share of samples covered at ``value`` (solved) or at ``at``, the end of the range
        nearest a solution.
    requirement_at_confidence : float
        The requirement's ``confidence`` quantile there. [personnel]
    depends : bool
        False when the requirement is the same at both ends of the range: the figure does not
        enter it (e.g. a buffer width when no task scales with the buffer's area).
    evaluations : int
        Model evaluations (each over all samples) used.
    exact_value : float or None
        The boundary the root finder found, on the covered side, before rounding. [unit]
    at : float or None
        Without a solution: the end of the range nearest one (where ``probability`` and
        ``requirement_at_confidence`` are measured). [unit]
    scope : str
        Without a solution, where it holds: ``searched`` (the search range: the one given, or
        the figure's domain within the limits of its unit); ``beyond`` (the search range and
        every larger value: an unbounded domain whose search stopped because the requirement
        moved away from the pool, which a monotonic model keeps doing); or ``plausible`` (an
        unbounded domain searched only up to :data:`PLAUSIBLE_FACTOR` times the figure's
        median).
    domain : str
        The figure's domain, e.g. ``(0, inf)``.
    """

    name: str
    path: str
    unit: str
    pool_personnel: float
    confidence: float
    requirement: str
    status: str
    value: float | None
    bound: str | None
    search_range: tuple[float, float]
    probability: float
    requirement_at_confidence: float
    depends: bool
    evaluations: int
    provenance: Provenance
    exact_value: float | None = None
    at: float | None = None
    scope: str = "searched"
    domain: str = ""

    @property
    def answer(self) -> str:
        """The printed value, as ``--set`` takes it back (no thousands separators)."""
        return "none" if self.value is None else f"{self.value:.{ANSWER_DIGITS}g}"

    def describe(self) -> str:
        """The answer in one sentence."""
        pool = f"{self.pool_personnel:,.0f}"
        level = f"{self.confidence:.0%}"
        lo, hi = self.search_range
        if self.status == "solved":
            return (
                f"{self.bound} {self.path} that {pool} personnel cover ({self.requirement}) "
                f"with {level} confidence: {self.answer} {self.unit}"
            )
        if not self.depends:
            state = "cover" if self.status == "always_covered" else "never cover"
            return (
                f"no solution: the {self.requirement} requirement does not depend on "
                f"{self.path}; {pool} personnel {state} it with {level} confidence"
            )
        where = f"every {self.path} in [{lo:,.6g}, {hi:,.6g}] {self.unit}"
        if self.scope == "beyond":
            where += " and beyond (the requirement only moves away from the pool)"
        elif self.scope == "plausible":
            where += f" (searched up to {PLAUSIBLE_FACTOR:,}× its median; no limit beyond)"
        at = f"{self.at:,.6g} {self.unit}" if self.at is not None else "the range's best end"
        if self.status == "always_covered":
            return (
                f"no solution: {pool} personnel cover the {self.requirement} requirement with "
                f"{level} confidence for {where}; this figure does not limit the pool"
            )
        return (
            f"no solution: {pool} personnel never cover the {self.requirement} requirement "
            f"with {level} confidence for {where}; at best, at {at}, its {level} quantile "
            f"is {self.requirement_at_confidence:,.0f}"
        )


def goal_seek(
    scenario: Scenario,
    path: str,
    pool_personnel: float,
    confidence: float = 0.8,
    requirement: str = "committed",
    search_range: tuple[float, float] | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.LHS,
    overrides: Mapping[str, float] | None = None,
    on_progress: ProgressCallback | None = None,
) -> GoalSeek:
    """The largest (or smallest) value of a figure that a pool covers with given confidence.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    path : str
        The figure to solve for, e.g. ``geometry.front_length_km``.
    pool_personnel : float
        Personnel available. [personnel]
    confidence : float
        Required share of samples with ``requirement <= pool_personnel``. [probability]
    requirement : str
        ``committed`` (default) or ``deployed``.
    search_range : tuple of float, optional
        ``(low, high)`` inside the figure's domain; default: the domain, whose infinite upper
        end is searched by doubling from the figure's median up to :data:`PLAUSIBLE_FACTOR`
        times it.
    samples, seed, sampler
        The samples of the other figures, drawn exactly as ``forcecalc run`` draws them.
    overrides : mapping of str to float, optional
        Other figures set to point values, as ``--set`` does.
    on_progress : callable, optional
        Called as ``on_progress(done, 100)`` as the search narrows: the share of the digits of
        the answer found so far.

    Notes
    -----
    ``g(x) = Q_c(requirement | figure = x) - pool`` with ``Q_c`` the empirical ``c``-quantile
    (inverse empirical CDF, Hyndman & Fan definition 1 [3]_), so ``g(x) <= 0`` exactly when at
    least a share ``c`` of the samples is covered (:func:`covered_needed` of them). With common
    random numbers [2]_ ``g`` is a deterministic function of ``x``, monotonic in every figure
    that can be solved for but not always continuous (a requirement in whole posts, or one
    with no uncertainty left, jumps), so
    Brent's method [1]_ (``scipy.optimize.brentq``) finds the boundary and the answer is moved
    onto its covered side. It is then rounded to :data:`ANSWER_DIGITS` significant digits
    towards the covered side and evaluated once more: the printed number, fed back with
    ``--set``, meets the pool at the stated confidence (more digits are kept if the rounded
    value would not). An infinite domain is searched by doubling, and the search stops early
    once the gap moves away from the pool: the model being monotonic, larger values only
    widen it.

    An ensemble's rule choice and its rules' weights are refused (:func:`check_solvable`): the
    first only picks a rule, and a weight moves the samples from one rule to others, so the
    quantile of the mixture can rise and fall as the weight grows.
    """
    if requirement not in REQUIREMENTS:
        raise UsageError(f"--requirement: got {requirement!r}; expected 'committed' or 'deployed'")
    if not 0.0 < confidence < 1.0:
        raise UsageError(f"--confidence: got {confidence:g}; expected a probability in (0, 1)")
    if not math.isfinite(pool_personnel) or pool_personnel < 0:
        raise UsageError(f"--pool: got {pool_personnel:g}; expected a number of personnel ≥ 0")
    scenario = override(scenario, dict(overrides or {}))
    figure = find_figure(scenario, path, "--solve")
    check_solvable(scenario, path)
    lo, hi = _search_range(scenario, figure, search_range)
    unbounded = math.isinf(hi)
    base = override(scenario, {path: lo})
    drawn = sample(base, samples, seed, sampler)
    values = dict(drawn.values)
    k = covered_needed(confidence, samples) - 1
    track = _Narrowing(on_progress)

    def need(x: float) -> float:
        values[path] = np.float64(x)
        y = np.broadcast_to(getattr(evaluate(base, values), requirement), (samples,))
        return float(np.partition(y, k)[k])

    def gap(x: float) -> float:
        g = need(x) - pool_personnel
        track.seen(x, g)
        return g

    g_lo = gap(lo)
    hi, g_hi, prev, whole = _bracket(figure, lo, hi, g_lo, gap)
    result = dict(
        name=scenario.name,
        path=path,
        unit=figure.unit,
        pool_personnel=float(pool_personnel),
        confidence=confidence,
        requirement=requirement,
        search_range=(lo, hi),
        domain=figure.domain.describe(),
        provenance=build_provenance(scenario, samples, seed, str(drawn.sampler), overrides),
    )
    if (g_lo <= 0) == (g_hi <= 0):
        scope = "searched" if not unbounded else ("beyond" if whole else "plausible")
        covered = g_lo <= 0
        at = lo if g_lo <= g_hi else hi
        track.finish()
        return GoalSeek(
            status="always_covered" if covered else "never_covered",
            value=None,
            bound=None,
            probability=_share_covered(base, values, path, at, requirement, pool_personnel),
            requirement_at_confidence=min(g_lo, g_hi) + pool_personnel,
            depends=g_lo != g_hi,
            evaluations=track.calls,
            at=at,
            scope=scope,
            **result,
        )
    feasible_high = g_hi <= 0
    exact = _solve(gap, prev, hi, feasible_high)
    value = _round_covered(exact, prev, hi, feasible_high, lambda x: gap(x) <= 0)
    track.finish()
    return GoalSeek(
        status="solved",
        value=value,
        bound="smallest" if feasible_high else "largest",
        probability=_share_covered(base, values, path, value, requirement, pool_personnel),
        requirement_at_confidence=need(value),
        depends=True,
        evaluations=track.calls + 1,
        exact_value=exact,
        **result,
    )


class _Narrowing:
    """Counts a root search's evaluations and reports how far its bracket has narrowed."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.calls = 0
        self.below: float | None = None  # largest x seen on the covered side, and so on
        self.points: list[tuple[float, bool]] = []
        self.start_width: float | None = None

    def seen(self, x: float, g: float) -> None:
        self.calls += 1
        self.points.append((x, g <= 0))
        if self.callback is None:
            return
        width = self._width()
        if width is None:
            self.callback(min(self.calls, 10), 100)
            return
        if self.start_width is None:
            self.start_width = width
        digits = math.log(max(self.start_width / max(width, 1e-300), 1.0)) / math.log(1e10)
        self.callback(10 + int(89 * min(digits, 1.0)), 100)

    def _width(self) -> float | None:
        """Width of the narrowest interval between a covered and an uncovered point seen."""
        covered = [x for x, ok in self.points if ok]
        short = [x for x, ok in self.points if not ok]
        if not covered or not short:
            return None
        return min(abs(a - b) for a in covered[-3:] for b in short[-3:]) or 1e-300

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(100, 100)


def _round_covered(
    x: float, a: float, b: float, feasible_high: bool, covered: Callable[[float], bool]
) -> float:
    """``x`` rounded towards the covered side to the fewest digits that stay covered.

    Tries :data:`ANSWER_DIGITS` significant digits first, then more; ``x`` itself (covered)
    if no rounding stays inside ``[a, b]`` and covered.
    """
    lo, hi = min(a, b), max(a, b)
    for digits in range(ANSWER_DIGITS, 18):
        r = round_significant(x, digits, up=feasible_high)
        if r == x:
            return x
        if lo <= r <= hi and covered(r):
            return r
    return x


def round_significant(x: float, digits: int, up: bool) -> float:
    """``x`` rounded up (towards +inf) or down to ``digits`` significant digits.

    The result is the float nearest the rounded decimal, so that printing it with
    ``digits`` significant digits and parsing that back gives the same float.
    """
    if x == 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(abs(x))) - digits + 1
    d = Decimal(x).quantize(
        Decimal(1).scaleb(exponent), rounding=ROUND_CEILING if up else ROUND_FLOOR
    )
    return float(d)


def _search_range(
    scenario: Scenario, figure: Figure, given: tuple[float, float] | None
) -> tuple[float, float]:
    """The interval to search: the one given (checked) or the figure's domain, ends inside.

    The domain's ends are kept within what ``--set`` accepts: the limits of the figure's unit
    (:data:`forcecalc.scenario.format.LIMITS`, e.g. the Earth's circumference for a length) and no
    value
    finer than :data:`forcecalc.scenario.format.SMALLEST` but 0.
    """
    if given is not None:
        lo, hi = given
        if not lo < hi:
            raise UsageError(f"--range: got {lo:g}:{hi:g}; expected LOW:HIGH with LOW < HIGH")
        check_point(scenario, figure.path, lo, "--range")
        check_point(scenario, figure.path, hi, "--range")
        return float(lo), float(hi)
    d = figure.domain
    scale = max(abs(float(figure_values(figure, 0.5))), 1.0)
    lo = d.lower + (1e-9 * scale if d.lower_open else 0.0)
    if lo != 0 and abs(lo) < limits.SMALLEST:
        lo = math.copysign(limits.SMALLEST, lo)
    hi = d.upper - (
        1e-9 * max(abs(d.upper), 1.0) if d.upper_open and math.isfinite(d.upper) else 0.0
    )
    limit = limits.LIMITS.get(figure.unit)
    if limit is not None:
        hi = min(hi, limit.largest)
    return lo, hi


def check_solvable(scenario: Scenario, path: str) -> None:
    """Raise :class:`UsageError` if goal seek cannot solve for the figure at ``path``.

    A refused contributor's pledge stays 0, so there is nothing to solve for.

    An ensemble's ``ensemble.rule_choice`` is a uniform draw that only picks a rule: no value
    of it means anything. A rule's weight ``rules.<id>.weight`` hands the samples of one rule
    to others, so the requirement's quantile is not monotonic in it and a root found for it
    need not be the boundary.
    """
    if path in refused_pledges(scenario):
        raise UsageError(
            f"--solve {path}: got the pledge of a contributor that refused; expected a figure "
            "that can vary (a refused pledge stays 0)"
        )
    if path == rules.RULE_CHOICE:
        raise UsageError(
            f"--solve {path}: got an ensemble's rule choice; expected a figure with a meaning "
            "as a number (the rule choice is a uniform draw that only picks a rule)"
        )
    if path in {rules.weight_path(r) for r in scenario.rules}:
        raise UsageError(
            f"--solve {path}: got a rule's weight; expected a figure the requirement is "
            "monotonic in (a weight moves samples between rules, so the quantile can rise "
            "and fall with it)"
        )


def covered_needed(confidence: float, n: int) -> int:
    """Fewest of ``n`` samples that must be covered for a share of at least ``confidence``.

    ``ceil(confidence n)`` with ``confidence`` taken as the decimal it is written as (its
    shortest ``repr``), exactly: in floating point ``0.56 * 100`` is ``56.00000000000001``,
    whose ceiling would demand 57 of 100 samples.

    Parameters
    ----------
    confidence : float
        The share required, in (0, 1). [probability]
    n : int
        Samples.
    """
    return max(math.ceil(Fraction(repr(float(confidence))) * n), 1)


def _bracket(
    figure: Figure,
    lo: float,
    hi: float,
    g_lo: float,
    gap: Callable[[float], float],
) -> tuple[float, float, float, bool]:
    """``(hi, gap(hi), previous hi, whole domain)``: an infinite ``hi`` is found by doubling.

    Doubling starts at twice the figure's median and stops at a change of sign; when the gap
    moves away from zero (the requirement grows away from the pool: a monotonic model keeps
    it so, the answer holds for the whole domain); when the gap is the same at ``lo`` and at
    two successive doublings (the figure does not enter the requirement); or at
    :data:`PLAUSIBLE_FACTOR` times the median (the answer then holds only up to there).
    """
    if math.isfinite(hi):
        return hi, gap(hi), lo, True
    start = max(abs(float(figure_values(figure, 0.5))), abs(lo), 1.0)
    limit = start * PLAUSIBLE_FACTOR
    prev, x = lo, start * 2.0
    g_prev, g_x = g_lo, gap(x)
    while True:
        if (g_x <= 0) != (g_lo <= 0):
            return x, g_x, prev, True
        if g_x == g_prev == g_lo and prev != lo:
            return x, g_x, prev, True
        if (g_x > g_prev > 0) or (g_x < g_prev and g_prev <= 0):
            return x, g_x, prev, True
        if x >= limit:
            return x, g_x, prev, False
        prev, x, g_prev = x, x * 2.0, g_x
        g_x = gap(x)


def _solve(gap: Callable[[float], float], a: float, b: float, feasible_high: bool) -> float:
    """Brent's root of ``gap`` in ``[a, b]``, moved onto the side where ``gap <= 0``."""
    tol = 1e-10 * max(abs(a), abs(b), 1e-300)
    root = optimize.brentq(gap, a, b, xtol=tol, rtol=1e-12, maxiter=200)
    step = tol
    for _ in range(64):
        if gap(root) <= 0:
            return root
        root = min(root + step, b) if feasible_high else max(root - step, a)
        step *= 2.0
    return b if feasible_high else a


def _share_covered(
    scenario: Scenario,
    values: dict[str, FloatArray],
    path: str,
    x: float,
    requirement: str,
    pool: float,
) -> float:
    values[path] = np.float64(x)
    y = np.asarray(getattr(evaluate(scenario, values), requirement), dtype=float)
    return float(np.mean(y <= pool))


# --------------------------------------------------------------------------------------------
# Chunked runs


def design_chunks(
    d: int, n: int, seed: int, sampler: Sampler | str, chunk: int
) -> Iterator[tuple[int, FloatArray]]:
    """The rows of :func:`forcecalc.core.sampling.unit_design` ``(n, d)``, ``chunk`` rows at a time.

    Yields ``(start, u)`` with ``u`` the rows ``start:start + len(u)``. Concatenated, the
    chunks equal ``unit_design(d, n, seed, sampler)`` bit for bit, whatever ``chunk`` is.

    Notes
    -----
    ``mc``: one generator fills rows in order, so a chunk is the next ``chunk * d`` numbers of
    the stream. ``sobol``: one scrambled Sobol' engine generates points in order (its
    scrambling is drawn once, from the seed). ``lhs`` cannot be chunked: a Latin hypercube's
    strata and permutations depend on ``n``, so it is drawn whole and must fit in one chunk.
    """
    sampler = Sampler(sampler)
    if sampler is Sampler.LHS:
        if n > chunk:
            raise UsageError(
                f"--sampler lhs: got {n:,} samples in chunks of {chunk:,}; expected mc or "
                "sobol for runs of more than one chunk (a Latin hypercube's strata depend on n)"
            )
        yield 0, unit_design(d, n, seed, sampler)
        return
    rng = np.random.default_rng(seed)
    engine = qmc.Sobol(d, scramble=True, rng=rng) if sampler is Sampler.SOBOL and d else None
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        if d == 0:
            u = np.empty((m, 0))
        elif engine is not None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The balance properties")
                u = engine.random(m)
        else:
            u = rng.random((m, d))
        yield start, np.clip(u, _EPS, 1.0 - _EPS)


def check_large_count(n: int, sampler: Sampler) -> None:
    """Raise :class:`UsageError` unless a chunked run can draw ``n`` samples."""
    if not 1 <= n <= MAX_LARGE_SAMPLES:
        raise UsageError(
            f"--samples: got {n}; expected a whole number from 1 to {MAX_LARGE_SAMPLES:,}"
        )
    if sampler is Sampler.SOBOL and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise UsageError(
            f"--samples: got {n}; expected a power of two for the sobol sampler "
            f"(e.g. {lower} or {lower * 2})"
        )


def run_chunked(
    scenario: Scenario,
    samples: int = 10_000_000,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.MC,
    overrides: Mapping[str, float] | None = None,
    chunk_samples: int = DEFAULT_CHUNK,
    on_progress: ProgressCallback | None = None,
) -> RunResult:
    """:func:`forcecalc.run` for many samples, sampled and evaluated ``chunk_samples`` at a time.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    samples : int
        Number of samples, up to :data:`MAX_LARGE_SAMPLES` (a power of two for ``sobol``).
    seed : int
        Seed; the result does not depend on ``chunk_samples``.
    sampler : Sampler or str
        ``mc`` (default) or ``sobol``; ``lhs`` only when ``samples <= chunk_samples``.
    overrides : mapping of str to float, optional
        Figures set to point values, as ``--set`` does.
    chunk_samples : int
        Samples sampled and evaluated at once.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each chunk.

    Returns
    -------
    RunResult
        As :func:`forcecalc.run` returns, equal to it for the same seed and sampler; only
        ``samples.values`` is empty (the inputs are not kept).

    Notes
    -----
    The design is generated chunk by chunk exactly as :func:`design_chunks` describes, so a
    chunked run equals an unchunked one bit for bit. The outputs are kept whole (exact
    percentiles need every value): about 8 bytes per sample per output that varies, ~1 GB for
    10 million samples of the default scenario, plus one chunk's working arrays.
    """

    sampler = Sampler(sampler)
    check_large_count(samples, sampler)
    check_seed(seed)
    if chunk_samples < 1:
        raise UsageError(f"--chunk: got {chunk_samples}; expected a whole number ≥ 1")
    overrides = dict(overrides or {})
    scenario = override(scenario, overrides)
    figures = list(scenario.figures.values())
    store: dict[str, FloatArray | np.float64] = {}
    for start, u in design_chunks(len(figures), samples, seed, sampler, chunk_samples):
        values = {f.path: figure_values(f, u[:, j]) for j, f in enumerate(figures)}
        with np.errstate(over="ignore", invalid="ignore"):  # check_finite reports it
            chunk = evaluate(scenario, values)
        check_finite(scenario, values, chunk)
        _store(store, _flatten(chunk), start, len(u), samples)
        if on_progress is not None:
            on_progress(start + len(u), samples)
    outcome = _unflatten(store)
    provenance = build_provenance(scenario, samples, seed, sampler, overrides)
    drawn = Samples(values={}, n=samples, seed=seed, sampler=sampler)
    return RunResult(scenario, drawn, outcome, summarize(outcome, samples), provenance)


def _flatten(outcome: Outcome) -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in vars(outcome).items():
        if isinstance(value, Mapping):
            flat.update({f"{name}.{k}": v for k, v in value.items()})
        elif value is not None:
            flat[name] = value
    return flat


def _store(
    store: dict[str, FloatArray | np.float64],
    flat: Mapping[str, object],
    start: int,
    m: int,
    n: int,
) -> None:
    """Copy one chunk's outputs into whole-run arrays; outputs that never vary stay scalars."""
    for key, value in flat.items():
        arr = np.asarray(value, dtype=float)
        if key not in store:
            store[key] = np.float64(arr) if arr.ndim == 0 else np.empty(n)
        held = store[key]
        if np.ndim(held) == 0:
            if arr.ndim == 0:
                continue
            store[key] = held = np.full(n, held)
        held[start : start + m] = arr


def _unflatten(store: Mapping[str, FloatArray | np.float64]) -> Outcome:
    fields: dict[str, object] = {"by_task": {}, "by_category": {}, "by_rule": {}}
    for key, value in store.items():
        head, _, rest = key.partition(".")
        if rest:
            fields[head][rest] = value  # type: ignore[index]
        else:
            fields[key] = value
    return Outcome(**fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Progress


class Progress:
    """A one-line progress bar on a terminal, shown once a task has run ``delay_s`` seconds.

    Call it as ``progress(done, total)``; :meth:`close`, or leaving a ``with`` block, ends the
    line. Nothing is written when
    ``stream`` is not a terminal, so pipes, files and CI logs stay clean. With ``counts=False``
    only the percentage is shown (for work measured in steps rather than samples).
    """

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        delay_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        counts: bool = True,
    ) -> None:
        self.label = label
        self.counts = counts
        self.stream = stream if stream is not None else sys.stderr
        self.delay_s = delay_s
        self.clock = clock
        self.started = clock()
        self.shown = False
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        elapsed = self.clock() - self.started
        if not self.enabled or elapsed < self.delay_s:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "." * (width - filled)
        count = f" {done:,}/{total:,}" if self.counts else ""
        self.stream.write(
            f"\r{self.label} [{bar}] {done / max(total, 1):4.0%}{count} {elapsed:.0f} s"
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
