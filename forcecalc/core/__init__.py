"""The model's core: scenario dataclasses, sources, glossary and limits, distributions,
sampling, the troop-to-task model and the sizing rules' density formulas, summaries, runs and
their provenance.

Imports nothing else of forcecalc, and nothing but numpy and scipy outside the standard
library (no YAML, no argument parsing, no Streamlit).
"""
