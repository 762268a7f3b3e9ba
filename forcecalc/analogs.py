"""A scenario beside its precedents: densities, rank, and what each sizing rule would give.

:func:`compare` takes a run's result and returns a :class:`Comparison`: the scenario's
personnel per km of line, per km² of buffer and (with a population) per 1,000 inhabitants, each
with its band, beside the same densities of every mission of the dataset; where the scenario's
median ranks among them; and the requirement each rule gives on the scenario's own sampled
geometry, with their ensemble (equal weights per mission, as the back-test uses). The CLI
(``forcecalc analogs``) and the app render the same result.

References
----------
.. [1] Jensen, B. (2025). "Guarding the Frontier: Options for a Post-Conflict Security Force in
   Ukraine", CSIS: force-to-space ratios of past missions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from forcecalc import glossary
from forcecalc.missions import MissionSet, default_missions, troops_per_1000
from forcecalc.model import buffer_area_km2
from forcecalc.rules import (
    Rule,
    Site,
    all_rules,
    applicable,
    derived_seed,
    ensemble,
    group_weights,
)
from forcecalc.runner import Provenance, RunResult
from forcecalc.summary import Band, band

#: Seed offset of the comparison's own rule draws, so they are independent of the run's.
_SALT = 0xA4A1


@dataclass(frozen=True)
class Precedent:
    """A mission's densities, with what its strength counts.

    Attributes
    ----------
    strength : float or None
        Personnel. [personnel]
    densities : mapping of str to float or None
        ``troops_per_km``, ``troops_per_km2``, ``troops_per_1000``; ``None`` when missing.
    unconfirmed : tuple of str
        Figures reported but not confirmed, left missing.
    """

    id: str
    name: str
    year: int
    posture: str
    counts: str
    strength_kind: str
    strength: float | None
    densities: Mapping[str, float | None]
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rank:
    """Where the scenario's median density ranks among the missions with that density.

    ``rank`` 1 is the densest; ``of`` counts the missions plus the scenario. ``denser`` are the
    missions above the scenario's median.
    """

    density: str
    scenario: Band
    rank: int
    of: int
    denser: tuple[str, ...]


@dataclass(frozen=True)
class RuleEstimate:
    """One rule's requirement on the scenario's geometry. [personnel]"""

    rule: str
    description: str
    band: Band
    missions: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """The scenario beside its precedents.

    Attributes
    ----------
    densities : mapping of str to Band
        The scenario's densities by glossary name.
    deployed : Band
        The scenario's own requirement. [personnel]
    rules : tuple of RuleEstimate
        Each applicable rule on the scenario's geometry.
    ensemble : Band or None
        The rules' mixture (the scenario's own rules and weights if its method is analog or
        ensemble, else every applicable rule, equal weights per mission). [personnel]
    """

    scenario: str
    method: str
    densities: Mapping[str, Band]
    precedents: tuple[Precedent, ...]
    ranks: tuple[Rank, ...]
    deployed: Band
    rules: tuple[RuleEstimate, ...]
    ensemble: Band | None
    provenance: Provenance


def precedents(missions: MissionSet | None = None) -> tuple[Precedent, ...]:
    """Every mission's densities, in the dataset's order."""
    missions = default_missions() if missions is None else missions
    return tuple(
        Precedent(
            id=m.id,
            name=m.name,
            year=m.year,
            posture=m.posture,
            counts=m.counts,
            strength_kind=m.strength_kind,
            strength=m.strength,
            densities={d: m.density(d) for d in glossary.DENSITIES},
            unconfirmed=m.unconfirmed,
        )
        for m in missions
    )


def rank(density: str, scenario: Band, precs: tuple[Precedent, ...]) -> Rank | None:
    """Rank of the scenario's median among the missions that have ``density``."""
    known = [(p.id, p.densities[density]) for p in precs if p.densities[density] is not None]
    if not known:
        return None
    denser = tuple(pid for pid, d in sorted(known, key=lambda x: -x[1]) if d > scenario.p50)
    return Rank(density, scenario, len(denser) + 1, len(known) + 1, denser)


def scenario_site(result: RunResult) -> Site:
    """The scenario's sampled geometry as a site: front, front × width, population."""
    values, n = result.samples.values, result.samples.n

    def full(x) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,))

    front = full(values["geometry.front_length_km"])
    area = full(buffer_area_km2(front, values["geometry.buffer_width_km"]))
    population = values.get("geometry.population")
    return Site(front, area, None if population is None else full(population))


def _scenario_densities(result: RunResult, site: Site) -> dict[str, Band]:
    s, n = result.summary, result.samples.n
    out = {
        "troops_per_km": s.metrics["deployed_per_km"],
        "troops_per_km2": s.metrics["deployed_per_km2"],
    }
    if site.population is not None:
        out["troops_per_1000"] = band(troops_per_1000(result.outcome.deployed, site.population), n)
    return out


def compare(
    result: RunResult,
    missions: MissionSet | None = None,
    rules: Mapping[str, Rule] | None = None,
) -> Comparison:
    """The scenario of ``result`` beside the dataset's missions and rules.

    Parameters
    ----------
    result : RunResult
        A run of any method.
    missions : MissionSet, optional
        The dataset (default: the shipped one).
    rules : mapping of str to Rule, optional
        The rules to apply (default: every rule of the dataset and doctrine).
    """
    missions = default_missions() if missions is None else missions
    n, p = result.samples.n, result.provenance
    site = scenario_site(result)
    precs = precedents(missions)
    densities = _scenario_densities(result, site)
    ranks = tuple(r for d, b in densities.items() if (r := rank(d, b, precs)) is not None)
    fitting = applicable(all_rules(missions) if rules is None else rules, site)
    estimates: tuple[RuleEstimate, ...] = ()
    mixed = None
    by_rule = getattr(result.outcome, "by_rule", None) or {}
    if by_rule:
        estimates = tuple(
            RuleEstimate(k, fitting[k].description if k in fitting else k, band(v, n), ())
            for k, v in by_rule.items()
        )
        mixed = band(result.outcome.deployed, n)
    elif fitting:
        weights = group_weights(fitting)
        e = ensemble(fitting, site, n, derived_seed(p.seed, _SALT), weights=weights)
        estimates = tuple(
            RuleEstimate(k, r.description, band(e.by_rule[k], n), r.missions)
            for k, r in fitting.items()
        )
        mixed = band(e.deployed, n)
    return Comparison(
        scenario=result.scenario.name,
        method=getattr(result.scenario, "method", "tasks"),
        densities=densities,
        precedents=precs,
        ranks=ranks,
        deployed=result.summary.metrics["deployed"],
        rules=estimates,
        ensemble=mixed,
        provenance=p,
    )
