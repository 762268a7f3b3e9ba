"""What the pledges supply in a month, and the best assignment of it to covered categories.

:func:`forcecalc.core.timeline.supplies` returns a :class:`Supply`; where pledges name the
categories they ``cover``, :func:`assigned_gap` is the personnel the best assignment of it
leaves unfilled (a maximum flow, as :func:`forcecalc.core.shortfall.restricted_gap` for
``run``), so more withdrawal never lowers it:

- each pledge present fills the categories it covers with its own personnel;
- with ``top_up``, the present pledges' room below their ceilings replaces, in all, at most the
  personnel of the pledges that left, and counts only in the categories that the pledge topping
  up covers and that every pledge that left (that sample and month) covers too: a replacement
  stands in for whoever left (one departure: the categories both cover). Counted anywhere the
  topper covers, the departure of a pledge whose categories are not short would free the
  others to fill a short one, and a higher hazard could lower the shortfall.
- with ``deployment_per_month``, the lift carries at most its cap into theatre, the personnel
  the assignment needs first: the gap is at least the covered requirement − the cap.

Arrays are samples × months.

References
----------
.. [1] Ford, L. R. and Fulkerson, D. R. (1956). "Maximal flow through a network". Canadian
   Journal of Mathematics 8: 399–404 (a maximum flow equals the minimum cut, here enumerated
   over sets of categories).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Supply:
    """The pledges' personnel in each month ``(n, months)``, the build-up applied. [personnel]

    Attributes
    ----------
    own : list of ndarray
        Each pledge's own personnel while present, in the pledges' order.
    room : list of ndarray
        Each present pledge's room below its ceiling (``top_up``; empty without).
    departed : ndarray
        Personnel of the pledges that left (``top_up``; 0 without): the most the room replaces.
    left : list of ndarray
        Whether each pledge has left, as booleans (``top_up``; empty without).
    lift : ndarray or None
        The most strategic lift has deployed by each month (``deployment_per_month``).
    total : ndarray
        Available: ``min(Σ own + min(Σ room, departed), lift)``.
    """

    own: list[FloatArray]
    room: list[FloatArray]
    departed: FloatArray
    left: list[BoolArray]
    lift: FloatArray | None
    total: FloatArray


def _stand_in(supply: Supply, who: tuple[int, ...]) -> BoolArray:
    """Where a top-up may fill a category the pledges ``who`` cover: no pledge outside
    ``who`` has left. ``(n, months)``"""
    ok = np.ones(supply.total.shape, dtype=bool)
    for k, left in enumerate(supply.left):
        if k not in who:
            ok &= ~left
    return ok


def _room(supply: Supply, subset: Sequence[tuple[tuple[int, ...], list[str]]]) -> FloatArray:
    """The present pledges' room that may fill some category of ``subset``."""
    counts = [np.zeros(supply.total.shape, dtype=bool) for _ in supply.room]
    for who, _ in subset:
        ok = _stand_in(supply, who)
        for j in who:
            counts[j] = counts[j] | ok
    return sum((r * c for r, c in zip(supply.room, counts, strict=True)), np.zeros(1))


def assigned_gap(
    supply: Supply,
    covers: Sequence[Sequence[str]],
    required: Mapping[str, FloatArray],
) -> FloatArray:
    """Required − the best assignment of ``supply`` to the categories the pledges cover,
    below 0 that many spare. [personnel]

    Parameters
    ----------
    supply : Supply
        What the pledges supply.
    covers : sequence of sequence of str
        The categories each pledge may fill (all of ``required`` if empty).
    required : mapping of str to ndarray
        The requirement of every category, that month. [personnel]

    Notes
    -----
    ``max over sets C of covered categories of required(C) − own(C) − min(departed, room(C))``
    (own(C): the pledges that cover a category of C; room(C): those whose top-up may fill
    one), the minimum cut of the flow [1]_; then at least ``required(covered) − lift``.
    Categories no pledge covers are not compared; with none covered the gap is 0.
    """
    groups: dict[tuple[int, ...], list[str]] = {}
    for c in required:
        who = tuple(i for i, cov in enumerate(covers) if not cov or c in cov)
        if who:
            groups.setdefault(who, []).append(c)
    atoms = list(groups.items())
    worst: FloatArray | None = None
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(atoms, size):
            own = sum((supply.own[i] for i in {i for w, _ in subset for i in w}), 0.0)
            room = _room(supply, subset) if supply.room else 0.0
            need = sum((required[c] for _, cats in subset for c in cats), 0.0)
            each = np.asarray(need - own - np.minimum(supply.departed, room), dtype=float)
            worst = each if worst is None else np.maximum(worst, each)
    if worst is None:
        return np.zeros_like(supply.total)
    if supply.lift is not None:
        need = sum((required[c] for _, cats in atoms for c in cats), 0.0)
        worst = np.maximum(worst, need - supply.lift)
    return worst
