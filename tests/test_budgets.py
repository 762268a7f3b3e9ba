"""Every computation has a budget, refused in one line before any allocation (issue 11,
defect 7 and the memory of defect 1): forcecalc/core/budget.py."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import qmc
from streamlit.testing.v1 import AppTest

from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.sweep import axis, sweep
from forcecalc.analysis.tornado import tornado
from forcecalc.app.sidebar import PASTE
from forcecalc.cli import main
from forcecalc.core import budget
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import Sampler, design_chunks, unit_design
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import default_scenario
from tests.hostile import literal

FRONT = "geometry.front_length_km"


def many_tasks(k: int, uncertain: bool = True) -> str:
    """A scenario of ``k`` tasks per km of front, each rate uncertain."""
    rate = "{low: 1, high: 2, source: {title: t, publisher: p, date: '2020'}}"
    point = "{value: 1, source: {title: t, publisher: p, date: '2020'}}"
    tasks = "".join(
        f"  - {{name: t{i}, description: d, category: military, basis: per_km_front, "
        f"rate: {rate if uncertain else point}}}\n"
        for i in range(k)
    )
    return (
        "schema_version: 1\nname: many\ndescription: many tasks\n"
        "geometry:\n  front_length_km: {low: 900, high: 1100, source: {title: t, publisher: p, "
        "date: '2020'}}\n"
        "  buffer_width_km: {value: 5, source: {title: t, publisher: p, date: '2020'}}\n"
        f"tasks:\n{tasks}"
        "sustainment:\n  tour_months: {value: 6, source: {title: t, publisher: p, date: '2020'}}\n"
        "  dwell_months: {value: 12, source: {title: t, publisher: p, date: '2020'}}\n"
    )


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], option: str) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith(f"forcecalc: error: {option}"), err
    return err


def test_a_hundred_million_probes_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_exit_2(capsys, ["sensitivity", "--probes", "100000000"], "--probes")
    assert f"at most {budget.MAX_PROBES:,}" in err


def test_a_hundred_million_repeats_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sensitivity", "--method", "sobol", "--samples", "64", "--repeats", "100000000"]
    err = one_line_exit_2(capsys, argv, "--repeats")
    assert f"at most {budget.MAX_REPEATS:,}" in err


def test_a_10000_by_10000_sweep_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", "--vary", f"{FRONT}=500:2500:10000", "--vary"]
    argv += ["geometry.buffer_width_km=1:10:10000", "--samples", "64"]
    err = one_line_exit_2(capsys, argv, "--vary")
    assert "100,000,000 points" in err


def test_a_1000_by_1000_grid_is_capped(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", "--vary", f"{FRONT}=500:2500:1000", "--vary"]
    argv += ["geometry.buffer_width_km=1:10:1000", "--samples", "64"]
    one_line_exit_2(capsys, argv, "--vary")


def test_grid_points_times_samples_is_capped() -> None:
    from forcecalc.scenario.loader import load_scenario

    scenario = load_scenario(default_scenario())
    axes = [axis(FRONT, 500, 2500, 200), axis("geometry.buffer_width_km", 1, 10, 200)]
    with pytest.raises(ParameterError, match="grid points × samples") as info:
        sweep(scenario, axes, samples=16_384)
    assert info.value.parameter == "steps"


def test_the_sobol_sampler_beyond_scipys_dimensions_is_refused() -> None:
    with pytest.raises(ParameterError, match="21,201") as info:
        unit_design(budget.SOBOL_DIMENSIONS + 1, 256, 1, Sampler.SOBOL)
    assert info.value.parameter == "sampler"
    with pytest.raises(ParameterError, match="21,201"):
        next(design_chunks(budget.SOBOL_DIMENSIONS + 1, 512, 1, "sobol", 256))


def test_the_budget_is_scipys_limit() -> None:
    qmc.Sobol(d=budget.SOBOL_DIMENSIONS, rng=1)
    with pytest.raises(ValueError):
        qmc.Sobol(d=budget.SOBOL_DIMENSIONS + 1, rng=1)


def test_sobol_indices_beyond_scipys_dimensions_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two dimensions per input: 6 rates and the front need 14."""
    monkeypatch.setattr(budget, "SOBOL_DIMENSIONS", 13)
    with pytest.raises(ParameterError, match="a Sobol' design of 14 dimensions") as info:
        sobol(parse_scenario(many_tasks(6)), n=2, repeats=1)
    assert info.value.parameter == "target"


def test_tornado_memory_follows_the_budget_not_the_square_of_the_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1,000 uncertain tasks: the (k, k, probes) grid of old peaked at 208 MiB whatever the
    budget; in blocks of at most 2**20 values (8 MiB an array) the peak stays near that."""
    scenario = parse_scenario(many_tasks(1_000))
    monkeypatch.setattr(budget, "MAX_VALUES", 2**20)
    tracemalloc.start()
    try:
        r = tornado(scenario)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert len(r.tornadoes[0].bars) == 1_001
    assert peak < 64, peak


def test_tornado_in_blocks_equals_one_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = parse_scenario(many_tasks(40))
    whole = tornado(scenario)
    monkeypatch.setattr(budget, "MAX_VALUES", 2_000)
    blocks = tornado(scenario)
    assert whole.tornadoes == blocks.tornadoes


def test_sobol_memory_is_linear_and_its_numbers_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = parse_scenario(many_tasks(30))
    whole = sobol(scenario, n=64, seed=3, repeats=2)
    monkeypatch.setattr(budget, "MAX_VALUES", 10_000)  # 4 inputs a block
    assert budget.block_rows(64, len(scenario.figures)) == 4
    blocks = sobol(scenario, n=64, seed=3, repeats=2)
    assert whole.outputs == blocks.outputs


def test_a_tornado_past_the_work_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "MAX_WORK", 10_000)
    with pytest.raises(ParameterError) as info:
        tornado(parse_scenario(many_tasks(100)))
    assert info.value.parameter == "probes"


def test_budgets_are_declared_with_their_reason() -> None:
    doc = budget.__doc__ or ""
    for name in (
        "MAX_VALUES",
        "MAX_WORK",
        "MAX_GRID_POINTS",
        "MAX_SWEEP_CELLS",
        "MAX_PROBES",
        "MAX_REPEATS",
        "SOBOL_DIMENSIONS",
    ):
        assert f":data:`{name}`" in doc
    assert np.isfinite(budget.MAX_VALUES)


# --------------------------------------------------------------------------------------------
# Issue 11, defect 6: every command checks that its results are finite and physically possible


def share_chain(k: int) -> str:
    """Each task 0.99 × the two before it: the requirement grows as the Fibonacci numbers."""
    src = "{title: t, publisher: p, date: '2020'}"
    tasks = (
        "  - {name: t0, description: d, category: military, basis: per_km_front, "
        f"rate: {{low: 10, high: 30, source: {src}}}}}\n"
        "  - {name: t1, description: d, category: military, basis: share_of, of: [t0], "
        f"share: {{value: 0.99, source: {src}}}}}\n"
    )
    tasks += "".join(
        f"  - {{name: t{i}, description: d, category: military, basis: share_of, "
        f"of: [t{i - 1}, t{i - 2}], share: {{value: 0.99, source: {src}}}}}\n"
        for i in range(2, k)
    )
    return (
        "schema_version: 1\nname: chain\ndescription: a share_of chain\n"
        f"geometry:\n  front_length_km: {{low: 900, high: 1100, source: {src}}}\n"
        f"  buffer_width_km: {{value: 5, source: {src}}}\n"
        f"tasks:\n{tasks}"
        f"sustainment:\n  tour_months: {{value: 6, source: {src}}}\n"
        f"  dwell_months: {{low: 12, high: 18, source: {src}}}\n"
    )


@pytest.fixture
def chain(tmp_path: Path) -> str:
    path = tmp_path / "chain.yaml"
    path.write_text(share_chain(60), encoding="utf-8")
    return str(path)


COMMANDS = {
    "run": ["run", "--samples", "64"],
    "tornado": ["sensitivity"],
    "sobol": ["sensitivity", "--method", "sobol", "--samples", "64", "--repeats", "2"],
    "rank": ["sensitivity", "--method", "rank", "--samples", "64"],
    "threshold": ["sensitivity", "--method", "threshold", "--samples", "64"],
    "sweep": ["sweep", "--vary", f"{FRONT}=500:1500:3", "--samples", "64"],
    "goal": ["goal", "--pool", "100000", "--solve", "geometry.buffer_width_km", "--samples", "64"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_results_beyond_the_limits_are_refused_by_every_command(
    command: str, chain: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = COMMANDS[command]
    assert main([argv[0], chain, *argv[1:]]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert "beyond 1,000,000,000 personnel" in err, err
    assert "Warning" not in err


def test_the_chain_is_refused_without_a_numpy_warning(chain: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "forcecalc",
            "sensitivity",
            chain,
            "--method",
            "sobol",
            "--samples",
            "64",
            "--repeats",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "RuntimeWarning" not in done.stderr


def test_an_overflowing_variance_is_refused_not_reported_as_0() -> None:
    from forcecalc.analysis.problem import Problem
    from forcecalc.core.errors import ScenarioError

    scenario = parse_scenario(many_tasks(1))
    figures = tuple(scenario.figures.values())

    def model(values):  # finite outputs whose variance overflows
        return {"y": np.asarray(values[FRONT], dtype=float) * 1e305}

    problem = Problem(figures, model, ("y",), {"y": ""})
    with pytest.raises(ScenarioError, match="variance"):
        sobol(problem, n=64, repeats=1)


ANALOGS = Path(__file__).parent / "bad_inputs" / "analogs-beyond-limits.yaml"


def test_analogs_beyond_the_limits_are_refused_though_the_run_is_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the scenario's own force (150 people) is fine: only the rules on its geometry are not
    assert main(["run", "--samples", "64", str(ANALOGS)]) == 0
    capsys.readouterr()
    assert main(["analogs", "--samples", "64", str(ANALOGS)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    # at the most extreme figure (9e9 inhabitants), naming the rule that breaks the limit
    assert f"{ANALOGS}:10:" in err and "at geometry.population" in err, err
    assert "rules.unficyp_1974.per_km2 2.053e+10, beyond 1,000,000,000 personnel" in err, err


def test_analogs_are_refused_without_a_numpy_warning() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "forcecalc",
            "analogs",
            "--samples",
            "64",
            str(ANALOGS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr


def test_the_app_shows_the_analogs_refusal_as_one_line_and_goes_on() -> None:
    app = str(Path(__file__).resolve().parents[1] / "app.py")
    at = AppTest.from_file(app, default_timeout=180).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(ANALOGS.read_text(encoding="utf-8")).run()
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert len(errors) == 1 and "beyond 1,000,000,000 personnel" in errors[0], errors
    assert "\n" not in errors[0]
    assert literal(at.title[0].value) == "Analogs beyond the limits"  # the rest still drawn
