"""The planner app: pick or upload a scenario, edit its figures, see bands, drivers and sources.

Run it from a checkout with ``streamlit run app.py``. This module only lays the page out: the
sidebar (:mod:`forcecalc.app.sidebar`), the headline and each tab (the ``*_tab`` and
``*_tabs`` modules). Every number comes from the pure helpers (:mod:`forcecalc.app.texts`,
:mod:`forcecalc.app.planner`, :mod:`forcecalc.app.headline`, :mod:`forcecalc.app.tables`,
:mod:`forcecalc.app.drivers`) and the library functions the CLI uses, through one pure runner
cached on the scenario's YAML text and the run settings (:mod:`forcecalc.app.cached`).
"""

from __future__ import annotations

import streamlit as st

from forcecalc.app import share, texts
from forcecalc.app.about import show_about
from forcecalc.app.assumptions_tab import edit_figures, edited_scenario, show_edit_error
from forcecalc.app.cached import cached_parse, run_of, shown_errors
from forcecalc.app.compare_tab import show_compare, show_precedents
from forcecalc.app.drivers_tab import show_drivers, show_sweep
from forcecalc.app.files_tab import show_downloads, show_sources
from forcecalc.app.results_tabs import show_breakdown, show_distribution, show_headlines
from forcecalc.app.sidebar import run_settings, scenario_input, upload_error
from forcecalc.app.structure_panel import show_structure
from forcecalc.app.timeline_tab import show_timeline
from forcecalc.app.widgets import if_run, plain
from forcecalc.core.runner import RunResult
from forcecalc.report.labels import plain_title
from forcecalc.scenario.register import default_register

TABS = (
    "Assumptions",
    "Breakdown",
    "Distribution",
    "Timeline",
    "Drivers",
    "Sweep",
    "Compare",
    "Precedents",
    "Sources",
    "Download",
)


def main() -> None:
    """The whole page, top to bottom."""
    st.set_page_config(page_title="forcecalc planner", layout="wide")
    share.read_link()  # a reload or a sent link: its scenario and edits (first run only)
    with st.sidebar:
        raw = scenario_input()  # the file as shipped, uploaded or pasted
        settings = run_settings()
        show_about()
    base = share.structured(raw)  # with the contributors, tasks and sectors added and removed
    scenario = cached_parse(base.text, base.name)
    st.title(plain(plain_title(scenario.name, default_register())), anchor=False)
    share.show_link_error()
    bad_file = upload_error()
    if bad_file is not None:  # the sidebar shows it too, beside the file picker
        st.error(plain(bad_file[0]))
        st.caption(f"Showing {plain(bad_file[1])} until the file is fixed.")
    with st.expander("About this scenario"):
        st.text(scenario.description)  # st.text reads no Markdown: a URL stays text
        st.caption(f"Title in the file: {plain(scenario.name)}")
        st.caption(f"File: {plain(base.name)}")
    share.apply_pending(raw, base, scenario)  # the link's edits into the inputs, before drawn
    head = st.container()
    tabs = dict(zip(TABS, st.tabs(list(TABS)), strict=True))
    with tabs["Assumptions"]:
        panel = st.container()  # the link, undo and variants, once the edits are known
        entered = edit_figures(scenario, base)
    current, n_edited, error = edited_scenario(base, scenario, entered)
    with panel:
        edits = share.show_share(raw, scenario, entered, current, settings)
    with tabs["Assumptions"]:
        show_structure(raw, scenario, edits)
    n_added = edits.structure.count  # contributors, tasks and sectors added or removed
    result: RunResult | None = None
    reference: RunResult | None = None
    with head:
        if error:
            summary = show_edit_error(error, entered, scenario)
            held = "the scenario as loaded"  # the valid edits are kept (apply_valid_edits)
            if n_edited:
                held = f"the other {texts.count(n_edited, 'edit')}"
            if summary is None:  # no input shown holds it: the whole message here
                summary = plain(str(error))
                st.error(f"{summary} — showing {held} until this is fixed.")
            else:
                st.warning(f"{summary} — showing {held} until this is fixed.")
        elif n_edited or n_added:
            changed = [texts.count(n_edited, "figure") + " edited"] if n_edited else []
            changed += [texts.count(n_added, "item") + " added or removed"] if n_added else []
            st.info(f"{'; '.join(changed)}; changes shown against the scenario as loaded.")
        with shown_errors():  # e.g. too many samples for this many figures
            result = run_of(current, settings)
            reference = run_of(raw, settings) if current != raw else None
        if result is not None:
            show_headlines(result, reference)
    with tabs["Breakdown"]:
        if_run(result, show_breakdown)
    with tabs["Distribution"]:
        if_run(result, show_distribution)
    with tabs["Timeline"], shown_errors():  # the scenario as edited, at the same settings
        show_timeline(current, cached_parse(current.text, current.name), settings)
    with tabs["Drivers"], shown_errors():
        show_drivers(current)
    with tabs["Sweep"]:  # the sweep and the precedents run at the same settings
        if_run(result, lambda r: show_sweep(current, r.scenario, settings))
    with tabs["Compare"]:
        show_compare(raw, current, settings, share.variants())
    with tabs["Precedents"], shown_errors():
        if_run(result, lambda r: show_precedents(current, settings))
    with tabs["Sources"]:
        show_sources(cached_parse(current.text, current.name))
    with tabs["Download"]:
        show_downloads(current, result, n_edited + n_added)
