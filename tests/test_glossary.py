"""The glossary holds every name the code uses for a quantity, with one unit each."""

from __future__ import annotations

import dataclasses
import inspect
import re

from forcecalc.core import glossary, model
from forcecalc.core.model import Outcome
from forcecalc.core.summary import METRIC_NAMES
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import scenarios_dir

UNIT_SUFFIXES = {"_km": "km", "_km2": "km2", "_months": "months"}


def test_every_output_is_in_the_glossary() -> None:
    mappings = {"by_task", "by_category", "by_rule", "by_sector", "committed_by_category"}
    mappings |= {"gaps"}  # the shortfalls: required − available, by comparison
    fields = {f.name for f in dataclasses.fields(Outcome)} - mappings
    assert fields == set(METRIC_NAMES)
    assert set(METRIC_NAMES) | {"p_pledges_suffice", "p_pool_suffices"} == set(glossary.OUTPUTS)


def test_every_unit_is_spelled_one_way() -> None:
    used = {
        t.unit
        for t in (
            *glossary.FIGURES.values(),
            *glossary.OUTPUTS.values(),
            *glossary.RATE_UNITS.values(),
        )
    }
    assert used <= set(glossary.UNITS)


def test_names_with_a_unit_suffix_carry_that_unit() -> None:
    for name, term in glossary.FIGURES.items():
        for suffix, unit in UNIT_SUFFIXES.items():
            if name.endswith(suffix):
                assert term.unit == unit, name


def test_every_shipped_figure_name_is_in_the_glossary() -> None:
    for path in scenarios_dir().rglob("*.yaml"):
        for figure_path, figure in load_scenario(path).figures.items():
            leaf = figure_path.rsplit(".", 1)[-1]
            assert leaf == "rate" or leaf in glossary.FIGURES, figure_path
            assert figure.unit in glossary.UNITS


def test_model_parameters_name_their_unit() -> None:
    """Public model functions spell unit-bearing parameters as the glossary does."""
    allowed = set(glossary.FIGURES) | {
        "rate_troops_per_km",
        "rate_troops_per_km2",
        "length_km",
        "area_km2",
        "crew_per_post",
        "share",
        "base_personnel",
        "reducible",
        "available",
        "required",
        "scenario",
        "values",
        "outputs",  # names of the outputs to compute, not a figure
    }
    for name, fn in inspect.getmembers(model, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != model.__name__:
            continue
        for param in inspect.signature(fn).parameters:
            assert param in allowed, f"{name}({param})"
            if re.search(r"_(km|km2|months)$", param):
                assert param.rsplit("_", 1)[1] in ("km", "km2", "months")
