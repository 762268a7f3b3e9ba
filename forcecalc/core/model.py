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

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import densities, sectors, shares, shortfall, sustainment
from forcecalc.core.errors import ParameterError
from forcecalc.core.scenario import Basis, Scenario
from forcecalc.core.sustainment import coverage, rotation_multiplier

__all__ = ["coverage", "rotation_multiplier"]  # re-exported: they live in core.sustainment

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
        Fraction of the base, in [0, 1) (a multiple that may exceed 1:
        :func:`forcecalc.core.shares.ratio_of`). [fraction]
    base_personnel : array_like
        Personnel of the tasks the share applies to. [personnel]
    """
    return np.multiply(share, base_personnel, dtype=float)


def technology_factor(technology_offset: ArrayLike, reducible: bool) -> FloatArray:
    """What remains of a task's personnel once surveillance technology replaces a share.

    ``1 - technology_offset`` for a reducible task, 1 otherwise. [fraction] It applies once:
    to a task sized from its own basis here; a share or ratio of it is not reduced again
    (:mod:`forcecalc.core.shares`).
    """
    offset = np.asarray(technology_offset, dtype=float)
    return 1.0 - offset if reducible else np.ones_like(offset)


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
    deployed_per_km : ndarray or None
        Deployed personnel per km of front; None where not asked for
        (:func:`evaluate`'s ``outputs``, as for every output of :data:`SELECTABLE`).
        [troops_per_km]
    deployed_per_km2 : ndarray or None
        Deployed personnel per km² of buffer. [troops_per_km2]
    deployed_per_km_line : ndarray or None
        Deployed personnel per km of the whole line covered (every sector, front plus
        borders), where the scenario has borders or declares sectors. [troops_per_km]
    by_sector : mapping of str to ndarray
        Deployed personnel along the line in each sector
        (:func:`forcecalc.core.sectors.by_sector`). [personnel]
    gaps : mapping of str to ndarray
        Required minus available for the pledges and the pool, each against the deployed and
        the committed requirement, compared as the coverages compare
        (:func:`forcecalc.core.shortfall.gaps`); empty without force generation. [personnel]
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
    committed_by_category : mapping of str to ndarray
        Each category's deployed personnel × its own multiplier, only for scenarios whose
        ``sustainment`` has ``by_category`` rules (:mod:`forcecalc.core.sustainment`).
        [personnel]
    """

    by_task: Mapping[str, FloatArray]
    by_category: Mapping[str, FloatArray]
    deployed: FloatArray
    rotation_multiplier: FloatArray
    committed: FloatArray
    deployed_per_km: FloatArray | None
    deployed_per_km2: FloatArray | None
    pledged: FloatArray | None = None
    pledge_coverage: FloatArray | None = None
    pool_sustainable: FloatArray | None = None
    pool_coverage: FloatArray | None = None
    by_rule: Mapping[str, FloatArray] = field(default_factory=dict)
    committed_by_category: Mapping[str, FloatArray] = field(default_factory=dict)
    deployed_per_km_line: FloatArray | None = None
    by_sector: Mapping[str, FloatArray] = field(default_factory=dict)
    gaps: Mapping[str, FloatArray] = field(default_factory=dict)


def rule_personnel(scenario: Scenario, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
    """Each sizing rule's requirement on the scenario's geometry. [personnel]

    A rule per km (or posts) applies to every sector of the line, front and borders; per km²
    to every sector's buffer; per 1,000 inhabitants to the population
    (:func:`forcecalc.core.sectors.rule_total`, :mod:`forcecalc.calibration.rules`).
    """
    return {r: sectors.rule_total(scenario.geometry, r, values) for r in scenario.rules}


def _rule_deployed(
    scenario: Scenario, values: Mapping[str, ArrayLike], by_rule: Mapping[str, FloatArray]
) -> FloatArray:
    """The analog's requirement, or the ensemble's mixture of its rules. [personnel]

    Notes
    -----
    An ensemble takes, for each sample, the rule that ``ensemble.rule_choice`` picks by the
    rules' cumulative weights ``rules.<id>.weight`` (:func:`forcecalc.core.densities.mixture`).
    Over sectors of different postures, deployed is the sum of each sector's own mixture
    (:func:`forcecalc.core.sectors.sector_mixtures`), with the same draw in every sector.
    """
    if scenario.method == "analog":
        return np.asarray(by_rule[scenario.rules[0]], dtype=float)
    if scenario.sector_ensembles:  # sectors of different postures: the sum of their own
        return sectors.total(list(sectors.sector_mixtures(scenario, values).values()))
    weights = [values[densities.weight_path(r)] for r in scenario.rules]  # scalars, or a sweep
    return densities.mixture(
        [by_rule[r] for r in scenario.rules], weights, values[densities.RULE_CHOICE]
    )


def task_personnel(scenario: Scenario, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
    """Deployed personnel of every task, in the scenario's task order. [personnel]

    ``values`` maps each figure path to a scalar or an array over samples. Tasks sized from
    their own basis are computed here, reduced by the technology offset where reducible; shares
    and ratios of tasks, and shares of the whole force or of a category, are then solved
    exactly with the offset applied once (:func:`forcecalc.core.shares.resolve`).
    """
    offset = values.get("technology_offset", 0.0)
    out: dict[str, FloatArray] = {}
    for task in scenario.tasks:

        def v(name: str, task=task) -> ArrayLike:
            return values[task.figure_path(name)]

        match task.basis:
            case Basis.PER_KM_FRONT | Basis.PER_KM_BORDER | Basis.PER_KM2_BUFFER | Basis.PER_POST:
                raw = sectors.line_personnel(scenario.geometry, task, values)  # sum over sectors
            case Basis.FIXED:
                raw = np.asarray(v("count"), dtype=float)
            case _:  # a share or ratio of other tasks, of the force or a category
                continue
        out[task.name] = raw * technology_factor(offset, task.reducible)
    return shares.resolve(scenario.tasks, values, out, offset)  # solved with the wholes


#: Outputs of :func:`evaluate` computed only when asked for; every other output (tasks,
#: categories, rules, deployed, the multiplier, committed and committed by category) is what
#: these are computed from, so it always is.
SELECTABLE = frozenset(
    {
        "deployed_per_km",
        "deployed_per_km2",
        "deployed_per_km_line",
        "pledged",
        "pledge_coverage",
        "pool_sustainable",
        "pool_coverage",
        "by_sector",
        "gaps",
    }
)


def evaluate(
    scenario: Scenario, values: Mapping[str, ArrayLike], outputs: Collection[str] | None = None
) -> Outcome:
    """Evaluate the scenario for given figure values (scalars or arrays over samples).

    Parameters
    ----------
    scenario : Scenario
        Structure of the force: tasks, sustainment rule, force generation.
    values : mapping of str to array_like
        A value (or an array of sampled values, all of one length) for every figure path.
    outputs : collection of str, optional
        Names of :class:`Outcome`'s fields wanted (all if None): those of :data:`SELECTABLE`
        not named are left out (None, or empty), each computed output equal bit for bit to
        its value in the full evaluation (``tests/test_model_outputs.py``).

    Returns
    -------
    Outcome

    Raises
    ------
    ParameterError
        ``outputs``, naming no field of :class:`Outcome`.
    """
    want = _wanted(outputs)
    by_task = task_personnel(scenario, values)
    by_category: dict[str, FloatArray] = {}
    for task in scenario.tasks:
        by_category[task.category] = shares.accumulate(
            by_category.get(task.category, 0.0), by_task[task.name]
        )
    by_rule = rule_personnel(scenario, values) if scenario.method != "tasks" else {}
    if by_rule:
        deployed = _rule_deployed(scenario, values, by_rule)
    else:
        deployed = shares.running_sum(by_task.values())  # sum(), without a new array per task
    multiplier, committed, committed_by = sustainment.sustain(
        scenario, values, deployed, by_category
    )
    dens = _densities(scenario, values, deployed, want)
    extra = _force_generation(scenario, values, deployed, committed, by_category, want)
    pool = extra.get("pool_sustainable")
    if "gaps" in want:
        gaps = shortfall.gaps(scenario, values, deployed, committed, by_category, pool)
    else:
        gaps = {}
    return Outcome(
        by_task=by_task,
        by_category=by_category,
        deployed=deployed,
        rotation_multiplier=multiplier,
        committed=committed,
        deployed_per_km=dens.get("deployed_per_km"),
        deployed_per_km2=dens.get("deployed_per_km2"),
        by_rule=by_rule,
        committed_by_category=committed_by,
        by_sector=sectors.by_sector(scenario, values, by_rule) if "by_sector" in want else {},
        gaps=gaps,
        deployed_per_km_line=dens.get("deployed_per_km_line"),
        **extra,
    )


def _wanted(outputs: Collection[str] | None) -> frozenset[str]:
    """The outputs of :data:`SELECTABLE` to compute: all of them if ``outputs`` is None."""
    if outputs is None:
        return SELECTABLE
    fields = Outcome.__dataclass_fields__
    unknown = sorted(name for name in outputs if name not in fields)
    if unknown:
        raise ParameterError(
            "outputs", ", ".join(unknown), f"fields of Outcome: {', '.join(fields)}"
        )
    return SELECTABLE.intersection(outputs)


def _densities(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    deployed: FloatArray,
    want: frozenset[str],
) -> dict[str, FloatArray]:
    """The densities wanted: deployed per km of front, per km² of buffer, and per km of the
    whole line where the scenario has borders or sectors. [troops_per_km, troops_per_km2]"""
    geometry = scenario.geometry
    out: dict[str, FloatArray] = {}
    if "deployed_per_km" in want:
        out["deployed_per_km"] = coverage(deployed, sectors.front_km(geometry, values))
    if "deployed_per_km2" in want:
        out["deployed_per_km2"] = coverage(deployed, sectors.buffer_km2(geometry, values))
    if "deployed_per_km_line" in want and (geometry.has_border or geometry.sectors):
        out["deployed_per_km_line"] = coverage(deployed, sectors.line_km(geometry, values))
    return out


def _force_generation(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    deployed: FloatArray,
    committed: FloatArray,
    by_category: Mapping[str, FloatArray],
    want: frozenset[str] = SELECTABLE,
) -> dict[str, FloatArray]:
    """Pledged, the pool's sustainable personnel, and their coverages
    (:mod:`forcecalc.core.sustainment`: delivery probabilities, ``covers``), those wanted (the
    pool also for the gaps)."""
    fg = scenario.force_generation
    if fg is None:
        return {}
    out: dict[str, FloatArray] = {}
    if fg.pledges and want & {"pledged", "pledge_coverage"}:
        committed_basis = fg.pledge_basis == "committed"
        by = by_category
        if committed_basis and any(p.covers for p in fg.pledges):
            by = sustainment.committed_by_category(scenario, values, by_category)
        required = committed if committed_basis else deployed
        out.update(sustainment.pledge_outputs(fg, values, required, by))
    if fg.has_pool and want & {"pool_sustainable", "pool_coverage", "gaps"}:
        sustainable = pool_sustainable(
            values["force_generation.pool.personnel"],
            values["force_generation.pool.deployable_share"],
            values["force_generation.pool.sustainable_share"],
        )
        out["pool_sustainable"] = sustainable
        out["pool_coverage"] = sustainment.pool_coverage(fg, sustainable, deployed, by_category)
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
