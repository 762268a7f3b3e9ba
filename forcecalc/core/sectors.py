"""The line as sectors: which sectors a task or a sizing rule applies to, and their sums.

A line is a list of sectors (:class:`~forcecalc.core.scenario.Sector`), each with a length, a
buffer width where it has one, and a posture. The shorthand geometry (``front_length_km``,
``buffer_width_km``, ``border_length_km``) is one sector with a buffer (the front) and one
without (the borders), so every formula here gives the shorthand's numbers unchanged.

What applies where:

- a task along the line (``per_km_front``, ``per_km_border``, ``per_km2_buffer``,
  ``per_post``) applies to the sectors it names (``sectors: [a, b]``), or by default: per km of
  front, per km² of buffer and posts to every sector with a buffer (the front), per km of
  border to every sector without one (the borders). Its figures may differ by sector
  (``per_sector``): a sector without its own figure takes the task's.
- a sizing rule per km applies to every sector (the whole line), per km² to every sector with
  a buffer, posts to every sector; per 1,000 inhabitants to the population.
- an ensemble over sectors of different postures (naming neither rules nor a posture) is one
  mixture per sector, of the rules of that sector's posture, with one draw for every sector
  (:func:`sector_mixtures`; the rules are chosen by :mod:`forcecalc.calibration.sector_postures`).

Posts are counted sector by sector: a part-interval at the end of each sector needs a post.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import densities
from forcecalc.core.scenario import Basis, Geometry, Scenario, Sector, SectorEnsemble, Task

FloatArray = NDArray[np.float64]

#: Task bases that apply along the line, sector by sector.
LINE_BASES = (Basis.PER_KM_FRONT, Basis.PER_KM_BORDER, Basis.PER_KM2_BUFFER, Basis.PER_POST)


def override_path(task: str, sector: str, name: str) -> str:
    """Path of a task's figure in one sector: ``tasks.<task>.per_sector.<sector>.<name>``."""
    return f"tasks.{task}.per_sector.{sector}.{name}"


def default_sectors(geometry: Geometry, basis: Basis) -> tuple[Sector, ...]:
    """The sectors a task of ``basis`` applies to when it names none.

    Per km of border: the sectors without a buffer; the other bases along the line: the
    sectors with one (the front); a fixed or share task: none.
    """
    if basis not in LINE_BASES:
        return ()
    want_buffer = basis is not Basis.PER_KM_BORDER
    return tuple(s for s in geometry.line if s.has_buffer == want_buffer)


def task_sectors(geometry: Geometry, task: Task) -> tuple[Sector, ...]:
    """The sectors ``task`` applies to: those it names, in the line's order, or its default."""
    if not task.sectors:
        return default_sectors(geometry, task.basis)
    return tuple(s for s in geometry.line if s.name in task.sectors)


def length_km(values: Mapping[str, ArrayLike], sector: Sector) -> ArrayLike:
    """A sector's length. [km]"""
    return values[sector.length_path]


def area_km2(values: Mapping[str, ArrayLike], sector: Sector) -> FloatArray:
    """A sector's buffer area, length × width; 0 for a sector without a buffer. [km2]"""
    if sector.buffer_path is None:
        return np.zeros_like(np.asarray(values[sector.length_path], dtype=float))
    return np.multiply(values[sector.length_path], values[sector.buffer_path], dtype=float)


def total(parts: list[ArrayLike]) -> FloatArray:
    """The sum of a list of arrays (0.0 for none), added left to right."""
    out: FloatArray | float = 0.0
    for i, p in enumerate(parts):
        p = np.asarray(p, dtype=float)
        own = i and isinstance(out, np.ndarray)  # a new array since the first part
        if own and np.broadcast_shapes(out.shape, p.shape) == out.shape:
            out += p  # in place into the running sum
        else:
            out = out + p
    return np.asarray(out, dtype=float)


def line_km(geometry: Geometry, values: Mapping[str, ArrayLike]) -> FloatArray:
    """Length of the whole line covered: every sector, front plus borders. [km]"""
    return total([length_km(values, s) for s in geometry.line])


def front_km(geometry: Geometry, values: Mapping[str, ArrayLike]) -> FloatArray:
    """Length of the front: the sectors with a buffer. [km]"""
    return total([length_km(values, s) for s in geometry.line if s.has_buffer])


def buffer_km2(geometry: Geometry, values: Mapping[str, ArrayLike]) -> FloatArray:
    """Area of every sector's buffer. [km2]"""
    return total([area_km2(values, s) for s in geometry.line if s.has_buffer])


def task_parts(
    geometry: Geometry, task: Task, values: Mapping[str, ArrayLike]
) -> dict[str, FloatArray]:
    """Personnel of a task along the line in each sector it applies to, before any technology
    offset. [personnel]

    Notes
    -----
    Per km: ``rate * length_km``; per km²: ``rate * length_km * buffer_width_km``; posts:
    ``ceil(length_km / spacing_km) * crew`` (:func:`forcecalc.core.densities.posts_requirement`),
    each with the sector's own figure where the task gives one.
    """

    def v(name: str, sector: Sector) -> ArrayLike:
        own = override_path(task.name, sector.name, name)
        return values[own] if own in values else values[task.figure_path(name)]

    out: dict[str, FloatArray] = {}
    for s in task_sectors(geometry, task):
        match task.basis:
            case Basis.PER_KM_FRONT | Basis.PER_KM_BORDER:
                out[s.name] = np.multiply(v("rate", s), length_km(values, s), dtype=float)
            case Basis.PER_KM2_BUFFER:
                out[s.name] = np.multiply(v("rate", s), area_km2(values, s), dtype=float)
            case Basis.PER_POST:
                out[s.name] = densities.posts_requirement(
                    length_km(values, s), v("spacing_km", s), v("crew", s)
                )
    return out


def line_personnel(geometry: Geometry, task: Task, values: Mapping[str, ArrayLike]) -> FloatArray:
    """Personnel of a task along the line: the sum over its sectors. [personnel]"""
    return total(list(task_parts(geometry, task, values).values()))


def rule_parts(
    geometry: Geometry, rule_id: str, values: Mapping[str, ArrayLike]
) -> dict[str, FloatArray]:
    """A sizing rule's requirement in each sector it applies to. [personnel]

    Per km and posts: every sector (the whole line); per km²: every sector with a buffer; per
    1,000 inhabitants: none (the population is not split by sector, see :func:`rule_total`).
    """
    basis = densities.basis_of(rule_id)
    out: dict[str, FloatArray] = {}
    for s in geometry.line:
        if basis is densities.RuleBasis.PER_KM2 and not s.has_buffer:
            continue
        if basis is densities.RuleBasis.PER_1000:
            continue
        site = densities.Site(length_km(values, s), area_km2(values, s))
        out[s.name] = np.asarray(densities.requirement(rule_id, values, site), dtype=float)
    return out


def rule_total(geometry: Geometry, rule_id: str, values: Mapping[str, ArrayLike]) -> FloatArray:
    """A sizing rule's requirement on the whole line (or the population). [personnel]"""
    if densities.basis_of(rule_id) is densities.RuleBasis.PER_1000:
        site = densities.Site(population=values.get("geometry.population"))
        return np.asarray(densities.requirement(rule_id, values, site), dtype=float)
    return total(list(rule_parts(geometry, rule_id, values).values()))


def by_sector(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    by_rule: Mapping[str, FloatArray],
) -> dict[str, FloatArray]:
    """Deployed personnel of each sector, in the line's order. [personnel]

    For method ``tasks``, the tasks along the line in that sector (after the technology
    offset); fixed and share tasks belong to the whole force, not to a sector, so the sectors
    add up to less than ``deployed`` when there are any. For an analog, its rule's requirement
    in the sector; for an ensemble, that of the rule each sample takes (for sectors of
    different postures, each sector's own mixture, :func:`sector_mixtures`).
    """
    names = [s.name for s in scenario.geometry.line]
    if scenario.method == "tasks":
        offset = np.asarray(values.get("technology_offset", 0.0), dtype=float)
        parts: dict[str, list[FloatArray]] = {n: [] for n in names}
        for task in scenario.tasks:
            factor = 1.0 - offset if task.reducible else np.ones_like(offset)
            for name, p in task_parts(scenario.geometry, task, values).items():
                parts[name].append(p * factor)
        return {n: total(parts[n]) for n in names}
    if scenario.sector_ensembles:
        return sector_mixtures(scenario, values)
    per_rule = {r: rule_parts(scenario.geometry, r, values) for r in scenario.rules}
    zero = np.zeros(())
    if scenario.method == "analog":
        rule = scenario.rules[0]
        return {n: per_rule[rule].get(n, zero) for n in names}
    weights = [values[densities.weight_path(r)] for r in scenario.rules]
    choice = values[densities.RULE_CHOICE]
    return {
        n: densities.mixture([per_rule[r].get(n, zero) for r in scenario.rules], weights, choice)
        for n in names
    }


def rule_in_sector(sector: Sector, rule_id: str, values: Mapping[str, ArrayLike]) -> FloatArray:
    """A sizing rule per km, per km² or posts applied to one sector. [personnel]

    A per-km² rule gives 0 in a sector without a buffer, as in :func:`rule_parts`.
    """
    site = densities.Site(length_km(values, sector), area_km2(values, sector))
    return np.asarray(densities.requirement(rule_id, values, site), dtype=float)


def sector_mixture(
    sector: Sector, own: SectorEnsemble, values: Mapping[str, ArrayLike]
) -> FloatArray:
    """One sector's ensemble: the mixture of the rules of its own posture. [personnel]

    Notes
    -----
    Rule ``r`` weighs ``share_r * rules.<r>.weight`` in the sector. The draw
    ``ensemble.rule_choice`` is the same for every sector (common random numbers), so that
    sectors whose rules and weights coincide take the same rule in every sample and their sum
    is the whole-line ensemble's. Every sector's rules come in one order for the whole line,
    smallest requirement first (:class:`~forcecalc.core.scenario.SectorEnsemble`, as the
    calibration orders them), so the draw is comonotone: a high draw takes a large rule in
    every sector.
    """
    parts = [rule_in_sector(sector, r, values) for r in own.rules]
    weights = [
        np.multiply(w, values[densities.weight_path(r)], dtype=float)
        for r, w in zip(own.rules, own.shares, strict=True)
    ]
    return densities.mixture(parts, weights, values[densities.RULE_CHOICE])


def sector_mixtures(scenario: Scenario, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
    """Each sector's own ensemble (:func:`sector_mixture`), in the line's order. [personnel]

    Their sum is the deployed force of an ensemble over sectors of different postures.
    """
    own = {e.sector: e for e in scenario.sector_ensembles}
    return {s.name: sector_mixture(s, own[s.name], values) for s in scenario.geometry.line}
