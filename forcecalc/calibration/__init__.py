"""Reference data and what is computed from it: the cited missions dataset, the catalogue of
sizing rules and their ensembles, the back-test and the analogs. Imports only :mod:`forcecalc.core`.
"""
