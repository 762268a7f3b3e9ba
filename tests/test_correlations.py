"""Correlated figures: the ``correlations:`` section, Iman–Conover and who honours it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from streamlit.testing.v1 import AppTest

from forcecalc.analysis.goal import goal_seek
from forcecalc.analysis.problem import draw, problem_of
from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.sweep import axis, sweep
from forcecalc.analysis.tornado import tornado
from forcecalc.app.sidebar import PASTE
from forcecalc.core.chunked import run_chunked
from forcecalc.core.correlation import (
    Correlation,
    iman_conover,
    impose,
    matrix_problem,
    normal_problem,
    van_der_waerden,
)
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.runner import run
from forcecalc.core.sampling import (
    Sampler,
    correlated_figures,
    design_figures,
    figure_values,
    sample,
    unit_design,
)
from forcecalc.core.sources import Assumption
from forcecalc.core.streams import lhs_column, mc_rows, sobol_rows
from forcecalc.report.render import render_sources
from forcecalc.report.sensitivity import render_sensitivity
from forcecalc.scenario.loader import load_scenario, parse_scenario
from forcecalc.scenario.writer import dump_scenario
from tests.hostile import literal

REPO = Path(__file__).parent.parent
SCENARIOS = REPO / "scenarios"
ASSUMED = Assumption("generated for a test")

FRONT = "geometry.front_length_km"
RATE = "tasks.infantry.rate"
OFFSET = "technology_offset"

BASE = """\
schema_version: 1
name: Two drivers
description: A line held by infantry, the line's length and the density both uncertain.
geometry:
  front_length_km: {low: 500, high: 1500, assumption: a round range for tests}
  buffer_width_km: {value: 5, assumption: a round number for tests}
tasks:
  - name: infantry
    category: military
    basis: per_km_front
    reducible: true
    rate: {low: 10, high: 30, assumption: a round range for tests}
  - name: headquarters
    category: headquarters
    basis: fixed
    count: {value: 150, assumption: a round number for tests}
technology_offset: {low: 0, high: 0.3, assumption: a round range for tests}
sustainment:
  rotation_multiplier: {value: 3, assumption: the rule of thirds}
"""

CORRELATED = (
    BASE
    + """\
correlations:
  - between: [geometry.front_length_km, tasks.infantry.rate]
    rank_correlation: 0.8
    assumption: a longer line runs through more contested ground, which needs more troops per km
    note: an illustration
"""
)


def _with(*entries: str) -> str:
    return BASE + "correlations:\n" + "".join(entries)


def _entry(a: str, b: str, rho: float | str, extra: str = "assumption: for tests") -> str:
    return f"  - between: [{a}, {b}]\n    rank_correlation: {rho}\n    {extra}\n"


# --------------------------------------------------------------------------------------------
# Strategies: valid correlation matrices among 2 to 5 figures


@st.composite
def correlation_matrices(draw: st.DrawFn, k_min: int = 2, k_max: int = 5) -> np.ndarray:
    """A correlation matrix with off-diagonals in [-0.9, 0.9] and smallest eigenvalue ≥ 0.1:
    ``0.9 V V^T + 0.1 I`` for rows of ``V`` on the unit sphere."""
    k = draw(st.integers(k_min, k_max))
    entries = st.floats(-1.0, 1.0, allow_nan=False)
    v = np.array(draw(st.lists(st.lists(entries, min_size=k, max_size=k), min_size=k, max_size=k)))
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    v = np.where(norms > 1e-3, v / np.maximum(norms, 1e-3), np.eye(k))
    c = 0.9 * (v @ v.T) + 0.1 * np.eye(k)
    d = np.sqrt(np.diag(c))
    return c / np.outer(d, d)


# --------------------------------------------------------------------------------------------
# Iman–Conover


@settings(max_examples=40, deadline=None)
@given(
    c=correlation_matrices(),
    n=st.integers(1, 600),
    seed=st.integers(0, 2**32 - 1),
    sampler=st.sampled_from(["lhs", "mc"]),
)
def test_iman_conover_leaves_each_figures_sorted_samples_unchanged(
    c: np.ndarray, n: int, seed: int, sampler: str
) -> None:
    x = unit_design(len(c), n, seed, Sampler(sampler))
    y = iman_conover(x, c)
    assert y.shape == x.shape
    for j in range(len(c)):
        assert np.array_equal(np.sort(y[:, j]), np.sort(x[:, j]))


@settings(max_examples=15, deadline=None)
@given(c=correlation_matrices(), seed=st.integers(0, 2**32 - 1))
@example(c=np.eye(2), seed=0)  # two figures: scipy's spearmanr gives a scalar, not a matrix
def test_iman_conover_reaches_the_target_rank_correlation(c: np.ndarray, seed: int) -> None:
    x = np.random.default_rng(seed).random((16_384, len(c)))
    y = iman_conover(x, c)
    ranks = np.argsort(np.argsort(y, axis=0), axis=0)
    rho = np.corrcoef(ranks, rowvar=False)  # Spearman's rho: the correlation of the ranks
    assert np.max(np.abs(rho - c)) < 0.05


@pytest.mark.parametrize("rho", [-1.0, 1.0])
def test_a_correlation_of_plus_or_minus_one_orders_the_figures_together(rho: float) -> None:
    x = np.random.default_rng(3).random((1000, 2))
    y = iman_conover(x, np.array([[1.0, rho], [rho, 1.0]]))
    assert spearmanr(y).statistic == pytest.approx(rho)


def test_van_der_waerden_scores_are_normal_quantiles_of_the_ranks() -> None:
    scores = van_der_waerden(np.array([[0.3], [0.1], [0.9]]))
    assert scores[:, 0] == pytest.approx([0.0, -0.6744897501960817, 0.6744897501960817])


def test_impose_returns_the_design_itself_without_active_correlations() -> None:
    u = np.random.default_rng(0).random((64, 3))
    pair = Correlation(("a", "b"), 0.5, ASSUMED)
    assert impose(u, ["a", "b", "c"], [True, True, True], ()) is u
    assert impose(u, ["a", "b", "c"], [True, False, True], [pair]) is u  # b is a point
    out = impose(u, ["a", "b", "c"], [True, True, True], [pair])
    assert np.array_equal(out[:, 2], u[:, 2])  # a column no correlation names is untouched
    assert not np.array_equal(out, u)


def test_the_smallest_set_of_figures_that_cannot_hold_together_is_named() -> None:
    paths = ["a", "b", "c", "d"]
    pairs = [
        Correlation(("a", "b"), 0.9, ASSUMED),
        Correlation(("b", "c"), 0.9, ASSUMED),
        Correlation(("a", "c"), -0.9, ASSUMED),
        Correlation(("c", "d"), 0.1, ASSUMED),
    ]
    problem = matrix_problem(paths, pairs)
    assert problem is not None and problem.figures == ("a", "b", "c")
    assert problem.eigenvalue < 0
    weaker = [pairs[0], Correlation(("b", "c"), 0.4, ASSUMED), pairs[3]]
    assert matrix_problem(paths, weaker) is None
    # a pair left out is a correlation of 0: a with b and b with c at 0.9 need a with c too
    assert matrix_problem(paths, pairs[:2]) is not None


def test_a_valid_target_whose_normal_score_matrix_is_not_psd_is_named() -> None:
    """Three figures at -0.49: the rank matrix holds (eigenvalue 0.02), 2 sin(pi rho / 6) does
    not (-0.015); at -0.48 both hold (the bound is -(6 / pi) arcsin(1 / 4), about -0.483)."""
    paths = ["a", "b", "c", "d"]

    def equi(rho: float) -> list[Correlation]:
        pairs = [("a", "b"), ("b", "c"), ("a", "c")]
        return [Correlation(p, rho, ASSUMED) for p in pairs] + [
            Correlation(("c", "d"), 0.1, ASSUMED)
        ]

    assert matrix_problem(paths, equi(-0.49)) is None
    problem = normal_problem(paths, equi(-0.49))
    assert problem is not None and problem.figures == ("a", "b", "c")
    assert problem.eigenvalue == pytest.approx(1 - 4 * np.sin(0.49 * np.pi / 6), abs=1e-12)
    assert normal_problem(paths, equi(-0.48)) is None


# --------------------------------------------------------------------------------------------
# Sampling


def _spearman(values: dict, a: str, b: str) -> float:
    return float(spearmanr(values[a], values[b]).statistic)


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "mc"])
def test_sample_imposes_the_correlation_for_every_sampler_and_keeps_the_marginals(
    sampler: str,
) -> None:
    correlated = parse_scenario(CORRELATED)
    independent = parse_scenario(BASE)
    c = sample(correlated, 16_384, seed=7, sampler=sampler).values
    i = sample(independent, 16_384, seed=7, sampler=sampler).values
    assert abs(_spearman(c, FRONT, RATE) - 0.8) < 0.05
    assert abs(_spearman(i, FRONT, RATE)) < 0.05
    for path in (FRONT, RATE, OFFSET):
        assert np.array_equal(np.sort(c[path]), np.sort(i[path]))
    assert np.array_equal(c[OFFSET], i[OFFSET])  # a figure no correlation names is untouched


def test_correlated_sampling_is_deterministic_from_the_seed() -> None:
    s = parse_scenario(CORRELATED)
    a, b = sample(s, 4096, seed=11).values, sample(s, 4096, seed=11).values
    assert all(np.array_equal(a[p], b[p]) for p in (FRONT, RATE))
    assert not np.array_equal(a[RATE], sample(s, 4096, seed=12).values[RATE])


@pytest.mark.parametrize("name", ["reassurance-force", "un-observer-mission"])
@pytest.mark.parametrize("sampler", ["lhs", "sobol", "mc"])
def test_no_correlations_samples_exactly_as_the_independent_design(name: str, sampler: str) -> None:
    s = load_scenario(SCENARIOS / f"{name}.yaml")
    assert s.correlations == ()
    figures = design_figures(s)  # the timeline's figures are drawn apart
    uncertain = [f.path for f in figures if f.is_uncertain]  # one stream each (mc, lhs)
    if sampler == "sobol":
        joint = sobol_rows(len(uncertain), 5, 0, 1024)
        u = {p: joint[:, j] for j, p in enumerate(uncertain)}
    elif sampler == "lhs":
        u = {p: lhs_column(5, p, 1024) for p in uncertain}
    else:
        u = {p: mc_rows(5, p, 0, 1024) for p in uncertain}
    drawn = sample(s, 1024, seed=5, sampler=sampler).values
    for f in figures:
        unit = np.clip(u[f.path], 1e-12, 1 - 1e-12) if f.is_uncertain else None
        assert np.array_equal(drawn[f.path], figure_values(f, unit))


def test_a_figure_set_to_a_point_drops_its_correlations() -> None:
    s = parse_scenario(CORRELATED)
    fixed = run(s, samples=2048, seed=3, overrides={FRONT: 1000})
    independent = run(parse_scenario(BASE), samples=2048, seed=3, overrides={FRONT: 1000})
    assert np.array_equal(fixed.samples.values[RATE], independent.samples.values[RATE])
    assert correlated_figures(s) == (FRONT, RATE)
    assert correlated_figures(fixed.scenario) == ()


def test_positively_correlated_drivers_widen_the_deployed_interval() -> None:
    def width(text: str) -> float:
        band = run(parse_scenario(text), samples=16_384, seed=1).summary.metrics["deployed"]
        return band.p95 - band.p5

    assert width(CORRELATED) > 1.1 * width(BASE)


def test_a_chunked_run_imposes_the_correlations_on_each_chunk() -> None:
    s = parse_scenario(CORRELATED)
    whole = run(s, samples=4096, seed=9, sampler="mc")
    one_chunk = run_chunked(s, samples=4096, seed=9, sampler="mc", chunk_samples=4096)
    assert np.array_equal(one_chunk.outcome.deployed, whole.outcome.deployed)
    chunked = run_chunked(s, samples=3 * 4096, seed=9, sampler="mc", chunk_samples=4096)
    independent = run_chunked(parse_scenario(BASE), 3 * 4096, 9, "mc", chunk_samples=4096)
    widths = [
        np.subtract(*np.percentile(r.outcome.deployed, [95, 5])) for r in (chunked, independent)
    ]
    assert widths[0] > 1.1 * widths[1]


def test_rank_and_threshold_draw_as_sample_does() -> None:
    s = parse_scenario(CORRELATED)
    drawn = draw(problem_of(s), 2048, 4, "lhs")
    sampled = sample(s, 2048, seed=4, sampler="lhs").values
    assert all(np.array_equal(drawn[p], sampled[p]) for p in (FRONT, RATE, OFFSET))


def test_a_sweep_honours_the_correlations_of_the_figures_it_does_not_sweep() -> None:
    def p95(text: str) -> float:
        result = sweep(parse_scenario(text), [axis(OFFSET, 0.0, 0.2, 2)], samples=4096, seed=2)
        return result.points[0].bands["deployed"].p95

    assert p95(CORRELATED) > p95(BASE)


# --------------------------------------------------------------------------------------------
# The methods that assume independent inputs say so


def test_tornado_and_sobol_say_they_assume_independent_inputs() -> None:
    s = parse_scenario(CORRELATED)
    results = [tornado(s), sobol(s, n=64, repeats=2)]
    for r in results:
        assert r.correlated == (FRONT, RATE)
        for fmt in ("table", "markdown", "csv"):
            text = render_sensitivity(r, fmt)
            assert "assumes independent inputs" in text and FRONT in text
        data = json.loads(render_sensitivity(r, "json"))
        assert data["correlated"] == [FRONT, RATE]
        assert "assumes independent inputs" in data["note"]


def test_without_correlations_tornado_and_sobol_carry_no_note() -> None:
    s = parse_scenario(BASE)
    for r in (tornado(s), sobol(s, n=64, repeats=2)):
        assert r.correlated == ()
        assert "assumes independent inputs" not in render_sensitivity(r, "table")
        data = json.loads(render_sensitivity(r, "json"))
        assert "correlated" not in data and "note" not in data


# --------------------------------------------------------------------------------------------
# Reading and writing


def test_a_correlation_is_read_with_its_assumption_and_note() -> None:
    (c,) = parse_scenario(CORRELATED).correlations
    assert c.between == (FRONT, RATE)
    assert c.rank_correlation == 0.8
    assert isinstance(c.source, Assumption) and "contested" in c.source.reason
    assert c.note == "an illustration"


@pytest.mark.parametrize(
    "text",
    [
        CORRELATED,
        _with(
            _entry(FRONT, RATE, -0.25),
            _entry(RATE, OFFSET, 1, "source: {title: A made-up study, publisher: Corpus Press}"),
            _entry(FRONT, OFFSET, -0.25),
        ),
    ],
)
def test_dump_then_load_round_trips(text: str) -> None:
    s = parse_scenario(text)
    assert parse_scenario(dump_scenario(s)) == s


def test_the_writer_leaves_out_correlations_of_a_figure_set_to_a_point() -> None:
    s = parse_scenario(CORRELATED)
    fixed = run(s, samples=16, seed=1, overrides={RATE: 20}).scenario
    assert "correlations" not in dump_scenario(fixed)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            _with(_entry(FRONT, "tasks.infantry.rat", 0.5)),
            r"at correlations\[0\]\.between\[1\]: got 'tasks.infantry.rat'; expected a figure "
            r"of this scenario \(did you mean 'tasks.infantry.rate'\?\)",
        ),
        (
            _with(_entry(FRONT, "geometry.buffer_width_km", 0.5)),
            r"between\[1\]: got the point geometry.buffer_width_km .*cannot correlate",
        ),
        (_with(_entry(FRONT, FRONT, 0.5)), r"between: got .* twice; expected two different"),
        (
            _with(_entry(FRONT, RATE, 0.5), _entry(RATE, FRONT, 0.4)),
            r"correlations\[1\]\.between: got the pair .* again \(first given in correlations\[0\]",
        ),
        (_with(_entry(FRONT, RATE, -1.01)), r"rank_correlation: got -1.01; expected .*\[-1, 1\]"),
        (_with(_entry(FRONT, RATE, "high")), r"rank_correlation: got"),
        (_with(_entry(FRONT, RATE, 0.5, "note: x")), r"neither source nor assumption"),
        (
            _with("  - between: [a]\n    rank_correlation: 0.5\n    assumption: x\n"),
            r"between: got a list of 1; expected a list of two figure paths",
        ),
        (
            _with(
                _entry(FRONT, RATE, 0.9),
                _entry(RATE, OFFSET, 0.9),
                _entry(FRONT, OFFSET, -0.9),
            ),
            r"at correlations: got rank correlations among geometry.front_length_km, "
            r"tasks.infantry.rate and technology_offset that cannot all hold",
        ),
    ],
)
def test_bad_correlations_are_refused_in_one_line(text: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match) as info:
        parse_scenario(text, "t.yaml")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("t.yaml:")


def test_a_matrix_made_invalid_outside_the_loader_is_refused_when_sampling() -> None:
    s = parse_scenario(BASE)
    bad = (
        Correlation((FRONT, RATE), 0.9, ASSUMED),
        Correlation((RATE, OFFSET), 0.9, ASSUMED),
        Correlation((FRONT, OFFSET), -0.9, ASSUMED),
    )
    with pytest.raises(ParameterError, match="correlations: got rank correlations among"):
        sample(replace(s, correlations=bad), 64)


def test_the_apps_drivers_tab_says_the_tornado_assumes_independent_inputs() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(CORRELATED).run()
    assert not at.exception
    captions = " ".join(literal(c.value) for c in at.caption)
    assert "tornado assumes independent inputs" in captions
    assert f"{FRONT}, {RATE}" in captions


SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@settings(max_examples=20, deadline=None)
@given(data=st.data(), path=st.sampled_from(SHIPPED))
def test_any_valid_correlations_of_a_shipped_scenario_round_trip(data, path: Path) -> None:
    s = load_scenario(path)
    uncertain = [f.path for f in design_figures(s) if f.is_uncertain]  # not the timeline's
    if len(uncertain) < 2:
        return
    k = data.draw(st.integers(2, min(4, len(uncertain))))
    chosen = data.draw(st.permutations(uncertain)).copy()[:k]
    c = data.draw(correlation_matrices(k, k))
    pairs = tuple(
        Correlation((chosen[i], chosen[j]), float(c[i, j]), ASSUMED, note="n")
        for i in range(k)
        for j in range(i + 1, k)
    )
    correlated = replace(s, correlations=pairs)
    text = dump_scenario(correlated)
    again = parse_scenario(text, "dumped.yaml")
    assert again == correlated
    assert dump_scenario(again) == text


def test_forcecalc_sources_lists_each_correlation_with_its_source() -> None:
    s = parse_scenario(CORRELATED)
    table = render_sources(s, "table")
    assert "correlations[0]: geometry.front_length_km and tasks.infantry.rate" in table
    assert "rank correlation 0.8" in table and "contested ground" in table
    (row,) = json.loads(render_sources(s, "json"))["correlations"]
    assert row["kind"] == "assumption" and row["note"] == "an illustration"
    assert "correlations" not in json.loads(render_sources(parse_scenario(BASE), "json"))
    assert "Correlations" not in render_sources(parse_scenario(BASE), "table")


def test_goal_seek_honours_the_correlations() -> None:
    def answer(text: str) -> float:
        hq = "tasks.headquarters.count"
        g = goal_seek(parse_scenario(text), hq, 50_000, requirement="deployed", samples=4096)
        assert g.status == "solved"
        return g.value

    # correlated drivers raise the P80 of deployed, so the pool leaves room for fewer others
    assert answer(CORRELATED) < 0.95 * answer(BASE)


@pytest.mark.parametrize("correlated", [False, True], ids=["independent", "correlated"])
def test_a_chunked_run_takes_the_lean_chunk_unless_correlations_depend_on_it(
    monkeypatch: pytest.MonkeyPatch, correlated: bool
) -> None:
    """Without correlations the chunk changes no number, so run_sized takes LEAN_CHUNK; a
    correlated run (imposed per chunk) keeps DEFAULT_CHUNK, the chunk its numbers had."""
    from forcecalc.core import chunked

    scenario = parse_scenario(CORRELATED if correlated else BASE)
    chunks: list[int] = []
    monkeypatch.setattr(chunked, "run_chunked", lambda *args: chunks.append(args[5]))
    chunked.run_sized(scenario, 3_000_000, 1, "mc", at_once=2**24)
    d = len(chunked.design_figures(scenario))
    wanted = chunked.DEFAULT_CHUNK if correlated else chunked.LEAN_CHUNK
    assert chunks == [min(wanted, 2**24 // d)]
    assert chunked.LEAN_CHUNK < chunked.DEFAULT_CHUNK <= 2**24 // d
