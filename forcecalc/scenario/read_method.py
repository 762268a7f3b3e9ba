"""Reading how a scenario sizes its force: ``method:`` tasks (the troop-to-task table), an
``analog`` (one past mission's rule) or an ``ensemble`` of sizing rules, the rules checked
against the catalogue of :mod:`forcecalc.calibration.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping

from yaml.nodes import Node

from forcecalc.calibration import rules as sizing
from forcecalc.calibration import sector_postures
from forcecalc.core import glossary
from forcecalc.core.distributions import Point
from forcecalc.core.scenario import Figure, Geometry, SectorEnsemble
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import did_you_mean

#: What each kind of rule needs of a scenario's geometry, in the scenario's own keys.
_NEEDS = {
    "line_length_km": "geometry.front_length_km",
    "area_km2": "geometry.buffer_width_km",
    "population": "geometry.population",
}


def _mission_hint(text: str, catalogue: Mapping[str, sizing.Rule]) -> str:
    """A "did you mean" naming mission ids: ``unifil`` → ``unifil_2006``, ``sfor`` → both SFOR
    years, ``ifr`` → ``ifor``; ``""`` if none is close."""
    missions = sorted({m for rule in catalogue.values() for m in rule.missions})
    mission, _, basis = text.partition(".")
    years = [m for m in missions if m.startswith(mission + "_")]
    if not years:
        return did_you_mean(mission, missions) if not basis else ""
    options = [f"{m}.{basis}" if basis else m for m in years]
    return "did you mean " + " or ".join(f"'{o}'" for o in options) + "?"


def read_method(
    figs: FigureReader,
    root: Node,
    keys: Mapping[str, tuple[Node, Node]],
    geometry: Geometry | None = None,
) -> tuple[str, tuple[str, ...], str | None, tuple[SectorEnsemble, ...]]:
    """The method, for analog and ensemble the rules (their figures are added), the posture
    an ensemble drew on (``ensemble.posture``, else the sectors' common posture), and each
    sector's own ensemble for a default ensemble over sectors of different postures."""
    r = figs.r
    method = "tasks"
    if "method" in keys:
        method = r.choice(keys["method"][1], "method", fmt.METHODS)
    for key in ("analog", "ensemble"):
        if key in keys and method != key:
            r.fail(keys[key][0], key, f"'{key}' with method {method}", f"method: {key}")
    if method == "tasks":
        if "tasks" not in keys:
            r.fail(root, "", "no 'tasks'", "the key 'tasks', or method: analog or ensemble")
        return method, (), None, ()
    if "tasks" in keys:
        r.fail(
            keys["tasks"][0],
            "tasks",
            f"tasks with method {method}",
            "no tasks: the sizing rules give the whole force",
        )
    site = sizing.Site(1.0, 1.0, 1.0 if "geometry.population" in figs.figures else None)
    catalogue = sizing.all_rules()
    if method == "analog":
        if "analog" not in keys:
            r.fail(root, "analog", "method analog with no 'analog'", "analog: e.g. ifor.per_km")
        rule = _rule_ref(figs, keys["analog"][1], "analog", catalogue, site, mission_ok=True)
        figs.figures.update(sizing.rule_figures([rule]))
        return method, (rule.id,), None, ()
    entry = keys.get("ensemble")
    if entry is None and sector_postures.mixed_postures(geometry):
        rule_ids, own = _by_sector(figs, catalogue, site, geometry)
        return method, rule_ids, None, own
    return (method, *_ensemble(figs, entry, catalogue, site, geometry), ())


def _by_posture(
    catalogue: Mapping[str, sizing.Rule], site: sizing.Site, posture: str | None
) -> tuple[dict[str, sizing.Rule], dict[str, Figure]]:
    """The default ensemble: every rule that applies, or a posture's (with its fallback)."""
    chosen = sizing.by_posture(sizing.applicable(catalogue, site), posture).rules
    weights = {
        k: sizing.weight_figure(k, w, sizing.MISSION_WEIGHT)
        for k, w in sizing.group_weights(chosen).items()
    }
    return dict(chosen), weights


def _by_sector(
    figs: FigureReader,
    catalogue: Mapping[str, sizing.Rule],
    site: sizing.Site,
    geometry: Geometry,
) -> tuple[tuple[str, ...], tuple[SectorEnsemble, ...]]:
    """Every sector's own ensemble (the rules of its posture): the rules of all of them,
    sorted, each with a weight figure of 1 that multiplies its share in every sector; each
    sector's rules in the line's one size order (:func:`~forcecalc.calibration.sector_postures.
    size_order`), so that the shared draw is comonotone."""
    own = sector_postures.sector_ensembles(geometry, site, figs.figures, catalogue)
    order = sorted({k for e in own for k in e.rules})
    figs.figures.update(sizing.rule_figures(catalogue[k] for k in order))
    figs.figures.update(
        {
            sizing.weight_path(k): sizing.weight_figure(k, 1.0, sector_postures.SECTOR_WEIGHT)
            for k in order
        }
    )
    figs.figures[sizing.RULE_CHOICE] = sizing.rule_choice_figure()
    return tuple(order), own


def _rule_ref(
    figs: FigureReader,
    node: Node,
    path: str,
    catalogue: Mapping[str, sizing.Rule],
    site: sizing.Site,
    mission_ok: bool = False,
) -> sizing.Rule:
    """A sizing rule by id (or, with ``mission_ok``, a mission's first rule that fits)."""
    r = figs.r
    text = r.string(node, path, "a sizing rule such as ifor.per_km")
    rule = catalogue.get(text)
    expected = "a sizing rule <mission>.<basis> ('forcecalc missions' lists the missions)"
    hint = did_you_mean(text, catalogue)
    if mission_ok:  # analog: ifor, a mission's first rule that fits
        own = [x for x in catalogue.values() if x.missions == (text,)]
        rule = rule or next((x for x in own if site.has(x.needs)), None)
        if rule is None and own:  # a mission, none of whose rules this geometry allows
            needs = " or ".join(sorted({_NEEDS.get(x.needs, x.needs) for x in own}))
            r.fail(
                node,
                path,
                f"{text!r}, whose rules ({', '.join(x.id for x in own)}) need {needs}",
                f"a geometry with {needs}, or another mission",
            )
        expected = (
            "a sizing rule <mission>.<basis> or a mission id ('forcecalc missions' lists them)"
        )
        hint = _mission_hint(text, catalogue) or hint
    if rule is None:
        r.fail(node, path, repr(text), expected, hint)
    if not site.has(rule.needs):
        r.fail(
            node,
            path,
            f"{text!r}, a rule per 1,000 inhabitants, with no geometry.population",
            "a geometry.population figure, or a rule per km, per km² or per post",
        )
    return rule


def _ensemble(
    figs: FigureReader,
    entry: tuple[Node, Node] | None,
    catalogue: Mapping[str, sizing.Rule],
    site: sizing.Site,
    geometry: Geometry | None = None,
) -> tuple[tuple[str, ...], str | None]:
    """The ensemble's rules (default: every rule the geometry allows, or those of the posture
    of ``ensemble.posture`` or of the sectors) and their weights; and the posture."""
    r = figs.r
    posture = sizing.common_posture(geometry)
    block = r.section(entry[1], "ensemble", fmt.ENSEMBLE) if entry is not None else {}
    if "posture" in block:
        posture = r.choice(
            block["posture"][1], "ensemble.posture", fmt.options(fmt.ENSEMBLE, "posture")
        )
        if "rules" in block:
            r.fail(
                block["rules"][0],
                "ensemble.rules",
                "rules with ensemble.posture",
                "one of them: posture draws on its missions' rules, rules lists them",
            )
    elif entry is not None and "rules" not in block:
        r.fail(entry[1], "ensemble", "neither rules nor posture", "ensemble.rules or .posture")
    if "rules" not in block:
        chosen, weights = _by_posture(catalogue, site, posture)
    else:
        posture = None
        chosen, weights = {}, {}
        items = r.nonempty(
            block["rules"][1],
            "ensemble.rules",
            "a list",
            "at least one rule (or leave ensemble out for every rule that applies)",
        )
        for i, item in enumerate(items):
            path = f"ensemble.rules[{i}]"
            fields = r.section(item, path, fmt.ENSEMBLE_RULE)
            rule = _rule_ref(figs, fields["rule"][1], path + ".rule", catalogue, site)
            if rule.id in chosen:
                r.fail(fields["rule"][1], path + ".rule", f"'{rule.id}' twice", "each rule once")
            chosen[rule.id] = rule
            weights[rule.id] = sizing.weight_figure(rule.id)
            if "weight" in fields:
                node = fields["weight"][1]
                w = figs.figure(node, sizing.weight_path(rule.id), glossary.FIGURES["weight"])
                if not isinstance(w.dist, Point):
                    r.fail(node, path + ".weight", w.dist.describe(), "a point: value: N")
                weights[rule.id] = w
        if not any(w.dist.value > 0 for w in weights.values()):
            r.fail(entry[1], "ensemble.rules", "weights that are all 0", "a weight above 0")
    # The rules in order of their ids, not of the list: the order a file lists them in
    # changes neither which design column a rule's figures take nor which rule a draw of
    # the selector picks, so reordering the list leaves every number unchanged.
    order = sorted(chosen)
    figs.figures.update(sizing.rule_figures(chosen[k] for k in order))
    figs.figures.update({weights[k].path: weights[k] for k in order})
    figs.figures[sizing.RULE_CHOICE] = sizing.rule_choice_figure()
    return tuple(order), posture
