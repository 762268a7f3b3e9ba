"""Writing the line: the shorthand geometry or its sectors, and a task's sectors.

The inverse of :mod:`forcecalc.scenario.read_geometry`, used by
:mod:`forcecalc.scenario.writer`; ``fig`` writes the figure at a path.
"""

from __future__ import annotations

from collections.abc import Callable

from forcecalc.core import sectors
from forcecalc.core.scenario import BASIS_FIGURES, Scenario, Task

FigureWriter = Callable[[str], dict[str, object]]


def geometry_dict(scenario: Scenario, fig: FigureWriter) -> dict[str, object]:
    """``geometry:`` as the scenario format writes it."""
    out: dict[str, object] = {
        k: fig(f"geometry.{k}")
        for k in ("front_length_km", "buffer_width_km", "border_length_km")
        if f"geometry.{k}" in scenario.figures
    }
    if scenario.geometry.sectors:
        out["sectors"] = [
            {
                "name": s.name,
                "length_km": fig(s.length_path),
                "posture": s.posture,
                **({"buffer_width_km": fig(s.buffer_path)} if s.buffer_path else {}),
            }
            for s in scenario.geometry.sectors
        ]
    if "geometry.population" in scenario.figures:
        out["population"] = fig("geometry.population")
    return out


def task_sectors_dict(scenario: Scenario, task: Task, fig: FigureWriter) -> dict[str, object]:
    """A task's ``sectors`` and ``per_sector`` keys, if it has any."""
    out: dict[str, object] = {}
    if task.sectors:
        out["sectors"] = list(task.sectors)
    own = []
    for s in scenario.geometry.line:
        paths = {k: sectors.override_path(task.name, s.name, k) for k in BASIS_FIGURES[task.basis]}
        given = {k: fig(p) for k, p in paths.items() if p in scenario.figures}
        if given:
            own.append({"sector": s.name, **given})
    if own:
        out["per_sector"] = own
    return out
