"""The page's link, undo and variants: the state of :mod:`forcecalc.app.state` wired to Streamlit.

The shipped scenario picked and every edit entered are written to the URL at each rerun
(``st.query_params``: ``s`` the file, ``e`` the edits, :func:`forcecalc.app.state.encode_edits`)
and read back on a session's first run, so a reload or a sent link shows the same page. An edit
is restored by setting its inputs' widget state before they are drawn (the keys of
:func:`forcecalc.app.assumptions_tab.figure_key`); undo does the same with the state before the
last, under a new generation of keys. A variant is the scenario as edited, kept by name in the
session and offered in the Compare tab.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import streamlit as st

from forcecalc.app import forms, planner, texts
from forcecalc.app.assumptions_tab import MAX_EDITABLE, Entered, figure_key
from forcecalc.app.cached import cached_shipped
from forcecalc.app.sidebar import SHIPPED
from forcecalc.app.state import NO_EDITS, Edits, History, StateError, decode_edits, encode_edits
from forcecalc.app.state import variant_name as checked_name
from forcecalc.app.widgets import plain
from forcecalc.core.distributions import Distribution
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.report.labels import is_percent, to_percent

URL_SCENARIO, URL_EDITS = "s", "e"
#: Session-state keys: the link read once, its edits still to show, its error, the undo
#: history (with the digest of the scenario it belongs to), the variants, the last save's note.
LOADED, PENDING, LINK_ERROR = "link_loaded", "link_pending", "link_error"
HISTORY, VARIANTS, VARIANT_NOTE = "edit_history", "variants", "variant_note"
#: How a variant is named among the scenarios to compare.
VARIANT_PREFIX = "variant: "
#: The largest whole number an input takes from a link (an int64 widget; exact in a float).
MAX_WHOLE = 2**53


def read_link() -> None:
    """On a session's first run, the scenario and edits in the URL into the session state
    (the edits wait for :func:`apply_pending`); a link that cannot be read leaves its one-line
    error for :func:`show_link_error` and the scenario it names (else the default) as shipped."""
    if st.session_state.get(LOADED):
        return
    st.session_state[LOADED] = True
    name = st.query_params.get(URL_SCENARIO)
    if name is None:
        return
    if name not in texts.shipped_scenarios():
        st.session_state[LINK_ERROR] = f"no shipped scenario is called {name[:80]!r}"
        return
    st.session_state["origin"], st.session_state["shipped"] = SHIPPED, name
    try:
        st.session_state[PENDING] = decode_edits(st.query_params.get(URL_EDITS, ""))
    except StateError as exc:  # the scenario named, as shipped
        st.session_state[LINK_ERROR] = str(exc)


def show_link_error() -> None:
    """The link's error, once, as one line."""
    error = st.session_state.pop(LINK_ERROR, None)
    if error:
        st.error(plain(f"The link could not be read ({error}): showing the scenario as shipped."))


def _digest(base: texts.ScenarioText) -> str:
    return hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]


def _widget_value(figure: Figure, form: str, name: str, value: float) -> float | int:
    """A parameter as its input holds it: a percentage for a fraction, a whole number where
    the input is one (a head count)."""
    whole = figure.unit in ("personnel", "personnel_per_post")
    default = planner.dist_params(forms.converted(figure.dist, form, whole))[name]
    percent = is_percent(figure.unit)
    spec = planner.input_spec(figure, to_percent(default) if percent else default)
    shown = to_percent(value) if percent else value
    if isinstance(spec.value, int):
        if not float(shown).is_integer() or abs(shown) > MAX_WHOLE:
            raise StateError(f"{figure.path}.{name}: got {shown:g}; expected a whole number")
        return int(shown)
    return float(shown)


def _seed_figure(figure: Figure, dist: Distribution, key: str) -> dict[str, object]:
    form = forms.form_of(dist)
    if form not in forms.form_options(figure.dist):
        raise StateError(f"{figure.path}: got form {form!r}; expected one of the offered")
    suffix = "" if form == forms.form_of(figure.dist) else f"|{form}"
    values = {f"{key}|form": form}
    for name, value in planner.dist_params(dist).items():
        values[f"{key}{suffix}|{name}"] = _widget_value(figure, form, name, value)
    return values


def seed_widgets(
    base: texts.ScenarioText, scenario: Scenario, generation: int, edits: Edits
) -> None:
    """Set the inputs of generation ``generation`` to show ``edits`` (before they are drawn).

    Raises
    ------
    StateError
        If an edit names a figure or contributor not shown as an input, or a value its
        input cannot hold; nothing is set then.
    """
    shown = {
        f.path: f
        for figures in planner.grouped_figures(scenario).values()
        for f in figures[:MAX_EDITABLE]
    }
    fg = scenario.force_generation
    pledges = {p.contributor: p for p in fg.pledges} if fg else {}
    values: dict[str, object] = {}
    for path, dist in edits.figures.items():
        if path not in shown:
            raise StateError(f"{path[:80]!r} is not a figure shown of this scenario")
        key = figure_key(base, generation, path, "")[:-1]
        values.update(_seed_figure(shown[path], dist, key))
    for who, edit in edits.pledges.items():
        if who not in pledges or pledges[who].figure_path not in shown:
            raise StateError(f"{who[:80]!r} is not a contributor shown of this scenario")
        key = figure_key(base, generation, pledges[who].figure_path, "")[:-1]
        values.update({f"{key}|status": edit.status, f"{key}|note": edit.note})
    st.session_state.update(values)


def apply_pending(base: texts.ScenarioText, scenario: Scenario) -> None:
    """The link's edits into the inputs, before the Assumptions tab draws them; undo then
    goes back to the scenario as shipped."""
    edits = st.session_state.pop(PENDING, None)
    if edits is None:
        return
    try:
        seed_widgets(base, scenario, st.session_state.get("generation", 0), edits)
    except StateError as exc:
        st.error(plain(f"The link could not be read ({exc}): showing the scenario as shipped."))
        return
    st.session_state[HISTORY] = (_digest(base), History((NO_EDITS,)))


def _history(base: texts.ScenarioText) -> History:
    held = st.session_state.get(HISTORY)
    return held[1] if held is not None and held[0] == _digest(base) else History()


def _undo(base: texts.ScenarioText, scenario: Scenario) -> None:
    """Button callback: the inputs as they were before the last edit, under new keys."""
    history, edits = _history(base).undo()
    generation = st.session_state.get("generation", 0) + 1
    st.session_state["generation"] = generation
    seed_widgets(base, scenario, generation, edits)
    st.session_state[HISTORY] = (_digest(base), history)


def entered_edits(scenario: Scenario, entered: Entered) -> Edits:
    """The edits the inputs hold (valid or not), as a link keeps them."""
    return Edits(
        planner.changed_dists(scenario, entered.dists),
        planner.changed_pledges(scenario, entered.pledges),
    )


def write_link(base: texts.ScenarioText, edits: Edits) -> str | None:
    """The URL's query set to the scenario and ``edits``; returns the query string, or
    ``None`` (with a one-line note) for an uploaded or pasted scenario, which no link holds."""
    name = base.name
    if st.session_state.get("origin", SHIPPED) != SHIPPED or base != cached_shipped(name):
        st.query_params.clear()
        st.caption(
            "An uploaded or pasted scenario cannot go in a link: download its YAML (Download "
            "tab) and send the file."
        )
        return None
    encoded = encode_edits(edits)
    if encoded is None:
        st.caption(
            "These edits are too many for a link (over 6,000 characters): the link holds the "
            "scenario only; download the YAML to send the edits."
        )
    params = {URL_SCENARIO: name, **({URL_EDITS: encoded} if encoded else {})}
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    return urlencode(params)


def _save_variant(current: texts.ScenarioText) -> None:
    """Button callback: the scenario as edited kept under the name typed."""
    try:
        name = checked_name(st.session_state.get("variant_name", ""))
    except StateError as exc:
        st.session_state[VARIANT_NOTE] = str(exc)
        return
    if not name:
        st.session_state[VARIANT_NOTE] = "Type a name for the variant first."
        return
    st.session_state.setdefault(VARIANTS, {})[name] = current
    st.session_state[VARIANT_NOTE] = f"Saved variant {name!r}: compare it in the Compare tab."


def variants() -> dict[str, texts.ScenarioText]:
    """The variants saved in this session, by their names among the scenarios to compare."""
    return {VARIANT_PREFIX + n: t for n, t in st.session_state.get(VARIANTS, {}).items()}


def show_share(
    base: texts.ScenarioText, scenario: Scenario, entered: Entered, current: texts.ScenarioText
) -> None:
    """The link to this page (copied with the button of its box), undo, and save as variant."""
    edits = entered_edits(scenario, entered)
    history = _history(base).record(edits)
    st.session_state[HISTORY] = (_digest(base), history)
    query = write_link(base, edits)
    if query is not None:
        url = (st.context.url or "").split("?", 1)[0]
        st.caption("Link to this scenario and its edits (copy it with the box's button):")
        st.code(f"{url}?{query}", language=None, wrap_lines=True)
    undo, name, save = st.columns([1, 2, 1], vertical_alignment="bottom")
    undo.button(
        "Undo last edit",
        key="undo",
        disabled=not history.can_undo,
        on_click=_undo,
        args=(base, scenario),
    )
    name.text_input("Variant name", key="variant_name", max_chars=80)
    save.button("Save as variant", key="save_variant", on_click=_save_variant, args=(current,))
    note = st.session_state.pop(VARIANT_NOTE, None)
    if note:
        st.caption(plain(note))
