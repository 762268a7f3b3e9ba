"""Ensembles by sector: each sector of a line draws on the rules of its own posture.

When a line's sectors have different postures (an ``interpose`` front with a buffer, an
``observe`` border) and the ensemble names neither ``rules`` nor a ``posture``, each sector's
requirement is the mixture of the rules of its own posture (:func:`~forcecalc.calibration.
rules.by_posture`, with its fallback to every rule), weighed equally per mission within that
posture, and the deployed force is the sum over sectors. One draw, ``ensemble.rule_choice``,
serves every sector (common random numbers): two sectors with the same rules take the same rule
in every sample, so a line whose sectors share a posture gives the whole-line ensemble's
numbers. A sector without a buffer draws on the rules per km and posts only, and a rule per
1,000 inhabitants is left out of every sector: the population is not split by sector.

The shared draw is comonotone: every sector puts its rules in one order for the whole line,
from the smallest requirement to the largest (:func:`size_order`), so a draw ``u`` near 1 takes
a large rule in every sector and one near 0 a small rule in every sector, and the sectors'
requirements rise and fall together (in the order of their ids, the front's largest rule was
paired with the border's smallest: Spearman −0.01 between them in the docs' example).
"""

from __future__ import annotations

from collections.abc import Mapping

from forcecalc.calibration.missions import MissionSet
from forcecalc.calibration.rules import (
    PostureChoice,
    Rule,
    RuleBasis,
    Site,
    all_rules,
    applicable,
    by_posture,
    describe_ensemble,
    group_weights,
)
from forcecalc.core.densities import weight_path
from forcecalc.core.scenario import Figure, Geometry, Scenario, SectorEnsemble
from forcecalc.core.sectors import rule_parts
from forcecalc.core.sources import Assumption

#: The reason given for the weight figure of a rule in ensembles by sector.
SECTOR_WEIGHT = Assumption(
    "ensembles by sector: each sector weighs the rules of its own posture equally per mission "
    "(the shares stated in the output); this figure, 1 by default, multiplies the rule's share "
    "in every sector that draws on it"
)

#: What the output says of the rules per 1,000 inhabitants.
PER_1000_NOTE = (
    "a sector without a buffer draws on no rule per km²; rules per 1,000 inhabitants are "
    "left out: the population is not split by sector"
)


def mixed_postures(geometry: Geometry | None) -> bool:
    """True when the line declares sectors of more than one posture."""
    return geometry is not None and len({s.posture for s in geometry.sectors}) > 1


def sector_pool(rules: Mapping[str, Rule], site: Site) -> dict[str, Rule]:
    """The rules a sector may draw on: those the geometry allows, none per 1,000."""
    return {k: r for k, r in applicable(rules, site).items() if r.basis is not RuleBasis.PER_1000}


def sector_choices(
    geometry: Geometry,
    site: Site,
    catalogue: Mapping[str, Rule] | None = None,
    missions: MissionSet | None = None,
) -> dict[str, PostureChoice]:
    """Each declared sector's posture choice, by sector name, in the line's order.

    A sector draws on the rules it can take: per km and posts, and per km² where it has a
    buffer (a per-km² rule would give a sector without one nothing); none per 1,000.
    """
    catalogue = all_rules(missions) if catalogue is None else catalogue
    out = {}
    for s in geometry.sectors:
        own = Site(site.line_length_km, site.area_km2 if s.has_buffer else None)
        out[s.name] = by_posture(sector_pool(catalogue, own), s.posture, missions)
    return out


def median_per_km(rule: Rule, geometry: Geometry, figures: Mapping[str, Figure]) -> float:
    """A rule's requirement per km of the sectors it applies to, at the median of every
    figure (the rule's own and the sectors' lengths and widths). [troops_per_km]

    Notes
    -----
    Per km: its rate; posts: ``ceil(length / spacing) * crew`` summed over the sectors, per km
    of them; per km²: its rate × the buffer area of the sectors with a buffer, per km of them
    (the rate × their mean buffer width). On a sector with a buffer of the line's mean width
    this orders the rules as their requirements in that sector.
    """
    paths = [s.length_path for s in geometry.line] + [
        s.buffer_path for s in geometry.line if s.buffer_path is not None
    ]
    values = {p: float(figures[p].dist.ppf(0.5)) for p in paths}
    values.update({f.path: float(f.dist.ppf(0.5)) for f in rule.figures.values()})
    parts = rule_parts(geometry, rule.id, values)
    km = sum(values[s.length_path] for s in geometry.line if s.name in parts)
    return float(sum(parts.values())) / km if km > 0 else 0.0


def size_order(
    rules: Mapping[str, Rule], geometry: Geometry, figures: Mapping[str, Figure]
) -> list[str]:
    """The rules' ids from the smallest requirement to the largest, one order for every
    sector: by :func:`median_per_km`, ties by id."""
    size = {k: median_per_km(r, geometry, figures) for k, r in rules.items()}
    return sorted(rules, key=lambda k: (size[k], k))


def sector_ensembles(
    geometry: Geometry,
    site: Site,
    figures: Mapping[str, Figure],
    catalogue: Mapping[str, Rule] | None = None,
    missions: MissionSet | None = None,
) -> tuple[SectorEnsemble, ...]:
    """Each sector's rules, in the line's one size order (:func:`size_order`, at the median
    of ``figures``), and their shares, equal per mission of its posture."""
    choices = sector_choices(geometry, site, catalogue, missions)
    drawn = {k: r for c in choices.values() for k, r in c.rules.items()}
    rank = {k: i for i, k in enumerate(size_order(drawn, geometry, figures))}
    out = []
    for name, choice in choices.items():
        shares = group_weights(choice.rules)
        order = sorted(shares, key=rank.__getitem__)
        out.append(SectorEnsemble(name, tuple(order), tuple(shares[k] for k in order)))
    return tuple(out)


def scenario_site(scenario: Scenario) -> Site:
    """Which geometry a scenario has, as the reader checks rules against (1 for each)."""
    return Site(1.0, 1.0, 1.0 if "geometry.population" in scenario.figures else None)


def sector_shares(scenario: Scenario, own: SectorEnsemble) -> dict[str, float]:
    """Each rule's share of a sector's samples: share × weight figure, over the sum. [fraction]"""
    w = {
        k: s * float(scenario.figures[weight_path(k)].dist.value)
        for k, s in zip(own.rules, own.shares, strict=True)
    }
    total = sum(w.values())
    return {k: v / total if total > 0 else 0.0 for k, v in w.items()}


def sector_dicts(scenario: Scenario, missions: MissionSet | None = None) -> dict[str, dict]:
    """Per sector: its posture, the rules drawn on, the fallback, and each rule's share."""
    choices = sector_choices(scenario.geometry, scenario_site(scenario), None, missions)
    postures = {s.name: s.posture for s in scenario.geometry.sectors}
    out: dict[str, dict] = {}
    for own in scenario.sector_ensembles:
        choice = choices[own.sector]
        out[own.sector] = {
            "posture": postures[own.sector],
            "rules": list(own.rules),
            "conditioned": choice.conditioned,
            "fell_back": choice.fell_back,
            "shares": sector_shares(scenario, own),
            "statement": choice.describe(),
        }
    return out


def describe_sectors(scenario: Scenario, missions: MissionSet | None = None) -> str:
    """One line: each sector's posture, rules, fallback and shares of its samples."""
    parts = []
    for name, d in sector_dicts(scenario, missions).items():
        shares = ", ".join(f"{k} {v:.1%}" for k, v in d["shares"].items())
        parts.append(f"sector {name}: {d['statement']}; share of samples by rule: {shares}")
    return (
        "Ensemble by sector (each sector draws on its own posture; one ensemble.rule_choice "
        f"draw for every sector, common random numbers; {PER_1000_NOTE}). " + ". ".join(parts) + "."
    )


def describe(scenario: Scenario, missions: MissionSet | None = None) -> str:
    """The ensemble line of a run: by sector (:func:`describe_sectors`), or the whole line's
    (:func:`~forcecalc.calibration.rules.describe_ensemble`)."""
    if scenario.sector_ensembles:
        return describe_sectors(scenario, missions)
    return describe_ensemble(scenario, missions)


def by_sector_dict(scenario: Scenario, missions: MissionSet | None = None) -> dict[str, object]:
    """The JSON ensemble block of an ensemble by sector: no common posture, each sector's own."""
    sectors = sector_dicts(scenario, missions)
    return {
        "posture": None,
        "by_sector": True,
        "conditioned": all(d["conditioned"] for d in sectors.values()),
        "fell_back": any(d["fell_back"] for d in sectors.values()),
        "shares": {},
        "sectors": sectors,
        "left_out": PER_1000_NOTE,
        "statement": describe_sectors(scenario, missions),
    }
