"""The pure density formulas of the sizing rules and the mixture that combines them.

A rule turns a geometry into a requirement by one density: personnel per km of line, per km²
of buffer or per 1,000 inhabitants, or posts every so many km with a crew each. These formulas
are vectorized and know nothing of where a density comes from: the catalogue of rules drawn
from past missions and doctrine is :mod:`forcecalc.calibration.rules`.

The ensemble is a sample-level mixture: sample ``i`` takes the requirement of the rule whose
share of the cumulative weights holds a uniform draw ``rule_choice[i]``. With a stratified
(Latin hypercube) draw each rule gets its weight's share of the samples, and rules that disagree
widen the band instead of being averaged away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core.errors import UsageError
from forcecalc.core.scenario import Figure

FloatArray = NDArray[np.float64]

#: Figure path of the ensemble's uniform draw that picks a rule for each sample.
RULE_CHOICE = "ensemble.rule_choice"


class RuleBasis(StrEnum):
    """What a rule's density multiplies."""

    PER_KM = "per_km"
    PER_KM2 = "per_km2"
    PER_1000 = "per_1000"
    POSTS = "posts"


#: The geometry each basis needs: a line, an area, or a population.
NEEDS: dict[RuleBasis, str] = {
    RuleBasis.PER_KM: "line_length_km",
    RuleBasis.PER_KM2: "area_km2",
    RuleBasis.PER_1000: "population",
    RuleBasis.POSTS: "line_length_km",
}

#: Figure names of each basis.
RULE_FIGURES: dict[RuleBasis, tuple[str, ...]] = {
    RuleBasis.PER_KM: ("rate",),
    RuleBasis.PER_KM2: ("rate",),
    RuleBasis.PER_1000: ("rate",),
    RuleBasis.POSTS: ("spacing_km", "crew"),
}


def rule_path(rule_id: str, name: str) -> str:
    """Figure path of a rule's figure: ``rules.<rule id>.<name>``."""
    return f"rules.{rule_id}.{name}"


def weight_path(rule_id: str) -> str:
    """Figure path of a rule's weight in an ensemble: ``rules.<rule id>.weight``."""
    return rule_path(rule_id, "weight")


def basis_of(rule_id: str) -> RuleBasis:
    """The basis a rule id ends with: ``ifor.per_km`` → ``per_km``.

    Raises
    ------
    ValueError
        For an id that does not end with a basis.
    """
    return RuleBasis(rule_id.rsplit(".", 1)[-1])


# --------------------------------------------------------------------------------------------
# Pure, vectorized requirements


def per_km_requirement(rate_troops_per_km: ArrayLike, line_length_km: ArrayLike) -> FloatArray:
    """Personnel for a density per km of line. [personnel]

    Parameters
    ----------
    rate_troops_per_km : array_like
        Personnel per km. [troops_per_km]
    line_length_km : array_like
        Length of the line. [km]
    """
    return np.multiply(rate_troops_per_km, line_length_km, dtype=float)


def per_km2_requirement(rate_troops_per_km2: ArrayLike, area_km2: ArrayLike) -> FloatArray:
    """Personnel for a density per km² of buffer or security zone. [personnel]

    Parameters
    ----------
    rate_troops_per_km2 : array_like
        Personnel per km². [troops_per_km2]
    area_km2 : array_like
        Area. [km2]
    """
    return np.multiply(rate_troops_per_km2, area_km2, dtype=float)


def per_1000_requirement(rate_troops_per_1000: ArrayLike, population: ArrayLike) -> FloatArray:
    """Personnel for a ratio per 1,000 inhabitants [1]_ [2]_. [personnel]

    Parameters
    ----------
    rate_troops_per_1000 : array_like
        Personnel per 1,000 inhabitants. [troops_per_1000]
    population : array_like
        People living in the area. [inhabitants]

    Notes
    -----
    ``personnel = rate_troops_per_1000 * population / 1000``.
    """
    return np.multiply(rate_troops_per_1000, population, dtype=float) / 1000.0


def posts_requirement(
    line_length_km: ArrayLike, spacing_km: ArrayLike, crew_per_post: ArrayLike
) -> FloatArray:
    """Personnel for posts every ``spacing_km`` along the line, ``crew_per_post`` each.

    [personnel]

    Notes
    -----
    ``posts = ceil(line_length_km / spacing_km)``, except that a quotient within
    ``1e-9 + 1e-12 q`` of a whole number counts as that number: the floating-point division
    of a line by a spacing derived as line ÷ posts gives back exactly that many posts, however
    many (the relative part covers millions of posts, where 9 decimals no longer do).
    """
    q = np.divide(line_length_km, spacing_km, dtype=float)
    nearest = np.rint(q)
    snapped = np.abs(q - nearest) <= 1e-9 + 1e-12 * np.abs(q)
    posts = np.where(snapped, nearest, np.ceil(q))
    return posts * np.asarray(crew_per_post, dtype=float)


def mixture(
    requirements: Sequence[ArrayLike], weights: Sequence[ArrayLike], rule_choice: ArrayLike
) -> FloatArray:
    """Sample-level mixture of the rules' requirements. [personnel]

    Parameters
    ----------
    requirements : sequence of array_like
        Each rule's requirement, scalars or arrays over the same samples. [personnel]
    weights : sequence of array_like
        Relative weights, 0 or more, not all 0: one per rule, each a scalar or an array that
        broadcasts with the samples (a sweep over a weight). [ratio]
    rule_choice : array_like
        Uniform draws in [0, 1), one per sample. [fraction]

    Notes
    -----
    Sample ``i`` takes rule ``k`` when ``c[k-1] <= rule_choice[i] < c[k]``, where ``c`` are the
    cumulative weights divided by their sum; a rule of weight 0 is never taken. Every sample
    of the mixture is one of the rules' samples, so the mixture lies between the rules.
    """
    if len(requirements) != len(weights) or not weights:
        raise UsageError(
            f"mixture: got {len(requirements)} requirements and {len(weights)} weights; "
            "expected one weight per rule, at least one rule"
        )
    fixed = np.asarray(weights, dtype=float) if all(np.ndim(w) == 0 for w in weights) else None
    if fixed is not None and np.all(np.isfinite(fixed)) and np.all(fixed >= 0) and fixed.any():
        return _fixed_mixture(requirements, fixed, rule_choice)
    return _varying_mixture(requirements, weights, rule_choice)


def _varying_mixture(
    requirements: Sequence[ArrayLike], weights: Sequence[ArrayLike], rule_choice: ArrayLike
) -> FloatArray:
    """:func:`mixture` sample by sample: the weights broadcast with the samples."""
    arrays = np.broadcast_arrays(
        *(np.asarray(r, dtype=float) for r in requirements),
        *(np.asarray(w, dtype=float) for w in weights),
        np.asarray(rule_choice, dtype=float),
    )
    k = len(requirements)
    stacked, w, u = np.stack(arrays[:k]), np.stack(arrays[k:-1]), arrays[-1]
    if not np.all(np.isfinite(w)) or np.any(w < 0) or np.any(w.sum(axis=0) <= 0):
        shown = np.unique(w.reshape(k, -1), axis=1)[:, :3].T.tolist()
        raise UsageError(
            f"mixture: got weights {shown}; expected finite weights, 0 or more, not all 0"
        )
    index = rule_index(w, u)
    return np.take_along_axis(stacked, index[np.newaxis], axis=0)[0]


def _fixed_mixture(
    requirements: Sequence[ArrayLike], weights: NDArray[np.float64], rule_choice: ArrayLike
) -> FloatArray:
    """:func:`mixture` with one valid weight per rule, the same in every sample: the
    cumulative weights are worked out once, not per sample, and bit for bit as the per-sample
    path works them (a running sum of the rules in order, divided by its last term, which is
    the sum over axis 0 of the per-sample path: numpy adds along an outer axis in order, when
    there are two samples or more)."""
    arrays = np.broadcast_arrays(
        *(np.asarray(r, dtype=float) for r in requirements), np.asarray(rule_choice, dtype=float)
    )
    stacked, u = np.stack(arrays[:-1]), arrays[-1]
    if u.size < 2:  # one sample: numpy sums the (k, 1) weights pairwise, not in order
        return _varying_mixture(requirements, list(weights), rule_choice)
    running = np.cumsum(weights)
    index = np.searchsorted(running / running[-1], u, side="right")  # edges <= u, as counted
    index = np.minimum(index, weights.shape[0] - 1)
    return np.take_along_axis(stacked, index[np.newaxis], axis=0)[0]


def rule_index(weights: ArrayLike, rule_choice: ArrayLike) -> NDArray[np.intp]:
    """Which rule each sample of a mixture takes (see :func:`mixture`).

    ``weights`` has the rules on its first axis: ``(k,)``, or ``(k, ...)`` broadcasting with
    ``rule_choice`` for weights that differ between samples.
    """
    w = np.asarray(weights, dtype=float)
    u = np.asarray(rule_choice, dtype=float)
    if w.ndim == 1:
        edges = np.cumsum(w) / w.sum()
        index = np.searchsorted(edges, u, side="right")
    else:
        edges = np.cumsum(w, axis=0) / w.sum(axis=0)
        index = np.count_nonzero(edges <= u, axis=0)  # searchsorted's side="right", per sample
    return np.minimum(index, w.shape[0] - 1)


# --------------------------------------------------------------------------------------------
# Rules and where they apply


@dataclass(frozen=True)
class Rule:
    """A sizing rule: a basis, its figures, and the missions it comes from.

    Parameters
    ----------
    id : str
        ``<mission>.<basis>`` (``ifor.per_km``) or ``doctrine.<basis>``.
    basis : RuleBasis
        What the density multiplies.
    figures : mapping of str to Figure
        By short name (``rate``, or ``spacing_km`` and ``crew``), with paths
        ``rules.<id>.<name>``.
    missions, groups : tuple of str
        Missions (and their groups) the rule derives from; empty for a doctrine rule.
    description : str
        One line saying what the rule is.
    """

    id: str
    basis: RuleBasis
    figures: Mapping[str, Figure]
    missions: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    description: str = ""

    @property
    def needs(self) -> str:
        """The geometry it needs: ``line_length_km``, ``area_km2`` or ``population``."""
        return NEEDS[self.basis]


@dataclass(frozen=True)
class Site:
    """The geometry a rule is applied to: scalars or arrays over samples; ``None`` if unknown.

    Attributes
    ----------
    line_length_km : array_like or None
        Length of the line. [km]
    area_km2 : array_like or None
        Area of the buffer or security zone, never a whole territory. [km2]
    population : array_like or None
        People living in it. [inhabitants]
    """

    line_length_km: ArrayLike | None = None
    area_km2: ArrayLike | None = None
    population: ArrayLike | None = None

    def has(self, need: str) -> bool:
        return getattr(self, need) is not None


def requirement(rule: Rule | str, values: Mapping[str, ArrayLike], site: Site) -> FloatArray:
    """A rule's requirement on a site, given values of the rule's figures. [personnel]

    Parameters
    ----------
    rule : Rule or str
        The rule, or its id (whose last part is its basis).
    values : mapping of str to array_like
        Values of the rule's figures by path (``rules.<id>.rate`` ...).
    site : Site
        The geometry.

    Raises
    ------
    UsageError
        If the site lacks the geometry the rule needs.
    """
    rule_id, basis = (rule, basis_of(rule)) if isinstance(rule, str) else (rule.id, rule.basis)
    quantity = getattr(site, NEEDS[basis])
    if quantity is None:
        raise UsageError(f"rule {rule_id}: got a geometry without {NEEDS[basis]}; expected one")

    def v(name: str) -> ArrayLike:
        return values[rule_path(rule_id, name)]

    match basis:
        case RuleBasis.PER_KM:
            return per_km_requirement(v("rate"), quantity)
        case RuleBasis.PER_KM2:
            return per_km2_requirement(v("rate"), quantity)
        case RuleBasis.PER_1000:
            return per_1000_requirement(v("rate"), quantity)
        case RuleBasis.POSTS:
            return posts_requirement(quantity, v("spacing_km"), v("crew"))
