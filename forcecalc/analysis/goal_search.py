"""The root search of a goal seek: bracketing, Brent's method, rounding, and progress.

:func:`forcecalc.analysis.goal.goal_seek` solves ``gap(x) <= 0`` for a figure ``x``, where
``gap`` is a quantile over samples drawn once (common random numbers), so a deterministic,
monotonic but not always continuous function of ``x``.

References
----------
.. [1] Brent, R. P. (1973). *Algorithms for Minimization without Derivatives*, ch. 4.
   Prentice-Hall (the root finder behind ``scipy.optimize.brentq``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

from forcecalc.core.sampling import figure_values
from forcecalc.core.scenario import Figure

ProgressCallback = Callable[[int, int], None]

#: Significant digits of a goal's printed answer.
ANSWER_DIGITS = 6
#: An infinite upper end of a figure's domain is searched up to this many times its median.
PLAUSIBLE_FACTOR = 1024


class Narrowing:
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


def round_covered(
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


def bracket(
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


def solve_root(gap: Callable[[float], float], a: float, b: float, feasible_high: bool) -> float:
    """Brent's root of ``gap`` in ``[a, b]``, moved onto the side where ``gap <= 0``."""
    from scipy import optimize  # lazy: scipy.optimize costs ~0.1 s at start-up

    tol = 1e-10 * max(abs(a), abs(b), 1e-300)
    root = optimize.brentq(gap, a, b, xtol=tol, rtol=1e-12, maxiter=200)
    step = tol
    for _ in range(64):
        if gap(root) <= 0:
            return root
        root = min(root + step, b) if feasible_high else max(root - step, a)
        step *= 2.0
    return b if feasible_high else a
