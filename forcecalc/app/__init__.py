"""The Streamlit planner app: the page and its pure helpers. Never imports the command line.

Pure helpers, tested without Streamlit: :mod:`~forcecalc.app.texts` (scenarios as text: loaded,
run, downloaded), :mod:`~forcecalc.app.planner` (figures as editable inputs),
:mod:`~forcecalc.app.headline`, :mod:`~forcecalc.app.tables` (rows of tables and charts),
:mod:`~forcecalc.app.drivers` (tornado and sweep), :mod:`~forcecalc.app.messages` (errors named by
the app's controls). The page, which only lays out: :mod:`~forcecalc.app.page`, its
:mod:`~forcecalc.app.sidebar`, one module per group of tabs (``*_tab``, ``*_tabs``),
:mod:`~forcecalc.app.widgets` and the cached library calls (:mod:`~forcecalc.app.cached`).
"""
