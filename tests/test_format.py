"""The format declarations: complete, consistent with the glossary, and used by the loader."""

from __future__ import annotations

import pytest

from forcecalc.core import glossary
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import BASIS_FIGURES, Basis
from forcecalc.scenario import format as fmt
from forcecalc.scenario.loader import parse_scenario


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
    params = [p for _, ps in fmt.IMPLICIT_FORMS for p in ps]
    params += [p for ps in fmt.DIST_PARAMS.values() for p in ps]
    assert set(params) == set(fmt.FIGURE_NUMBERS)
    assert set(fmt.FIGURE_NUMBERS) <= set(fmt.FIGURE.names)


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
