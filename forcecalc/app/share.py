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

import functools
import hashlib
from urllib.parse import urlencode

import streamlit as st

from forcecalc.app import forms, planner, texts
from forcecalc.app.assumptions_tab import MAX_EDITABLE, Entered, figure_key
from forcecalc.app.cached import RunSettings, cached_shipped
from forcecalc.app.link_extras import (
    MAX_VARIANTS,
    decode_variants,
    encode_variants,
    read_settings,
    settings_params,
)
from forcecalc.app.sidebar import SHIPPED, STRUCTURE
from forcecalc.app.state import NO_EDITS, Edits, History, StateError, decode_edits, encode_edits
from forcecalc.app.state import variant_name as checked_name
from forcecalc.app.structure import kept_edits, with_structure
from forcecalc.app.widgets import plain
from forcecalc.core.distributions import Distribution
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.report.labels import is_percent, to_percent
from forcecalc.scenario.edit_structure import NO_STRUCTURE, Structure

URL_SCENARIO, URL_EDITS, URL_VARIANTS = "s", "e", "v"
#: Session-state keys: the link read once, its edits still to show, its error, the undo
#: history (with the digest of the scenario it belongs to), the variants, the last save's note.
LOADED, PENDING, LINK_ERROR = "link_loaded", "link_pending", "link_error"
HISTORY, VARIANTS, VARIANT_NOTE = "edit_history", "variants", "variant_note"
#: The variants a link can rebuild: name → (shipped scenario, edits).
VARIANT_EDITS = "variant_edits"
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
    try:  # the settings and variants first: a link's bad edits leave them
        st.session_state.update(read_settings(st.query_params.to_dict()))
        _read_variants(st.query_params.get(URL_VARIANTS, ""))
        edits = decode_edits(st.query_params.get(URL_EDITS, ""))
    except StateError as exc:  # the scenario named, as shipped
        st.session_state[LINK_ERROR] = str(exc)
        return
    st.session_state[PENDING] = edits
    if edits.structure:  # applied to the file before its figures' edits (structured)
        st.session_state[STRUCTURE] = (_digest(cached_shipped(name)), edits.structure)


def show_link_error() -> None:
    """The link's error, once, as one line."""
    error = st.session_state.pop(LINK_ERROR, None)
    if error:
        st.error(plain(f"The link could not be read ({error}): showing the scenario as shipped."))


def _digest(base: texts.ScenarioText) -> str:
    return hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]


def structure_of(raw: texts.ScenarioText) -> Structure:
    """The contributors, tasks and sectors added and removed in the scenario ``raw``."""
    held = st.session_state.get(STRUCTURE)
    return held[1] if held is not None and held[0] == _digest(raw) else NO_STRUCTURE


#: :func:`~forcecalc.app.structure.with_structure`, remembered for the last texts: it
#: composes the file's YAML and the loader checks the result.
_structured = functools.lru_cache(maxsize=8)(with_structure)


def structured(raw: texts.ScenarioText) -> texts.ScenarioText:
    """The scenario ``raw`` with the planner's added and removed items (``raw`` itself with
    none); a link's that no longer apply are dropped, with the link's one-line error."""
    structure = structure_of(raw)
    try:
        return _structured(raw, structure)
    except ForcecalcError as exc:
        st.session_state.pop(STRUCTURE, None)
        st.session_state[LINK_ERROR] = str(exc)
        return raw


def set_structure(
    raw: texts.ScenarioText, structure: Structure, edits: Edits, generation: int | None = None
) -> None:
    """The page's scenario made ``raw`` with ``structure``, its inputs (of a new generation)
    set to ``edits`` (those of a removed item dropped): a button's callback, before the inputs
    are drawn.

    Raises
    ------
    EditError
        If the loader refuses the scenario with ``structure`` (nothing is changed then).
    StateError
        If an edit cannot be shown in the new scenario's inputs.
    """
    base = _structured(raw, structure)
    scenario = base.parse()
    figures, pledges = kept_edits(scenario, edits.figures, edits.pledges)
    generation = st.session_state.get("generation", 0) + 1 if generation is None else generation
    seed_widgets(base, scenario, generation, Edits(figures, pledges))
    st.session_state["generation"] = generation
    st.session_state[STRUCTURE] = (_digest(raw), structure)


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


def apply_pending(raw: texts.ScenarioText, base: texts.ScenarioText, scenario: Scenario) -> None:
    """The link's edits into the inputs of ``base`` (``raw`` with the link's added and
    removed items), before the Assumptions tab draws them; undo then goes back to the
    scenario as shipped."""
    edits = st.session_state.pop(PENDING, None)
    if edits is None:
        return
    if edits.structure != structure_of(raw):  # they did not apply: structured told why
        return
    try:
        seed_widgets(base, scenario, st.session_state.get("generation", 0), edits)
    except StateError as exc:
        st.error(plain(f"The link could not be read ({exc}): showing the scenario as shipped."))
        return
    st.session_state[HISTORY] = (_digest(raw), History((NO_EDITS,)))


def _history(raw: texts.ScenarioText) -> History:
    held = st.session_state.get(HISTORY)
    return held[1] if held is not None and held[0] == _digest(raw) else History()


def _undo(raw: texts.ScenarioText) -> None:
    """Button callback: the inputs (and the items added and removed) as they were before
    the last edit, under new keys."""
    history, edits = _history(raw).undo()
    set_structure(raw, edits.structure, edits)
    st.session_state[HISTORY] = (_digest(raw), history)


def entered_edits(scenario: Scenario, entered: Entered, structure: Structure) -> Edits:
    """The edits the inputs hold (valid or not), and the items added and removed, as a
    link keeps them."""
    return Edits(
        planner.changed_dists(scenario, entered.dists),
        planner.changed_pledges(scenario, entered.pledges),
        structure,
    )


def _shipped(raw: texts.ScenarioText) -> bool:
    """Whether ``raw`` is a shipped scenario as shipped (the only kind a link names)."""
    return st.session_state.get("origin", SHIPPED) == SHIPPED and raw == cached_shipped(raw.name)


def write_link(raw: texts.ScenarioText, edits: Edits, settings: RunSettings) -> str | None:
    """The URL's query set to the scenario, ``edits``, the settings that are not the defaults
    and the variants; returns the query string, or ``None`` (with a one-line note) for an
    uploaded or pasted scenario, which no link holds."""
    name = raw.name
    if not _shipped(raw):
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
    kept = st.session_state.get(VARIANT_EDITS, {})
    held = encode_variants(kept)
    if held is None:
        st.caption(
            f"The variants are too many for a link (over {MAX_VARIANTS} or 6,000 characters): "
            "the link holds none of them."
        )
    params = {
        URL_SCENARIO: name,
        **({URL_EDITS: encoded} if encoded else {}),
        **settings_params(settings.samples, settings.seed, settings.sampler),
        **({URL_VARIANTS: held} if held else {}),
    }
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    return urlencode(params)


def restored_variant(file: str, edits: Edits) -> texts.ScenarioText:
    """A variant of a link rebuilt: the shipped scenario ``file`` with ``edits`` (every valid
    one, as when it was saved).

    Raises
    ------
    StateError
        If ``file`` is not a shipped scenario, or its items added and removed do not apply.
    """
    if file not in texts.shipped_scenarios():
        raise StateError(f"no shipped scenario is called {file[:80]!r}")
    try:
        base = _structured(cached_shipped(file), edits.structure)
        return planner.apply_valid_edits(base, edits.figures, edits.pledges).text
    except (ForcecalcError, KeyError) as exc:
        raise StateError(f"a variant's edits do not apply to {file[:80]} ({exc})") from None


def _read_variants(text: str) -> None:
    """A link's variants into the session (nothing kept if one cannot be rebuilt)."""
    read = decode_variants(text)
    rebuilt = {name: restored_variant(file, edits) for name, (file, edits) in read.items()}
    st.session_state[VARIANTS], st.session_state[VARIANT_EDITS] = rebuilt, read


def _save_variant(current: texts.ScenarioText, raw: texts.ScenarioText, edits: Edits) -> None:
    """Button callback: the scenario as edited kept under the name typed (and, for a shipped
    scenario, its edits, which the link carries)."""
    try:
        name = checked_name(st.session_state.get("variant_name", ""))
    except StateError as exc:
        st.session_state[VARIANT_NOTE] = str(exc)
        return
    if not name:
        st.session_state[VARIANT_NOTE] = "Type a name for the variant first."
        return
    st.session_state.setdefault(VARIANTS, {})[name] = current
    kept = st.session_state.setdefault(VARIANT_EDITS, {})
    if _shipped(raw):
        kept[name] = (raw.name, edits)
    else:  # a variant of an uploaded file stays in this session only
        kept.pop(name, None)
    st.session_state[VARIANT_NOTE] = f"Saved variant {name!r}: compare it in the Compare tab."


def variants() -> dict[str, texts.ScenarioText]:
    """The variants saved in this session, by their names among the scenarios to compare."""
    return {VARIANT_PREFIX + n: t for n, t in st.session_state.get(VARIANTS, {}).items()}


def show_share(
    raw: texts.ScenarioText,
    scenario: Scenario,
    entered: Entered,
    current: texts.ScenarioText,
    settings: RunSettings,
) -> Edits:
    """The link to this page (copied with the button of its box), undo, and save as variant;
    returns the edits entered (the items added and removed too)."""
    edits = entered_edits(scenario, entered, structure_of(raw))
    history = _history(raw).record(edits)
    st.session_state[HISTORY] = (_digest(raw), history)
    query = write_link(raw, edits, settings)
    if query is not None:
        url = (st.context.url or "").split("?", 1)[0]
        st.caption(
            "Link to this scenario, its edits, settings and variants (copy it with the box's "
            "button):"
        )
        st.code(f"{url}?{query}", language=None, wrap_lines=True)
    undo, name, save = st.columns([1, 2, 1], vertical_alignment="bottom")
    undo.button(
        "Undo last edit",
        key="undo",
        disabled=not history.can_undo,
        on_click=_undo,
        args=(raw,),
    )
    name.text_input("Variant name", key="variant_name", max_chars=80)
    save.button(
        "Save as variant", key="save_variant", on_click=_save_variant, args=(current, raw, edits)
    )
    note = st.session_state.pop(VARIANT_NOTE, None)
    if note:
        st.caption(plain(note))
    return edits
