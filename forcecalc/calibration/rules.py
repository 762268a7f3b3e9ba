"""The catalogue of sizing rules, from past missions and doctrine, and their ensembles.

The rules' pure density formulas and their mixture are :mod:`forcecalc.core.densities`;
this module draws the rules' figures from the cited missions dataset.

A rule turns a geometry into a requirement by one density: a past mission's personnel per km of
line, per km² of buffer or per 1,000 inhabitants, its posts every so many km with a crew each,
or a doctrine's ratio. Every rule's numbers are :class:`~forcecalc.core.scenario.Figure` objects
(``rules.<rule id>.rate`` ...) with the mission's citation, so they sample, override and cite
like any scenario figure.

References
----------
.. [1] Quinlivan, J. T. (1995). "Force Requirements in Stability Operations", Parameters
   25(4), 59-69.
.. [2] Headquarters, Department of the Army (2006). FM 3-24 / MCWP 3-33.5, Counterinsurgency,
   para. 1-67 (20-25 counterinsurgents per 1,000 residents).
.. [3] Jensen, B. (2025). "Guarding the Frontier: Options for a Post-Conflict Security Force in
   Ukraine", CSIS: force-to-space ratios of past missions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from forcecalc.calibration.missions import Mission, MissionSet, default_missions
from forcecalc.core import glossary
from forcecalc.core.densities import (
    RULE_CHOICE,
    FloatArray,
    Rule,
    RuleBasis,
    Site,
    basis_of,
    mixture,
    requirement,
    rule_path,
    weight_path,
)
from forcecalc.core.distributions import Pert, Point, Uniform
from forcecalc.core.errors import UsageError
from forcecalc.core.sampling import DEFAULT_SEED, Sampler, figure_values, unit_design
from forcecalc.core.scenario import Figure, Geometry, Scenario
from forcecalc.core.sources import Assumption, Citation


def mission_site(mission: Mission, independent: bool = True) -> Site:
    """A mission's own geometry.

    With ``independent`` (the default) a figure derived from the mission's strength is
    left out (IFOR's population, computed as strength ÷ 17.5 × 1,000): a rule applied to
    it would only give the strength back, so it cannot test the mission.
    """

    def own(value: float | None, *names: str) -> float | None:
        derived = any("strength" in f.derived_from for n in names if (f := mission.figures.get(n)))
        return None if independent and derived else value

    return Site(
        own(mission.line_length_km, "line_length_km"),
        own(mission.area_km2, "area_km2", "line_length_km", "buffer_width_km"),
        own(mission.population, "population"),
    )


def _figure(rule_id: str, name: str, dist, source, note: str) -> Figure:
    if name == "rate":
        term = glossary.RULE_RATE_UNITS[str(basis_of(rule_id))]
    else:
        term = glossary.FIGURES[name]
    return Figure(
        path=rule_path(rule_id, name),
        unit=term.unit,
        dist=dist,
        source=source,
        domain=term.domain,
        note=note,
    )


def _label(source: Citation | None) -> str:
    return source.label() if source is not None else "unsourced"


def mission_rules(mission: Mission) -> tuple[Rule, ...]:
    """Every rule a mission's figures allow: per km, per km², per 1,000, posts."""
    strength = mission.figures.get("strength")
    if strength is None or strength.value is None:
        return ()
    out = []
    per = {
        RuleBasis.PER_KM: (mission.troops_per_km, "line_length_km", "km of line"),
        RuleBasis.PER_KM2: (mission.troops_per_km2, "area_km2", "km²"),
        RuleBasis.PER_1000: (mission.troops_per_1000, "population", "1,000 inhabitants"),
    }
    for basis, (density, name, per_what) in per.items():
        if density is None:
            continue
        rule_id = f"{mission.id}.{basis}"
        divisor = getattr(mission, name)
        scale = " × 1,000" if name == "population" else ""
        how = f"{strength.value:,.0f} ÷ {divisor:,.0f}{scale}"
        other = mission.figures.get(name)
        derived = "line × width" if name == "area_km2" and mission.area_is_derived else ""
        note = (
            f"{mission.name} ({mission.year}): {how} = {density:.4g} per {per_what}; "
            f"{name} from {derived or _label(other.source if other else None)}"
        )
        figure = _figure(rule_id, "rate", Point(density), strength.source, note)
        out.append(
            Rule(
                id=rule_id,
                basis=basis,
                figures={"rate": figure},
                missions=(mission.id,),
                groups=(mission.group,),
                description=f"{mission.name}, {mission.year}: {density:.3g} per {per_what}",
            )
        )
    line, posts = mission.line_length_km, mission.positions
    if line is not None and posts is not None:
        rule_id = f"{mission.id}.{RuleBasis.POSTS}"
        spacing, crew = line / posts, strength.value / posts
        source = mission.figures["positions"].source
        out.append(
            Rule(
                id=rule_id,
                basis=RuleBasis.POSTS,
                figures={
                    "spacing_km": _figure(
                        rule_id,
                        "spacing_km",
                        Point(spacing),
                        source,
                        f"{line:,.0f} km ÷ {posts:,.0f} positions = {spacing:.3g} km",
                    ),
                    "crew": _figure(
                        rule_id,
                        "crew",
                        Point(crew),
                        strength.source,
                        f"{strength.value:,.0f} ÷ {posts:,.0f} positions = {crew:.3g} per post, "
                        "the whole force spread over its posts",
                    ),
                },
                missions=(mission.id,),
                groups=(mission.group,),
                description=(
                    f"{mission.name}: a post every {spacing:.3g} km with {crew:.3g} personnel"
                ),
            )
        )
    return tuple(out)


#: Doctrine rules, kept as cited module constants.
DOCTRINE_RULES: tuple[Rule, ...] = (
    Rule(
        id="doctrine.per_1000",
        basis=RuleBasis.PER_1000,
        figures={
            "rate": _figure(
                "doctrine.per_1000",
                "rate",
                Uniform(20.0, 25.0),
                Citation(
                    title="Counterinsurgency (FM 3-24 / MCWP 3-33.5), paragraph 1-67",
                    publisher="Headquarters, Department of the Army",
                    date="2006-12",
                ),
                "20 to 25 security personnel per 1,000 residents of the area of operations. "
                "Quinlivan (Parameters, 1995; RAND Review, 2003) puts successful stability "
                "operations at 20 per 1,000 or more.",
            )
        },
        description="doctrine: 20-25 security personnel per 1,000 inhabitants (FM 3-24)",
    ),
    Rule(
        id="doctrine.posts",
        basis=RuleBasis.POSTS,
        figures={
            "spacing_km": _figure(
                "doctrine.posts",
                "spacing_km",
                Uniform(80.0 / 55.0, 2.4),
                Assumption(
                    "uniform between the post spacings of two UN missions on a ceasefire line: "
                    "UNDOF, 44 positions and 11 observation posts on an area of separation about "
                    "80 km long (80 ÷ 55 = 1.45 km; UN; canadiansoldiers.com), and UNIFIL, about "
                    "50 positions on the 120 km Blue Line (120 ÷ 50 = 2.4 km; UN)"
                ),
                "A post every 1.45 to 2.4 km of line, as UNDOF and UNIFIL spaced theirs.",
            ),
            "crew": _figure(
                "doctrine.posts",
                "crew",
                Pert(8.0, 18.0, 30.0),
                Assumption(
                    "no source gives a crew per post: the mode is UNDOF's 1,250 spread over its "
                    "55 positions (22.7) less the logistics and headquarters shares of UNIFIL's "
                    "1982 structure (infantry 81%, S/15194), about 18; the low end, 8, a section "
                    "keeping one post manned round the clock; the high end, 30, a platoon "
                    "position; both ends are judgements"
                ),
                "Personnel per post, posts only: a force that also patrols, protects and "
                "supplies them needs more.",
            ),
        },
        missions=("undof", "unifil_2006"),
        groups=("undof", "unifil"),
        description="doctrine: a post every 1.45-2.4 km of line (UNDOF, UNIFIL), 8-30 each",
    ),
)


def all_rules(missions: MissionSet | None = None, doctrine: bool = True) -> dict[str, Rule]:
    """Every rule of the dataset's missions, then the doctrine rules, by id."""
    missions = default_missions() if missions is None else missions
    rules = {r.id: r for m in missions for r in mission_rules(m)}
    if doctrine:
        rules.update({r.id: r for r in DOCTRINE_RULES})
    return rules


def applicable(rules: Mapping[str, Rule], site: Site) -> dict[str, Rule]:
    """The rules whose geometry the site has."""
    return {k: r for k, r in rules.items() if site.has(r.needs)}


def leave_out(rules: Mapping[str, Rule], groups: Iterable[str]) -> dict[str, Rule]:
    """The rules that derive from no mission of ``groups``."""
    out = set(groups)
    return {k: r for k, r in rules.items() if not out & set(r.groups)}


def rule_figures(rules: Iterable[Rule]) -> dict[str, Figure]:
    """Every figure of the rules, by path."""
    return {f.path: f for r in rules for f in r.figures.values()}


#: The reason given for a default weight.
EQUAL_WEIGHT = Assumption(
    "equal weights by default: no rule has been shown to size forces better than another"
)

#: The reason given for a weight split within a mission.
MISSION_WEIGHT = Assumption(
    "equal weights per mission: each past mission (all years of UNFICYP, IFOR with SFOR and "
    "EUFOR) is one piece of evidence whatever the number of rules its figures allow, so its "
    "weight of 1 is shared equally by its rules"
)

#: How an ensemble's default weights are set: per mission group, or per rule.
WEIGHTINGS = ("mission", "rule")


def group_weights(rules: Mapping[str, Rule], weighting: str = "mission") -> dict[str, float]:
    """Default weights of an ensemble's rules. [ratio]

    Parameters
    ----------
    rules : mapping of str to Rule
        The ensemble's rules.
    weighting : {"mission", "rule"}
        ``"mission"`` (the default): every mission group gets a total weight of 1, shared
        equally by its rules, so that UNFICYP's three years and six rules weigh as much as
        UNMEE's two; a doctrine rule counts as its own group. ``"rule"``: every rule weight 1.

    Notes
    -----
    A rule's group is the tuple of groups it derives from (``doctrine.posts`` derives from
    UNDOF and UNIFIL and forms its own group), or its id for a rule of no mission.
    """
    if weighting not in WEIGHTINGS:
        raise UsageError(f"weighting: got {weighting!r}; expected one of {', '.join(WEIGHTINGS)}")
    if weighting == "rule":
        return {k: 1.0 for k in rules}
    key = {k: (r.groups if r.missions and len(r.missions) == 1 else (k,)) for k, r in rules.items()}
    size: dict[tuple[str, ...], int] = {}
    for g in key.values():
        size[g] = size.get(g, 0) + 1
    return {k: 1.0 / size[key[k]] for k in rules}


def weight_figure(rule_id: str, weight: float = 1.0, source=EQUAL_WEIGHT) -> Figure:
    """A rule's weight in an ensemble as a figure (a point, 1 by default). [ratio]"""
    term = glossary.FIGURES["weight"]
    return Figure(weight_path(rule_id), term.unit, Point(weight), source, term.domain)


def rule_choice_figure() -> Figure:
    """The ensemble's uniform draw, one per sample, that picks each sample's rule. [fraction]"""
    term = glossary.FIGURES["rule_choice"]
    reason = Assumption(
        "the mixture's selector: uniform on [0, 1) so that each rule gets its weight's "
        "share of the samples"
    )
    return Figure(RULE_CHOICE, term.unit, Uniform(0.0, 1.0), reason, term.domain)


# --------------------------------------------------------------------------------------------
# Conditioning on posture

#: Fewest mission groups of a posture that must give an applicable rule for an ensemble to
#: draw on that posture alone; with fewer it falls back to every applicable rule.
MIN_POSTURE_MISSIONS = 1


def rule_postures(rule: Rule, missions: MissionSet | None = None) -> frozenset[str]:
    """The postures of the missions a rule derives from (none for a doctrine of no mission).

    ``doctrine.posts`` derives from UNDOF (interpose) and UNIFIL (observe), so it is of both;
    ``doctrine.per_1000`` derives from no mission and is of no posture: it is kept in every
    posture's ensemble.
    """
    missions = default_missions() if missions is None else missions
    return frozenset(missions[m].posture for m in rule.missions if m in missions)


@dataclass(frozen=True)
class PostureChoice:
    """The rules an ensemble draws on for one posture, and whether it fell back.

    Attributes
    ----------
    posture : str or None
        The posture asked for (``None``: no posture, every rule).
    rules : mapping of str to Rule
        The rules chosen, by id.
    conditioned : bool
        True when the rules are the posture's (its missions' rules and the rules of no
        posture); False when no posture was asked or the ensemble fell back to every rule.
    groups : tuple of str
        The mission groups of that posture with a rule among those offered.
    shared : tuple of str
        Rules kept that are not of that posture alone: a doctrine of no posture, or one drawn
        from missions of several postures (``doctrine.posts``).
    min_missions : int
        The fewest groups needed before falling back.
    """

    posture: str | None
    rules: Mapping[str, Rule]
    conditioned: bool
    groups: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    min_missions: int = MIN_POSTURE_MISSIONS

    @property
    def fell_back(self) -> bool:
        """True when a posture was asked but too few of its missions had a rule."""
        return self.posture is not None and not self.conditioned

    def describe(self) -> str:
        """One sentence: the posture used, the fallback, and the weights."""
        weights = "equal weights per mission (a mission's rules share its weight of 1)"
        if self.posture is None:
            return f"every rule the geometry allows, all postures; {weights}"
        if self.fell_back:
            found = ", ".join(self.groups) or "none"
            return (
                f"posture {self.posture}: fewer than {self.min_missions} mission(s) of that "
                f"posture have a rule this geometry allows ({found}), so it falls back to "
                f"every rule, all postures; {weights}"
            )
        also = f" and {', '.join(self.shared)}" if self.shared else ""
        return (
            f"posture {self.posture}: the rules of its missions ({', '.join(self.groups)})"
            f"{also}; {weights}"
        )


def by_posture(
    rules: Mapping[str, Rule],
    posture: str | None,
    missions: MissionSet | None = None,
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> PostureChoice:
    """The rules of ``posture`` among ``rules``, or all of them when too few missions have it.

    Parameters
    ----------
    rules : mapping of str to Rule
        The rules offered (already those the geometry allows, and any missions left out).
    posture : str or None
        One of :data:`forcecalc.calibration.missions.POSTURES`; ``None`` keeps every rule.
    min_missions : int
        The fewest mission groups of that posture with a rule among ``rules``; with fewer, every
        rule is kept (the fallback), and the choice says so.

    Notes
    -----
    A rule is of a posture when a mission it derives from is; a rule of no mission (the
    doctrine per 1,000) is of none and stays in every posture's ensemble, but it is not counted
    as a mission of the posture.
    """
    missions = default_missions() if missions is None else missions
    if posture is None:
        return PostureChoice(None, dict(rules), False, min_missions=min_missions)
    kept, groups = {}, []
    for k, r in rules.items():
        postures = rule_postures(r, missions)
        if not postures or posture in postures:
            kept[k] = r
        if postures == {posture} and r.groups:
            groups += [g for g in r.groups if g not in groups]
    if len(groups) < min_missions:
        return PostureChoice(posture, dict(rules), False, tuple(groups), (), min_missions)
    shared = tuple(k for k, r in kept.items() if rule_postures(r, missions) != {posture})
    return PostureChoice(posture, kept, True, tuple(groups), shared, min_missions)


def common_posture(geometry: Geometry | None) -> str | None:
    """The posture every declared sector shares, or ``None`` (no sectors, or several)."""
    postures = {s.posture for s in (geometry.sectors if geometry is not None else ())}
    return postures.pop() if len(postures) == 1 else None


def scenario_posture(scenario: Scenario) -> str | None:
    """The posture a scenario's ensemble draws on: ``ensemble.posture``, else its sectors'."""
    return scenario.ensemble_posture or common_posture(scenario.geometry)


def _scenario_site(scenario: Scenario) -> Site:
    """Which geometry a scenario has, as the reader checks its rules against (1 for each)."""
    return Site(1.0, 1.0, 1.0 if "geometry.population" in scenario.figures else None)


def ensemble_shares(scenario: Scenario) -> dict[str, float]:
    """Each rule's share of an ensemble's samples: its weight over the sum. [fraction]"""
    w = {k: float(scenario.figures[weight_path(k)].dist.value) for k in scenario.rules}
    total = sum(w.values())
    return {k: v / total for k, v in w.items()}


def scenario_choice(scenario: Scenario, missions: MissionSet | None = None) -> PostureChoice:
    """The posture choice behind an ensemble scenario's default rules.

    With ``ensemble.posture`` (or sectors of one posture) it is :func:`by_posture` on the
    rules its geometry allows, the one the reader made; without, every rule (posture ``None``).
    """
    fitting = applicable(all_rules(missions), _scenario_site(scenario))
    return by_posture(fitting, scenario.ensemble_posture, missions)


def describe_ensemble(scenario: Scenario, missions: MissionSet | None = None) -> str:
    """One line for an ensemble scenario: the posture used, the fallback, and the weights."""
    shares = ", ".join(f"{k} {v:.1%}" for k, v in ensemble_shares(scenario).items())
    choice = scenario_choice(scenario, missions)
    if scenario.ensemble_posture is None and set(choice.rules) != set(scenario.rules):
        how = "the rules the scenario lists (no posture), with its weights"
    else:
        how = choice.describe()
    return f"Ensemble: {how}. Share of samples by rule: {shares}."


# --------------------------------------------------------------------------------------------
# An ensemble on a site, outside any scenario


@dataclass(frozen=True)
class Ensemble:
    """The rules' requirements on one site and their mixture, over ``n`` samples.

    Attributes
    ----------
    by_rule : mapping of str to ndarray
        Each rule's requirement. [personnel]
    weights : mapping of str to float
        Each rule's weight. [ratio]
    deployed : ndarray
        The mixture. [personnel]
    """

    by_rule: Mapping[str, FloatArray]
    weights: Mapping[str, float]
    deployed: FloatArray
    n: int
    seed: int
    sampler: str = "lhs"
    rules: Mapping[str, Rule] = field(default_factory=dict, compare=False)


def derived_seed(seed: int, salt: int) -> int:
    """A seed for a second, independent stream of draws derived from ``seed``."""
    return int(np.random.SeedSequence([seed, salt]).generate_state(1)[0])


def rule_draws(
    rules: Mapping[str, Rule], n: int, seed: int, sampler: Sampler | str = Sampler.LHS
) -> dict[str, FloatArray]:
    """The ``n`` draws of the rules' figures and of the mixture's choice
    (:data:`RULE_CHOICE`), by path, as :func:`ensemble` mixes them: they depend on the rules'
    figures, ``n``, ``seed`` and ``sampler`` only, not on the site. [each figure's unit]"""
    figures = [*rule_figures(rules.values()).values(), rule_choice_figure()]
    u = unit_design(len(figures), n, seed, Sampler(sampler))
    return {f.path: figure_values(f, u[:, j]) for j, f in enumerate(figures)}


def draws_key(rules: Mapping[str, Rule]) -> tuple[object, ...]:
    """What :func:`rule_draws` depends on besides ``n``, ``seed`` and the sampler: each
    figure's path and distribution, in order (hashable, a cache's key)."""
    figures = rule_figures(rules.values()).values()
    return tuple((f.path, f.dist, f.domain) for f in figures)


def ensemble(
    rules: Mapping[str, Rule],
    site: Site,
    n: int,
    seed: int = DEFAULT_SEED,
    weights: Mapping[str, float] | None = None,
    sampler: Sampler | str = Sampler.LHS,
    draws: Mapping[str, FloatArray] | None = None,
) -> Ensemble:
    """Apply every rule to the site and mix them, equal weights unless given.

    Parameters
    ----------
    rules : mapping of str to Rule
        The rules, each applicable to ``site``.
    site : Site
        Geometry: scalars, or arrays of ``n`` samples.
    n : int
        Number of samples.
    seed : int
        Seed of the rules' uncertain figures and of the mixture's draws.
    weights : mapping of str to float, optional
        Relative weight of each rule (1 when left out).
    draws : mapping of str to ndarray, optional
        :func:`rule_draws` of these rules, ``n``, ``seed`` and ``sampler``, drawn before (they
        do not depend on the site: the app keeps them across edits); drawn here if None.

    Raises
    ------
    UsageError
        With no rules, or a rule the site lacks the geometry for.
    """
    if not rules:
        raise UsageError("ensemble: got no rules; expected at least one rule the geometry allows")
    sampler = Sampler(sampler)
    values = rule_draws(rules, n, seed, sampler) if draws is None else draws
    by_rule = {
        k: np.broadcast_to(requirement(r, values, site), (n,)).astype(float)
        for k, r in rules.items()
    }
    w = {k: float((weights or {}).get(k, 1.0)) for k in rules}
    mixed = mixture(list(by_rule.values()), list(w.values()), values[RULE_CHOICE])
    return Ensemble(by_rule, w, mixed, n, seed, str(sampler), dict(rules))
