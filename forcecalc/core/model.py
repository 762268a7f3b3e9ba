"""The force-sizing model: pure functions over numpy arrays.

Every function works the same on scalars and on arrays with a leading sample axis; bigger
calculations (:func:`evaluate`) are built from the small ones. Nothing here reads files or draws
random numbers.

References
----------
.. [1] UK Ministry of Defence harmony guidelines and the "rule of thirds" (deployed, preparing,
   recovering): committed / deployed = (tour + dwell) / tour. See README "Sustainment".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import densities
from forcecalc.core.scenario import Basis, Scenario

FloatArray = NDArray[np.float64]


def per_km(rate_troops_per_km: ArrayLike, length_km: ArrayLike) -> FloatArray:
    """Personnel for a task that scales with a length of line.

    Parameters
    ----------
    rate_troops_per_km : array_like
        Personnel per km of line. [troops_per_km]
    length_km : array_like
        Length of the line: front or border. [km]

    Returns
    -------
    ndarray
        Personnel. [personnel]
    """
    return np.multiply(rate_troops_per_km, length_km, dtype=float)


def buffer_area_km2(front_length_km: ArrayLike, buffer_width_km: ArrayLike) -> FloatArray:
    """Area of a buffer zone of constant width along the front. [km2]

    Notes
    -----
    ``area = front_length_km * buffer_width_km``: a strip, ignoring the curvature of the line.
    """
    return np.multiply(front_length_km, buffer_width_km, dtype=float)


def per_km2(rate_troops_per_km2: ArrayLike, area_km2: ArrayLike) -> FloatArray:
    """Personnel for a task that scales with the buffer's area. [personnel]

    Parameters
    ----------
    rate_troops_per_km2 : array_like
        Personnel per km² of buffer. [troops_per_km2]
    area_km2 : array_like
        Area of the buffer. [km2]
    """
    return np.multiply(rate_troops_per_km2, area_km2, dtype=float)


def posts_along(front_length_km: ArrayLike, spacing_km: ArrayLike) -> FloatArray:
    """Number of posts at ``spacing_km`` intervals along the front. [posts]

    Notes
    -----
    ``posts = ceil(front_length_km / spacing_km)``: a part-interval still needs a post. A
    quotient within floating-point error of a whole number counts as that number, so that
    rounding does not add a post (21 km at 0.7 km is 30 posts, not the 31 that
    ``ceil(30.000000000000004)`` gives): the rule of the sizing rules' posts
    (:func:`forcecalc.core.densities.posts_requirement`, which this calls, so both count posts
    alike).
    """
    return densities.posts_requirement(front_length_km, spacing_km, 1.0)


def per_post(
    front_length_km: ArrayLike, spacing_km: ArrayLike, crew_per_post: ArrayLike
) -> FloatArray:
    """Personnel for posts every ``spacing_km`` along the front, ``crew_per_post`` each.

    [personnel]

    Notes
    -----
    ``personnel = posts_along(front_length_km, spacing_km) * crew_per_post``
    (:func:`forcecalc.core.densities.posts_requirement`, shared with the sizing rule
    ``doctrine.posts``).
    """
    return densities.posts_requirement(front_length_km, spacing_km, crew_per_post)


def share_of(share: ArrayLike, base_personnel: ArrayLike) -> FloatArray:
    """Personnel that are a fraction of other tasks (enablers, headquarters, reserves).

    Parameters
    ----------
    share : array_like
        Fraction of the base, in [0, 1). [fraction]
    base_personnel : array_like
        Personnel of the tasks the share applies to. [personnel]
    """
    return np.multiply(share, base_personnel, dtype=float)


def technology_factor(technology_offset: ArrayLike, reducible: bool) -> FloatArray:
    """What remains of a task's personnel once surveillance technology replaces a share.

    ``1 - technology_offset`` for a reducible task, 1 otherwise. [fraction]
    """
    offset = np.asarray(technology_offset, dtype=float)
    return 1.0 - offset if reducible else np.ones_like(offset)


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
    return np.where((required == 0) & (available == 0), 1.0, ratio)[()]


@dataclass(frozen=True)
class Outcome:
    """Every output of one evaluation, each an array over samples (or a scalar).

    Attributes
    ----------
    by_task, by_category : mapping of str to ndarray
        Deployed personnel. [personnel]
    deployed : ndarray
        Personnel deployed at one time. [personnel]
    rotation_multiplier : ndarray
        Committed ÷ deployed. [ratio]
    committed : ndarray
        Personnel tied up including rotation. [personnel]
    deployed_per_km : ndarray
        Deployed personnel per km of front. [troops_per_km]
    deployed_per_km2 : ndarray
        Deployed personnel per km² of buffer. [troops_per_km2]
    pledged : ndarray or None
        Sum of pledges. [personnel]
    pledge_coverage : ndarray or None
        Pledged ÷ required (deployed or committed, as the scenario says); 1 where both are
        0, infinite where only the requirement is (:func:`coverage`). [ratio]
    pool_sustainable : ndarray or None
        Personnel the pool can keep deployed indefinitely. [personnel]
    pool_coverage : ndarray or None
        Pool sustainable ÷ deployed, as :func:`coverage` defines it. [ratio]
    by_rule : mapping of str to ndarray
        Each sizing rule's requirement, for methods analog and ensemble; the rules are
        alternatives, not parts. [personnel]
    """

    by_task: Mapping[str, FloatArray]
    by_category: Mapping[str, FloatArray]
    deployed: FloatArray
    rotation_multiplier: FloatArray
    committed: FloatArray
    deployed_per_km: FloatArray
    deployed_per_km2: FloatArray
    pledged: FloatArray | None = None
    pledge_coverage: FloatArray | None = None
    pool_sustainable: FloatArray | None = None
    pool_coverage: FloatArray | None = None
    by_rule: Mapping[str, FloatArray] = field(default_factory=dict)


def rule_personnel(scenario: Scenario, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
    """Each sizing rule's requirement on the scenario's geometry. [personnel]

    The rules apply their density to the front, the buffer's area (front × width) or the
    population (:mod:`forcecalc.calibration.rules`).
    """
    front = values["geometry.front_length_km"]
    site = densities.Site(
        front,
        buffer_area_km2(front, values["geometry.buffer_width_km"]),
        values.get("geometry.population"),
    )
    return {r: densities.requirement(r, values, site) for r in scenario.rules}


def _rule_deployed(
    scenario: Scenario, values: Mapping[str, ArrayLike], by_rule: Mapping[str, FloatArray]
) -> FloatArray:
    """The analog's requirement, or the ensemble's mixture of its rules. [personnel]

    Notes
    -----
    An ensemble takes, for each sample, the rule that ``ensemble.rule_choice`` picks by the
    rules' cumulative weights ``rules.<id>.weight`` (:func:`forcecalc.core.densities.mixture`).
    """
    if scenario.method == "analog":
        return np.asarray(by_rule[scenario.rules[0]], dtype=float)
    weights = [values[densities.weight_path(r)] for r in scenario.rules]  # scalars, or a sweep
    return densities.mixture(
        [by_rule[r] for r in scenario.rules], weights, values[densities.RULE_CHOICE]
    )


def task_personnel(scenario: Scenario, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
    """Deployed personnel of every task, in the scenario's task order. [personnel]

    ``values`` maps each figure path to a scalar or an array over samples.
    """
    front = values["geometry.front_length_km"]
    offset = values.get("technology_offset", 0.0)
    out: dict[str, FloatArray] = {}
    for task in scenario.tasks:

        def v(name: str, task=task) -> ArrayLike:
            return values[task.figure_path(name)]

        match task.basis:
            case Basis.PER_KM_FRONT:
                raw = per_km(v("rate"), front)
            case Basis.PER_KM_BORDER:
                raw = per_km(v("rate"), values["geometry.border_length_km"])
            case Basis.PER_KM2_BUFFER:
                area = buffer_area_km2(front, values["geometry.buffer_width_km"])
                raw = per_km2(v("rate"), area)
            case Basis.PER_POST:
                raw = per_post(front, v("spacing_km"), v("crew"))
            case Basis.FIXED:
                raw = np.asarray(v("count"), dtype=float)
            case Basis.SHARE_OF:
                raw = share_of(v("share"), sum(out[name] for name in task.of))
        out[task.name] = raw * technology_factor(offset, task.reducible)
    return out


def evaluate(scenario: Scenario, values: Mapping[str, ArrayLike]) -> Outcome:
    """Evaluate the scenario for given figure values (scalars or arrays over samples).

    Parameters
    ----------
    scenario : Scenario
        Structure of the force: tasks, sustainment rule, force generation.
    values : mapping of str to array_like
        A value (or an array of sampled values, all of one length) for every figure path.

    Returns
    -------
    Outcome
    """
    by_task = task_personnel(scenario, values)
    by_category: dict[str, FloatArray] = {}
    for task in scenario.tasks:
        by_category[task.category] = by_category.get(task.category, 0.0) + by_task[task.name]
    by_rule = rule_personnel(scenario, values) if scenario.method != "tasks" else {}
    deployed = _rule_deployed(scenario, values, by_rule) if by_rule else sum(by_task.values())
    if scenario.sustainment == "rotation_multiplier":
        multiplier = np.asarray(values["sustainment.rotation_multiplier"], dtype=float)
    else:
        multiplier = rotation_multiplier(
            values["sustainment.tour_months"], values["sustainment.dwell_months"]
        )
    committed = deployed * multiplier
    front = values["geometry.front_length_km"]
    area = buffer_area_km2(front, values["geometry.buffer_width_km"])
    extra = _force_generation(scenario, values, deployed, committed)
    return Outcome(
        by_task=by_task,
        by_category=by_category,
        deployed=deployed,
        rotation_multiplier=multiplier,
        committed=committed,
        deployed_per_km=coverage(deployed, front),
        deployed_per_km2=coverage(deployed, area),
        by_rule=by_rule,
        **extra,
    )


def _force_generation(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    deployed: FloatArray,
    committed: FloatArray,
) -> dict[str, FloatArray]:
    fg = scenario.force_generation
    if fg is None:
        return {}
    out: dict[str, FloatArray] = {}
    if fg.pledges:
        pledged = sum(np.asarray(values[p.figure_path], dtype=float) for p in fg.pledges)
        required = committed if fg.pledge_basis == "committed" else deployed
        out["pledged"] = pledged
        out["pledge_coverage"] = coverage(pledged, required)
    if fg.has_pool:
        sustainable = pool_sustainable(
            values["force_generation.pool.personnel"],
            values["force_generation.pool.deployable_share"],
            values["force_generation.pool.sustainable_share"],
        )
        out["pool_sustainable"] = sustainable
        out["pool_coverage"] = coverage(sustainable, deployed)
    return out


def pool_sustainable(
    personnel: ArrayLike, deployable_share: ArrayLike, sustainable_share: ArrayLike
) -> FloatArray:
    """Personnel a pool can keep deployed indefinitely. [personnel]

    Parameters
    ----------
    personnel : array_like
        Size of the pool, e.g. Europe's active forces. [personnel]
    deployable_share : array_like
        Fraction of the pool that can deploy at all. [fraction]
    sustainable_share : array_like
        Fraction of the deployable part that can be kept deployed over time. [fraction]

    Notes
    -----
    ``sustainable = personnel * deployable_share * sustainable_share``; the European Defence
    Agency's 2009 figures are ~10% deployable and about a third of that sustainable.
    """
    return np.multiply(
        np.multiply(personnel, deployable_share, dtype=float), sustainable_share, dtype=float
    )
