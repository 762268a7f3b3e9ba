"""The app's cache of what does not depend on an edit (the past missions' rule draws of the
Precedents tab) and its hand-back of freed memory; Sobol indices of 80 figures at n = 4096."""

from __future__ import annotations

import platform

import numpy as np
import pytest

from forcecalc.analysis.sobol import sobol
from forcecalc.app import cached, texts
from forcecalc.calibration import analogs, rules
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import DEFAULT_SCENARIO
from tests.hostile import many_tasks_text

SETTINGS = (2048, 11, "lhs")


def _edited(front_low: int) -> str:
    text = texts.read_shipped(DEFAULT_SCENARIO).text
    assert text.count("    low: 1040\n") == 1
    return text.replace("    low: 1040\n", f"    low: {front_low}\n")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The draws the app makes, counted; the caches emptied before and after."""
    calls: list[int] = []

    def counting(fitting, n, seed, sampler="lhs"):
        calls.append(n)
        return rules.rule_draws(fitting, n, seed, sampler)

    monkeypatch.setattr(cached, "rule_draws", counting)
    cached.RULE_DRAWS.clear()
    cached.cached_compare.cache.clear()
    yield calls
    cached.RULE_DRAWS.clear()
    cached.cached_compare.cache.clear()


def test_an_edit_draws_the_precedents_rules_once(counted: list[int]) -> None:
    first = cached.cached_compare(_edited(1040), DEFAULT_SCENARIO, *SETTINGS)
    second = cached.cached_compare(_edited(900), DEFAULT_SCENARIO, *SETTINGS)
    assert counted == [2048]  # the edit changed the geometry, not the draws
    assert first.ensemble != second.ensemble  # ... whose requirement did change
    cached.cached_compare(_edited(900), DEFAULT_SCENARIO, 1024, 11, "lhs")
    assert counted == [2048, 1024]  # other samples: other draws


@pytest.mark.parametrize("edit", [1040, 900])
def test_the_cached_draws_give_the_library_s_comparison(counted: list[int], edit: int) -> None:
    text = _edited(edit)
    run = cached.cached_run(text, DEFAULT_SCENARIO, *SETTINGS)
    cached.cached_compare(_edited(700), DEFAULT_SCENARIO, *SETTINGS)  # the draws, cached
    assert cached.cached_compare(text, DEFAULT_SCENARIO, *SETTINGS) == analogs.compare(run)
    assert len(counted) == 1


def test_the_shared_draws_are_read_only(counted: list[int]) -> None:
    run = cached.cached_run(_edited(1040), DEFAULT_SCENARIO, *SETTINGS)
    analogs.compare(run, draw=cached.cached_rule_draws)
    (draws,) = (value for value, _ in cached.RULE_DRAWS._entries.values())
    arrays = [a for a in draws.values() if isinstance(a, np.ndarray) and a.ndim]
    assert arrays
    with pytest.raises(ValueError, match="read-only"):
        arrays[0][0] = 0.0


def test_memory_is_handed_back_where_glibc_is() -> None:
    assert cached.return_memory() is (platform.libc_ver()[0] == "glibc")


def test_sobol_indices_of_80_figures_at_n_4096_are_accepted() -> None:
    """80 uncertain tasks (83 figures): accepted, held in linear memory (the outputs at every
    AB_i in blocks of inputs within the values budget; peak measured in the report)."""
    result = sobol(parse_scenario(many_tasks_text(80)), n=4096, repeats=1)
    assert result.evaluations == 4096 * (81 + 2)
    assert len(result.outputs[0].indices) == 81
