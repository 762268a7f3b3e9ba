"""The Assumptions tab's "Add or remove" panel: contributors, tasks and sectors, without YAML.

A planner adds a contributor (its name, personnel as a point or a range, status and note), a
task (its name, category, basis and the figures that basis takes) or, where the scenario has
sectors, a sector, each with the reason its figures are assumed (a figure must cite a source or
state an assumption); and removes any of them. Each button's callback writes the change into
the scenario's text (:func:`forcecalc.app.share.set_structure`, the file's comments kept),
carries the other edits over, and records it for the link and "Undo last edit"; a change the
loader refuses is told right under the button that made it, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from forcecalc.app import share, texts
from forcecalc.app.state import Edits
from forcecalc.app.state_structure import StateError
from forcecalc.app.structure import NEW_FORMS, added, new_dist, removed
from forcecalc.app.widgets import plain
from forcecalc.calibration.missions import POSTURES
from forcecalc.core.distributions import Distribution
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import BASIS_FIGURES, CATEGORIES, SHARE_BASES, Basis, Scenario
from forcecalc.scenario.edit_structure import NewPledge, NewSector, NewTask, Structure
from forcecalc.scenario.format import PLEDGE_STATUSES

#: Session-state key of the last change refused: (the panel's section, the one-line error).
ERROR = "structure_error"
#: How each figure a new task's basis takes is labelled, and whether it is a percentage.
TASK_FIGURES = {
    "rate": ("Rate (personnel per km, or per km² of buffer)", False),
    "spacing_km": ("Spacing of posts (km)", False),
    "crew": ("Crew per post (personnel)", False),
    "count": ("Count (personnel)", False),
    "share": ("Share (%)", True),
    "ratio": ("Ratio (personnel per person of the tasks named)", False),
}


def _value(key: str, default: object = "") -> object:
    return st.session_state.get(key, default)


def _text(key: str) -> str:
    return " ".join(str(_value(key)).split())


def _change(
    raw: texts.ScenarioText, section: str, make: Callable[[], Structure], edits: Edits
) -> None:
    """Button callback: the structure ``make`` returns applied, or its error kept for
    ``section``."""
    try:
        structure = make()
        share.set_structure(raw, structure, edits)
    except (ForcecalcError, StateError, ValueError) as exc:
        st.session_state[ERROR] = (section, str(exc))


def _reason(section: str) -> str:
    reason = _text(f"{section}|reason")
    if not reason:
        raise ValueError(
            "Why: every figure added states an assumption; type where the number comes from"
        )
    return reason


def _figure_inputs(key: str, label: str, percent: bool = False) -> None:
    """A new figure's form (a point or a range) and its low and high (a point uses low)."""
    form, low, high = st.columns(3)
    form.selectbox(f"{label}: form", NEW_FORMS, key=f"{key}|form")
    low.number_input("Value, or low of a range", value=0.0, key=f"{key}|low", format="%g")
    high.number_input("High (a range only)", value=0.0, key=f"{key}|high", format="%g")
    if percent:
        st.caption("Entered as a percentage, stored as a fraction.")


def _figure(key: str, percent: bool = False) -> Distribution:
    return new_dist(
        str(_value(f"{key}|form", "point")),
        float(st.session_state.get(f"{key}|low", 0.0)),
        float(st.session_state.get(f"{key}|high", 0.0)),
        percent,
    )


def _error_here(section: str) -> None:
    held = st.session_state.get(ERROR)
    if held is not None and held[0] == section:
        st.session_state.pop(ERROR)
        st.error(plain(held[1]))


def _remove_row(
    raw: texts.ScenarioText, edits: Edits, kind: str, names: list[str], section: str
) -> None:
    pick, button = st.columns([3, 1], vertical_alignment="bottom")
    pick.selectbox(f"{kind.capitalize()} to remove", names, key=f"{section}|pick")

    def make() -> Structure:
        return removed(share.structure_of(raw), kind, str(_value(f"{section}|pick")))

    button.button(
        f"Remove {kind}",
        key=f"{section}|button",
        on_click=_change,
        args=(raw, section, make, edits),
        disabled=not names,
    )
    _error_here(section)


def _contributors(raw: texts.ScenarioText, scenario: Scenario, edits: Edits) -> None:
    st.subheader("Contributors", anchor=False)
    key = "add_pledge"
    name, status = st.columns([2, 1])
    name.text_input("Contributor", key=f"{key}|name", max_chars=80)
    status.selectbox("Status", PLEDGE_STATUSES, key=f"{key}|status")
    _figure_inputs(f"{key}|personnel", "Personnel")
    st.text_input("Note (optional)", key=f"{key}|note", max_chars=2000)
    st.text_input("Why (the assumption behind the personnel)", key=f"{key}|reason", max_chars=2000)

    def make() -> Structure:
        new = NewPledge(
            _text(f"{key}|name"),
            _figure(f"{key}|personnel"),
            _reason(key),
            str(_value(f"{key}|status", "pledged")),
            _text(f"{key}|note"),
        )
        return added(share.structure_of(raw), new)

    st.button(
        "Add contributor", key=f"{key}|button", on_click=_change, args=(raw, key, make, edits)
    )
    _error_here(key)
    fg = scenario.force_generation
    _remove_row(
        raw,
        edits,
        "contributor",
        [p.contributor for p in fg.pledges] if fg else [],
        "remove_pledge",
    )


def _tasks(raw: texts.ScenarioText, scenario: Scenario, edits: Edits) -> None:
    st.subheader("Tasks", anchor=False)
    key = "add_task"
    name, category, basis = st.columns(3)
    name.text_input("Task (lower-case letters, digits and _)", key=f"{key}|name", max_chars=80)
    category.selectbox("Category", CATEGORIES, key=f"{key}|category")
    chosen = Basis(basis.selectbox("Basis", [b.value for b in Basis], key=f"{key}|basis"))
    for figure in BASIS_FIGURES[chosen]:
        label, percent = TASK_FIGURES[figure]
        _figure_inputs(f"{key}|{figure}", label, percent)
    if chosen in (Basis.SHARE_OF, Basis.RATIO_OF):
        st.multiselect("Of the tasks", [t.name for t in scenario.tasks], key=f"{key}|of")
    st.text_input("Why (the assumption behind its figures)", key=f"{key}|reason", max_chars=2000)

    def make() -> Structure:
        figures = tuple(
            (f, _figure(f"{key}|{f}", TASK_FIGURES[f][1])) for f in BASIS_FIGURES[chosen]
        )
        picked = st.session_state.get(f"{key}|of", [])
        of = tuple(str(t) for t in picked) if chosen in SHARE_BASES else ()
        new = NewTask(
            _text(f"{key}|name"),
            str(_value(f"{key}|category")),
            chosen.value,
            figures,
            _reason(key),
            of,
        )
        return added(share.structure_of(raw), new)

    st.button("Add task", key=f"{key}|button", on_click=_change, args=(raw, key, make, edits))
    _error_here(key)
    _remove_row(raw, edits, "task", [t.name for t in scenario.tasks], "remove_task")


def _sectors(raw: texts.ScenarioText, scenario: Scenario, edits: Edits) -> None:
    st.subheader("Sectors", anchor=False)
    key = "add_sector"
    name, posture = st.columns(2)
    name.text_input("Sector (lower-case letters, digits and _)", key=f"{key}|name", max_chars=80)
    posture.selectbox("Posture", POSTURES, key=f"{key}|posture")
    _figure_inputs(f"{key}|length", "Length (km)")
    buffer = st.checkbox("It has a buffer (else a quiet sector)", key=f"{key}|has_buffer")
    if buffer:
        _figure_inputs(f"{key}|buffer", "Buffer width (km)")
    st.text_input("Why (the assumption behind its figures)", key=f"{key}|reason", max_chars=2000)

    def make() -> Structure:
        new = NewSector(
            _text(f"{key}|name"),
            str(_value(f"{key}|posture")),
            _figure(f"{key}|length"),
            _reason(key),
            _figure(f"{key}|buffer") if buffer else None,
        )
        return added(share.structure_of(raw), new)

    st.button("Add sector", key=f"{key}|button", on_click=_change, args=(raw, key, make, edits))
    _error_here(key)
    _remove_row(raw, edits, "sector", [s.name for s in scenario.geometry.sectors], "remove_sector")


def show_structure(raw: texts.ScenarioText, scenario: Scenario, edits: Edits) -> None:
    """The panel, for the lists the scenario has: contributors where it has pledges, tasks
    where it is sized by tasks, sectors where its line is in sectors."""
    fg = scenario.force_generation
    sections = [
        (fg is not None and bool(fg.pledges), _contributors),
        (scenario.method == "tasks", _tasks),
        (bool(scenario.geometry.sectors), _sectors),
    ]
    shown = [draw for has, draw in sections if has]
    if not shown:
        return
    count = share.structure_of(raw).count
    title = "Add or remove contributors, tasks and sectors"
    with st.expander(f"{title} ({texts.count(count, 'change')})" if count else title):
        for draw in shown:
            draw(raw, scenario, edits)
