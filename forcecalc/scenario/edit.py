"""Editing a scenario's figures while keeping where each came from and saying what was edited.

The planner app (and any other caller) changes a figure's distribution through
:func:`edit_scenario`. The edited figure keeps its source or assumption and gains a note that
names the value in the scenario as loaded, so a scenario written back with
:func:`~forcecalc.scenario.writer.dump_scenario`, or edited in its own text by
:func:`~forcecalc.scenario.roundtrip.roundtrip_edits` (which keeps the file's comments and
layout, as the app's download does), says which values a planner changed.

One case cannot keep its source: a point that now differs from the number a register figure
states. The loader refuses such a figure ("a note and an assumption" is what it asks for), so the
edited figure becomes an :class:`~forcecalc.core.sources.Assumption` whose reason quotes the
register
figure it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, replace

from forcecalc.core.distributions import Distribution, Point
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.sources import Assumption, RegisterSource, Source

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


# --------------------------------------------------------------------------------------------
# Errors told against the figure as edited


class EditError(ScenarioError):
    """An edit the scenario format refuses, told against the figure the user edited.

    The loader checks an edited scenario by reading back the YAML text it was written to; its
    message names that text's line and column, which the user never saw. This error names the
    figure and parameter edited, the value given, what was expected and the values entered,
    with no file position: ``tasks.line_infantry.rate, high: got 10 with low 20; expected
    high above low (as entered: low 20, high 10)``.

    Attributes
    ----------
    path : str
        The figure edited (the key path of the error, when no edited figure holds it).
    param : str
        The parameter at fault (``low``, ``high`` ...), or ``""`` for the figure as a whole.
    entered : str
        The figure's parameters as entered, ``""`` when no edited figure holds the error.
    """

    def __init__(
        self, path: str, param: str, got: str, expected: str, entered: str = "", hint: str = ""
    ) -> None:
        self.where = Where("", 0, 0, f"{path}.{param}" if param else path)
        self.path, self.param, self.entered = path, param, entered
        self.got, self.expected, self.hint = got, expected, hint
        at = f"{path}, {param}" if param else path
        message = f"{at}: got {got}; expected {expected}"
        notes = [n for n in (hint, f"as entered: {entered}" if entered else "") if n]
        if notes:
            message += f" ({'; '.join(notes)})"
        Exception.__init__(self, message)


def _params_text(dist: Distribution) -> str:
    """A distribution's parameters as entered, ``low 20, high 10``."""
    params = fields(dist)  # type: ignore[arg-type]
    return ", ".join(f"{f.name} {float(getattr(dist, f.name)):g}" for f in params)


def edit_error(error: ScenarioError, changes: Mapping[str, Distribution]) -> EditError:
    """The loader's ``error`` on an edited scenario, told against the figure edited.

    Parameters
    ----------
    error : ScenarioError
        What the loader raised on reading back the edited scenario's YAML text.
    changes : mapping of str to Distribution
        The edits: figure path to its new distribution.

    Notes
    -----
    The error's key path falls under the edited figure it concerns (``tasks.x.rate.high``
    under ``tasks.x.rate``); the rest of the path is the parameter. Any mention of the
    regenerated file's name, with or without a line and column, becomes "the edited scenario".
    """
    file = error.where.file
    mention = re.compile(re.escape(file) + r"(:\d+){0,2}") if file else None

    def clean(part: str) -> str:
        return mention.sub("the edited scenario", part) if mention is not None else part

    key = error.where.key_path
    got, expected, hint = clean(error.got), clean(error.expected), clean(error.hint)
    owner = max((p for p in changes if key == p or key.startswith(p + ".")), key=len, default=None)
    if owner is None:
        return EditError(key or "the scenario", "", got, expected, "", hint)
    param = key[len(owner) :].lstrip(".")
    return EditError(owner, param, got, expected, _params_text(changes[owner]), hint)
