"""The Assumptions tab: every figure of the scenario editable, with its source beside it.

Each figure is labelled in words (:func:`forcecalc.report.labels.figure_label`, its key path in
the tooltip), entered in the form a planner picks (a point, a 90% range, a PERT or a uniform,
:mod:`forcecalc.app.forms`), a fraction as a percentage; a pledge has its status and note too.
An edit the loader refuses is shown right under the figure it concerns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from forcecalc.app import forms, planner, texts
from forcecalc.app.widgets import plain
from forcecalc.core.distributions import Distribution
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import Figure, Pledge, Scenario
from forcecalc.report.labels import figure_label, from_percent, is_percent, to_percent, unit_words
from forcecalc.scenario.edit import EditError
from forcecalc.scenario.edit_pledges import PledgeEdit, bare_note
from forcecalc.scenario.format import PLEDGE_STATUSES


def figure_key(base: texts.ScenarioText, generation: int, path: str, param: str) -> str:
    """Widget key of one parameter of one figure (``form``, ``status`` and ``note`` too).

    It changes with the scenario (so a new scenario starts from its own values) and with
    "reset to scenario" (``generation``), which brings every figure back to the file's value.
    """
    digest = hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]
    return f"figure|{digest}|{generation}|{path}|{param}"


def show_source(figure: Figure) -> None:
    """The figure's source, original-language quote and English gloss, and its note; a
    register figure's id is in the tooltip."""
    note = planner.source_note(figure)
    st.caption(plain(note.label), help=plain(f"register figure {note.ref}") if note.ref else None)
    if note.quote:
        gloss = f" — {plain(note.gloss)}" if note.gloss else ""
        st.caption(f"“{plain(note.quote)}”{gloss}")
    if figure.note:
        st.caption(f"Note: {plain(figure.note)}")


def _entered(shown: float, default: float, percent: bool) -> float:
    """A parameter in the figure's unit from its input: the default exactly when untouched,
    else the number entered (a percentage ÷ 100 through its decimal digits)."""
    if percent:
        return default if shown == to_percent(default) else from_percent(shown)
    return default if shown == default else float(shown)


def param_inputs(figure: Figure, dist: Distribution, key: str, label: str) -> Distribution:
    """Number inputs for the parameters of ``dist`` (a figure in the form picked): a fraction
    as a percentage; returns the distribution entered (unchecked: the loader checks)."""
    percent = is_percent(figure.unit)
    params = planner.dist_params(dist)
    unit = "%" if percent else planner.unit_short(figure.unit)
    entered: dict[str, float] = {}
    for column, (name, value) in zip(st.columns(len(params)), params.items(), strict=True):
        shown = to_percent(value) if percent else value
        spec = planner.input_spec(figure, shown)
        got = column.number_input(
            plain(f"{forms.PARAM_LABELS.get(name, name)} ({unit})"),
            value=spec.value,
            step=spec.step,
            format=spec.format,
            key=f"{key}|{name}",
            help=plain(
                f"{label}, {name}: {figure.path} in {unit_words(figure.unit)}"
                + (" (entered as a percentage, stored as a fraction)" if percent else "")
            ),
        )
        entered[name] = _entered(got, value, percent)
    return planner.with_params(dist, entered)


def figure_input(figure: Figure, scenario: Scenario, key: str) -> Distribution:
    """A figure's form (point, 90% range, PERT, uniform) and its parameters' inputs."""
    label = figure_label(scenario, figure.path)
    options = forms.form_options(figure.dist)
    form = st.selectbox(
        plain(label),
        options,
        index=options.index(forms.form_of(figure.dist)),
        key=f"{key}|form",
        help=plain(f"{figure.path} ({unit_words(figure.unit)}): a point, or a range to sample"),
    )
    whole = figure.unit in ("personnel", "personnel_per_post")
    dist = forms.converted(figure.dist, form, whole)
    # a figure in its own form keeps its widgets' keys ``path|low`` ...; another form has its own
    suffix = "" if form == forms.form_of(figure.dist) else f"|{form}"
    return param_inputs(figure, dist, key + suffix, label)


def pledge_inputs(pledge: Pledge, key: str) -> PledgeEdit:
    """A pledge's status (a refused one can be un-refused) and note."""
    status_column, note_column = st.columns([1, 2])
    status = status_column.selectbox(
        plain(f"{pledge.contributor}: status"),
        PLEDGE_STATUSES,
        index=PLEDGE_STATUSES.index(pledge.status),
        key=f"{key}|status",
        help=plain(f"{pledge.figure_path}: a contributor that refused pledges 0"),
    )
    note = note_column.text_input(
        plain(f"{pledge.contributor}: note"),
        value=bare_note(pledge),
        key=f"{key}|note",
        help="Why the status or personnel changed (kept in the downloaded YAML)",
    )
    return PledgeEdit(str(status), note)


@dataclass
class Entered:
    """What the Assumptions tab's inputs hold: each figure's distribution, each pledge's
    status and note, and the place under each figure where its error goes."""

    dists: dict[str, Distribution] = field(default_factory=dict)
    pledges: dict[str, PledgeEdit] = field(default_factory=dict)
    slots: dict[str, DeltaGenerator] = field(default_factory=dict)


def _figure_row(figure: Figure, scenario: Scenario, key: str, out: Entered) -> None:
    """One figure's inputs, its error's place and its source, side by side."""
    pledges = (
        {p.figure_path: p for p in scenario.force_generation.pledges}
        if (scenario.force_generation)
        else {}
    )
    inputs, source = st.columns([3, 2])
    with inputs:
        out.dists[figure.path] = figure_input(figure, scenario, key)
        if figure.path in pledges:
            pledge = pledges[figure.path]
            out.pledges[pledge.contributor] = pledge_inputs(pledge, key)
        out.slots[figure.path] = st.empty()
    with source:
        show_source(figure)


#: The most figures shown as inputs in each group: a page of 8,000 pledges' inputs takes over a
#: minute to draw at every rerun. The others keep the file's values (edit the file for them).
MAX_EDITABLE = 100


def edit_figures(scenario: Scenario, base: texts.ScenarioText) -> Entered:
    """The scenario's figures in expanders by group, the first :data:`MAX_EDITABLE` of each
    as inputs; returns what was entered (figures not shown keep their values)."""
    generation = st.session_state.get("generation", 0)
    out = Entered()
    for group, figures in planner.grouped_figures(scenario).items():
        title = f"{group.capitalize()} ({texts.count(len(figures), 'figure')})"
        with st.expander(title, expanded=group in ("geometry", "tasks")):
            for figure in figures[:MAX_EDITABLE]:
                key = figure_key(base, generation, figure.path, "")[:-1]
                _figure_row(figure, scenario, key, out)
            if len(figures) > MAX_EDITABLE:
                st.caption(
                    f"The first {MAX_EDITABLE:,} of {len(figures):,} figures are shown; the "
                    "others keep the file's values (edit the file and upload it to change them)."
                )
    return out


def edited_scenario(
    base: texts.ScenarioText, scenario: Scenario, entered: Entered
) -> tuple[texts.ScenarioText, int, ForcecalcError | None]:
    """The scenario with the entered values, the number of edits and any error."""
    changes = planner.changed_dists(scenario, entered.dists)
    pledges = planner.changed_pledges(scenario, entered.pledges)
    try:  # every valid edit is kept, whatever the others (planner.apply_valid_edits)
        applied = planner.apply_valid_edits(base, changes, pledges)
    except ForcecalcError as exc:  # not told against an edit: none applied
        return base, 0, exc
    return applied.text, applied.count, applied.errors[0] if applied.errors else None


def error_path(error: ForcecalcError, slots: Mapping[str, object]) -> str | None:
    """The figure shown whose input an error concerns, or ``None`` (no such figure shown)."""
    path = error.path if isinstance(error, EditError) else ""
    key = getattr(getattr(error, "where", None), "key_path", "") or path
    for candidate in (path, key):
        owner = max(
            (p for p in slots if candidate == p or candidate.startswith(p + ".")),
            key=len,
            default=None,
        )
        if owner is not None:
            return owner
    if key.startswith("force_generation.pledges."):  # a pledge's status: under its personnel
        who = key.removeprefix("force_generation.pledges.").rsplit(".", 1)[0]
        personnel = f"force_generation.pledges.{who}.personnel"
        return personnel if personnel in slots else None
    return None


def show_edit_error(error: ForcecalcError, entered: Entered, scenario: Scenario) -> str | None:
    """The error under the input that caused it; returns the one-line summary for the top
    of the page (naming the figure in words), or ``None`` where no input shown holds it."""
    path = error_path(error, entered.slots)
    if path is None:
        return None
    entered.slots[path].error(plain(str(error)))
    return plain(
        f"An edit was not applied: {figure_label(scenario, path)} (Assumptions tab, the error "
        "is under the figure)"
    )
