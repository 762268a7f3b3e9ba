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
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from forcecalc.analysis.against import (
    AGAINST,
    SUPPLY_OUTPUTS,
    Comparison,
    comparison,
    supply_coverage,
)
from forcecalc.analysis.goal_search import (
    ANSWER_DIGITS,
    PLAUSIBLE_FACTOR,
    Narrowing,
    bracket,
    covered_needed,
    round_covered,
    round_significant,
    solve_root,
)
from forcecalc.analysis.threshold import default_requirement
from forcecalc.calibration import rules
from forcecalc.core import limits, sustainment
from forcecalc.core.backstop import check_results
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import Outcome, evaluate
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
from forcecalc.core.summary import probability_at_least
from forcecalc.core.timeline import check_not_timeline

__all__ = ["ANSWER_DIGITS", "PLAUSIBLE_FACTOR", "covered_needed", "round_significant"]

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

#: Requirements a pool can be compared with.
REQUIREMENTS = ("committed", "deployed")
#: Supplies a goal compares with besides a number: the pledges or the pool, as ``run`` does.
SUPPLIES = tuple(AGAINST)


@dataclass(frozen=True)
class GoalSeek:
    """The boundary value of a figure at which a pool still covers the requirement.

    Attributes
    ----------
    path, unit : str
        The figure solved for and its unit.
    pool_personnel : float or None
        Personnel available; None when the goal compares with the pledges or the pool
        (``against``). [personnel]
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
    against : str
        ``pledged`` or ``pool`` when the goal compares with the scenario's pledges or pool as
        ``forcecalc run`` does (``probability`` is then run's ``P(pledges suffice)`` or
        ``P(pool suffices)`` with the figure at ``value``); empty against a number.
    compared_with : str
        With ``against``, which requirement is compared, e.g. ``pledged vs deployed of
        military`` (``covers``) or ``pledged vs deployed (whole force)``; empty otherwise.
    coverage_at_confidence : float or None
        With ``against``: the coverage reached in a share ``confidence`` of the samples (its
        ``1 - confidence`` quantile), at ``value`` or ``at``. [ratio]
    """

    name: str
    path: str
    unit: str
    pool_personnel: float | None
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
    against: str = ""
    compared_with: str = ""
    coverage_at_confidence: float | None = None

    @property
    def answer(self) -> str:
        """The printed value, as ``--set`` takes it back (no thousands separators)."""
        return "none" if self.value is None else f"{self.value:.{ANSWER_DIGITS}g}"

    def describe(self) -> str:
        """The answer in one sentence."""
        if self.against:
            return self._describe_against()
        pool = f"{self.pool_personnel:,.0f}"
        level = f"{self.confidence:.0%}"
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
        where, at = self._where()
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

    def _where(self) -> tuple[str, str]:
        """Where an unsolved goal's answer holds, and the end nearest a solution."""
        lo, hi = self.search_range
        where = f"every {self.path} in [{lo:,.6g}, {hi:,.6g}] {self.unit}"
        if self.scope == "beyond":
            where += " and beyond (the requirement only moves away from the pool)"
        elif self.scope == "plausible":
            where += f" (searched up to {PLAUSIBLE_FACTOR:,}× its median; no limit beyond)"
        at = f"{self.at:,.6g} {self.unit}" if self.at is not None else "the range's best end"
        return where, at

    def _describe_against(self) -> str:
        """The answer in one sentence, against the pledges or the pool."""
        who = "the pledges" if self.against == "pledged" else "the pool"
        what = f"the requirement ({self.compared_with})"
        level = f"{self.confidence:.0%}"
        if self.status == "solved":
            return (
                f"{self.bound} {self.path} at which {who} cover {what} with {level} "
                f"confidence: {self.answer} {self.unit}"
            )
        state = "cover" if self.status == "always_covered" else "never cover"
        if not self.depends:
            return (
                f"no solution: whether {who} cover {what} does not depend on {self.path}; "
                f"they {state} it with {level} confidence"
            )
        where, at = self._where()
        text = f"no solution: {who} {state} {what} with {level} confidence for {where}"
        if self.status == "always_covered":
            return text + "; this figure does not limit them"
        cover = self.coverage_at_confidence
        shown = "none" if cover is None else f"{cover:.3g}"
        return f"{text}; at best, at {at}, the coverage reached in {level} of samples is {shown}"


def goal_seek(
    scenario: Scenario,
    path: str,
    pool_personnel: float | str,
    confidence: float = 0.8,
    requirement: str | None = None,
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
    pool_personnel : float or str
        Personnel available [personnel]; or ``pledged`` or ``pool``: the scenario's pledges or
        pool, compared with the requirement exactly as ``forcecalc run`` compares them (only
        the pledges delivered in each sample, each compared with the requirement of the
        categories it ``covers``; :mod:`forcecalc.analysis.against`).
    confidence : float
        Required share of samples covered: ``requirement <= pool_personnel``, or run's
        coverage ≥ 1 against the pledges or the pool. [probability]
    requirement : str, optional
        ``committed`` or ``deployed``; default: the pledges' basis against the pledges,
        ``deployed`` against the pool, ``committed`` against a number
        (:func:`forcecalc.analysis.threshold.default_requirement`).
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
        Naming the parameter (``pool_personnel``; ``supply`` for pledges or a pool the
        scenario does not have; ``confidence``, ``requirement``, ``path``,
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

    Against the pledges or the pool, ``g(x)`` is the ``1 - c`` quantile of each sample's
    shortfall ``1 - coverage`` (:class:`_Gap`), so ``g(x) <= 0`` exactly when run's
    ``P(pledges suffice)`` (or ``P(pool suffices)``) with ``--set figure=x`` is at least ``c``:
    ``probability`` is that share at the answer. A pledge's ``delivery_probability`` can be
    solved for (the smallest that suffices); its delivery draw cannot.

    An ensemble's rule choice and its rules' weights are refused (:func:`check_solvable`): the
    first only picks a rule, and a weight moves the samples from one rule to others, so the
    quantile of the mixture can rise and fall as the weight grows.
    """
    requirement = requirement or default_requirement(scenario, pool_personnel)
    check_goal(pool_personnel, confidence, requirement)
    scenario = override(scenario, dict(overrides or {}))
    compared = None
    if isinstance(pool_personnel, str):
        compared = comparison(scenario, pool_personnel, requirement, "supply")
    figure = find_figure(scenario, path, "path")
    check_solvable(scenario, path)
    lo, hi = _search_range(scenario, figure, search_range)
    unbounded = math.isinf(hi)
    base = override(compared.scenario if compared else scenario, {path: lo})
    drawn = sample(base, samples, seed, sampler)
    k = covered_needed(confidence, samples) - 1
    track = Narrowing(on_progress)
    values = dict(drawn.values)
    gap = _Gap(base, values, path, requirement, samples, k, pool_personnel, compared, track)
    g_lo = gap(lo)
    hi, g_hi, prev, whole = bracket(figure, lo, hi, g_lo, gap)
    result = dict(
        name=scenario.name,
        path=path,
        unit=figure.unit,
        pool_personnel=None if compared else float(pool_personnel),
        confidence=confidence,
        requirement=requirement,
        search_range=(lo, hi),
        domain=figure.domain.describe(),
        provenance=build_provenance(scenario, samples, seed, str(drawn.sampler), overrides),
        against=compared.supply if compared else "",
        compared_with=compared.describe if compared else "",
    )
    if (g_lo <= 0) == (g_hi <= 0):
        scope = "searched" if not unbounded else ("beyond" if whole else "plausible")
        track.finish()
        at = lo if g_lo <= g_hi else hi
        unsolved = _unsolved(g_lo, g_hi, at, gap)
        return GoalSeek(**unsolved, evaluations=track.calls, scope=scope, **result)
    feasible_high = g_hi <= 0
    exact = solve_root(gap, prev, hi, feasible_high)
    value = round_covered(exact, prev, hi, feasible_high, lambda x: gap(x) <= 0)
    track.finish()
    return GoalSeek(
        status="solved",
        value=value,
        bound="smallest" if feasible_high else "largest",
        probability=gap.share(value),
        requirement_at_confidence=gap.need(value),
        depends=True,
        evaluations=track.calls + 1,
        exact_value=exact,
        coverage_at_confidence=gap.coverage_at(value),
        **result,
    )


class _Gap:
    """``g(x)`` of a goal seek: ``g <= 0`` exactly where a share ``c`` of the samples is
    covered with the figure at ``x``, and what is reported at a point.

    Against a number ``pool`` of personnel, ``g = Q_c(requirement) - pool``. Against the
    pledges or the pool (``compared``), each sample's shortfall is ``1 - coverage`` of
    ``forcecalc run`` (:func:`forcecalc.analysis.against.supply_coverage`; clipped at -1, a
    coverage of 2 or more, so that an infinite coverage stays finite for the root finder), and
    ``g`` its ``k``-th smallest: ``g <= 0`` where at least ``k + 1`` samples have coverage ≥ 1.
    """

    def __init__(
        self,
        base: Scenario,
        values: dict[str, Any],
        path: str,
        requirement: str,
        samples: int,
        k: int,
        pool: float | str,
        compared: Comparison | None,
        track: Narrowing,
    ) -> None:
        self.base, self.values, self.path, self.requirement = base, values, path, requirement
        self.n, self.k, self.pool, self.compared, self.track = samples, k, pool, compared, track

    def outcome(self, x: float, outputs: tuple[str, ...] | None = None) -> Outcome:
        """The model at ``x``: the ``outputs`` named (all if None, :func:`evaluate`)."""
        self.values[self.path] = np.float64(x)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return evaluate(self.base, self.values, outputs)

    def _quantile(self, y: Any) -> float:
        """The ``k``-th smallest of ``y`` over the samples."""
        return float(np.partition(np.broadcast_to(y, (self.n,)), self.k)[self.k])

    def coverage(self, x: float) -> FloatArray:
        """Run's coverage of the comparison at ``x``. [ratio]"""
        outcome = self.outcome(x, SUPPLY_OUTPUTS)
        return supply_coverage(cast(Comparison, self.compared), outcome, self.values)

    def need(self, x: float) -> float:
        """The requirement's ``c``-quantile at ``x``. [personnel]"""
        return self._quantile(getattr(self.outcome(x, (self.requirement,)), self.requirement))

    def __call__(self, x: float) -> float:
        if self.compared is None:
            g = self.need(x) - float(self.pool)
        else:
            g = self._quantile(np.maximum(1.0 - self.coverage(x), -1.0))
        self.track.seen(x, g)
        return g

    def coverage_at(self, x: float) -> float | None:
        """The coverage reached in a share ``c`` of the samples at ``x`` (its ``k``-th
        largest), against the pledges or the pool; None against a number. [ratio]"""
        if self.compared is None:
            return None
        return -self._quantile(-self.coverage(x))

    def share(self, x: float) -> float:
        """Share of the samples covered at ``x``, the point reported, with its results checked
        there (:func:`forcecalc.core.backstop.check_results`; the search itself may pass
        through results beyond the limits, which count as not covered)."""
        outcome = self.outcome(x)
        what = f"the goal's answer ({self.path}={x:g})"
        check_results(self.base, named_results(outcome), what)
        if self.compared is not None:  # exactly run's P(pledges suffice) / P(pool suffices)
            coverage = supply_coverage(self.compared, outcome, self.values)
            return probability_at_least(coverage, 1.0, self.n)
        y = np.asarray(getattr(outcome, self.requirement), dtype=float)
        return float(np.mean(y <= float(self.pool)))


def check_goal(pool_personnel: float | str, confidence: float, requirement: str) -> None:
    """Raise :class:`ParameterError` unless the pool, confidence and requirement of a goal seek
    can be used: a finite pool ≥ 0 or one of :data:`SUPPLIES`, a confidence in (0, 1), a
    requirement in :data:`REQUIREMENTS`."""
    if requirement not in REQUIREMENTS:
        raise ParameterError("requirement", f"{requirement!r}", "'committed' or 'deployed'")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", f"{confidence:g}", "a probability in (0, 1)")
    if isinstance(pool_personnel, str):
        if pool_personnel not in SUPPLIES:
            expected = f"a number of personnel ≥ 0, or one of {', '.join(SUPPLIES)}"
            raise ParameterError("pool_personnel", repr(pool_personnel), expected)
        return
    if not math.isfinite(pool_personnel) or pool_personnel < 0:
        raise ParameterError("pool_personnel", f"{pool_personnel:g}", "a number of personnel ≥ 0")


def _unsolved(g_lo: float, g_hi: float, at: float, gap: _Gap) -> dict[str, Any]:
    """The fields of a goal seek without a solution: the supply covers the requirement over the
    whole range (``g <= 0`` at both ends) or nowhere, measured at ``at``, the end nearest a
    solution, with ``g_lo`` and ``g_hi`` the gaps at the ends (:class:`_Gap`). [personnel]"""
    # against a number, the requirement's quantile is the gap plus the pool
    need = min(g_lo, g_hi) + float(gap.pool) if gap.compared is None else gap.need(at)
    return {
        "status": "always_covered" if g_lo <= 0 else "never_covered",
        "value": None,
        "bound": None,
        "probability": gap.share(at),
        "requirement_at_confidence": need,
        "depends": g_lo != g_hi,
        "at": at,
        "coverage_at_confidence": gap.coverage_at(at),
    }


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
    check_not_timeline(path, "path", "goal")
    if path in refused_pledges(scenario):
        raise ParameterError(
            "path",
            "the pledge of a contributor that refused",
            "a figure that can vary (a refused pledge stays 0)",
            detail=path,
        )
    if path in sustainment.delivery_draws(scenario):
        raise ParameterError(
            "path",
            "a pledge's delivery draw",
            "a figure with a meaning as a number (the draw only decides, per sample, whether "
            "the pledge is delivered; solve for its delivery_probability instead)",
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
