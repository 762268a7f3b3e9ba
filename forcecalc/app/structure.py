"""Contributors, tasks and sectors added and removed in the page, without Streamlit.

The Assumptions tab's "Add or remove" panel (:mod:`forcecalc.app.structure_panel`) builds a
:class:`~forcecalc.scenario.edit_structure.Structure` with :func:`added` and :func:`removed`;
:func:`with_structure` writes it into the scenario's text in place
(:func:`~forcecalc.scenario.edit_structure.apply_structure`, comments kept) and has the loader
check it, its error told against the list changed, without the edited text's line and column.
The figures' edits then apply to that text as to the file (:mod:`forcecalc.app.planner`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from forcecalc.app.texts import ScenarioText, edited_name
from forcecalc.core.distributions import Distribution, Interval90, Point, Uniform
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import Scenario
from forcecalc.report.labels import from_percent
from forcecalc.scenario.edit import EditError, edit_error
from forcecalc.scenario.edit_pledges import PledgeEdit
from forcecalc.scenario.edit_structure import (
    NewPledge,
    NewSector,
    NewTask,
    Structure,
    apply_structure,
)

#: The forms a new figure is entered in: a point (the low input only) or a range.
NEW_FORMS = ("point", "90% range", "uniform")
#: What a planner calls each kind of item, and the fields of a structure holding it.
KINDS = {
    "contributor": ("added_pledges", "removed_pledges"),
    "task": ("added_tasks", "removed_tasks"),
    "sector": ("added_sectors", "removed_sectors"),
}
_CLASS_KIND = {NewPledge: "contributor", NewTask: "task", NewSector: "sector"}


def new_dist(form: str, low: float, high: float, percent: bool = False) -> Distribution:
    """A new figure as entered: a point at ``low``, or a 90% range or uniform from ``low`` to
    ``high`` (percentages, for a fraction, stored as fractions through their digits).

    Raises
    ------
    ValueError
        If ``form`` is not one of :data:`NEW_FORMS`.
    """
    if percent:
        low, high = from_percent(low), from_percent(high)
    if form == "point":
        return Point(float(low))
    if form == "90% range":
        return Interval90(float(low), float(high))
    if form == "uniform":
        return Uniform(float(low), float(high))
    raise ValueError(f"form: got {form!r}; expected one of {NEW_FORMS}")


def item_name(item: NewPledge | NewTask | NewSector) -> str:
    """The name an added item is known by (a contributor's, a task's, a sector's)."""
    return item.contributor if isinstance(item, NewPledge) else item.name


def added(structure: Structure, item: NewPledge | NewTask | NewSector) -> Structure:
    """``structure`` with ``item`` added after those added before."""
    field, _ = KINDS[_CLASS_KIND[type(item)]]
    return replace(structure, **{field: (*getattr(structure, field), item)})


def removed(structure: Structure, kind: str, name: str) -> Structure:
    """``structure`` without the item ``name``: an item added in the page is taken out of
    the additions, one of the file is listed as removed."""
    add_field, remove_field = KINDS[kind]
    adds = getattr(structure, add_field)
    kept = tuple(i for i in adds if item_name(i) != name)
    if len(kept) < len(adds):
        return replace(structure, **{add_field: kept})
    return replace(structure, **{remove_field: (*getattr(structure, remove_field), name)})


def with_structure(raw: ScenarioText, structure: Structure) -> ScenarioText:
    """The scenario ``raw`` with the items added and removed, checked by the loader (``raw``
    itself when there are none).

    Raises
    ------
    EditError
        If the scenario has no such list, or the loader refuses the result (a duplicate name,
        a task another's ``of`` names, a category not known ...), told without the edited
        text's line and column.
    """
    if not structure:
        return raw
    out = ScenarioText(apply_structure(raw.text, structure, raw.name), edited_name(raw.name))
    try:
        out.parse()
    except EditError:
        raise
    except ScenarioError as exc:
        raise edit_error(exc, {}) from None
    return out


def kept_edits(
    scenario: Scenario, figures: Mapping[str, Distribution], pledges: Mapping[str, PledgeEdit]
) -> tuple[dict[str, Distribution], dict[str, PledgeEdit]]:
    """The figures' and pledges' edits that still have a figure or contributor in
    ``scenario`` (those of a removed contributor or task go with it)."""
    fg = scenario.force_generation
    who = {p.contributor for p in fg.pledges} if fg else set()
    return (
        {p: d for p, d in figures.items() if p in scenario.figures},
        {w: e for w, e in pledges.items() if w in who},
    )
