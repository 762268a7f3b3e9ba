"""Analyses over a scenario, one method a module: the problem definition, tornado, Sobol
indices, rank correlation, threshold, sweep and goal seek. Imports core, calibration, scenario.
"""
