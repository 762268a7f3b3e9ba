"""``validate`` lists every error of a file; ``--set`` keeps a range; ``--vary`` takes a step or
a list; sensitivity tables put the figures of no effect on one line (issue 13, items 6 and 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from forcecalc import load_scenario, run
from forcecalc.analysis.sweep import axis_by_step, axis_of_values
from forcecalc.analysis.tornado import tornado
from forcecalc.cli import main
from forcecalc.core.distributions import Interval90, Pert
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.runner import override
from forcecalc.report.sensitivity import NO_EFFECT_LISTED, no_effect_line, render_sensitivity
from forcecalc.scenario.collect import MAX_ERRORS
from forcecalc.scenario.resources import scenarios_dir
from forcecalc.scenario.validate_all import validate_file, validate_text

BAD = Path(__file__).parent / "bad_inputs"
BASE = (BAD / "valid-base.yaml").read_text(encoding="utf-8")
FRONT = "geometry.front_length_km"
REASSURANCE = scenarios_dir() / "reassurance-force.yaml"


def _file(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = BASE
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


THREE = (
    ("front_length_km: {value: 100,", "front_length_km: {value: 1.2k,"),  # line 6, geometry
    ("rate: {low: 10, high: 30,", "rate: {low: 30, high: 10,"),  # line 14, tasks
    ("personnel: {value: 2000,", "personnel: {value: 2,000,"),  # line 39, a pledge
)


def test_validate_prints_three_independent_errors_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, *THREE)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == ""
    assert len(lines) == 3
    assert [line.split("s.yaml:")[1].split(":")[0] for line in lines] == ["6", "14", "39"]
    assert "geometry.front_length_km.value" in lines[0] and "write 1200" in lines[0]
    assert "tasks.infantry.rate.high" in lines[1] and "high above low" in lines[1]
    assert "force_generation.pledges.Atlantis.personnel" in lines[2] and "key 000" in lines[2]


def test_other_commands_still_stop_at_the_first_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, *THREE)
    assert main(["run", str(path)]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_structural_error_is_reported_without_its_cascade(tmp_path: Path) -> None:
    """A task without its name ends the reading of the tasks (no "unknown share_of" for it),
    and the pledges, which do not depend on the tasks, are still checked."""
    path = _file(
        tmp_path,
        ("  - name: infantry\n    category: military\n", "  - category: military\n"),
        ("personnel: {value: 2000,", "personnel: {value: 1.2k,"),
    )
    found = validate_text(path.read_text(encoding="utf-8"), "s.yaml")
    messages = [str(e) for e in found.errors]
    assert found.scenario is None and len(messages) == 2
    assert "at tasks[0]: got no 'name'" in messages[0]
    assert "force_generation.pledges.Atlantis.personnel.value" in messages[1]
    assert not any("share_of" in m or "infantry" in m for m in messages)


def test_an_error_after_a_refused_figure_that_names_it_is_left_out(tmp_path: Path) -> None:
    path = _file(tmp_path, ("share: {value: 0.2,", "share: {value: 20%,"))
    found = validate_text(path.read_text(encoding="utf-8"), "s.yaml")
    assert [e.where.key_path for e in found.errors] == ["tasks.logistics.share.value"]


def test_validate_stops_at_twenty_errors_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = "".join(
        f"  - {{name: t{i}, category: military, basis: fixed, "
        f"count: {{value: {i}k, assumption: x}}}}\n"
        for i in range(1, 26)
    )
    path = _file(tmp_path, ("tasks:\n", "tasks:\n" + tasks))
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == MAX_ERRORS + 1
    assert "tasks.t1.count.value" in lines[0] and "tasks.t20.count.value" in lines[19]
    assert lines[-1].endswith("5 more errors not shown (validate lists the first 20)")


def test_a_valid_file_still_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD / "valid-base.yaml"), str(REASSURANCE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all(line.startswith("ok: ") for line in out)


# --------------------------------------------------------------------------------------------
# --set KEY=LOW:HIGH


def test_set_a_range_changes_the_band_not_only_the_centre() -> None:
    scenario = load_scenario(BAD / "valid-base.yaml")
    point = run(scenario, samples=4096, seed=3, overrides={FRONT: 200.0})
    ranged = run(scenario, samples=4096, seed=3, overrides={FRONT: (100.0, 400.0)})
    p, r = point.summary.metrics["deployed"], ranged.summary.metrics["deployed"]
    assert r.p95 - r.p5 > 1.5 * (p.p95 - p.p5)  # the front's own uncertainty widens the band
    assert override(scenario, {FRONT: (100.0, 400.0)}).figures[FRONT].dist == Interval90(
        100.0, 400.0
    )
    assert override(scenario, {FRONT: (100.0, 150.0, 400.0)}).figures[FRONT].dist == Pert(
        100.0, 150.0, 400.0
    )


def test_set_a_range_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", str(BAD / "valid-base.yaml"), "--samples", "2048", "--format", "json"]
    assert main([*args, "--set", f"{FRONT}=100:400"]) == 0
    ranged = json.loads(capsys.readouterr().out)
    assert main([*args, "--set", f"{FRONT}=200"]) == 0
    point = json.loads(capsys.readouterr().out)
    assert ranged["provenance"]["overrides"] == {FRONT: [100.0, 400.0]}
    width = {
        k: d["metrics"]["deployed"]["p95"] - d["metrics"]["deployed"]["p5"]
        for k, d in (("ranged", ranged), ("point", point))
    }
    assert width["ranged"] > 1.5 * width["point"]


def test_a_range_result_reruns_from_its_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "r.json"
    base = str(BAD / "valid-base.yaml")
    args = ["run", base, "--samples", "512", "--set", f"{FRONT}=100:150:400"]
    assert main([*args, "--format", "json", "--output", str(results)]) == 0
    capsys.readouterr()
    assert main(["run", "--from", str(results)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced: yes"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("400:100", "high above low"), ("100:500:400", "a mode in [100, 400]"), ("1:2:3:4", "LOW")],
)
def test_a_bad_range_is_one_usage_error(
    value: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(BAD / "valid-base.yaml"), "--set", f"{FRONT}={value}"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and expected in err


def test_a_range_bound_outside_the_domain_is_refused() -> None:
    scenario = load_scenario(BAD / "valid-base.yaml")
    with pytest.raises(ParameterError, match="overrides"):
        override(scenario, {"tasks.logistics.share": (0.1, 1.5)})


# --------------------------------------------------------------------------------------------
# --vary KEY=START:STOP:step=S and KEY=v1,v2,v3


def test_vary_by_step_includes_stop_only_on_the_grid() -> None:
    assert axis_by_step(FRONT, 0, 10, 4).values == (0.0, 4.0, 8.0)
    assert axis_by_step(FRONT, 0, 1, 0.1).values[3] == 0.3
    assert axis_by_step(FRONT, 0, 1, 0.1).values[-1] == 1.0
    assert axis_by_step(FRONT, 10, 0, 5).values == (10.0, 5.0, 0.0)
    with pytest.raises(ParameterError, match="step"):
        axis_by_step(FRONT, 0, 10, 0)
    with pytest.raises(ParameterError, match="at most"):
        axis_by_step(FRONT, 0, 1e6, 1)


def test_vary_by_list_keeps_the_order_and_refuses_repeats() -> None:
    assert axis_of_values(FRONT, [300, 100, 200]).values == (300.0, 100.0, 200.0)
    with pytest.raises(ParameterError, match="twice"):
        axis_of_values(FRONT, [100, 200, 100])


def _sweep_values(capsys: pytest.CaptureFixture[str], vary: str) -> list[float]:
    argv = ["sweep", str(BAD / "valid-base.yaml"), "--samples", "128", "--format", "json"]
    assert main([*argv, "--vary", vary]) == 0
    data = json.loads(capsys.readouterr().out)
    return data["axes"][0]["values"]


def test_vary_step_and_list_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert _sweep_values(capsys, f"{FRONT}=100:300:step=100") == [100.0, 200.0, 300.0]
    assert _sweep_values(capsys, f"{FRONT}=150,100,400") == [150.0, 100.0, 400.0]
    assert _sweep_values(capsys, f"{FRONT}=100:300:3") == [100.0, 200.0, 300.0]  # as before
    assert main(["sweep", str(BAD / "valid-base.yaml"), "--vary", f"{FRONT}=1:5:step=x"]) == 2
    assert "expected a number" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Sensitivity: figures of no effect on one line


def test_figures_of_no_effect_are_one_line_in_the_table_and_rows_in_json() -> None:
    result = tornado(load_scenario(REASSURANCE))
    silent = {b.path for t in result.tornadoes for b in t.bars if b.swing == 0}
    assert silent  # the pledges and the unused buffer move no requirement
    table = render_sensitivity(result, "table")
    lines = table.splitlines()
    line = next(line for line in lines if line.startswith("no effect: "))
    assert all(p in line for p in sorted(silent))
    assert not any(line.lstrip().startswith(tuple(silent)) for line in lines)  # no row each
    markdown = render_sensitivity(result, "markdown")
    assert "no effect: " in markdown
    assert not any(f"| {p} |" in markdown for p in silent)
    data = json.loads(render_sensitivity(result, "json"))
    in_json = {b["path"] for t in data["tornadoes"] for b in t["bars"] if b["swing"] == 0}
    assert in_json == silent


def test_a_long_no_effect_line_is_cut_with_a_count() -> None:
    names = [f"f{i}" for i in range(NO_EFFECT_LISTED + 3)]
    assert no_effect_line(names).endswith(f"f{NO_EFFECT_LISTED - 1} (+3 more)")
    assert no_effect_line(["a", "b"], "committed") == "no effect on committed: a, b"


def _corpus_files() -> list[Path]:
    rows = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
    return [
        BAD / r["file"]
        for r in rows
        if r.get("error") == "ScenarioError" and "case" not in r and "generate" not in r
    ]


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_validate_reports_the_loaders_error_for_every_bad_input(path: Path) -> None:
    """On every invalid file of the corpus, the error loading stops at is one of those validate
    lists (validate finds more, never a different first one)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    found = validate_file(path)
    assert found.scenario is None
    assert str(caught.value) in [str(e) for e in found.errors]
