"""The shortfall: required minus available, by sample, compared as the coverages compare.

``pledge_coverage >= 1`` (the pledges suffice) exactly when the gap computed here is ≤ 0: both
count only the pledges delivered in the sample (``delivery_probability``) and compare each
pledge or the pool with the requirement of the categories it ``covers``
(:mod:`forcecalc.core.sustainment`). Each supply is compared with the deployed and with the
committed requirement, as :mod:`forcecalc.analysis.against` compares them for the threshold
and the goal (``--requirement deployed|committed``).

References
----------
.. [1] Hall's theorem in its deficiency form (Ore 1955; Gale 1957): with suppliers each
   restricted to some categories, the requirement left unfilled by the best assignment is the
   largest, over sets ``C`` of categories, of ``required(C) - supply(C)``, where
   ``supply(C)`` sums the suppliers that may fill some category of ``C``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import sustainment
from forcecalc.core.scenario import Scenario

FloatArray = NDArray[np.float64]

#: The comparisons reported, as ``(supply, requirement)``, in display order.
COMPARISONS = (
    ("pledged", "deployed"),
    ("pledged", "committed"),
    ("pool", "deployed"),
    ("pool", "committed"),
)


def key(supply: str, requirement: str) -> str:
    """The name of a comparison's shortfall: ``pledged_vs_deployed``."""
    return f"{supply}_vs_{requirement}"


def gap(available: ArrayLike, required: ArrayLike) -> FloatArray:
    """Required minus available: above 0 short by that many, below 0 that many spare.

    [personnel]

    Parameters
    ----------
    available : array_like
        Personnel supplied. [personnel]
    required : array_like
        Personnel required. [personnel]
    """
    return np.subtract(required, available, dtype=float)


def shortfall(gap_personnel: ArrayLike) -> FloatArray:
    """The personnel short: the gap where it is above 0, else 0. [personnel]"""
    return np.maximum(np.asarray(gap_personnel, dtype=float), 0.0)


def restricted_gap(
    supplies: Sequence[FloatArray],
    covers: Sequence[Sequence[str]],
    required: Mapping[str, FloatArray],
) -> FloatArray:
    """The gap of supplies each restricted to some categories of a requirement [1]_.

    [personnel]

    Parameters
    ----------
    supplies : sequence of ndarray
        Each supplier's personnel. [personnel]
    covers : sequence of sequence of str
        The categories each supplier may fill (all of ``required`` if empty).
    required : mapping of str to ndarray
        The requirement of every category. [personnel]

    Notes
    -----
    ``max over sets C of covered categories of required(C) - supply(C)``, over the same sets
    as :func:`forcecalc.core.sustainment.restricted_coverage`, so the gap is ≤ 0 exactly where
    that coverage is ≥ 1. Categories no supplier covers are not compared; with none covered the
    gap is 0 (the coverage is 1).
    """
    worst: FloatArray | None = None
    for who, cats in sustainment.category_sets(covers, required):
        each = gap(sum(supplies[i] for i in who), sum(required[c] for c in cats))
        worst = each if worst is None else np.maximum(worst, each)
    return worst if worst is not None else np.float64(0.0)


def gaps(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    deployed: FloatArray,
    committed: FloatArray,
    by_category: Mapping[str, FloatArray],
    pool_sustainable: FloatArray | None,
) -> dict[str, FloatArray]:
    """The gap of every comparison of :data:`COMPARISONS` the scenario has. [personnel]

    Keyed by :func:`key`; the pledges where the scenario has pledges, the pool where it has
    one; none without force generation.
    """
    fg = scenario.force_generation
    if fg is None:
        return {}
    totals = {"deployed": deployed, "committed": committed}
    by = {"deployed": by_category}
    if sustainment.uses_covers(fg):
        by["committed"] = sustainment.committed_by_category(scenario, values, by_category)
    out: dict[str, FloatArray] = {}
    if fg.pledges:
        each = [sustainment.pledge_personnel(p, values) for p in fg.pledges]
        for requirement, total in totals.items():
            if any(p.covers for p in fg.pledges):
                found = restricted_gap(each, [p.covers for p in fg.pledges], by[requirement])
            else:
                found = gap(sum(each), total)
            out[key("pledged", requirement)] = found
    if fg.has_pool and pool_sustainable is not None:
        for requirement, total in totals.items():
            if fg.pool_covers:
                need = by[requirement]
                total = sum(need[c] for c in sustainment.covered(fg.pool_covers, need))
            out[key("pool", requirement)] = gap(pool_sustainable, total)
    return out
