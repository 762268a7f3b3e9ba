"""Writing scenarios: a :class:`~forcecalc.core.scenario.Scenario` as plain data and YAML text.

The inverse of the reader: :func:`dump_scenario` writes text that
:func:`~forcecalc.scenario.loader.parse_scenario` reads back to an equal scenario.
"""

from __future__ import annotations

import yaml

from forcecalc.calibration import rules as sizing
from forcecalc.core.correlation import Correlation
from forcecalc.core.distributions import Distribution, family_of
from forcecalc.core.scenario import (
    BASIS_FIGURES,
    Expectation,
    Figure,
    ForceGeneration,
    Pledge,
    Scenario,
    Task,
)
from forcecalc.core.sources import Assumption, Citation, RegisterSource, Source
from forcecalc.scenario import format as fmt
from forcecalc.scenario.strict_yaml import AMBIGUOUS_THOUSANDS
from forcecalc.scenario.write_geometry import geometry_dict, task_sectors_dict
from forcecalc.scenario.write_timeline import timeline_dict


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


def _dist_dict(dist: Distribution) -> dict[str, object]:
    """A distribution's keys: its parameters, after ``dist: <name>`` for a named family."""
    params = {k: _num(v) for k, v in vars(dist).items()}
    name = family_of(dist).name
    return params if name is None else {"dist": name, **params}


def _source_dict(source: Source) -> dict[str, object]:
    match source:
        case RegisterSource(ref=ref):
            return {"source": ref}
        case Citation():
            return {"source": {k: v for k, v in vars(source).items() if v is not None}}
        case Assumption(reason=reason):
            return {"assumption": reason}
    raise TypeError(f"cannot write {source!r}")


def figure_dict(figure: Figure) -> dict[str, object]:
    """A figure as the mapping the scenario format uses."""
    out = {**_dist_dict(figure.dist), **_source_dict(figure.source)}
    if figure.note:
        out["note"] = figure.note
    return out


def scenario_dict(scenario: Scenario) -> dict[str, object]:
    """A scenario as plain data in the scenario format (inverse of :func:`parse_scenario`)."""

    def fig(path: str) -> dict[str, object]:
        return figure_dict(scenario.figures[path])

    geometry = geometry_dict(scenario, fig)
    out: dict[str, object] = {
        "schema_version": fmt.SCHEMA_VERSION,
        "name": scenario.name,
        "description": scenario.description,
        "geometry": geometry,
    }
    if scenario.method == "tasks":
        out["tasks"] = [_task_dict(scenario, t) for t in scenario.tasks]
    else:
        out["method"] = scenario.method
    if scenario.method == "analog":
        out["analog"] = scenario.rules[0]
    if scenario.method == "ensemble" and not scenario.sector_ensembles:  # by sector: the default
        out["ensemble"] = _ensemble_dict(scenario)
    if "technology_offset" in scenario.figures:
        out["technology_offset"] = fig("technology_offset")
    out["sustainment"] = _sustainment_dict(scenario)
    if scenario.force_generation is not None:
        out["force_generation"] = _force_generation_dict(scenario, scenario.force_generation)
    if scenario.timeline is not None:
        out["timeline"] = timeline_dict(scenario, scenario.timeline, figure_dict)
    if scenario.expect:
        out["expect"] = [_expect_dict(e) for e in scenario.expect]
    correlations = [_correlation_dict(c) for c in scenario.correlations if _varies(scenario, c)]
    if correlations:  # those of a figure set to a point no longer apply, and are not written
        out["correlations"] = correlations
    return out


def _varies(scenario: Scenario, c: Correlation) -> bool:
    return all(p in scenario.figures and scenario.figures[p].is_uncertain for p in c.between)


def _correlation_dict(c: Correlation) -> dict[str, object]:
    out: dict[str, object] = {"between": list(c.between)}
    out["rank_correlation"] = _num(c.rank_correlation)
    out.update(_source_dict(c.source))
    if c.note:
        out["note"] = c.note
    return out


def _rotation_dict(scenario: Scenario, prefix: str) -> dict[str, object]:
    """The figures of one rotation rule, those under ``prefix`` (``sustainment.`` or
    ``sustainment.by_category.<category>.``)."""
    return {
        k.removeprefix(prefix): figure_dict(f)
        for k, f in scenario.figures.items()
        if k.startswith(prefix) and k.removeprefix(prefix) in fmt.ROTATION_KEYS
    }


def _sustainment_dict(scenario: Scenario) -> dict[str, object]:
    out = _rotation_dict(scenario, "sustainment.")
    if scenario.category_sustainment:
        out["by_category"] = {
            c: _rotation_dict(scenario, f"sustainment.by_category.{c}.")
            for c, _ in scenario.category_sustainment
        }
    return out


def _pledge_dict(scenario: Scenario, p: Pledge) -> dict[str, object]:
    out: dict[str, object] = {
        "contributor": p.contributor,
        "status": p.status,
        "personnel": figure_dict(scenario.figures[p.figure_path]),
    }
    if p.covers:
        out["covers"] = list(p.covers)
    if p.reliability:  # its draw ``delivered`` is made by the reader, never written
        out["delivery_probability"] = figure_dict(scenario.figures[p.probability_path])
    if p.note:
        out["note"] = p.note
    return out


def _force_generation_dict(scenario: Scenario, fg: ForceGeneration) -> dict[str, object]:
    block: dict[str, object] = {"pledge_basis": fg.pledge_basis}
    if fg.pledges:
        block["pledges"] = [_pledge_dict(scenario, p) for p in fg.pledges]
    if fg.has_pool:
        pool: dict[str, object] = {
            k.rsplit(".", 1)[1]: figure_dict(scenario.figures[k])
            for k in scenario.figures
            if k.startswith("force_generation.pool.")
        }
        if fg.pool_covers:
            pool["covers"] = list(fg.pool_covers)
        block["pool"] = pool
    return block


def _ensemble_dict(scenario: Scenario) -> dict[str, object]:
    """``posture:`` when the ensemble drew on a posture with its default weights, else rules."""
    posture = scenario.ensemble_posture
    if posture is not None:
        catalogue = sizing.all_rules()
        default = sizing.group_weights({k: catalogue[k] for k in scenario.rules})
        if all(
            scenario.figures[sizing.weight_path(k)]
            == sizing.weight_figure(k, w, sizing.MISSION_WEIGHT)
            for k, w in default.items()
        ):
            return {"posture": posture}
    return {"rules": [_ensemble_rule_dict(scenario, r) for r in scenario.rules]}


def _ensemble_rule_dict(scenario: Scenario, rule_id: str) -> dict[str, object]:
    weight = scenario.figures[sizing.weight_path(rule_id)]
    if weight == sizing.weight_figure(rule_id):
        return {"rule": rule_id}
    return {"rule": rule_id, "weight": figure_dict(weight)}


def _task_dict(scenario: Scenario, task: Task) -> dict[str, object]:
    out: dict[str, object] = {
        "name": task.name,
        "category": task.category,
        "basis": task.basis.value,
    }
    if task.description:
        out["description"] = task.description
    if task.reducible:
        out["reducible"] = True
    for key in BASIS_FIGURES[task.basis]:
        out[key] = figure_dict(scenario.figures[task.figure_path(key)])
    if task.of:
        out["of"] = list(task.of)
    if task.of_category is not None:
        out["share_of_category"] = task.of_category
    out.update(task_sectors_dict(scenario, task, lambda p: figure_dict(scenario.figures[p])))
    return out


def _expect_dict(e: Expectation) -> dict[str, object]:
    out: dict[str, object] = {"metric": e.metric, "statistic": e.statistic}
    for key in ("approx", "tolerance", "at_most", "at_least"):
        value = getattr(e, key)
        if value is not None:
            out[key] = _num(value)
    out.update(_source_dict(e.source))
    if e.note:
        out["note"] = e.note
    return out


class _Dumper(yaml.SafeDumper):
    """Safe dumper that never writes a float the loader would call ambiguous."""


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    node = dumper.represent_float(value)
    if AMBIGUOUS_THOUSANDS.match(node.value):
        node.value += "0"  # 1.375 -> 1.3750: the same number, no longer read as 1,375
    return node


_Dumper.add_representer(float, _represent_float)


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`parse_scenario` reads back to an equal scenario."""
    return yaml.dump(
        scenario_dict(scenario), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
