"""Rotation by category, and what pledges and a pool cover: pure functions over numpy arrays.

A scenario's rotation rule (a multiplier, or tour and dwell months) is the default; a category
may have its own (``sustainment.by_category``). Committed personnel are then the sum over
categories of deployed × that category's multiplier, and the multiplier reported is committed ÷
deployed. Pledges and a pool may name the categories they ``cover``: each coverage compares
what is offered with the requirement of the categories it covers. A pledge may carry the
probability that it is delivered: in each sample it is delivered in full, or not at all.

Like :mod:`forcecalc.core.model`, nothing here reads files or draws random numbers: a pledge's
Bernoulli draw is the comparison of a sampled uniform figure with its probability.

References
----------
.. [1] UK Ministry of Defence harmony guidelines and the "rule of thirds" (deployed, preparing,
   recovering): committed / deployed = (tour + dwell) / tour. See README "Sustainment".
.. [2] D. Gale, "A theorem on flows in networks", Pacific J. Math. 7 (1957) 1073-1082: supplies
   restricted to some demands can meet every demand if and only if, for every set of demands,
   the supplies that may serve it hold at least its total.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import glossary
from forcecalc.core.distributions import Uniform
from forcecalc.core.scenario import Figure, ForceGeneration, Pledge, Scenario
from forcecalc.core.sources import Assumption

FloatArray = NDArray[np.float64]

#: Figure-path prefix of the default rotation rule and of a category's own.
DEFAULT_PREFIX = "sustainment."


def category_prefix(category: str) -> str:
    """Figure-path prefix of a category's own rotation rule:
    ``sustainment.by_category.<category>.``."""
    return f"sustainment.by_category.{category}."


def rotation_multiplier(tour_months: ArrayLike, dwell_months: ArrayLike) -> FloatArray:
    """Committed personnel per deployed post, from tour and dwell lengths [1]_.

    Parameters
    ----------
    tour_months : array_like
        Length of one deployment. [months]
    dwell_months : array_like
        Time at home between deployments. [months]

    Returns
    -------
    ndarray
        Rotation multiplier, committed ÷ deployed. [ratio]

    Notes
    -----
    ``multiplier = (tour_months + dwell_months) / tour_months``; 6-month tours with 12 months
    at home give 3 (the rule of thirds); with 24 months, 5 (UK harmony guidelines).
    """
    tour = np.asarray(tour_months, dtype=float)
    return (tour + np.asarray(dwell_months, dtype=float)) / tour


def coverage(available: ArrayLike, required: ArrayLike) -> FloatArray:
    """Ratio of personnel available to personnel required. [ratio]

    Parameters
    ----------
    available : array_like
        Personnel pledged, or that a pool can sustain. [personnel]
    required : array_like
        Personnel required, 0 or more. [personnel]

    Notes
    -----
    ``coverage = available / required``; the supply suffices where ``coverage >= 1``. Where
    nothing is required the ratio is defined, never NaN: 1 (exactly covered) when nothing is
    available either, infinite when something is. So 0 pledged for 0 required suffices.
    """
    available = np.asarray(available, dtype=float)
    required = np.asarray(required, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(available, required)
    if not isinstance(ratio, np.ndarray):  # scalars
        return np.where((required == 0) & (available == 0), 1.0, ratio)[()]
    zero = required == 0
    if zero.any():  # in place: 1 where both are 0
        zero = zero & (available == 0)
        np.copyto(ratio, 1.0, where=zero)
    return ratio


def rule_multiplier(form: str, values: Mapping[str, ArrayLike], prefix: str) -> FloatArray:
    """The multiplier of one rotation rule, written as ``form``, its figures under ``prefix``.

    ``form`` is ``rotation_multiplier`` or ``tour_and_dwell``. [ratio]
    """
    if form == "rotation_multiplier":
        return np.asarray(values[prefix + "rotation_multiplier"], dtype=float)
    return rotation_multiplier(values[prefix + "tour_months"], values[prefix + "dwell_months"])


def committed_by_category(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    by_category: Mapping[str, ArrayLike],
) -> dict[str, FloatArray]:
    """Each category's deployed personnel × its own multiplier, or the default one. [personnel]"""
    default = rule_multiplier(scenario.sustainment, values, DEFAULT_PREFIX)
    own = dict(scenario.category_sustainment)
    return {
        c: np.asarray(deployed, dtype=float)
        * (rule_multiplier(own[c], values, category_prefix(c)) if c in own else default)
        for c, deployed in by_category.items()
    }


def sustain(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    deployed: FloatArray,
    by_category: Mapping[str, FloatArray],
) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:
    """``(multiplier, committed, committed by category)`` of the scenario's rotation rules.

    Without ``by_category`` rules (and for methods analog and ensemble, which have no
    categories), the default rule applies to the whole: committed = deployed × multiplier, and
    the committed-by-category mapping is empty. With them, committed is the sum over categories
    of deployed × that category's multiplier, and the multiplier is committed ÷ deployed (the
    default rule's where nothing is deployed). [ratio, personnel, personnel]
    """
    default = rule_multiplier(scenario.sustainment, values, DEFAULT_PREFIX)
    if not scenario.category_sustainment:
        return default, deployed * default, {}
    by = committed_by_category(scenario, values, by_category)
    committed = sum(by.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        multiplier = np.where(deployed > 0, committed / deployed, default)[()]
    return multiplier, committed, by


# --------------------------------------------------------------------------------------------
# Pledges and the pool


def delivered(personnel: ArrayLike, probability: ArrayLike, draw: ArrayLike) -> FloatArray:
    """A pledge's personnel where it is delivered in this sample, else 0. [personnel]

    Parameters
    ----------
    personnel : array_like
        The pledge. [personnel]
    probability : array_like
        Probability that it is delivered in full, in [0, 1]. [probability]
    draw : array_like
        A uniform draw in [0, 1), one per sample. [fraction]

    Notes
    -----
    Delivered where ``draw >= 1 - probability``: with probability 1 always (the pledge as
    written), with 0 never (a refusal). A higher draw means "more likely delivered", so the
    pledge rises with its draw, as with every other driver.
    """
    threshold = 1.0 - np.asarray(probability, dtype=float)
    return np.where(np.asarray(draw, dtype=float) >= threshold, personnel, 0.0).astype(float)[()]


def delivery_draw_figure(pledge: Pledge) -> Figure:
    """The uniform draw that decides, per sample, whether ``pledge`` is delivered. [fraction]

    ``force_generation.pledges.<contributor>.delivered``, uniform on [0, 1): its own column of
    the sampling design, so ``--set`` of another figure leaves it unchanged, and a driver like
    any other figure in the sensitivity methods (the pledge is delivered where the draw is at
    least 1 − the delivery probability, :func:`delivered`).
    """
    term = glossary.FIGURES["delivered"]
    reason = Assumption(
        "the pledge's Bernoulli draw: uniform on [0, 1), the pledge delivered where the draw is "
        "at least 1 - delivery_probability"
    )
    return Figure(pledge.draw_path, term.unit, Uniform(0.0, 1.0), reason, term.domain)


def delivery_draws(scenario: Scenario) -> set[str]:
    """Paths of the scenario's delivery draws: figures the reader makes, never written to YAML
    (so the app does not offer them for editing)."""
    fg = scenario.force_generation
    return {p.draw_path for p in fg.pledges if p.reliability} if fg else set()


def pledge_personnel(pledge: Pledge, values: Mapping[str, ArrayLike]) -> FloatArray:
    """What one pledge delivers in each sample: all of it, or for a pledge with a
    ``delivery_probability``, all or nothing (:func:`delivered`). [personnel]"""
    personnel = np.asarray(values[pledge.figure_path], dtype=float)
    if not pledge.reliability:
        return personnel
    return delivered(personnel, values[pledge.probability_path], values[pledge.draw_path])


def covered(covers: Sequence[str], categories: Sequence[str]) -> tuple[str, ...]:
    """The categories a pledge or pool covers, in the scenario's order (all if ``covers`` is
    empty)."""
    return tuple(c for c in categories if not covers or c in covers)


def restricted_coverage(
    supplies: Sequence[FloatArray],
    covers: Sequence[Sequence[str]],
    required: Mapping[str, FloatArray],
) -> FloatArray:
    """Coverage of supplies each restricted to some categories of a requirement [2]_. [ratio]

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
    The largest factor ``λ`` such that ``λ ×`` the requirement of every covered category can
    be filled: ``min over sets C of covered categories of supply(C) / required(C)``, where
    ``supply(C)`` sums the suppliers that may fill some category of ``C`` (Gale's theorem).
    Categories covered by the same suppliers are merged first, so a single ``covers`` for
    all is one set and the result is ``total supply ÷ requirement of those categories``.
    Categories no supplier covers are not compared. Each ratio follows :func:`coverage`.
    """
    worst: FloatArray | None = None
    for who, cats in category_sets(covers, required):
        supply = sum(supplies[i] for i in who)
        need = sum(required[c] for c in cats)
        ratio = coverage(supply, need)
        worst = ratio if worst is None else np.minimum(worst, ratio)
    return worst if worst is not None else coverage(0.0, 0.0)


def category_sets(
    covers: Sequence[Sequence[str]], categories: Iterable[str]
) -> Iterator[tuple[list[int], list[str]]]:
    """Every set of covered categories to compare, with the suppliers that may fill some of it.

    Categories covered by the same suppliers are merged first (an *atom*); each non-empty
    union of atoms is yielded once, as ``(suppliers, categories)``: the suppliers' indices in
    ``covers`` in increasing order, the categories in the order of ``categories`` within each
    atom. A supplier whose ``covers`` is empty may fill every category; categories no supplier
    covers are in no set. :func:`restricted_coverage` and
    :func:`forcecalc.core.shortfall.restricted_gap` go over the same sets.
    """
    groups: dict[tuple[int, ...], list[str]] = {}
    for c in categories:
        who = tuple(i for i, cov in enumerate(covers) if not cov or c in cov)
        if who:
            groups.setdefault(who, []).append(c)
    atoms = list(groups.items())
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(atoms, size):
            yield sorted({i for w, _ in subset for i in w}), [c for _, cs in subset for c in cs]


def uses_covers(fg: ForceGeneration) -> bool:
    """Whether any pledge or the pool names the categories it covers."""
    return bool(fg.pool_covers) or any(p.covers for p in fg.pledges)


def pledge_outputs(
    fg: ForceGeneration,
    values: Mapping[str, ArrayLike],
    required_total: FloatArray,
    required_by_category: Mapping[str, FloatArray],
) -> dict[str, FloatArray]:
    """``pledged`` and ``pledge_coverage``: what the pledges deliver, and its ratio to the
    requirement of the categories they cover (the whole requirement if none names its
    ``covers``). [personnel, ratio]"""
    each = [pledge_personnel(p, values) for p in fg.pledges]
    pledged = sum(each)
    if any(p.covers for p in fg.pledges):
        ratio = restricted_coverage(each, [p.covers for p in fg.pledges], required_by_category)
    else:
        ratio = coverage(pledged, required_total)
    return {"pledged": pledged, "pledge_coverage": ratio}


def pool_coverage(
    fg: ForceGeneration,
    sustainable: FloatArray,
    deployed: FloatArray,
    deployed_by_category: Mapping[str, FloatArray],
) -> FloatArray:
    """The pool's sustainable personnel ÷ the deployed requirement of the categories it
    covers (all, unless it names ``covers``). [ratio]"""
    if not fg.pool_covers:
        return coverage(sustainable, deployed)
    need = sum(deployed_by_category[c] for c in covered(fg.pool_covers, deployed_by_category))
    return coverage(sustainable, need)


def compared_with(scenario: Scenario) -> dict[str, str]:
    """Which requirement each coverage compares with, for scenarios that name ``covers``.

    ``{"pledge_coverage": ..., "pool_coverage": ...}``, e.g. ``"deployed of military,
    enablers"``; empty when neither pledges nor pool names its ``covers`` (the coverages then
    compare with the whole requirement, as their usual labels say).
    """
    fg = scenario.force_generation
    if fg is None or not uses_covers(fg):
        return {}
    categories = tuple(dict.fromkeys(t.category for t in scenario.tasks))
    out: dict[str, str] = {}
    if fg.pledges:
        union = [
            c for c in categories if any(c in covered(p.covers, categories) for p in fg.pledges)
        ]
        text = f"{fg.pledge_basis} of {', '.join(union)}"
        if len({covered(p.covers, categories) for p in fg.pledges}) > 1:
            text += " (least-covered set of categories)"
        out["pledge_coverage"] = text
    if fg.has_pool:
        out["pool_coverage"] = "deployed of " + ", ".join(covered(fg.pool_covers, categories))
    return out
