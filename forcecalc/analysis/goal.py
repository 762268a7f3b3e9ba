"""Goal seek: the largest (or smallest) value of a figure that a pool of personnel covers.

Common random numbers: the other figures keep the samples ``forcecalc run`` draws for the same
seed, so the requirement's quantile is a deterministic function of the figure solved for, and
Brent's method finds its boundary.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from forcecalc.analysis.finite import check_results
from forcecalc.calibration import rules
from forcecalc.core import limits
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.runner import (
    check_point,
    find_figure,
    named_results,
    override,
    refused_pledges,
)
from forcecalc.core.sampling import (
    DEFAULT_SAMPLER,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    figure_values,
    sample,
)
from forcecalc.core.scenario import Figure, Scenario

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

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
    sampler: Sampler | str = DEFAULT_SAMPLER,
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

    Raises
    ------
    ParameterError
        Naming the parameter (``pool_personnel``, ``confidence``, ``requirement``, ``path``,
        ``search_range``, or ``overrides``, ``samples``, ``seed`` as
        :func:`forcecalc.core.runner.run` does) whose value cannot be used.

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
    check_goal(pool_personnel, confidence, requirement)
    scenario = override(scenario, dict(overrides or {}))
    figure = find_figure(scenario, path, "path")
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
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
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
        track.finish()
        at = lo if g_lo <= g_hi else hi
        share = _share_covered(base, values, path, at, requirement, pool_personnel)
        unsolved = _unsolved(g_lo, g_hi, at, share, pool_personnel)
        return GoalSeek(**unsolved, evaluations=track.calls, scope=scope, **result)
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


def check_goal(pool_personnel: float, confidence: float, requirement: str) -> None:
    """Raise :class:`ParameterError` unless the pool, confidence and requirement of a goal seek
    can be used: a finite pool ≥ 0, a confidence in (0, 1), a requirement in
    :data:`REQUIREMENTS`."""
    if requirement not in REQUIREMENTS:
        raise ParameterError("requirement", f"{requirement!r}", "'committed' or 'deployed'")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", f"{confidence:g}", "a probability in (0, 1)")
    if not math.isfinite(pool_personnel) or pool_personnel < 0:
        raise ParameterError("pool_personnel", f"{pool_personnel:g}", "a number of personnel ≥ 0")


def _unsolved(
    g_lo: float, g_hi: float, at: float, share: float, pool_personnel: float
) -> dict[str, Any]:
    """The fields of a goal seek without a solution: the pool covers the requirement over the
    whole range (``g <= 0`` at both ends) or nowhere, measured at ``at``, the end nearest a
    solution (``share`` of the samples covered there), with ``g_lo`` and ``g_hi`` the gaps
    ``requirement quantile - pool`` at the ends. [personnel]"""
    return {
        "status": "always_covered" if g_lo <= 0 else "never_covered",
        "value": None,
        "bound": None,
        "probability": share,
        "requirement_at_confidence": min(g_lo, g_hi) + pool_personnel,
        "depends": g_lo != g_hi,
        "at": at,
    }


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

    The domain's ends are kept within what an override accepts: the limits of the figure's unit
    (:data:`forcecalc.core.limits.LIMITS`, e.g. the Earth's circumference for a length) and no
    value finer than :data:`forcecalc.core.limits.SMALLEST` but 0.
    """
    if given is not None:
        lo, hi = given
        if not lo < hi:
            raise ParameterError("search_range", f"{lo:g}:{hi:g}", "LOW:HIGH with LOW < HIGH")
        check_point(scenario, figure.path, lo, "search_range")
        check_point(scenario, figure.path, hi, "search_range")
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
    """Raise :class:`ParameterError` (``path``) if goal seek cannot solve for the figure at
    ``path``.

    A refused contributor's pledge stays 0, so there is nothing to solve for.

    An ensemble's ``ensemble.rule_choice`` is a uniform draw that only picks a rule: no value
    of it means anything. A rule's weight ``rules.<id>.weight`` hands the samples of one rule
    to others, so the requirement's quantile is not monotonic in it and a root found for it
    need not be the boundary.
    """
    if path in refused_pledges(scenario):
        raise ParameterError(
            "path",
            "the pledge of a contributor that refused",
            "a figure that can vary (a refused pledge stays 0)",
            detail=path,
        )
    if path == rules.RULE_CHOICE:
        raise ParameterError(
            "path",
            "an ensemble's rule choice",
            "a figure with a meaning as a number (the rule choice is a uniform draw that only "
            "picks a rule)",
            detail=path,
        )
    if path in {rules.weight_path(r) for r in scenario.rules}:
        raise ParameterError(
            "path",
            "a rule's weight",
            "a figure the requirement is monotonic in (a weight moves samples between rules, "
            "so the quantile can rise and fall with it)",
            detail=path,
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
    """Share of the samples the pool covers with the figure at ``x``: the point reported, so
    its results are checked there (:func:`forcecalc.analysis.finite.check_results`; the
    search itself may pass through results beyond the limits, which count as not covered)."""
    values[path] = np.float64(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        outcome = evaluate(scenario, values)
    check_results(scenario, named_results(outcome), f"the goal's answer ({path}={x:g})")
    y = np.asarray(getattr(outcome, requirement), dtype=float)
    return float(np.mean(y <= pool))
