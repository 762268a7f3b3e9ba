"""One random stream per figure keyed by its path: common random numbers under ``--set`` and
under edits that add or remove other figures; draw_rows in blocks; the numpy Latin hypercube
held to scipy's."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import qmc

from forcecalc import load_scenario, parse_scenario
from forcecalc.core.chunked import run_chunked
from forcecalc.core.errors import ParameterError
from forcecalc.core.heap import kept_heap
from forcecalc.core.runner import override, run
from forcecalc.core.sampling import Sampler, draw_rows, sample
from forcecalc.core.streams import figure_stream, lhs_column, mc_rows, path_words, sobol_rows
from forcecalc.scenario.resources import default_scenario

EXTRA_TASK = """tasks:
  - name: extra_patrols
    category: military
    basis: per_km_front
    rate:
      low: 1
      high: 3
      assumption: A task added to test that the other figures keep their draws.
"""


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario())


@pytest.fixture(scope="module")
def with_extra():
    text = default_scenario().read_text(encoding="utf-8")
    assert text.count("tasks:\n") == 1
    return parse_scenario(text.replace("tasks:\n", EXTRA_TASK, 1))


def test_path_words_are_the_blake2b_digest_of_the_path() -> None:
    digest = hashlib.blake2b(b"geometry.front_length_km", digest_size=16).digest()
    words = path_words("geometry.front_length_km")
    assert words == tuple(np.frombuffer(digest, dtype="<u4").tolist())
    assert path_words("geometry.buffer_width_km") != words
    entropy = figure_stream(5, "geometry.front_length_km").entropy
    assert entropy == [5, *words]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3000), seed=st.integers(0, 2**64 - 1), path=st.text(max_size=20))
def test_numpy_latin_hypercube_is_scipy_s_bit_for_bit(n, seed, path) -> None:
    rng = np.random.Generator(np.random.PCG64(figure_stream(seed, path)))
    expected = qmc.LatinHypercube(1, rng=rng).random(n)[:, 0]
    np.testing.assert_array_equal(lhs_column(seed, path, n), expected)


def test_mc_column_is_the_figure_s_generator() -> None:
    expected = np.random.Generator(np.random.PCG64(figure_stream(3, "a.b"))).random(100)
    np.testing.assert_array_equal(mc_rows(3, "a.b", 0, 100), expected)


@settings(max_examples=30, deadline=None)
@given(
    sampler=st.sampled_from([Sampler.MC, Sampler.SOBOL]),
    seed=st.integers(0, 2**64 - 1),
    cuts=st.lists(st.integers(1, 1023), max_size=6, unique=True),
)
def test_draw_rows_in_any_partition_equal_sample(scenario, sampler, seed, cuts) -> None:
    n = 1024
    whole = sample(scenario, n, seed, sampler).values
    edges = [0, *sorted(cuts), n]
    blocks = [draw_rows(scenario, n, seed, sampler, a, b) for a, b in itertools.pairwise(edges)]
    for path, value in whole.items():
        if np.ndim(value) == 0:
            assert all(b[path] == value and np.ndim(b[path]) == 0 for b in blocks)
        else:
            np.testing.assert_array_equal(np.concatenate([b[path] for b in blocks]), value)


def test_sobol_rows_fast_forward_equal_the_whole_design() -> None:
    whole = sobol_rows(3, 9, 0, 512)
    np.testing.assert_array_equal(sobol_rows(3, 9, 100, 300), whole[100:300])


def test_lhs_rows_must_be_the_whole_design(scenario) -> None:
    with pytest.raises(ParameterError, match="sampler"):
        draw_rows(scenario, 1000, 1, "lhs", 0, 500)
    with pytest.raises(ParameterError, match="rows"):
        draw_rows(scenario, 1000, 1, "mc", 10, 10)


@pytest.mark.parametrize("sampler", [Sampler.MC, Sampler.LHS])
def test_set_to_a_point_leaves_every_other_figure_bit_for_bit(scenario, sampler) -> None:
    base = sample(scenario, 512, 11, sampler).values
    uncertain = [f.path for f in scenario.uncertain]
    for chosen in uncertain:
        fixed = override(scenario, {chosen: 1.5 * float(np.median(base[chosen]))})
        after = sample(fixed, 512, 11, sampler).values
        assert np.ndim(after[chosen]) == 0
        for path in uncertain:
            if path != chosen:
                np.testing.assert_array_equal(after[path], base[path])


@pytest.mark.parametrize("sampler", [Sampler.MC, Sampler.LHS])
def test_adding_or_removing_another_figure_leaves_a_figure_s_draws(
    scenario, with_extra, sampler
) -> None:
    without = sample(scenario, 700, 4, sampler).values
    added = sample(with_extra, 700, 4, sampler).values
    assert "tasks.extra_patrols.rate" in added and "tasks.extra_patrols.rate" not in without
    for path, value in without.items():
        np.testing.assert_array_equal(added[path], value)


def test_sobol_draws_the_uncertain_figures_in_one_joint_design(scenario) -> None:
    values = sample(scenario, 256, 8, "sobol").values
    uncertain = [f.path for f in scenario.uncertain]
    u = np.clip(sobol_rows(len(uncertain), 8, 0, 256), 1e-12, 1 - 1e-12)
    for j, path in enumerate(uncertain):
        figure = scenario.figures[path]
        expected = figure.dist.ppf(u[:, j])  # the default scenario's domains cut nothing here
        np.testing.assert_allclose(values[path], expected, rtol=1e-12)


@pytest.mark.parametrize("sampler", list(Sampler))
def test_points_consume_no_stream(scenario, sampler) -> None:
    """A figure's draws do not depend on whether the figures before it are points."""
    point = next(f for f in scenario.figures.values() if not f.is_uncertain)
    ranged = override(scenario, {point.path: (0.8 * point.dist.value, 1.2 * point.dist.value)})
    assert ranged.figures[point.path].is_uncertain
    before = sample(scenario, 256, 2, sampler).values
    if sampler is not Sampler.SOBOL:  # sobol is joint: one more dimension moves them all
        after = sample(ranged, 256, 2, sampler).values
        for path in before:
            if path != point.path:
                np.testing.assert_array_equal(after[path], before[path])
    for f in scenario.uncertain:  # each uncertain column is its own stream's (mc, lhs)
        if sampler is Sampler.MC:
            u = np.clip(mc_rows(2, f.path, 0, 256), 1e-12, 1 - 1e-12)
            np.testing.assert_allclose(before[f.path], f.dist.ppf(u), rtol=1e-12)


def test_run_chunked_equals_run_for_mc_and_sobol(scenario) -> None:
    for sampler in ("mc", "sobol"):
        whole = run(scenario, 4096, 6, sampler)
        chunked = run_chunked(scenario, 4096, 6, sampler, chunk_samples=1000)
        np.testing.assert_array_equal(chunked.outcome.deployed, whole.outcome.deployed)
        assert chunked.summary == whole.summary


def test_kept_heap_restores_glibc_after_an_error() -> None:
    with pytest.raises(ValueError, match="inside"), kept_heap():
        raise ValueError("inside")
    assert np.ones(1 << 20).sum() == 1 << 20  # allocation works after it


def test_the_memory_bound_counts_only_the_figures_drawn() -> None:
    """Points draw nothing, so a design's memory is its uncertain figures' (the default
    scenario: 2,097,152 samples of 4 uncertain among 10 figures fit in MAX_VALUES)."""
    from forcecalc.core.budget import MAX_VALUES
    from forcecalc.core.sampling import design_figures, sample
    from forcecalc.scenario.loader import load_scenario
    from forcecalc.scenario.resources import default_scenario

    scenario = load_scenario(default_scenario())
    figures = design_figures(scenario)
    uncertain = sum(f.is_uncertain for f in figures)
    n = MAX_VALUES // uncertain
    assert n * len(figures) > MAX_VALUES  # refused when every figure counted
    values = sample(scenario, n, 1, "mc").values
    assert sum(getattr(v, "ndim", 0) == 1 for v in values.values()) == uncertain
