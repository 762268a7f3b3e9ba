"""A scenario beside its precedents: densities, rank, and what each sizing rule would give.

:func:`compare` takes a run's result and returns a :class:`Comparison`: the scenario's
personnel per km of line, per km² of buffer and (with a population) per 1,000 inhabitants, each
with its band, beside the same densities of every mission of the dataset; where the scenario's
median ranks among them; and the requirement each rule gives on the scenario's own sampled
geometry, with their ensemble (equal weights per mission, as the back-test uses). The CLI
(``forcecalc analogs``) and the app render the same result.

Like is compared with like. A mission's density per km is its whole strength over the whole
line it held, so a scenario's is its whole deployed force over the whole line it covers: the
front plus any quiet borders (``geometry.border_length_km``), not the front alone, which would
count the border troops as if they stood on the front (:func:`line_covered_km`): the run's own
``deployed_per_km_line``, the same figure. The run's ``deployed_per_km`` (per km of front) is
shown beside it. The rules apply to that whole line as well (:func:`scenario_site`), as a
scenario's own analog or ensemble does (:mod:`forcecalc.core.sectors`). Per km² compares
buffer and security zones only: a territory's area (KFOR's Kosovo) gives no density per km².

References
----------
.. [1] Jensen, B. (2025). "Guarding the Frontier: Options for a Post-Conflict Security Force in
   Ukraine", CSIS: force-to-space ratios of past missions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.calibration import sector_postures
from forcecalc.calibration.missions import (
    MissionSet,
    default_missions,
    troops_per_1000,
)
from forcecalc.calibration.rules import (
    all_rules,
    applicable,
    by_posture,
    derived_seed,
    ensemble,
    group_weights,
    rule_draws,
    scenario_posture,
)
from forcecalc.core import glossary, sectors
from forcecalc.core.backstop import check_results
from forcecalc.core.densities import Rule, Site
from forcecalc.core.provenance import Provenance
from forcecalc.core.runner import RunResult
from forcecalc.core.summary import Band, band

FloatArray = NDArray[np.float64]
#: ``draw(rules, n, seed)``: the rules' draws (:func:`forcecalc.calibration.rules.rule_draws`).
RuleDraws = Callable[[Mapping[str, Rule], int, int], Mapping[str, FloatArray]]

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
    per_km_front : Band or None
        With borders: the run's deployed per km of front alone, for reference; ``None`` when
        the scenario has no borders, where ``densities["troops_per_km"]`` is that already.
        [troops_per_km]
    border_km : Band or None
        The quiet borders' length added to the front for the density per km, or ``None``. [km]
    ensemble_note : str
        The ensemble's posture, its fallback and its weights, in one sentence.
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
    per_km_front: Band | None = None
    border_km: Band | None = None
    ensemble_note: str = ""


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
    """The scenario's sampled geometry as a site: the whole line covered (every sector, front
    and borders), every sector's buffer area, the population."""
    values, n = result.samples.values, result.samples.n
    geometry = result.scenario.geometry

    def full(x) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,))

    line = full(sectors.line_km(geometry, values))
    area = full(sectors.buffer_km2(geometry, values))
    population = values.get("geometry.population")
    return Site(line, area, None if population is None else full(population))


def line_covered_km(front_length_km: ArrayLike, border_length_km: ArrayLike = 0.0) -> FloatArray:
    """Length of the whole line a force covers: its front plus its quiet borders. [km]

    Parameters
    ----------
    front_length_km : array_like
        The active front. [km]
    border_length_km : array_like
        Quiet borders that still need cover (0 when there are none). [km]

    Notes
    -----
    A past mission's density per km is its whole strength over its whole line, so a
    scenario's comparable density is its whole deployed force over ``front + border``.
    """
    return np.add(front_length_km, border_length_km, dtype=float)


def _border(result: RunResult) -> np.ndarray | None:
    """The line beyond the front (the sectors without a buffer), or ``None`` for a scenario
    with neither borders nor sectors. [km]"""
    geometry, values = result.scenario.geometry, result.samples.values
    if not (geometry.has_border or geometry.sectors):
        return None
    quiet = sectors.line_km(geometry, values) - sectors.front_km(geometry, values)
    return np.broadcast_to(np.asarray(quiet, dtype=float), (result.samples.n,))


def _scenario_densities(result: RunResult, site: Site) -> dict[str, Band]:
    s, n = result.summary, result.samples.n
    # per km of the whole line where the run has it (the run's deployed_per_km_line)
    per_km = s.metrics.get("deployed_per_km_line", s.metrics["deployed_per_km"])
    out = {
        "troops_per_km": per_km,
        "troops_per_km2": s.metrics["deployed_per_km2"],
    }
    if site.population is not None:
        out["troops_per_1000"] = band(troops_per_1000(result.outcome.deployed, site.population), n)
    return out


def check_rules(result: RunResult, by_rule: Mapping[str, ArrayLike]) -> None:
    """Refuse rule estimates that are not finite or beyond the physical limits.

    The run's own results are checked by the run; a rule applied to the scenario's geometry
    (a past mission's density per km² on a buffer as large as a continent) can still ask for
    more than 10⁹ people (:mod:`forcecalc.core.backstop`), refused in one line naming the rule
    and the scenario's most extreme figures.
    """
    results = {f"rules.{k}": v for k, v in by_rule.items()}
    check_results(result.scenario, results, "the past missions' rules on its geometry")


def compare(
    result: RunResult,
    missions: MissionSet | None = None,
    rules: Mapping[str, Rule] | None = None,
    draw: RuleDraws = rule_draws,
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
    draw : callable, optional
        ``draw(rules, n, seed)``: the draws of the rules' figures
        (:func:`forcecalc.calibration.rules.rule_draws`, which depend on neither the scenario's
        figures nor its geometry; the app passes a cached one).
    """
    missions = default_missions() if missions is None else missions
    n, p = result.samples.n, result.provenance
    site = scenario_site(result)
    precs = precedents(missions)
    densities = _scenario_densities(result, site)
    border = _border(result)
    ranks = tuple(r for d, b in densities.items() if (r := rank(d, b, precs)) is not None)
    fitting = applicable(all_rules(missions) if rules is None else rules, site)
    estimates: tuple[RuleEstimate, ...] = ()
    mixed, note = None, ""
    by_rule = getattr(result.outcome, "by_rule", None) or {}
    if by_rule:
        estimates = tuple(
            RuleEstimate(k, fitting[k].description if k in fitting else k, band(v, n), ())
            for k, v in by_rule.items()
        )
        mixed = band(result.outcome.deployed, n)
        if result.scenario.method == "ensemble":
            note = sector_postures.describe(result.scenario, missions)
    elif fitting:
        # the posture's rules mix; the others keep their estimate, with weight 0
        choice = by_posture(fitting, scenario_posture(result.scenario), missions)
        weights = {k: 0.0 for k in fitting} | group_weights(choice.rules)
        note = "Ensemble: " + choice.describe() + "."
        with np.errstate(over="ignore", invalid="ignore"):  # check_results reports it
            seed = derived_seed(p.seed, _SALT)
            draws = draw(fitting, n, seed)
            e = ensemble(fitting, site, n, seed, weights=weights, draws=draws)
        check_rules(result, e.by_rule)
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
        per_km_front=result.summary.metrics["deployed_per_km"] if border is not None else None,
        border_km=band(border, n) if border is not None else None,
        ensemble_note=note,
    )
