"""Exploration: sweeps equal runs, goal seek meets its pool, chunked runs equal unchunked ones."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc import UsageError, load_scenario, run
from forcecalc.analysis.goal import covered_needed, goal_seek, round_significant
from forcecalc.analysis.sweep import axis, sweep
from forcecalc.cli.progress import Progress
from forcecalc.core.chunked import run_chunked
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import Sampler, design_chunks, unit_design
from forcecalc.core.scenario import Scenario
from forcecalc.scenario.resources import default_scenario, scenarios_dir

POLAND = "force_generation.pledges.Poland.personnel"
FRONT, BUFFER, RATE = (
    "geometry.front_length_km",
    "geometry.buffer_width_km",
    "tasks.line_infantry.rate",
)


@pytest.fixture(scope="module")
def seed001() -> Scenario:
    return load_scenario(default_scenario())


@pytest.fixture(scope="module")
def seed000() -> Scenario:
    return load_scenario(scenarios_dir() / "seed-000-buffer-zone.yaml")


# --------------------------------------------------------------------------------------------
# Sweeps


@pytest.mark.parametrize("sampler", list(Sampler))
def test_sweep_point_equals_run_with_the_values_set(seed001, sampler) -> None:
    result = sweep(seed001, [axis(FRONT, 600, 3700, 4), axis(BUFFER, 1, 40, 3)], 1024, 9, sampler)
    assert result.shape == (4, 3)
    for point in result.points[::5]:
        front, buffer = point.coordinates
        reference = run(seed001, 1024, 9, sampler, overrides={FRONT: front, BUFFER: buffer})
        for name in ("deployed", "committed"):
            assert point.bands[name] == reference.summary.metrics[name]
        assert point.probabilities == reference.summary.probabilities


def test_a_sweep_over_an_ensembles_weight_equals_run_with_it_set() -> None:
    """A rule's weight can be swept (the weights are per grid point, not one number)."""
    csis = load_scenario(scenarios_dir() / "published" / "csis-2025-force-to-space.yaml")
    path = "rules.unficyp_1974.per_km2.weight"
    result = sweep(csis, [axis(path, 0, 2, 3)], 512, 4)
    p50 = [p.bands["deployed"].p50 for p in result.points]
    assert p50 == sorted(p50) and p50[0] < p50[-1]  # UNFICYP 1974's density is the highest
    for point in result.points:
        reference = run(csis, 512, 4, overrides={path: point.coordinates[0]})
        assert point.bands["deployed"] == reference.summary.metrics["deployed"]


def test_sweep_band_of_an_infinite_coverage_equals_run(seed001) -> None:
    """Audit: with nothing required (rate 0) and something pledged the coverage is +inf in
    every sample; run's band says inf, the sweep's P5/P50/P95 said NaN (inf - inf)."""
    outputs = ("pledge_coverage", "deployed")
    result = sweep(seed001, [axis(RATE, 0, 40, 3)], 512, 4, outputs=outputs)
    assert math.isinf(result.points[0].bands["pledge_coverage"].p50)
    for point in result.points:
        reference = run(seed001, 512, 4, overrides={RATE: point.coordinates[0]})
        for name in outputs:
            assert point.bands[name] == reference.summary.metrics[name]
        assert point.probabilities == reference.summary.probabilities


def test_sweep_in_blocks_equals_sweep_at_once(seed001) -> None:
    axes = [axis(RATE, 10, 50, 7)]
    whole = sweep(seed001, axes, 512, 3, outputs=("deployed", "deployed_per_km2"))
    calls = []
    blocks = sweep(
        seed001,
        axes,
        512,
        3,
        outputs=("deployed", "deployed_per_km2"),
        max_cells=1500,
        on_progress=lambda *a: calls.append(a),
    )
    assert whole.points == blocks.points
    assert calls == [(2, 7), (4, 7), (6, 7), (7, 7)]


def test_sweep_grid_is_row_major(seed001) -> None:
    result = sweep(seed001, [axis(FRONT, 1000, 2000, 2), axis(BUFFER, 5, 10, 3)], 64, 1)
    assert [p.coordinates for p in result.points] == [
        (1000, 5), (1000, 7.5), (1000, 10), (2000, 5), (2000, 7.5), (2000, 10)
    ]  # fmt: skip


def test_sweep_deployed_grows_linearly_with_the_front(seed001) -> None:
    result = sweep(seed001, [axis(FRONT, 500, 1500, 3)], 256, 2)
    p50 = [p.bands["deployed"].p50 for p in result.points]
    assert p50[1] == pytest.approx(2 * p50[0]) and p50[2] == pytest.approx(3 * p50[0])


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ([(FRONT, -5, 10, 3)], r"axes geometry.front_length_km: got -5; expected a value in"),
        # The loader's limits hold for sweeps too, and the message names the end as written.
        ([(FRONT, 1, 1e308, 3)], r"got 1e\+308; expected at most 40,075 km"),
        ([(FRONT, 1e-7, 1, 3)], r"got 1e-07; expected at least 1e-06 km"),
        # A contributor that refused stays at 0 in a sweep, as under --set.
        (
            [(POLAND, 0, 50000, 3)],
            r"axes \S+Poland\S+: got 50000; expected 0: the scenario says this contributor ref",
        ),
        ([("geometry.front_km", 1, 2, 2)], r"did you mean 'geometry.front_length_km'"),
        ([(FRONT, 1, 2, 2)] * 2, r"axes: got geometry.front_length_km twice"),
        ([(FRONT, 1, 2, 2), (BUFFER, 1, 2, 2), (RATE, 1, 2, 2)], r"axes: got 3 figures"),
    ],
)
def test_sweep_bad_axes(seed001, axes, message) -> None:
    with pytest.raises(ParameterError, match=message):
        sweep(seed001, [axis(*a) for a in axes], 64)


@pytest.mark.parametrize(
    ("args", "message"),
    [((FRONT, 1, 2, 0), r"got 0 steps"), ((FRONT, 1, 2, 1), r"got 1 step from 1 to 2")],
)
def test_axis_bad_steps(args, message) -> None:
    with pytest.raises(ParameterError, match=message) as caught:
        axis(*args)
    assert caught.value.parameter == "steps" and caught.value.detail == FRONT


# --------------------------------------------------------------------------------------------
# Goal seek


def _share_covered(scenario, path, value, pool, requirement="committed", n=2048, seed=11):
    result = run(scenario, n, seed, overrides={path: value})
    return float(np.mean(np.broadcast_to(getattr(result.outcome, requirement), (n,)) <= pool))


@settings(max_examples=12, deadline=None)
@given(
    pool=st.floats(40_000, 400_000),
    confidence=st.floats(0.05, 0.95),
    path=st.sampled_from([FRONT, RATE, "sustainment.rotation_multiplier"]),
)
def test_goal_seek_answer_fed_back_meets_the_pool(seed001, pool, confidence, path) -> None:
    result = goal_seek(seed001, path, pool, confidence, samples=2048, seed=11)
    if result.status != "solved":
        return
    assert result.bound == "largest"
    assert result.probability >= confidence
    assert _share_covered(seed001, path, result.value, pool) >= confidence
    assert _share_covered(seed001, path, result.value * 1.01, pool) < confidence


def test_goal_seek_smallest_for_a_figure_that_lowers_the_requirement(seed000) -> None:
    """Longer tours mean fewer rotations: the answer is the shortest tour the pool covers."""
    path = "sustainment.tour_months"
    result = goal_seek(seed000, path, 60_000, 0.8, samples=2048, seed=11)
    assert (result.status, result.bound) == ("solved", "smallest")
    assert _share_covered(seed000, path, result.value, 60_000) >= 0.8
    assert _share_covered(seed000, path, result.value * 0.99, 60_000) < 0.8


def test_goal_seek_deployed_requirement(seed001) -> None:
    result = goal_seek(seed001, FRONT, 50_000, 0.9, "deployed", samples=1024, seed=3)
    assert _share_covered(seed001, FRONT, result.value, 50_000, "deployed", 1024, 3) >= 0.9


def test_goal_seek_reports_no_solution(seed001, seed000) -> None:
    never = goal_seek(seed000, "sustainment.tour_months", 100, 0.8, samples=256)
    assert never.status == "never_covered" and never.value is None
    assert never.describe().startswith("no solution: 100 personnel never cover")
    # the range searched stays within what --set accepts: the unit's limit (a century)
    assert never.search_range == (1e-6, 1200.0) and never.at == 1200.0
    assert "in [1e-06, 1,200] months; at best, at 1,200 months" in never.describe()
    always = goal_seek(seed001, FRONT, 1e6, 0.8, search_range=(100, 2000), samples=256)
    assert always.status == "always_covered" and always.search_range == (100, 2000)
    assert "for every geometry.front_length_km in [100, 2,000]" in always.describe()
    unrelated = goal_seek(seed001, BUFFER, 1000, 0.8, samples=256)
    assert not unrelated.depends and unrelated.evaluations <= 4
    assert "does not depend on geometry.buffer_width_km" in unrelated.describe()


def test_goal_seek_search_is_bounded_by_the_units_limit(seed001) -> None:
    """An unbounded domain is searched up to the unit's limit, not by doubling to 10^21."""
    always = goal_seek(seed001, FRONT, 1e9, 0.8, samples=256)
    assert always.status == "always_covered" and always.search_range[1] == 40_075.0
    assert "in [1.14018e-06, 40,075] km; this figure does not limit" in always.describe()


def test_goal_answer_of_a_step_requirement_is_rounded_to_the_covered_side() -> None:
    """GCSP option A has no uncertainty left once the front is set: every sample jumps from
    covered to not covered at 100,000 / (13.16 × 3) = 2,532.928 km, so rounding to 2,532.93
    would cover 0%."""
    gcsp = load_scenario(scenarios_dir() / "published" / "gcsp-2025-option-a.yaml")
    result = goal_seek(gcsp, FRONT, 100_000, 0.8)
    assert result.answer == "2532.92" and result.value == 2532.92
    assert result.exact_value is not None and result.value <= result.exact_value
    assert result.probability == 1.0
    assert _share_covered(gcsp, FRONT, float(result.answer), 100_000, n=16_384) == 1.0


def test_goal_answer_is_rounded_down_for_a_largest_value(seed001) -> None:
    """Seed 001 at 100,000: the boundary is 956.69... km; 957 covers only 79.96%."""
    result = goal_seek(seed001, FRONT, 100_000, 0.8)
    assert result.bound == "largest" and result.value <= result.exact_value
    assert result.probability >= 0.8
    assert len(result.answer.replace(".", "").lstrip("0")) <= 6


@pytest.mark.parametrize(
    ("x", "digits", "up", "expected"),
    [
        (2532.9280, 6, False, 2532.92),
        (2532.9201, 6, True, 2532.93),
        (956.6934, 3, True, 957.0),
        (1.23456789e-7, 2, False, 1.2e-7),
        (-2.5, 1, False, -3.0),
        (2e21 + 1e15, 2, True, 2.1e21),
        (1234.0, 6, True, 1234.0),
    ],
)
def test_round_significant(x, digits, up, expected) -> None:
    r = round_significant(x, digits, up)
    assert r == expected
    assert float(f"{r:.{digits}g}") == r
    assert (r >= x) if up else (r <= x)


@pytest.mark.parametrize("n", [100, 10_000])
@pytest.mark.parametrize("confidence", [0.07, 0.14, 0.28, 0.56])
def test_covered_needed_is_exact_for_a_decimal_confidence(confidence, n) -> None:
    """Audit: 0.56 * 100 is 56.00000000000001 in floating point, whose ceiling asked 57 of
    100 samples to be covered for 56%."""
    needed = covered_needed(confidence, n)
    assert needed == round(confidence * n)
    assert needed / n >= confidence > (needed - 1) / n


def test_covered_needed_rounds_a_share_between_samples_up() -> None:
    assert covered_needed(0.555, 100) == 56 and covered_needed(0.5, 3) == 2
    assert covered_needed(1e-9, 100) == 1 and covered_needed(0.999, 100) == 100


def test_goal_seek_asks_no_more_covered_samples_than_the_confidence(seed001) -> None:
    """Audit (g4.py): at 56% of 100 samples the answer covered 57; 56 suffice, so the answer
    is larger and covers exactly 56%."""
    result = goal_seek(seed001, FRONT, 100_000, 0.56, samples=100, sampler="mc")
    assert result.probability == 0.56
    share = run(seed001, 100, sampler="mc", overrides={FRONT: result.value})
    assert np.mean(share.outcome.committed <= 100_000) == 0.56


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "rules.unifil_2006.per_km2.weight",
            r"^path rules.unifil_2006.per_km2.weight: got a rule's weight; expected a figure "
            r"the requirement is monotonic in \(a weight moves samples between rules",
        ),
        (
            "ensemble.rule_choice",
            r"^path ensemble.rule_choice: got an ensemble's rule choice; expected a figure "
            r"with a meaning as a number",
        ),
    ],
)
def test_goal_seek_refuses_the_rule_choice_and_the_rules_weights(path, message) -> None:
    """Audit (g2.py): the median of the CSIS ensemble rises and falls as UNIFIL's weight
    grows, so a root need not be the boundary; the rule choice only picks a rule."""
    csis = load_scenario(scenarios_dir() / "published" / "csis-2025-force-to-space.yaml")
    with pytest.raises(ParameterError, match=message):
        goal_seek(csis, path, 150_000, 0.5, samples=64)


def test_goal_seek_reports_progress(seed001) -> None:
    calls: list[tuple[int, int]] = []
    goal_seek(seed001, FRONT, 100_000, 0.8, samples=512, on_progress=lambda *a: calls.append(a))
    assert calls[-1] == (100, 100) and all(t == 100 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"confidence": 1.2}, r"confidence: got 1.2; expected a probability in \(0, 1\)"),
        ({"pool_personnel": -3}, r"pool_personnel: got -3"),
        ({"requirement": "pledged"}, r"requirement: got 'pledged'"),
        ({"path": "geometry.fron"}, r"path geometry.fron: got an unknown figure path"),
        ({"search_range": (5, 1)}, r"search_range: got 5:1; expected LOW:HIGH with LOW < HIGH"),
        ({"search_range": (-5, 1)}, r"search_range geometry.front_length_km: got -5"),
        ({"path": POLAND}, r"path \S+Poland\S+: got the pledge of a contributor that refused"),
        (
            {"search_range": (1, 1e9)},
            r"search_range geometry.front_length_km: got 1e\+09; expected at most",
        ),
    ],
)
def test_goal_seek_bad_arguments(seed001, kwargs, message) -> None:
    args = {"path": FRONT, "pool_personnel": 1e5} | kwargs
    with pytest.raises(ParameterError, match=message):
        goal_seek(seed001, samples=64, **args)


# --------------------------------------------------------------------------------------------
# Chunked runs


@settings(max_examples=25, deadline=None)
@given(
    chunk=st.integers(1, 700),
    sampler=st.sampled_from([Sampler.MC, Sampler.SOBOL]),
    d=st.integers(0, 6),
)
def test_design_chunks_equal_the_whole_design(chunk, sampler, d) -> None:
    n = 512
    parts = list(design_chunks(d, n, 17, sampler, chunk))
    assert [start for start, _ in parts] == list(range(0, n, chunk))
    np.testing.assert_array_equal(np.vstack([u for _, u in parts]), unit_design(d, n, 17, sampler))


@pytest.mark.parametrize(
    ("sampler", "n", "chunk"),
    [("mc", 5000, 1), ("mc", 5000, 999), ("sobol", 4096, 1000), ("lhs", 3000, 3000)],
)
def test_chunked_run_equals_unchunked_exactly(sampler, n, chunk) -> None:
    for path in sorted(scenarios_dir().glob("*.yaml"))[:3]:
        scenario = load_scenario(path)
        chunked = run_chunked(scenario, n, 21, sampler, chunk_samples=chunk)
        whole = run(scenario, n, 21, sampler)
        assert chunked.summary == whole.summary
        assert chunked.provenance == whole.provenance
        np.testing.assert_array_equal(chunked.outcome.committed, whole.outcome.committed)


def test_chunked_run_keeps_overrides_and_reports_progress(seed001) -> None:
    calls = []
    chunked = run_chunked(
        seed001,
        1000,
        5,
        overrides={FRONT: 900},
        chunk_samples=300,
        on_progress=lambda *a: calls.append(a),
    )
    assert calls == [(300, 1000), (600, 1000), (900, 1000), (1000, 1000)]
    assert chunked.summary == run(seed001, 1000, 5, "mc", overrides={FRONT: 900}).summary


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampler": "lhs", "samples": 5000, "chunk_samples": 1000}, r"sampler lhs: got 5,000"),
        ({"sampler": "sobol", "samples": 1000}, r"samples: got 1000; expected a power of two"),
        ({"samples": 0}, r"samples: got 0"),
        ({"samples": 10, "chunk_samples": 0}, r"chunk_samples: got 0"),
        ({"samples": 10, "seed": -1}, r"seed: got -1"),
    ],
)
def test_chunked_run_bad_arguments(seed001, kwargs, message) -> None:
    with pytest.raises(ParameterError, match=message):
        run_chunked(seed001, **kwargs)


def test_ten_million_samples_stay_under_two_gigabytes() -> None:
    """Peak resident memory of a fresh process running 10 million samples of the default."""
    code = textwrap.dedent(
        """
        import resource
        from forcecalc import load_scenario
        from forcecalc.core.chunked import run_chunked
        from forcecalc.scenario.resources import default_scenario
        result = run_chunked(load_scenario(default_scenario()), 10_000_000, 1, "mc")
        assert result.summary.metrics["deployed"].p50 > 0
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak_kib = int(out.stdout.split()[-1])
    assert peak_kib < 2 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_waits_then_draws_on_a_terminal() -> None:
    now = [0.0]
    stream = FakeTerminal()
    bar = Progress("run", stream=stream, delay_s=2.0, clock=lambda: now[0])
    bar(1, 4)
    assert stream.getvalue() == ""
    now[0] = 3.0
    bar(2, 4)
    bar.close()
    assert stream.getvalue().startswith("\rrun [###############...............]  50% 2/4 3 s")
    assert stream.getvalue().endswith("\n")


def test_progress_without_counts_shows_the_percentage_only() -> None:
    stream = FakeTerminal()
    bar = Progress("goal", stream=stream, delay_s=0.0, clock=lambda: 0.0, counts=False)
    bar(25, 100)
    assert stream.getvalue() == "\rgoal [#######.......................]  25% 0 s"


def test_progress_as_a_context_ends_its_line_even_when_the_work_fails() -> None:
    stream = FakeTerminal()
    with pytest.raises(UsageError), Progress("run", stream=stream, delay_s=0.0) as bar:
        bar(1, 2)
        raise UsageError("the work failed")
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1


def test_progress_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress("run", stream=stream, delay_s=0.0)
    bar(1, 2)
    bar.close()
    assert stream.getvalue() == ""
