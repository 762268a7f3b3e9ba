"""The format declarations: complete, consistent with the glossary, and used by the loader."""

from __future__ import annotations

import pytest

from forcecalc.core import glossary
from forcecalc.core.distributions import FAMILIES, Interval90, Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import BASIS_FIGURES, Basis, Figure
from forcecalc.core.sources import Assumption
from forcecalc.scenario import format as fmt
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.writer import figure_dict


def _kinds(kind: fmt.Kind) -> list[fmt.Kind]:
    return [kind, *(_kinds(kind.item) if isinstance(kind, fmt.ListOf) else [])]


def test_every_section_names_a_declared_mapping() -> None:
    for spec in fmt.SPECS.values():
        assert len(set(spec.names)) == len(spec.keys), spec.name
        for key in spec.keys:
            for kind in _kinds(key.kind):
                if isinstance(kind, fmt.Section):
                    assert kind.spec in fmt.SPECS, f"{spec.name}.{key.name}"


def test_every_figure_key_is_a_glossary_term() -> None:
    for spec in fmt.SPECS.values():
        for key in spec.keys:
            if isinstance(key.kind, fmt.FigureOf):
                assert key.kind.term == "rate" or key.kind.term in glossary.FIGURES


def test_basis_keys_cover_the_basis_figures() -> None:
    for basis in Basis:
        keys = fmt.basis_keys(basis)
        assert set(BASIS_FIGURES[basis]) <= set(keys) <= set(fmt.TASK_BASIS_KEYS)
        assert set(keys) <= set(fmt.TASK.names)


def test_figure_forms_use_declared_numbers() -> None:
    params = [p for _, family in fmt.IMPLICIT_FORMS for p in family.params]
    params += [p for ps in fmt.DIST_PARAMS.values() for p in ps]
    assert set(params) == set(fmt.FIGURE_NUMBERS)
    assert set(fmt.FIGURE_NUMBERS) <= set(fmt.FIGURE.names)


def test_each_family_is_declared_once_and_read_and_written_by_its_declaration() -> None:
    """``FAMILIES`` is the one declaration: ``dist:`` options, implicit forms, the writer."""
    named = [f for f in FAMILIES if f.name is not None]
    assert {f.name: f.params for f in named} == fmt.DIST_PARAMS
    assert fmt.options(fmt.FIGURE, "dist") == tuple(f.name for f in named)
    assert {f.cls for _, f in fmt.IMPLICIT_FORMS} | {f.cls for f in named} == {
        f.cls for f in FAMILIES
    }
    assert {f.cls for f in FAMILIES if f.name is None} == {Point, Interval90}
    for family in FAMILIES:
        dist = family.cls(*range(1, len(family.params) + 1))
        keys = figure_dict(Figure("x", "km", dist, Assumption("a test")))
        assert keys.get("dist") == family.name
        assert [k for k in keys if k in fmt.FIGURE_NUMBERS] == list(family.params)


def test_options_refuses_a_key_that_is_not_a_choice() -> None:
    assert fmt.options(fmt.TASK, "basis") == tuple(b.value for b in Basis)
    with pytest.raises(TypeError):
        fmt.options(fmt.TASK, "name")


def test_the_loader_lists_the_declared_keys() -> None:
    text = "schema_version: 1\nnmae: x\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    assert info.value.expected == "one of " + ", ".join(fmt.SCENARIO.names)
    assert "did you mean 'name'?" in str(info.value)
