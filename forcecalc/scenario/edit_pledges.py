"""Editing a pledge's status and note: a refused contributor can be un-refused, with a note.

A pledge's personnel is a figure, edited by :func:`forcecalc.scenario.edit.edit_scenario`; its
``status`` (``pledged``, ``conditional``, ``undecided``, ``refused``) and its note are not. The
edited pledge's note starts with a mark naming the status in the scenario as loaded, as an
edited figure's note names its value. Nothing is validated here: the loader checks the
scenario written back (a refused contributor still pledges 0, a pledged one may pledge more).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from forcecalc.core.scenario import Pledge, Scenario
from forcecalc.scenario.edit import DEFAULT_EDITOR

_MARK = re.compile(r"^\[status edited in [^;\]]*; scenario status: [^\]]*\] ?")


@dataclass(frozen=True)
class PledgeEdit:
    """A pledge's new status and note (the note as the planner wrote it, without the mark)."""

    status: str
    note: str = ""


def pledge_note(pledge: Pledge, edit: PledgeEdit, editor: str = DEFAULT_EDITOR) -> str:
    """The edited pledge's note: the planner's note, after a mark with the old status when the
    status changed (a mark of an earlier edit is replaced)."""
    note = _MARK.sub("", edit.note).strip()
    if edit.status == pledge.status:  # an earlier edit's mark stays
        old = _MARK.match(pledge.note)
        return f"{old.group(0).strip()} {note}".strip() if old else note
    mark = f"[status edited in {editor}; scenario status: {pledge.status}]"
    return f"{mark} {note}" if note else mark


def bare_note(pledge: Pledge) -> str:
    """A pledge's note without the mark of an earlier status edit."""
    return _MARK.sub("", pledge.note)


def edit_pledges(
    scenario: Scenario, edits: Mapping[str, PledgeEdit], editor: str = DEFAULT_EDITOR
) -> Scenario:
    """A copy of ``scenario`` with pledges' statuses and notes edited, by contributor.

    A pledge whose status and note are unchanged is kept as it is.

    Raises
    ------
    KeyError
        If a contributor has no pledge in the scenario.
    """
    fg = scenario.force_generation
    if not edits or fg is None:
        if edits:
            raise KeyError(next(iter(edits)))
        return scenario
    by_name = {p.contributor: p for p in fg.pledges}
    missing = set(edits) - set(by_name)
    if missing:
        raise KeyError(sorted(missing)[0])
    pledges = []
    for p in fg.pledges:
        edit = edits.get(p.contributor)
        if edit is None or (edit.status == p.status and edit.note == bare_note(p)):
            pledges.append(p)
        else:
            pledges.append(replace(p, status=edit.status, note=pledge_note(p, edit, editor)))
    return replace(scenario, force_generation=replace(fg, pledges=tuple(pledges)))
