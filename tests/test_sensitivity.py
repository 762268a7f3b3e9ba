"""Sensitivity: tornado, Sobol indices against analytic answers, rank correlation, thresholds."""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from forcecalc import UsageError, evaluate, load_scenario, run
from forcecalc.analysis.problem import Categorical, Problem, level_orders, problem_of
from forcecalc.analysis.rank import rank_correlation, spearman
from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.threshold import (
    exceedance_drivers,
    family_alpha,
    ks_critical,
    reliability_warning,
    threshold,
)
from forcecalc.analysis.tornado import NO_SAMPLER, tornado
from forcecalc.cli import main
from forcecalc.core.distributions import Point, Uniform
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import Sampler, unit_design
from forcecalc.core.scenario import Basis, Domain, Figure, Scenario, Task
from forcecalc.scenario.resources import default_scenario, scenarios_dir

from .strategies import ASSUMED

MULTIPLIER = 2.5 * (1 + 0.204 + 0.034)


@pytest.fixture(scope="module")
def seed001() -> Scenario:
    return load_scenario(default_scenario())


def _figure(path: str, dist, domain: Domain = Domain(), unit: str = "personnel") -> Figure:
    return Figure(path=path, unit=unit, dist=dist, source=ASSUMED, domain=domain)


def fixed_tasks_scenario(a: float, b: float, m_low: float, m_high: float) -> Scenario:
    """deployed = A + B (fixed tasks, uniform counts); committed = deployed × M (uniform)."""
    figures = {
        "geometry.front_length_km": _figure("geometry.front_length_km", Point(100.0)),
        "geometry.buffer_width_km": _figure("geometry.buffer_width_km", Point(5.0)),
        "tasks.a.count": _figure("tasks.a.count", Uniform(0.0, a)),
        "tasks.b.count": _figure("tasks.b.count", Uniform(0.0, b)),
        "sustainment.rotation_multiplier": _figure(
            "sustainment.rotation_multiplier", Uniform(m_low, m_high), Domain(1.0), "ratio"
        ),
    }
    tasks = (Task("a", "military", Basis.FIXED), Task("b", "military", Basis.FIXED))
    return Scenario(name="additive", description="", tasks=tasks, figures=figures)


def posts_scenario() -> Scenario:
    """Posts every 3 km, 5 crew each, on a 10-20 km front: personnel per km is a sawtooth."""
    figures = {
        "geometry.front_length_km": _figure(
            "geometry.front_length_km", Uniform(10.0, 20.0), unit="km"
        ),
        "geometry.buffer_width_km": _figure("geometry.buffer_width_km", Point(5.0), unit="km"),
        "tasks.posts.spacing_km": _figure("tasks.posts.spacing_km", Point(3.0), unit="km"),
        "tasks.posts.crew": _figure("tasks.posts.crew", Point(5.0)),
        "sustainment.rotation_multiplier": _figure(
            "sustainment.rotation_multiplier", Point(3.0), unit="ratio"
        ),
    }
    tasks = (Task("posts", "military", Basis.PER_POST),)
    return Scenario(name="posts", description="", tasks=tasks, figures=figures)


# --------------------------------------------------------------------------------------------
# Tornado


def test_tornado_of_an_input_with_no_effect_is_zero(seed001) -> None:
    result = tornado(seed001)
    for t in result.tornadoes:
        bars = {b.path: b for b in t.bars}
        for path in (
            "geometry.buffer_width_km",
            "force_generation.pledges.France.personnel",
            "force_generation.pledges.United Kingdom.personnel",
        ):
            assert bars[path].swing == 0.0
            assert bars[path].output_low == bars[path].output_high == t.baseline
            assert bars[path].monotonic


def test_tornado_hand_worked_seed_001(seed001) -> None:
    """The 20-40 per km interval has P5 = 20 and P95 = 40 exactly; front at its median."""
    deployed = tornado(seed001).tornadoes[0]
    front = math.sqrt(1040 * 1250)
    rate = deployed.bars[0]
    assert deployed.output == "deployed"
    assert rate.path == "tasks.line_infantry.rate"
    assert (rate.input_low, rate.input_high) == pytest.approx((20.0, 40.0))
    assert rate.output_low == pytest.approx(20 * front * 1.238)
    assert rate.output_high == pytest.approx(40 * front * 1.238)
    assert deployed.baseline == pytest.approx(math.sqrt(20 * 40) * front * 1.238)


def test_tornado_is_sorted_by_swing(seed001) -> None:
    for t in tornado(seed001).tornadoes:
        swings = [b.swing for b in t.bars]
        assert swings == sorted(swings, reverse=True)


def test_tornado_flags_a_non_monotonic_effect() -> None:
    """Posts round up: personnel per km rises and falls as the front grows."""
    result = tornado(posts_scenario(), outputs=("deployed_per_km", "deployed"), probes=21)
    per_km, deployed = result.tornadoes
    assert not per_km.bars[0].monotonic
    assert deployed.bars[0].monotonic
    assert per_km.bars[0].output_max > max(per_km.bars[0].output_low, per_km.bars[0].output_high)


def test_tornado_evaluates_every_point_at_once(seed001) -> None:
    result = tornado(seed001, probes=5)
    assert result.evaluations == len(seed001.uncertain) * 5 + 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low": 0.5, "high": 0.2}, r"^low/high: got 0.5 and 0.2; expected 0 < low"),
        ({"probes": 1}, r"^probes: got 1; expected at least 2"),
        ({"outputs": ("pool_sustainable",)}, r"^outputs pool_sustainable: got a metric"),
    ],
)
def test_tornado_bad_arguments(seed001, kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        tornado(seed001, **kwargs)


# --------------------------------------------------------------------------------------------
# Sobol indices


def _product_indices(a: float, b: float, lo: float, hi: float) -> dict[str, tuple[float, float]]:
    """Analytic (first, total) indices of Y = (A + B) M, A ~ U(0, a), B ~ U(0, b), M ~ U(lo, hi).

    With D = A + B independent of M: V = E[D²]E[M²] - E[D]²E[M]²; first order of an additive
    part X of D is Var(X) E[M]² / V and its total Var(X) E[M²] / V; of M, Var(M) E[D]² / V and
    Var(M) E[D²] / V (Sobol' 2001).
    """
    var_a, var_b, var_m = a**2 / 12, b**2 / 12, (hi - lo) ** 2 / 12
    e_d, e_m = (a + b) / 2, (lo + hi) / 2
    e_d2, e_m2 = var_a + var_b + e_d**2, var_m + e_m**2
    v = e_d2 * e_m2 - e_d**2 * e_m**2
    return {
        "tasks.a.count": (var_a * e_m**2 / v, var_a * e_m2 / v),
        "tasks.b.count": (var_b * e_m**2 / v, var_b * e_m2 / v),
        "sustainment.rotation_multiplier": (var_m * e_d**2 / v, var_m * e_d2 / v),
    }


def test_sobol_matches_the_analytic_indices_of_the_model() -> None:
    """deployed = A + B is additive (first = total = share of variance); committed is a product."""
    scenario = fixed_tasks_scenario(1000.0, 2000.0, 1.0, 3.0)
    result = sobol(scenario, n=4096, seed=1, repeats=4)
    deployed, committed = result.outputs
    found = {i.path: i for i in deployed.indices}
    assert found["tasks.a.count"].first_order == pytest.approx(0.2, abs=0.02)
    assert found["tasks.b.count"].total_order == pytest.approx(0.8, abs=0.02)
    assert found["sustainment.rotation_multiplier"].total_order == pytest.approx(0.0, abs=1e-12)
    expected = _product_indices(1000.0, 2000.0, 1.0, 3.0)
    for index in committed.indices:
        first, total = expected[index.path]
        assert index.first_order == pytest.approx(first, abs=0.02)
        assert index.total_order == pytest.approx(total, abs=0.02)


def test_sobol_matches_ishigami() -> None:
    """Ishigami & Homma (1990), a = 7, b = 0.1.

    Analytic: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    """
    domain = Domain(-math.inf, math.inf)
    figures = tuple(_figure(f"x{i}", Uniform(-math.pi, math.pi), domain, "") for i in range(1, 4))

    def ishigami(v):
        x1, x2, x3 = (np.asarray(v[f"x{i}"]) for i in range(1, 4))
        return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}

    problem = Problem(figures=figures, model=ishigami, outputs=("y",), units={"y": ""})
    result = sobol(problem, n=8192, seed=3, repeats=4)
    found = {i.path: i for i in result.outputs[0].indices}
    for path, first, total in (
        ("x1", 0.3139, 0.5576),
        ("x2", 0.4424, 0.4424),
        ("x3", 0.0, 0.2437),
    ):
        assert found[path].first_order == pytest.approx(first, abs=0.03)
        assert found[path].total_order == pytest.approx(total, abs=0.03)


def test_sobol_intervals_come_from_repeats(seed001) -> None:
    one = sobol(seed001, n=256, seed=2, repeats=1)
    assert all(math.isnan(i.first_low) for o in one.outputs for i in o.indices)
    many = sobol(seed001, n=256, seed=2, repeats=5)
    for o in many.outputs:
        for i in o.indices:
            assert i.first_low <= i.first_order <= i.first_high
            assert i.total_low <= i.total_order <= i.total_high
    assert many.evaluations == 5 * 256 * (len(seed001.uncertain) + 2)


def test_sobol_same_seed_same_indices(seed001) -> None:
    assert sobol(seed001, n=256, seed=4, repeats=2) == sobol(seed001, n=256, seed=4, repeats=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1000}, r"^n: got 1000; expected a power of two for Sobol indices"),
        ({"repeats": 0}, r"^repeats: got 0"),
        ({"n": 1 << 20}, r"^n: got 1,048,576 for Sobol indices of 5 inputs and \d+ figures; "),
        ({"seed": -1}, r"seed: got -1"),
        ({"confidence": 1.0}, r"^confidence: got 1; expected a probability"),
    ],
)
def test_sobol_bad_arguments(seed001, kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        sobol(seed001, **kwargs)


# --------------------------------------------------------------------------------------------
# Rank correlation


def test_rank_correlation_orders_seed_001(seed001) -> None:
    result = rank_correlation(seed001, n=4096, seed=5)
    for output in result.outputs:
        assert output.entries[0].path == "tasks.line_infantry.rate"
        assert output.entries[0].rho > 0.9
        for e in output.entries:
            assert e.rho_low <= e.rho <= e.rho_high
            if e.path == "geometry.buffer_width_km":
                assert e.importance < 0.1


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(4, 60), st.integers(1, 3)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    )
)
def test_spearman_matches_scipy(x) -> None:
    y = np.column_stack([x[:, 0] ** 3, -x[:, -1]])
    rho = spearman(x, y)
    for j in range(x.shape[1]):
        for o in range(2):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", stats.ConstantInputWarning)
                ref = stats.spearmanr(x[:, j], y[:, o]).statistic
            assert rho[j, o] == pytest.approx(0.0 if np.isnan(ref) else ref, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Thresholds


def test_threshold_probability_complements_pledges_suffice() -> None:
    """Against the pledges, on the scenario's own basis, P(exceed) = 1 - P(pledges suffice)."""
    scenario = load_scenario(scenarios_dir() / "reassurance-force.yaml")
    result = threshold(scenario, n=2048, seed=6)
    reference = run(scenario, samples=2048, seed=6)
    assert result.supply == "pledged"
    assert result.probability == 1.0 - reference.summary.probabilities["p_pledges_suffice"]


def test_threshold_median_ceiling_finds_the_driver(seed001) -> None:
    result = threshold(seed001, supply="median", n=4000, seed=7)
    assert result.requirement == "committed"
    assert result.probability == pytest.approx(0.5, abs=0.01)
    top = result.drivers[0]
    assert top.path == "tasks.line_infantry.rate"
    assert top.delta > 0.8 and top.ks > 0.7
    buffer = next(d for d in result.drivers if d.path == "geometry.buffer_width_km")
    assert abs(buffer.delta) < 0.1 and buffer.ks < 0.1


def test_threshold_ceiling_and_requirement(seed001) -> None:
    result = threshold(seed001, supply=150_000.0, requirement="deployed", n=1024)
    assert (result.supply, result.ceiling, result.probability) == ("ceiling", 150_000.0, 0.0)
    assert all(d.ks == 0.0 and d.spread == 0.0 for d in result.drivers)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"supply": "pool"}, r"^supply pool: pool_sustainable: got a metric"),
        ({"supply": "budget"}, r"^supply: got 'budget'; expected one of pledged, pool"),
        ({"supply": -1.0}, r"^ceiling: got -1"),
        ({"requirement": "pledged"}, r"^requirement: got 'pledged'"),
        ({"bins": 1}, r"^bins: got 1"),
    ],
)
def test_threshold_bad_arguments(seed001, kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        threshold(seed001, n=256, **kwargs)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_bin_probabilities_average_to_the_probability(bins, per_bin, seed) -> None:
    """Equal-count quantile bins: the mean of P(exceed | bin) over the bins is P(exceed)."""
    n = bins * per_bin
    rng = np.random.default_rng(seed)
    figures = [_figure("x", Uniform(0, 1)), _figure("z", Uniform(0, 1))]
    values = {"x": rng.random(n), "z": rng.random(n)}
    exceed = values["x"] + 0.3 * rng.random(n) > 0.7
    for driver in exceedance_drivers(figures, values, exceed, bins):
        assert len(driver.by_bin) == bins
        assert np.mean(driver.by_bin) == pytest.approx(exceed.mean())
        assert 0.0 <= driver.ks <= 1.0


# --------------------------------------------------------------------------------------------
# The ensemble's rule selector is categorical: no method depends on the order of the rules

CSIS = scenarios_dir() / "published" / "csis-2025-force-to-space.yaml"


@pytest.fixture(scope="module")
def csis_pair(tmp_path_factory) -> tuple[Scenario, Scenario]:
    """The CSIS ensemble and the same scenario with its rules listed in reverse order."""
    text = CSIS.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("    - rule: ")]
    end = starts[-1] + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1  # the last rule's further keys
    items = [lines[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    assert len(items) >= 3
    lines[starts[0] : end] = [line for item in reversed(items) for line in item]
    path = tmp_path_factory.mktemp("csis") / "csis-reordered.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    a, b = load_scenario(CSIS), load_scenario(path)
    listed = [line.split()[-1] for line in lines if line.startswith("    - rule: ")]
    assert listed != sorted(listed) and a.rules == b.rules == tuple(sorted(listed))
    return a, b


def _without_provenance(result) -> dict:
    data = asdict(result)
    data.pop("provenance")
    return data


def test_reordering_the_rules_leaves_the_tornado_unchanged(csis_pair) -> None:
    a, b = csis_pair
    assert _without_provenance(tornado(a)) == _without_provenance(tornado(b))


def test_reordering_the_rules_leaves_every_number_unchanged(csis_pair) -> None:
    """The loader takes the rules in order of their ids, so the design columns and the
    selector's slices do not depend on the list: run, rank, threshold and Sobol are identical."""
    a, b = csis_pair
    ra, rb = run(a, samples=4096), run(b, samples=4096)
    assert np.array_equal(ra.outcome.deployed, rb.outcome.deployed)
    assert _without_provenance(rank_correlation(a, 4096)) == _without_provenance(
        rank_correlation(b, 4096)
    )
    assert _without_provenance(threshold(a, n=4096)) == _without_provenance(threshold(b, n=4096))


def test_the_rule_selector_is_ranked_by_effect(csis_pair) -> None:
    a, _ = csis_pair
    result = rank_correlation(a, 8192)
    rule = next(e for e in result.outputs[0].entries if e.levels)
    assert rule.path == "ensemble.rule_choice" and rule.rho > 0.8
    driver = next(d for d in threshold(a, n=8192).drivers if d.by_level)
    assert driver.delta >= 0


def test_the_rules_are_ordered_as_the_tornado_orders_them(csis_pair) -> None:
    """Rank and threshold take the rules in the order of their output with every other input
    at its median (the tornado's bar), not in an order read off the samples they test."""
    a, _ = csis_pair
    bars = {t.output: next(b for b in t.bars if b.level_outputs) for t in tornado(a).tornadoes}
    order = {name: [rule for rule, _ in bar.level_outputs] for name, bar in bars.items()}
    orders = level_orders(problem_of(a))
    for name in ("deployed", "committed"):
        assert [a.rules[k] for k in orders[name]["ensemble.rule_choice"]] == order[name]
    for o in rank_correlation(a, 1024).outputs:
        assert list(next(e for e in o.entries if e.levels).levels) == order[o.output]
    driver = next(d for d in threshold(a, n=1024).drivers if d.by_level)
    drawn = [rule for rule, _ in driver.by_level]
    assert drawn == [rule for rule in order["committed"] if rule in drawn]


def _no_effect_rule() -> tuple[tuple[Figure, Figure], Categorical, Problem]:
    """y = x: six equally weighted rules that change nothing."""
    figures = (
        _figure("x", Uniform(0.0, 1.0)),
        _figure("ensemble.rule_choice", Uniform(0.0, 1.0), Domain(0, 1, upper_open=True)),
    )
    rule = Categorical("ensemble.rule_choice", tuple(f"r{i}" for i in range(6)), (1.0,) * 6)
    problem = Problem(
        figures=figures,
        model=lambda v: {"y": np.asarray(v["x"], dtype=float)},
        outputs=("y",),
        units={"y": "personnel"},
        categorical={rule.path: rule},
    )
    return figures, rule, problem


def test_a_rule_with_no_effect_has_a_rank_correlation_near_zero() -> None:
    """Audit: ordering the rules by the mean rank of the very samples then correlated gave a
    rule with no effect rho +0.13 on average at n = 256 (+0.064 at 1,024), its 95% interval
    excluding 0 about half the time. Ordered beforehand, rho is centred on 0 (s.e. of the
    mean over 40 seeds about 0.01)."""
    *_, problem = _no_effect_rule()
    entries = [
        next(e for e in rank_correlation(problem, 256, seed).outputs[0].entries if e.levels)
        for seed in range(40)
    ]
    assert abs(np.mean([e.rho for e in entries])) < 0.03
    assert sum(e.rho_low <= 0.0 <= e.rho_high for e in entries) >= 34  # 38 expected


def test_the_ks_test_of_a_rule_with_no_effect_keeps_its_level() -> None:
    """Audit: ordering the rules by P(exceed | rule) of the same samples called a rule with no
    effect significant 3.7% of the time at a nominal 2.5% (5% over two inputs). With the
    order fixed beforehand (here: by name) the rate stays at or below nominal, within two
    standard errors over 2,000 Latin hypercubes of 256 samples."""
    figures, rule, _ = _no_effect_rule()
    runs, alarms = 2000, 0
    for seed in range(runs):
        u = unit_design(2, 256, seed, Sampler.LHS)
        values = {"x": u[:, 0], rule.path: u[:, 1]}
        drivers = exceedance_drivers(figures, values, u[:, 0] > 0.5, 5, {rule.path: rule})
        alarms += next(d for d in drivers if d.path == rule.path).significant
    nominal = family_alpha(2)
    assert alarms / runs <= nominal + 2 * math.sqrt(nominal * (1 - nominal) / runs)


def test_tornado_of_the_rule_spans_the_rules_and_averages_the_baseline(csis_pair) -> None:
    a, _ = csis_pair
    result = tornado(a, outputs=("deployed",))
    t = result.tornadoes[0]
    bar = next(b for b in t.bars if b.level_outputs)
    assert bar.unit == "rule" and math.isnan(bar.input_low)
    assert {name for name, _ in bar.level_outputs} == set(a.rules)
    outputs = [v for _, v in bar.level_outputs]
    assert outputs == sorted(outputs)
    assert (bar.low_level, bar.output_low) == bar.level_outputs[0]
    assert (bar.high_level, bar.output_high) == bar.level_outputs[-1]
    assert t.averaged_over == ("ensemble.rule_choice",)
    # the baseline is the rules' outputs at the medians, averaged by the rules' weights
    weights = {r: a.figures[f"rules.{r}.weight"].dist.value for r in a.rules}
    mean = sum(weights[r] * v for r, v in bar.level_outputs) / sum(weights.values())
    assert t.baseline == pytest.approx(mean, rel=1e-12)
    # each rule's output equals a run with every figure at its median and that rule picked
    medians = {
        f.path: float(f.dist.ppf(0.5)) if f.is_uncertain else f.dist.value
        for f in a.figures.values()
    }
    edges = np.cumsum([0.0, *(weights[r] for r in a.rules)]) / sum(weights.values())
    for k, rule in enumerate(a.rules):
        medians["ensemble.rule_choice"] = (edges[k] + edges[k + 1]) / 2
        expected = float(evaluate(a, medians).deployed)
        assert dict(bar.level_outputs)[rule] == pytest.approx(expected, rel=1e-12)


def test_categorical_bins_average_to_the_probability(csis_pair) -> None:
    a, _ = csis_pair
    result = threshold(a, n=4096, bins=4)
    rule = next(d for d in result.drivers if d.by_level)
    assert np.mean(rule.by_bin) == pytest.approx(result.probability, abs=1e-12)
    assert list(rule.by_bin) == sorted(rule.by_bin)


@pytest.mark.parametrize("method", ["rank", "threshold"])
def test_sampled_methods_report_progress_to_the_end(seed001, method) -> None:
    calls: list[tuple[int, int]] = []
    fn = rank_correlation if method == "rank" else threshold
    fn(seed001, n=600_000, on_progress=lambda d, t: calls.append((d, t)))
    assert len(calls) >= 4
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == calls[-1][1]


def test_threshold_with_one_sample_on_a_side_is_flagged_unreliable(seed001) -> None:
    """Audit: 1 of 16,384 samples on one side made every input look like a driver (France's
    pledge KS 0.992, the buffer width, which has no effect, 0.832), with no warning."""
    result = threshold(seed001)
    assert (result.exceeding, result.n) == (16_383, 16_384)
    assert not result.reliable
    assert result.warning.startswith("only 1 of 16,384 samples does not exceed")
    assert result.ks_critical > 1.0  # no distance can be significant
    assert not any(d.significant for d in result.drivers)


def test_threshold_at_the_median_is_reliable_and_tests_each_driver(seed001) -> None:
    result = threshold(seed001, supply="median", n=4000, seed=7)
    assert result.reliable and result.warning == ""
    # Bonferroni over the scenario's five uncertain inputs: each test at 1%, c(0.01) = 1.628.
    assert len(result.drivers) == 5
    assert result.ks_critical == pytest.approx(1.628 * math.sqrt(4000 / (2000 * 2000)), rel=1e-3)
    by_path = {d.path: d for d in result.drivers}
    assert by_path["tasks.line_infantry.rate"].significant
    assert not by_path["geometry.buffer_width_km"].significant


@pytest.mark.parametrize(
    ("exceeding", "n", "start"),
    [
        (0, 500, "no sample exceeds"),
        (500, 500, "every sample exceeds"),
        (99, 10_000, "only 99 of 10,000 samples exceed (fewer than 100"),
        (9_999, 10_000, "only 1 of 10,000 samples does not exceed"),
        (100, 10_000, ""),
        (9_900, 10_000, ""),
    ],
)
def test_reliability_warning_threshold(exceeding, n, start) -> None:
    warning = reliability_warning(exceeding, n)
    assert warning.startswith(start) and bool(warning) == bool(start)


def test_ks_critical_value() -> None:
    assert ks_critical(0, 10) == math.inf
    assert ks_critical(100, 10**9) == pytest.approx(0.1358, abs=1e-4)
    assert ks_critical(1, 16_383) > 1.0


@settings(max_examples=40, deadline=None, derandomize=True)  # a 3-sigma bound: fixed draws
@given(st.integers(1, 12), st.integers(0, 2**31 - 1))
def test_bonferroni_keeps_the_familys_false_alarms_at_5_percent(k: int, seed: int) -> None:
    """k inputs with no effect at all: at family_alpha(k) each, a false alarm among the k
    happens at most 5% of the time (checked on 400 simulated analyses of 400 + 400 samples)."""
    rng = np.random.default_rng(seed)
    critical = ks_critical(400, 400, family_alpha(k))
    noise = rng.random((400, k, 800))  # the first 400 "exceed", the others do not
    steps = np.where(np.argsort(noise, axis=-1) < 400, 1.0, -1.0) / 400  # ECDF a minus b
    distance = np.abs(np.cumsum(steps, axis=-1)).max(axis=-1)  # exact two-sample KS
    alarms = np.mean((distance > critical).any(axis=1))
    assert alarms <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 400)


def test_tornado_provenance_claims_no_sampling(seed001) -> None:
    """Audit: the tornado's stamp gave its model evaluations as samples; it draws none."""
    result = tornado(seed001)
    p = result.provenance
    assert (p.sampler, p.samples, p.seed) == (NO_SAMPLER, 0, 0)
    assert result.evaluations == len(seed001.uncertain) * 9 + 1


# --------------------------------------------------------------------------------------------
# Errors: the library names its parameters, the command line its options


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda s: tornado(s, probes=1), "probes"),
        (lambda s: tornado(s, low=0.9, high=0.1), "low/high"),
        (lambda s: sobol(s, n=1000), "n"),
        (lambda s: sobol(s, n=256, repeats=0), "repeats"),
        (lambda s: sobol(s, n=256, confidence=0.0), "confidence"),
        (lambda s: rank_correlation(s, n=3), "n"),
        (lambda s: threshold(s, n=3), "n"),
        (lambda s: threshold(s, n=256, bins=1), "bins"),
        (lambda s: threshold(s, n=256, supply=math.nan), "ceiling"),
        (lambda s: threshold(s, n=256, supply="pool"), "supply"),
        (lambda s: threshold(s, n=256, requirement="pledged"), "requirement"),
        (lambda s: problem_of(s, ("pool_coverage",)), "outputs"),
    ],
)
def test_errors_name_the_library_parameter(seed001, call, parameter) -> None:
    with pytest.raises(ParameterError) as info:
        call(seed001)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(parameter)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--low", "0.5", "--high", "0.2"], "--low/--high: got 0.5 and 0.2; expected 0 < low"),
        (["--probes", "1"], "--probes: got 1; expected at least 2"),
        (["--method", "sobol", "--samples", "1000"], "--samples: got 1000; expected a power of"),
        (["--method", "sobol", "--samples", "256", "--repeats", "0"], "--repeats: got 0; expect"),
        (
            ["--method", "sobol", "--samples", "256", "--confidence", "1"],
            "--confidence: got 1; expected a probability in (0, 1)",
        ),
        (["--method", "rank", "--samples", "3"], "--samples: got 3; expected at least 4 for rank"),
        (["--method", "threshold", "--bins", "1"], "--bins: got 1; expected at least 2"),
        (
            ["--method", "threshold", "--samples", "3"],
            "--samples: got 3; expected at least as many as bins (5)",
        ),
        (["--method", "threshold", "--ceiling", "-1"], "--ceiling: got -1; expected a number"),
        (
            ["--method", "threshold", "--against", "pool"],
            "--against pool: pool_sustainable: got a metric this scenario does not produce",
        ),
    ],
)
def test_the_command_line_names_the_options(argv, message, capsys) -> None:
    assert main(["sensitivity", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"forcecalc: error: {message}"), err
    assert err.count("\n") == 1


def test_the_threshold_header_never_rounds_a_partial_probability_to_certainty(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The default scenario: 16,383 of 16,384 samples exceed the pledges. The header says
    ">99.9%", as ``run`` would, not "100.0%" beside a footer counting one sample that does not."""
    assert main(["sensitivity", "--method", "threshold", "--against", "pledged"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert header.endswith("P(deployed > the pledged total) >99.9%"), header
    assert "16,383 of 16,384 samples exceed" in out
