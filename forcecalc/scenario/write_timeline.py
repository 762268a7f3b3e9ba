"""Writing a scenario's ``timeline`` back in the scenario format (inverse of
:mod:`forcecalc.scenario.read_timeline`)."""

from __future__ import annotations

from collections.abc import Callable

from forcecalc.core.scenario import Figure, Scenario, Timeline
from forcecalc.scenario.format_timeline import TIMELINE, TIMELINE_CONTRIBUTOR

FigureDict = Callable[[Figure], dict[str, object]]


def timeline_dict(scenario: Scenario, timeline: Timeline, figure: FigureDict) -> dict[str, object]:
    """The ``timeline`` mapping: its figures in the format's order, ``top_up`` and the
    contributors' windows; ``figure`` writes one figure."""
    out: dict[str, object] = {
        k.name: figure(scenario.figures[f"timeline.{k.name}"])
        for k in TIMELINE.keys
        if f"timeline.{k.name}" in scenario.figures
    }
    if timeline.top_up:
        out["top_up"] = True
    windows = []
    for window in timeline.contributors:
        entry: dict[str, object] = {"contributor": window.contributor}
        for key in TIMELINE_CONTRIBUTOR.keys:
            path = window.figure_path(key.name)
            if path in scenario.figures:
                entry[key.name] = figure(scenario.figures[path])
        windows.append(entry)
    if windows:
        out["contributors"] = windows
    return out
