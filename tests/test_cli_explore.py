"""The sensitivity, sweep, goal and run-large subcommands, in-process, on every shipped scenario."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from forcecalc import load_scenario, run
from forcecalc.analysis.tornado import tornado
from forcecalc.cli import main
from forcecalc.scenario.resources import default_scenario, scenarios_dir

SHIPPED = sorted(scenarios_dir().rglob("*.yaml"))
FRONT = "geometry.front_length_km"
CSIS = str(scenarios_dir() / "published" / "csis-2025-force-to-space.yaml")

#: Every subcommand, small enough to keep the suite fast.
COMMANDS = {
    "tornado": ["sensitivity", "--method", "tornado"],
    "sobol": ["sensitivity", "--method", "sobol", "--samples", "128", "--repeats", "2"],
    "rank": ["sensitivity", "--method", "rank", "--samples", "256"],
    "threshold": ["sensitivity", "--method", "threshold", "--samples", "256"],
    "sweep": ["sweep", "--vary", f"{FRONT}=600:3700:3", "--samples", "256"],
    "sweep2": [
        "sweep",
        "--vary",
        f"{FRONT}=600:3700:3",
        "--vary",
        "geometry.buffer_width_km=1:40:2",
        "--samples",
        "128",
    ],
    "goal": ["goal", "--pool", "100000", "--solve", FRONT, "--samples", "256"],
    "run-large": ["run-large", "--samples", "3000", "--chunk", "1000"],
}
FORMATS = ("table", "json", "csv", "markdown")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_subcommand_works_on_every_shipped_scenario(path: Path, command, capsys) -> None:
    fmt = FORMATS[(SHIPPED.index(path) + list(COMMANDS).index(command)) % len(FORMATS)]
    code = main([*COMMANDS[command], str(path), "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    if fmt == "json":
        assert json.loads(out)["provenance"]["scenario_file"] == str(path)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))  # one table, its header first
        assert len(rows) >= 2 and len({len(r) for r in rows}) == 1
        assert rows[0][0] == "section" and "forcecalc" in "".join(out.splitlines()[:2])
    else:
        assert "sha256" in out and "seed" in out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_format_has_the_provenance_block(command, fmt, capsys) -> None:
    assert main([*COMMANDS[command], "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "sha256" in out and "seed" in out and "sampler" in out
    if command == "tornado":  # it samples nothing, and says so
        assert "deterministic: no sampling" in out and " samples" not in out


def test_tornado_provenance_says_it_samples_nothing(capsys) -> None:
    """Audit: the tornado's footer said "seed 0 · sampler none · 37 samples"; it draws no
    samples, so it has no seed or sampler, and its count is of model evaluations."""
    assert main(["sensitivity", "--method", "tornado"]) == 0
    out = capsys.readouterr().out
    result = tornado(load_scenario(default_scenario()))
    line = next(x for x in out.splitlines() if x.startswith("forcecalc "))
    assert "seed 0" not in line and "sampler none" not in line and "samples" not in line
    assert line.endswith(
        "· deterministic: no sampling (each input at fixed quantiles), so no seed or sampler · "
        f"{result.evaluations:,} model evaluations"
    )
    assert main(["sensitivity", "--method", "tornado", "--format", "json"]) == 0
    stamp = json.loads(capsys.readouterr().out)["provenance"]
    assert stamp["seed"] is None and stamp["sampler"] is None and stamp["samples"] is None
    assert stamp["sampling"].startswith("deterministic: no sampling")
    assert stamp["model_evaluations"] == result.evaluations


@pytest.mark.parametrize(
    "option", [["--seed", "3"], ["--samples", "1024"], ["--sampler", "mc"], ["--seed", "20250101"]]
)
def test_tornado_refuses_sampling_options(option, capsys) -> None:
    """A seed given to the tornado was silently ignored; it is refused in one line."""
    assert main(["sensitivity", "--method", "tornado", *option]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"forcecalc: error: {option[0]}: got {option[1]} with --method tornado")
    assert "deterministic" in err and err.count("\n") == 1


def test_sampling_methods_keep_their_defaults(capsys) -> None:
    """The options the tornado refuses still default as before for the other methods."""
    assert main(["sensitivity", "--method", "rank", "--format", "json"]) == 0
    stamp = json.loads(capsys.readouterr().out)["provenance"]
    assert (stamp["seed"], stamp["samples"], stamp["sampler"]) == (20250101, 16384, "lhs")


def test_threshold_with_too_few_samples_on_a_side_warns(capsys) -> None:
    """Audit: the default scenario's threshold has 1 of 16,384 samples on one side, yet ranked
    France's pledge first with KS 0.992 and the buffer width (no effect) at 0.832."""
    assert main(["sensitivity", "--method", "threshold"]) == 0
    out = capsys.readouterr().out
    assert "UNRELIABLE: 1 of 16,384 samples on one side of the threshold" in out
    assert "WARNING: only 1 of 16,384 samples does not exceed (fewer than 100 on one side)" in out
    rows = [x for x in out.splitlines() if x.startswith("  force_generation.pledges.France")]
    assert rows and rows[0].rstrip().endswith("no")  # KS 0.992, not significant
    assert main(["sensitivity", "--method", "threshold", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reliable"] is False and data["exceeding"] == 16_383
    assert data["warning"].startswith("only 1 of 16,384 samples does not exceed")
    assert not any(d["significant"] for d in data["drivers"])


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_threshold_warning_in_every_format(fmt, capsys) -> None:
    argv = ["sensitivity", "--method", "threshold", "--samples", "512", "--format", fmt]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "UNRELIABLE" in out and "WARNING: every sample exceeds" in out


def test_threshold_at_the_median_is_reliable(capsys) -> None:
    argv = ["sensitivity", "--method", "threshold", "--against", "median", "--samples", "4096"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "UNRELIABLE" not in out and "WARNING" not in out
    rate = next(x for x in out.splitlines() if x.startswith("  tasks.line_infantry.rate"))
    buffer = next(x for x in out.splitlines() if x.startswith("  geometry.buffer_width_km"))
    assert rate.rstrip().endswith("yes") and buffer.rstrip().endswith("no")


def test_output_file_and_overrides(tmp_path, capsys) -> None:
    target = tmp_path / "tornado.md"
    argv = ["sensitivity", "--set", f"{FRONT}=1500", "--format", "markdown", "-o", str(target)]
    assert main(argv) == 0
    assert capsys.readouterr().out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("## Tornado: ")
    assert f"overrides: {FRONT}=1500" in text
    assert FRONT + " |" not in text  # a figure set to a point is no longer an input


def test_goal_answer_in_json(capsys) -> None:
    argv = ["goal", "--pool", "150000", "--solve", FRONT, "--confidence", "0.8"]
    assert main([*argv, "--samples", "1024", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "solved" and data["bound"] == "largest"
    assert data["probability"] >= 0.8
    assert data["answer"].startswith("largest geometry.front_length_km that 150,000 personnel")


def _driver(path: Path) -> str:
    """The figure that moves the committed requirement most (a rule selector aside)."""
    result = tornado(load_scenario(path), outputs=("committed",))
    bars = [b for b in result.tornadoes[0].bars if b.swing > 0 and not b.level_outputs]
    return bars[0].path if bars else FRONT


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("confidence", [0.5, 0.8])
def test_printed_goal_answer_fed_back_meets_the_pool(path, confidence, capsys) -> None:
    """For every shipped scenario, solving for the figure that drives it most with a pool of
    its median committed requirement: the answer exactly as printed, fed back with --set,
    covers at least the confidence asked."""
    figure = _driver(path)
    common = ["--samples", "2048", "--seed", "5"]
    assert main(["run", str(path), *common, "--format", "json"]) == 0
    pool = round(json.loads(capsys.readouterr().out)["metrics"]["committed"]["p50"])
    argv = ["goal", str(path), "--pool", str(pool), "--solve", figure]
    assert main([*argv, "--confidence", str(confidence), *common]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  ")}
    if rows["status"][1] != "solved":
        pytest.skip(f"no solution for {figure}: {rows['status'][1]}")
    printed = rows["value"][1]
    assert f"confidence: {printed} " in out  # the sentence says the same number
    scenario = load_scenario(path)
    result = run(scenario, 2048, 5, overrides={figure: float(printed)})
    committed = np.broadcast_to(result.outcome.committed, (2048,))
    assert np.mean(committed <= pool) >= confidence


def test_run_large_help_shows_its_own_defaults(capsys) -> None:
    assert main(["run-large", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "number of samples (default 10,000,000)" in text
    assert "plain Monte Carlo (default)" in text and "16,384" not in text


def test_rule_selector_notes_say_its_order_is_fixed_before_sampling(capsys) -> None:
    """The rules are ordered by their output at the medians (as the tornado orders them), so
    rho can be negative and the threshold's bins need not rise."""
    assert main(["sensitivity", CSIS, "--method", "rank", "--samples", "256"]) == 0
    out = capsys.readouterr().out
    assert "rules are ranked in the order of their output with every other input" in out
    assert "0 or more" not in out
    assert main(["sensitivity", CSIS, "--method", "threshold", "--samples", "256"]) == 0
    out = capsys.readouterr().out
    assert "in the order of their requirement with every other input at its median" in out
    assert "ordered by P(exceed | rule)" not in out


def test_threshold_with_a_ceiling(capsys) -> None:
    argv = ["sensitivity", "--method", "threshold", "--ceiling", "100000", "--samples", "512"]
    assert main(argv) == 0
    assert "P(committed > 100,000) = " in capsys.readouterr().out


def test_run_large_equals_run_for_the_mc_sampler(capsys) -> None:
    common = ["--samples", "4000", "--sampler", "mc", "--seed", "3", "--format", "json"]
    assert main(["run-large", *common, "--chunk", "777"]) == 0
    large = json.loads(capsys.readouterr().out)
    assert main(["run", *common]) == 0
    assert large == json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sweep", "--vary", "geometry.front_length_km=1:2"], "expected KEY.PATH=START:STOP:STEPS"),
        (["sweep", "--vary", f"{FRONT}=0:10:3"], f"--vary {FRONT}: got 0; expected a value in"),
        # --vary and --range read numbers by the loader's rules, as --set does
        (["sweep", "--vary", f"{FRONT}=1_000:2000:3"], "got 1_000; expected a decimal number"),
        (["sweep", "--vary", "tasks.headquarters.count=10.000:20:3"], "got 10.000"),
        (["sweep", "--vary", f"{FRONT}=010:20:3"], "drop the leading zero"),
        (["goal", "--pool", "1e5", "--solve", FRONT, "--range", "1_0:2000"], "--range 1_0:2000"),
        (
            ["goal", "--pool", "1e5", "--solve", FRONT, "--range", "nan:2000"],
            "got 'nan'; expected a number",
        ),
        (["sensitivity", "--method", "sobol", "--samples", "1000"], "expected a power of two"),
        (["sensitivity", "--method", "threshold", "--against", "pool"], "--against pool"),
        (["goal", "--pool", "1e5", "--solve", FRONT, "--confidence", "2"], "--confidence: got 2"),
        (["goal", "--pool", "1e5", "--solve", FRONT, "--range", "7"], "--range: got '7'"),
        (["goal", "--pool", "1e5", "--solve", "nope"], "--solve nope: got an unknown figure"),
        # the quantile is not monotonic in a rule's weight; the rule choice only picks a rule
        (
            ["goal", CSIS, "--pool", "1e5", "--solve", "rules.unifil_2006.per_km2.weight"],
            "got a rule's weight; expected a figure the requirement is monotonic in",
        ),
        (
            ["goal", CSIS, "--pool", "1e5", "--solve", "ensemble.rule_choice"],
            "got an ensemble's rule choice; expected a figure with a meaning as a number",
        ),
        (["run-large", "--sampler", "lhs", "--samples", "5000", "--chunk", "100"], "lhs"),
        (["sensitivity", "--set", "geometry.front_length_km=-1"], "--set geometry.front_length_km"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("forcecalc: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["sensitivity", "--method", "morris"],
        ["sweep"],
        ["goal", "--solve", FRONT],
        ["sensitivity", "--ceiling", "5", "--against", "pledged"],
    ],
)
def test_argparse_errors_exit_2(argv, capsys) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


def test_default_scenario_is_used_when_none_is_named(capsys) -> None:
    assert main(["sensitivity", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["provenance"]["scenario_file"] == str(default_scenario())
