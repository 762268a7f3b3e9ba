"""Reading a scenario's ``timeline``: the mandate, build-up, requirement profile and each
contributor's window (:mod:`forcecalc.scenario.format_timeline`), every number a figure under
``timeline.`` (:mod:`forcecalc.core.timeline`).
"""

from __future__ import annotations

from yaml.nodes import Node

from forcecalc.core import glossary
from forcecalc.core.distributions import Point
from forcecalc.core.scenario import ForceGeneration, Timeline, TimelineContributor
from forcecalc.core.text import name_key
from forcecalc.scenario.format_timeline import (
    BUILD_UP_KEYS,
    DRAWDOWN_KEYS,
    TIMELINE,
    TIMELINE_CONTRIBUTOR,
)
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import did_you_mean

#: Keys of the timeline that are figures, and of a contributor's window.
_FIGURE_KEYS = tuple(k.name for k in TIMELINE.keys if k.name not in ("top_up", "contributors"))
_WINDOW_KEYS = ("from_month", "until_month", "withdrawal_per_year", "ceiling")


def read_timeline(figs: FigureReader, node: Node, fg: ForceGeneration | None) -> Timeline:
    """The timeline of a scenario whose force generation is ``fg``; its figures are read."""
    r = figs.r
    keys = r.section(node, "timeline", TIMELINE)
    for key in _FIGURE_KEYS:
        if key in keys:
            figs.figure(keys[key][1], f"timeline.{key}", glossary.FIGURES[key])
    if all(k in keys for k in BUILD_UP_KEYS):
        r.fail(
            keys[BUILD_UP_KEYS[1]][0],
            "timeline." + BUILD_UP_KEYS[1],
            "both build_up_months and deployment_per_month",
            "one of them: months to full strength, or personnel deployed per month",
        )
    given = [k for k in DRAWDOWN_KEYS if k in keys]
    if len(given) == 1:
        missing = next(k for k in DRAWDOWN_KEYS if k not in keys)
        r.fail(keys[given[0]][0], f"timeline.{given[0]}", f"{given[0]} alone", f"{missing} too")
    if given and "full_strength_months" not in keys:
        r.fail(
            keys[given[0]][0],
            f"timeline.{given[0]}",
            "a drawdown with no full_strength_months",
            "full_strength_months: the months before the drawdown starts",
        )
    top_up = r.boolean(keys["top_up"][1], "timeline.top_up") if "top_up" in keys else False
    contributors: tuple[TimelineContributor, ...] = ()
    if "contributors" in keys:
        contributors = _contributors(figs, keys["contributors"][1], fg, top_up)
    return Timeline(contributors=contributors, top_up=top_up)


def _contributors(
    figs: FigureReader, node: Node, fg: ForceGeneration | None, top_up: bool
) -> tuple[TimelineContributor, ...]:
    r = figs.r
    path = "timeline.contributors"
    items = r.nonempty(node, path, "a list", "at least one contributor (or leave it out)")
    pledged = [p.contributor for p in fg.pledges] if fg is not None else []
    out: list[TimelineContributor] = []
    for i, item in enumerate(items):
        keys = r.section(item, f"{path}[{i}]", TIMELINE_CONTRIBUTOR)
        name_node = keys["contributor"][1]
        name = r.string(name_node, f"{path}[{i}].contributor")
        if name not in pledged:
            r.fail(
                name_node,
                f"{path}[{i}].contributor",
                f"the contributor {name!r}, which pledges nothing here",
                "a contributor of force_generation.pledges",
                did_you_mean(name, pledged),
            )
        if any(name_key(c.contributor) == name_key(name) for c in out):
            r.fail(
                name_node, f"{path}[{i}].contributor", f"{name!r} twice", "each contributor once"
            )
        window = TimelineContributor(name)
        for key in _WINDOW_KEYS:
            if key in keys:
                figs.figure(keys[key][1], window.figure_path(key), glossary.FIGURES[key])
        if "ceiling" in keys and not top_up:
            r.fail(
                keys["ceiling"][0],
                window.figure_path("ceiling"),
                "a ceiling without top_up: true",
                "top_up: true (a ceiling is what a contributor gives when topping up)",
            )
        _check_window(figs, keys["until_month"][1] if "until_month" in keys else None, window)
        out.append(window)
    return tuple(out)


def _check_window(figs: FigureReader, node: Node | None, window: TimelineContributor) -> None:
    """A window stated as points must not end before it starts."""
    start = figs.figures.get(window.figure_path("from_month"))
    end = figs.figures.get(window.figure_path("until_month"))
    if node is None or end is None or not isinstance(end.dist, Point):
        return
    first = start.dist.value if start is not None and isinstance(start.dist, Point) else 1.0
    if end.dist.value < first:
        figs.r.fail(
            node,
            window.figure_path("until_month"),
            f"{end.dist.value:g}, before from_month {first:g}",
            "an until_month at or after from_month",
        )
