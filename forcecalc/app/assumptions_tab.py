"""The Assumptions tab: every figure of the scenario editable, with its source beside it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import streamlit as st

from forcecalc.app import planner, texts
from forcecalc.app.widgets import plain
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import Figure, Scenario


def figure_key(base: texts.ScenarioText, generation: int, path: str, param: str) -> str:
    """Widget key of one parameter of one figure.

    It changes with the scenario (so a new scenario starts from its own values) and with
    "reset to scenario" (``generation``), which brings every figure back to the file's value.
    """
    digest = hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]
    return f"figure|{digest}|{generation}|{path}|{param}"


def show_source(figure: Figure) -> None:
    """The figure's source, original-language quote and English gloss, and its note."""
    note = planner.source_note(figure)
    st.caption(plain(note.label))
    if note.quote:
        gloss = f" — {plain(note.gloss)}" if note.gloss else ""
        st.caption(f"“{plain(note.quote)}”{gloss}")
    if figure.note:
        st.caption(f"Note: {plain(figure.note)}")


def figure_inputs(figure: Figure, base: texts.ScenarioText, generation: int) -> dict[str, float]:
    """Number inputs for every parameter of a figure; returns the values entered."""
    inputs, source = st.columns([3, 2])
    entered: dict[str, float] = {}
    with inputs:
        st.markdown(plain(f"{figure.path} · {figure.unit} · {planner.dist_kind(figure.dist)}"))
        params = planner.dist_params(figure.dist)
        for column, (name, value) in zip(st.columns(len(params)), params.items(), strict=True):
            spec = planner.input_spec(figure, value)
            entered[name] = column.number_input(
                name,
                value=spec.value,
                step=spec.step,
                format=spec.format,
                key=figure_key(base, generation, figure.path, name),
            )
    with source:
        show_source(figure)
    return entered


#: The most figures shown as inputs in each group: a page of 8,000 pledges' inputs takes over a
#: minute to draw at every rerun. The others keep the file's values (edit the file for them).
MAX_EDITABLE = 100


def edit_figures(scenario: Scenario, base: texts.ScenarioText) -> dict[str, Mapping[str, float]]:
    """The scenario's figures in expanders by group, the first :data:`MAX_EDITABLE` of each
    as inputs; returns the values entered (figures not shown keep their values)."""
    generation = st.session_state.get("generation", 0)
    values: dict[str, Mapping[str, float]] = {}
    for group, figures in planner.grouped_figures(scenario).items():
        title = f"{group.capitalize()} ({texts.count(len(figures), 'figure')})"
        with st.expander(title, expanded=group in ("geometry", "tasks")):
            for figure in figures[:MAX_EDITABLE]:
                values[figure.path] = figure_inputs(figure, base, generation)
            if len(figures) > MAX_EDITABLE:
                st.caption(
                    f"The first {MAX_EDITABLE:,} of {len(figures):,} figures are shown; the "
                    "others keep the file's values (edit the file and upload it to change them)."
                )
    return values


def edited_scenario(
    base: texts.ScenarioText, scenario: Scenario, values: Mapping[str, Mapping[str, float]]
) -> tuple[texts.ScenarioText, int, str | None]:
    """The scenario with the entered values, the number of edited figures and any error."""
    changes = planner.changed_figures(scenario, values)
    try:
        return planner.apply_edits(base, changes), len(changes), None
    except ForcecalcError as exc:
        return base, len(changes), str(exc)
