"""The contributors, tasks and sectors added and removed, as a link's state holds them.

:class:`~forcecalc.scenario.edit_structure.Structure` as plain JSON (the ``x`` member of the
edits :mod:`forcecalc.app.state` encodes) and back. Reading refuses anything not of the shape
written with a one-line :class:`StateError`: a name or text too long, a list too long, a
figure of a form not offered. The loader checks the rest when the structure is applied (a
category not known, a duplicate name), which the page tells as the link's one-line error.
"""

from __future__ import annotations

import math
from dataclasses import fields

from forcecalc.app.forms import FORMS, form_of
from forcecalc.core.distributions import FAMILIES, Distribution
from forcecalc.scenario.edit_structure import (
    NO_STRUCTURE,
    NewPledge,
    NewSector,
    NewTask,
    Structure,
)

#: The most items a link adds or removes, in all.
MAX_ITEMS = 100
#: The longest name, and text (a reason, a note, a description), an item holds. [characters]
MAX_ITEM_NAME, MAX_TEXT = 80, 2000

_CLASS_OF: dict[str, type] = {**{f.label: f.cls for f in FAMILIES}, **FORMS}


class StateError(ValueError):
    """A link's state that cannot be read: the one-line reason."""


def dist_json(dist: Distribution) -> dict[str, object]:
    """A distribution as ``{"form": ..., "low": ..., ...}``."""
    return {"form": form_of(dist), **{f.name: float(getattr(dist, f.name)) for f in fields(dist)}}


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StateError(f"{where}: got {str(value)[:40]!r}; expected a finite number")
    return float(value)


def read_dist(spec: object, where: str) -> Distribution:
    """The distribution :func:`dist_json` wrote."""
    if not isinstance(spec, dict):
        raise StateError(f"{where}: not a figure's form and parameters")
    form = spec.get("form")
    cls = _CLASS_OF.get(form) if isinstance(form, str) else None
    if cls is None:
        raise StateError(f"{where}: got form {str(form)[:40]!r}; expected one of {list(FORMS)}")
    names = [f.name for f in fields(cls)]
    if set(spec) != {"form", *names}:
        raise StateError(f"{where}: a {form} takes {', '.join(names)}")
    return cls(**{n: _number(spec[n], f"{where}.{n}") for n in names})


def _figures_json(task: NewTask) -> dict[str, object]:
    return {k: dist_json(d) for k, d in task.figures}


def structure_json(structure: Structure) -> dict[str, object]:
    """A structure as plain JSON, only its non-empty lists (short keys: a link is short)."""
    out: dict[str, object] = {
        "pa": [
            [p.contributor, dist_json(p.personnel), p.reason, p.status, p.note]
            for p in structure.added_pledges
        ],
        "ta": [
            [
                t.name,
                t.category,
                t.basis,
                {k: dist_json(d) for k, d in t.figures},
                t.reason,
                list(t.of),
            ]
            for t in structure.added_tasks
        ],
        "sa": [
            [
                s.name,
                s.posture,
                dist_json(s.length_km),
                s.reason,
                None if s.buffer_width_km is None else dist_json(s.buffer_width_km),
            ]
            for s in structure.added_sectors
        ],
        "pr": list(structure.removed_pledges),
        "tr": list(structure.removed_tasks),
        "sr": list(structure.removed_sectors),
    }
    return {k: v for k, v in out.items() if v}


def _text(value: object, where: str, longest: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > longest:
        raise StateError(f"{where}: expected a text of at most {longest:,} characters")
    return value


def _row(value: object, size: int, where: str) -> list[object]:
    if not isinstance(value, list) or len(value) != size:
        raise StateError(f"{where}: expected a list of {size}")
    return value


def _pledge(value: object) -> NewPledge:
    name, dist, reason, status, note = _row(value, 5, "an added contributor")
    who = _text(name, "an added contributor's name", MAX_ITEM_NAME)
    return NewPledge(
        who,
        read_dist(dist, who[:80]),
        _text(reason, f"{who[:80]}'s reason"),
        _text(status, f"{who[:80]}'s status", 40),
        _text(note, f"{who[:80]}'s note"),
    )


def _task(value: object) -> NewTask:
    name, category, basis, figures, reason, of = _row(value, 6, "an added task")
    task = _text(name, "an added task's name", MAX_ITEM_NAME)
    if not isinstance(figures, dict) or len(figures) > 4 or not isinstance(of, list):
        raise StateError(f"{task[:80]}: expected at most 4 figures and a list of tasks")
    return NewTask(
        task,
        _text(category, f"{task[:80]}'s category", 40),
        _text(basis, f"{task[:80]}'s basis", 40),
        tuple(
            (_text(k, f"{task[:80]}'s figure", 40), read_dist(d, task[:80]))
            for k, d in figures.items()
        ),
        _text(reason, f"{task[:80]}'s reason"),
        tuple(_text(t, f"{task[:80]}'s tasks", MAX_ITEM_NAME) for t in of[:MAX_ITEMS]),
    )


def _sector(value: object) -> NewSector:
    name, posture, length, reason, buffer = _row(value, 5, "an added sector")
    sector = _text(name, "an added sector's name", MAX_ITEM_NAME)
    return NewSector(
        sector,
        _text(posture, f"{sector[:80]}'s posture", 40),
        read_dist(length, f"{sector[:80]}.length_km"),
        _text(reason, f"{sector[:80]}'s reason"),
        None if buffer is None else read_dist(buffer, f"{sector[:80]}.buffer_width_km"),
    )


_READERS = {"pa": _pledge, "ta": _task, "sa": _sector}
_NAMES = {"pr": "a removed contributor", "tr": "a removed task", "sr": "a removed sector"}


def read_structure(data: object) -> Structure:
    """The structure :func:`structure_json` wrote.

    Raises
    ------
    StateError
        If it is not of that shape, or holds more than :data:`MAX_ITEMS` items.
    """
    if not isinstance(data, dict) or not set(data) <= {*_READERS, *_NAMES}:
        raise StateError("the link's additions and removals are not of the shape written")
    if not all(isinstance(v, list) for v in data.values()):
        raise StateError("the link's additions and removals are not lists")
    if sum(len(v) for v in data.values()) > MAX_ITEMS:
        raise StateError(f"the link adds or removes more than {MAX_ITEMS} items")
    if not data:
        return NO_STRUCTURE
    read = {k: tuple(_READERS[k](v) for v in data.get(k, [])) for k in _READERS}
    names = {k: tuple(_text(n, _NAMES[k], MAX_ITEM_NAME) for n in data.get(k, [])) for k in _NAMES}
    return Structure(
        added_pledges=read["pa"],
        removed_pledges=names["pr"],
        added_tasks=read["ta"],
        removed_tasks=names["tr"],
        added_sectors=read["sa"],
        removed_sectors=names["sr"],
    )
