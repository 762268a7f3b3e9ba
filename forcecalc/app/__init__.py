"""The Streamlit planner page (:mod:`forcecalc.app.page`) and its pure helpers. Parses, calls
the library, renders; never imports the command line.
"""
