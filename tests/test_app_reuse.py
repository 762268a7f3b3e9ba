"""What the app keeps across an edit that does not change it: a sweep after an edit of the
swept figure (:mod:`forcecalc.app.reuse`), and the mixture of fixed rule weights worked out
once (:func:`forcecalc.core.densities.mixture`), each equal to the path it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from forcecalc.app import cached, drivers, texts
from forcecalc.core import densities
from forcecalc.core.errors import ParameterError
from forcecalc.scenario.resources import DEFAULT_SCENARIO

SETTINGS = (1024, 11, "lhs")
FRONT = "geometry.front_length_km"
GRID = (FRONT, 900.0, 1400.0, 6)
SWEEP_TEXT = drivers.sweep_text  # the sweep computed afresh, whatever a test counts


def _edited(old: str, new: str) -> str:
    text = texts.read_shipped(DEFAULT_SCENARIO).text
    assert text.count(old) == 1
    return text.replace(old, new)


def _front(high: int) -> str:
    return _edited("    high: 1250\n", f"    high: {high}\n")


def _rate(high: int) -> str:
    return _edited("      high: 40\n", f"      high: {high}\n")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sweeps the app computes (their texts), counted; the cache emptied around."""
    calls: list[str] = []
    sweep_text = drivers.sweep_text

    def counting(text, *args):
        calls.append(text)
        return sweep_text(text, *args)

    monkeypatch.setattr(cached.drivers, "sweep_text", counting)
    cached.SWEEPS.clear()
    yield calls
    cached.SWEEPS.clear()


def _sweep(text: str, grid: tuple[str, float, float, int] = GRID):
    return cached.cached_sweep(text, DEFAULT_SCENARIO, *grid, *SETTINGS)


def _fresh(text: str, grid: tuple[str, float, float, int] = GRID):
    return SWEEP_TEXT(text, DEFAULT_SCENARIO, *grid, *SETTINGS)


def test_an_edit_of_the_swept_figure_reuses_the_sweep(counted: list[str]) -> None:
    first = _sweep(_front(1250))
    second = _sweep(_front(1300))  # the swept figure's own range: the points do not move
    assert len(counted) == 1
    assert second == _fresh(_front(1300))  # ... stamped with the edited text's checksum
    assert second.points == first.points
    assert second.provenance != first.provenance


def test_an_edit_of_another_figure_computes_the_sweep_again(counted: list[str]) -> None:
    first = _sweep(_rate(40))
    second = _sweep(_rate(45))
    assert len(counted) == 2
    assert second == _fresh(_rate(45))
    assert second.points != first.points  # the infantry's rate moves the requirement


def test_other_settings_or_grids_are_not_reused(counted: list[str]) -> None:
    _sweep(_front(1250))
    cached.cached_sweep(_front(1250), DEFAULT_SCENARIO, *GRID, 1024, 12, "lhs")
    _sweep(_front(1250), (FRONT, 900.0, 1400.0, 7))
    assert len(counted) == 3
    _sweep(_front(1260))
    assert len(counted) == 3


def test_a_refused_grid_raises_the_sweep_s_own_error(counted: list[str]) -> None:
    with pytest.raises(ParameterError, match="steps"):
        _sweep(_front(1250), (FRONT, 900.0, 1400.0, 0))
    with pytest.raises(ParameterError) as refused:
        _sweep(_front(1250), (FRONT, -5.0, 1400.0, 6))
    with pytest.raises(ParameterError) as fresh:
        _fresh(_front(1250), (FRONT, -5.0, 1400.0, 6))
    assert str(refused.value) == str(fresh.value)
    assert len(cached.SWEEPS) == 0


def _per_sample(requirements, weights, u):
    """The mixture with each weight an array over the samples: the per-sample path."""
    return densities.mixture(requirements, [np.full(np.shape(u), w) for w in weights], u)


def test_fixed_weights_mix_bit_for_bit_as_per_sample_weights() -> None:
    rng = np.random.default_rng(7)
    for _ in range(400):
        k, n = int(rng.integers(1, 50)), int(rng.integers(1, 200))
        reqs = [
            rng.random(n) * 1e4 if rng.random() < 0.8 else float(rng.random()) for _ in range(k)
        ]
        weights = rng.random(k) * 10.0 ** rng.uniform(-5, 5, k)
        weights[rng.random(k) < 0.3] = 0.0
        weights[0] = weights[0] or 1.0
        u = rng.random(n)
        running = np.cumsum(weights)
        m = min(n, k)
        u[:m] = (running / running[-1])[:m]  # the edges themselves: ties go the same way
        mixed = densities.mixture(reqs, list(weights), u)
        assert np.array_equal(mixed, _per_sample(reqs, list(weights), u))


@pytest.mark.parametrize("weights", [[0.0, 0.0], [1.0, -1.0], [1.0, np.nan]])
def test_bad_fixed_weights_are_refused_as_before(weights: list[float]) -> None:
    with pytest.raises(ValueError, match="expected finite weights"):
        densities.mixture([np.ones(4), np.zeros(4)], weights, np.full(4, 0.5))


@pytest.mark.parametrize("u", [0.0, 0.3, 0.9999])
def test_a_mixture_of_one_sample_with_fixed_weights_takes_the_per_sample_rule(u: float) -> None:
    """One sample (a tornado's or a sensitivity level's point): the fixed-weight shortcut
    hands it to the per-sample path (it once called itself back, without end)."""
    from forcecalc.core.densities import mixture, rule_index

    requirements = [10.0, 20.0, 30.0]
    weights = [1.0, 2.0, 1.0]
    got = mixture(requirements, weights, u)
    assert float(got) == requirements[int(rule_index(np.array(weights), np.float64(u)))]
