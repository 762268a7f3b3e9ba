"""Reading the sources' claims about a scenario's results (``expect:``): a metric, a statistic
and a bound it can meet, with the claim's source or assumption.
"""

from __future__ import annotations

from collections.abc import Mapping

from yaml.nodes import Node

from forcecalc.core.scenario import Expectation, Scenario
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import Reader


def read_claims(figs: FigureReader, node: Node, scenario: Scenario) -> tuple[Expectation, ...]:
    """The sources' claims about the scenario's results (``expect:``), checked by their metric."""
    r = figs.r
    out = []
    metrics = _metric_names(scenario)
    for i, item in enumerate(r.sequence(node, "expect", "a list of claims")):
        path = f"expect[{i}]"
        keys = r.section(item, path, fmt.CLAIM)
        metric = r.choice(keys["metric"][1], path + ".metric", metrics)
        statistic = "p50"
        if "statistic" in keys:
            statistic = r.choice(keys["statistic"][1], path + ".statistic", fmt.STATISTICS)
        people = counts_people(metric)
        nums = {
            k: r.number(v, f"{path}.{k}", people and k in fmt.CLAIM_BOUNDS)
            for k, (_, v) in keys.items()
            if k in fmt.CLAIM_NUMBERS
        }
        if not set(fmt.CLAIM_BOUNDS) & nums.keys():
            r.fail(
                item,
                path,
                "a claim with no bound",
                "approx (with tolerance), at_most or at_least",
            )
        if ("approx" in nums) != ("tolerance" in nums):
            r.fail(
                item,
                path,
                "approx without tolerance" if "approx" in nums else "tolerance without approx",
                "approx and tolerance together",
            )
        _claim_bounds(r, keys, nums, path, metric)
        tolerance = fmt.CLAIM["tolerance"].kind
        if "tolerance" in nums and not tolerance.domain.contains(nums["tolerance"]):
            r.fail(
                keys["tolerance"][1],
                path + ".tolerance",
                f"{nums['tolerance']:g}",
                "a relative tolerance in (0, 1), e.g. 0.15 for 15%",
            )
        note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
        out.append(
            Expectation(
                metric=metric,
                statistic=statistic,
                source=figs.provenance(item, path, keys),
                note=note,
                location=r.location(item),
                **nums,
            )
        )
    return tuple(out)


def _claim_bounds(
    r: Reader,
    keys: Mapping[str, tuple[Node, Node]],
    nums: Mapping[str, float],
    path: str,
    metric: str,
) -> None:
    """Bounds a metric can meet: every metric is 0 or more, and a probability at most 1.

    ``approx`` is met within a tolerance relative to itself, so it must be above 0; a
    negative ``at_most`` could never hold and a negative ``at_least`` always would.
    """
    probability = metric in ("p_pledges_suffice", "p_pool_suffices")
    for key in fmt.CLAIM_BOUNDS:
        if key not in nums:
            continue
        x, node, sub = nums[key], keys[key][1], f"{path}.{key}"
        if key == "approx" and x <= 0:
            r.fail(
                node,
                sub,
                f"{x:g}",
                "a number above 0",
                f"{metric} is 0 or more and approx is met within a tolerance relative to itself",
            )
        if x < 0:
            r.fail(node, sub, f"{x:g}", "0 or more", f"{metric} is never negative")
        if probability and x > 1:
            r.fail(node, sub, f"{x:g}", "at most 1", f"{metric} is a probability")
    if "at_least" in nums and "at_most" in nums and nums["at_least"] > nums["at_most"]:
        r.fail(
            keys["at_least"][1],
            path + ".at_least",
            f"{nums['at_least']:g} with at_most {nums['at_most']:g}",
            "at_least no greater than at_most (the claim could never be met)",
        )


#: Metrics that count people (the bounds of a claim on one follow the rules of a number of
#: people, e.g. no ambiguous ``3.000``).
PEOPLE_METRICS = ("deployed", "committed", "pledged", "pool_sustainable")
#: Prefixes of the per-task, per-category and per-rule metrics, each a number of people.
PEOPLE_PREFIXES = ("tasks.", "categories.", "rules.", "sectors.", "committed_categories.")


def counts_people(metric: str) -> bool:
    """Whether ``metric`` is a number of people, so its bounds are read as figures in
    personnel are (:data:`forcecalc.scenario.strict_yaml.PEOPLE_UNITS`)."""
    return metric in PEOPLE_METRICS or metric.startswith(PEOPLE_PREFIXES)


def _metric_names(scenario: Scenario) -> list[str]:
    names = list(fmt.METRICS)
    fg = scenario.force_generation
    if fg is not None and fg.pledges:
        names += fmt.PLEDGE_METRICS
    if fg is not None and fg.has_pool:
        names += fmt.POOL_METRICS
    names += [f"tasks.{t.name}" for t in scenario.tasks]
    names += [f"categories.{c}" for c in dict.fromkeys(t.category for t in scenario.tasks)]
    names += [f"rules.{r}" for r in scenario.rules]
    if scenario.category_sustainment:  # committed by category, with ``by_category`` rules
        names += [f"committed_{n}" for n in names if n.startswith("categories.")]
    geometry = scenario.geometry
    if geometry.has_border or geometry.sectors:
        names += fmt.LINE_METRICS
    names += [f"sectors.{s.name}" for s in geometry.sectors]
    return names
