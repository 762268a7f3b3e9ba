"""Uncertain quantities as specifications, sampled later by inverse transform.

A specification is a small frozen dataclass. Nothing here draws random numbers: the sampler
(:mod:`forcecalc.core.sampling`) draws uniform points ``u`` in (0, 1) and each specification maps
them to values through its quantile function, truncated to the domain of the figure it
describes (a share cannot exceed 1, a count cannot be negative).

References
----------
.. [1] Squiggle and Guesstimate read ``low to high`` as a 90% interval, lognormal when
   ``low > 0``, normal otherwise. https://www.squiggle-language.com/docs/Api/Dist
.. [2] Vose, D. (2008). *Risk Analysis: A Quantitative Guide*, 3rd ed., Wiley, ch. 9
   (PERT as a scaled beta with shape weight 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: z-score of the 95th percentile: a 90% interval spans +/- this many standard deviations
#: (``scipy.special.ndtri(0.95)``, a test holds it there; written out so that importing the
#: model does not load scipy.special, ~2× numpy's own import time, for ``--help``).
Z90 = 1.6448536269514722

FloatArray = NDArray[np.float64]


class Distribution(Protocol):
    """What every uncertain-quantity specification offers."""

    def cdf(self, x: ArrayLike) -> FloatArray: ...
    def ppf(self, u: ArrayLike) -> FloatArray: ...
    def describe(self) -> str: ...
    def support(self) -> tuple[float, float]: ...


@dataclass(frozen=True)
class Point:
    """A figure known exactly (or taken as exact)."""

    value: float

    def cdf(self, x: ArrayLike) -> FloatArray:
        return np.where(np.asarray(x, dtype=float) >= self.value, 1.0, 0.0)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.full(np.shape(u), self.value, dtype=float)

    def describe(self) -> str:
        return f"{self.value:g}"

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)


@dataclass(frozen=True)
class Normal:
    """Normal distribution with mean ``mean`` and standard deviation ``sd``."""

    mean: float
    sd: float

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        return special.ndtr((np.asarray(x, dtype=float) - self.mean) / self.sd)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        x = special.ndtri(np.asarray(u, dtype=float))  # then in place: mean + sd * z
        x *= self.sd
        x += self.mean
        return x

    def describe(self) -> str:
        return f"{family_of(self).name}(mean={self.mean:g}, sd={self.sd:g})"

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)


@dataclass(frozen=True)
class LogNormal:
    """Lognormal distribution: ``log(X)`` is normal with median ``log(median)`` and sd ``sigma``."""

    median: float
    sigma: float

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.log(np.maximum(x, 0.0)) - math.log(self.median)) / self.sigma
        return special.ndtr(z)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        x = special.ndtri(np.asarray(u, dtype=float))  # then in place: median * exp(sigma * z)
        x *= self.sigma
        x = np.exp(x, out=x) if isinstance(x, np.ndarray) else np.exp(x)
        x *= self.median
        return x

    def describe(self) -> str:
        return f"{family_of(self).name}(median={self.median:g}, sigma={self.sigma:g})"

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Uniform:
    """Uniform distribution on [low, high]."""

    low: float
    high: float

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=float)
        return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)

    def ppf(self, u: ArrayLike) -> FloatArray:
        x = np.multiply(self.high - self.low, u, dtype=float)  # then in place: low + span * u
        x += self.low
        return x

    def describe(self) -> str:
        return f"{family_of(self).name}({self.low:g}, {self.high:g})"

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Triangular:
    """Triangular distribution on [low, high] with its peak at ``mode``."""

    low: float
    mode: float
    high: float

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = np.clip(np.asarray(x, dtype=float), self.low, self.high)
        a, c, b = self.low, self.mode, self.high
        with np.errstate(divide="ignore", invalid="ignore"):
            left = (x - a) ** 2 / ((b - a) * (c - a))
            right = 1.0 - (b - x) ** 2 / ((b - a) * (b - c))
        return np.where(x <= c, np.nan_to_num(left), np.nan_to_num(right, nan=1.0))

    def ppf(self, u: ArrayLike) -> FloatArray:
        u = np.asarray(u, dtype=float)
        a, c, b = self.low, self.mode, self.high
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u <= split, left, right)

    def describe(self) -> str:
        return f"{family_of(self).name}({self.low:g}, {self.mode:g}, {self.high:g})"

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Pert:
    """PERT distribution: a beta on [low, high] whose mode is ``mode`` (shape weight 4) [2]_."""

    low: float
    mode: float
    high: float

    @property
    def _shapes(self) -> tuple[float, float]:
        span = self.high - self.low
        alpha = 1.0 + 4.0 * (self.mode - self.low) / span
        beta = 1.0 + 4.0 * (self.high - self.mode) / span
        return alpha, beta

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        alpha, beta = self._shapes
        t = np.clip((np.asarray(x, dtype=float) - self.low) / (self.high - self.low), 0.0, 1.0)
        return special.betainc(alpha, beta, t)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy import special  # lazy: ~2× numpy's import time; --help and validate need none

        alpha, beta = self._shapes
        t = special.betaincinv(alpha, beta, np.asarray(u, dtype=float))
        return self.low + (self.high - self.low) * t

    def describe(self) -> str:
        return f"{family_of(self).name}({self.low:g}, {self.mode:g}, {self.high:g})"

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Interval90:
    """A 90% interval ``low`` to ``high``: lognormal when ``low > 0``, normal otherwise [1]_.

    Notes
    -----
    Lognormal: ``median = sqrt(low * high)``, ``sigma = ln(high / low) / (2 z)``;
    normal: ``mean = (low + high) / 2``, ``sd = (high - low) / (2 z)``; ``z = 1.6449``.
    """

    low: float
    high: float

    @property
    def inner(self) -> LogNormal | Normal:
        if self.low > 0:
            sigma = math.log(self.high / self.low) / (2.0 * Z90)
            return LogNormal(math.sqrt(self.low * self.high), sigma)
        return Normal((self.low + self.high) / 2.0, (self.high - self.low) / (2.0 * Z90))

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self.inner.cdf(x)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.inner.ppf(u)

    def describe(self) -> str:
        kind = family_of(self.inner).name
        return f"{self.low:g} to {self.high:g} (90% interval, {kind})"

    def support(self) -> tuple[float, float]:
        return self.inner.support()


@dataclass(frozen=True)
class Family:
    """One family of distribution, declared once for the reader, the writer and the app.

    Parameters
    ----------
    name : str or None
        The family's name as a scenario writes it after ``dist:`` (``"pert"``); ``None`` for
        :class:`Point` and :class:`Interval90`, which a figure states without ``dist:``.
    cls : type
        The specification's class; its fields are the family's parameters, in order.
    label : str
        A short human label of the family, as the app shows it (``"PERT (low, mode, high)"``).
    """

    name: str | None
    cls: type
    label: str

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names, in order: the keys a figure of this family gives."""
        return tuple(f.name for f in fields(self.cls))


#: Every family of distribution: those stated without ``dist:``, then the named ones in the
#: order the format lists them.
FAMILIES: tuple[Family, ...] = (
    Family(None, Point, "point"),
    Family(None, Interval90, "90% interval"),
    Family("uniform", Uniform, "uniform"),
    Family("triangular", Triangular, "triangular"),
    Family("pert", Pert, "PERT (low, mode, high)"),
    Family("normal", Normal, "normal"),
    Family("lognormal", LogNormal, "lognormal"),
)

_FAMILY_OF: dict[type, Family] = {f.cls: f for f in FAMILIES}


def family_of(dist: object) -> Family:
    """The :class:`Family` of a specification (or of a specification's class).

    Raises
    ------
    KeyError
        For an object of no declared family.
    """
    return _FAMILY_OF[dist if isinstance(dist, type) else type(dist)]


def truncated_ppf(dist: Distribution, u: ArrayLike, lower: float, upper: float) -> FloatArray:
    """Quantile function of ``dist`` truncated to ``[lower, upper]``.

    Parameters
    ----------
    dist : Distribution
        The untruncated specification.
    u : array_like
        Uniform points in (0, 1).
    lower, upper : float
        The figure's domain; infinite bounds leave that side untouched.

    Notes
    -----
    ``x = F^-1(F(lower) + u (F(upper) - F(lower)))``: exact truncation, so sampling stays a
    single vectorized inverse transform.
    """
    u = np.asarray(u, dtype=float)
    lo_dist, hi_dist = dist.support()
    if lower <= lo_dist and upper >= hi_dist:
        return dist.ppf(u)
    f_lo = float(dist.cdf(lower)) if math.isfinite(lower) else 0.0
    f_hi = float(dist.cdf(upper)) if math.isfinite(upper) else 1.0
    values = dist.ppf(f_lo + u * (f_hi - f_lo))
    return np.clip(values, lower, upper)
