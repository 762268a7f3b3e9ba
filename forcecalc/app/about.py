"""The page's About box: the version of forcecalc running and where its documentation is."""

from __future__ import annotations

import streamlit as st

from forcecalc.core.version import __version__

#: Where the documentation is, in a checkout (the app is run from one: ``streamlit run app.py``).
DOCS = ("README.md", "docs/scenario-format.md")


def about_text() -> str:
    """The About box's text: version, documentation paths and the command line's equivalent."""
    return (
        f"forcecalc {__version__}\n"
        f"Documentation: {DOCS[0]} (the planner app, the commands) and {DOCS[1]} (every key "
        "of a scenario file), in the forcecalc checkout.\n"
        "Every number here is the one `forcecalc run` gives on the downloaded scenario with the "
        "same samples, random seed and sampler."
    )


def show_about() -> None:
    """The About box, in an expander; its text shown as text (no Markdown)."""
    with st.expander("About forcecalc"):
        st.text(about_text())
