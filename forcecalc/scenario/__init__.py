"""Scenario files: the format's declarations, strict YAML reading, the reader and writer, the
source register, the JSON Schema and edits. Imports :mod:`forcecalc.core` and
:mod:`forcecalc.calibration` (to check mission and rule names against the catalogue).
"""
