"""Editing a scenario's figures while keeping where each came from and saying what was edited.

The planner app (and any other caller) changes a figure's distribution through
:func:`edit_scenario`. The edited figure keeps its source or assumption and gains a note that
names the value in the scenario as loaded, so a scenario written back with
:func:`~forcecalc.loader.dump_scenario` says which values a planner changed.

One case cannot keep its source: a point that now differs from the number a register figure
states. The loader refuses such a figure ("a note and an assumption" is what it asks for), so the
edited figure becomes an :class:`~forcecalc.sources.Assumption` whose reason quotes the register
figure it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from forcecalc.distributions import Distribution, Point
from forcecalc.scenario import Figure, Scenario
from forcecalc.sources import Assumption, RegisterSource, Source

#: Who made the edits, named in the note of each edited figure.
DEFAULT_EDITOR = "the planner app"

_MARK = re.compile(r"^\[edited in [^;\]]*; scenario value: [^\]]*\] ?")


def edit_note(figure: Figure, editor: str = DEFAULT_EDITOR) -> str:
    """The note of ``figure`` once edited: a mark with the scenario's value, then the old note.

    A mark left by an earlier edit is replaced, so notes do not pile up over repeated edits.
    """
    old = _MARK.sub("", figure.note)
    mark = f"[edited in {editor}; scenario value: {figure.dist.describe()}]"
    return f"{mark} {old}" if old else mark


def edited_source(source: Source, dist: Distribution) -> Source:
    """The source an edited figure can keep: itself, unless a register point now disagrees."""
    if not isinstance(source, RegisterSource) or not isinstance(dist, Point):
        return source
    stated = source.figure
    if dist.value == stated.value:
        return source
    return Assumption(
        f"edited from {source.ref}, which states {stated.value:g} {stated.unit} "
        f'("{stated.quote}"; {stated.gloss})'
    )


def edit_figure(figure: Figure, dist: Distribution, editor: str = DEFAULT_EDITOR) -> Figure:
    """``figure`` with a new distribution, its source kept and the edit stated in its note.

    An unchanged distribution returns the figure as it is.
    """
    if dist == figure.dist:
        return figure
    return replace(
        figure,
        dist=dist,
        source=edited_source(figure.source, dist),
        note=edit_note(figure, editor),
    )


def edit_scenario(
    scenario: Scenario, changes: Mapping[str, Distribution], editor: str = DEFAULT_EDITOR
) -> Scenario:
    """A copy of ``scenario`` with some figures' distributions edited (see :func:`edit_figure`).

    Nothing is validated here: write the result with ``dump_scenario`` and read it back with
    ``parse_scenario`` to have the loader check it, as the app does.

    Raises
    ------
    KeyError
        If a path is not a figure of the scenario.
    """
    figures = dict(scenario.figures)
    for path, dist in changes.items():
        figures[path] = edit_figure(figures[path], dist, editor)
    return replace(scenario, figures=figures)
