"""``forcecalc run --from results.json``: re-run an earlier result and say if it reproduces."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from forcecalc.cli import main
from forcecalc.core.errors import UsageError
from forcecalc.report.reproduce import compare, flatten, read_recorded, reproduce
from forcecalc.scenario.resources import scenarios_dir

SEED_000 = scenarios_dir() / "seed-000-buffer-zone.yaml"
FRONT = "geometry.front_length_km"


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of seed 000 and a JSON result of it, made in ``tmp_path`` (the working folder)."""
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_bytes(SEED_000.read_bytes())
    settings = ["--samples", "512", "--seed", "3", "--sampler", "mc", "--set", f"{FRONT}=1000"]
    assert main(["run", "s.yaml", *settings, "--format", "json", "-o", "r.json"]) == 0
    return tmp_path / "r.json"


def rerun(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unchanged_result_reproduces(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = rerun(capsys, "--from", "r.json")
    assert (code, err) == (0, "")
    assert "seed 3 · sampler mc · 512 samples · overrides geometry.front_length_km=1000" in out
    assert "sha256 matches" in out
    assert "software: as recorded" in out
    assert "numbers: identical" in out


def test_the_settings_come_from_the_file(recorded: Path) -> None:
    rep = reproduce(recorded)
    p = rep.result.provenance
    assert (p.seed, p.samples, p.sampler, dict(p.overrides)) == (3, 512, "mc", {FRONT: 1000.0})
    assert rep.identical and rep.sha256_matches and rep.reproduced


def test_a_changed_figure_gives_different_numbers(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path("s.yaml").read_text(encoding="utf-8")
    assert "value: 0.877\n" in text
    Path("s.yaml").write_text(text.replace("value: 0.877\n", "value: 0.9\n"), encoding="utf-8")
    code, out, _ = rerun(capsys, "--from", "r.json")
    assert code == 1
    assert "scenario: CHANGED" in out
    assert "numbers: DIFFERENT" in out
    assert "metrics.deployed.p50: " in out


def test_a_changed_name_alone_keeps_the_numbers_identical(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path("s.yaml").read_text(encoding="utf-8").replace("name: ", "name: Renamed ", 1)
    Path("s.yaml").write_text(text, encoding="utf-8")
    code, out, _ = rerun(capsys, "--from", "r.json")
    assert code == 1  # the numbers are identical, but the scenario is not the one recorded
    assert "scenario: CHANGED" in out and "text changed: scenario" in out
    assert "numbers: identical" in out and "reproduced: NO" in out


def test_a_tampered_record_is_reported(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(recorded.read_text(encoding="utf-8"))
    data["metrics"]["committed"]["p95"] += 1
    data["provenance"]["libraries"]["numpy"] = "0.0"
    Path("t.json").write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = rerun(capsys, "--from", "t.json")
    assert code == 1
    assert "numbers: DIFFERENT (1 of " in out
    assert "metrics.committed.p95" in out
    assert "numpy 0.0 → " in out


def test_the_scenario_is_found_next_to_the_results(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = rerun(capsys, "--from", str(recorded))
    assert code == 0
    assert f"re-ran {tmp_path / 's.yaml'}" in out


def test_output_writes_the_new_result_but_never_over_its_inputs(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = recorded.read_bytes()
    code, _, err = rerun(capsys, "--from", "r.json", "--output", "r.json")
    assert code == 2 and err.count("\n") == 1
    assert recorded.read_bytes() == before
    code, _, _ = rerun(capsys, "--from", "r.json", "--output", "s.yaml")
    assert code == 2
    code, out, _ = rerun(capsys, "--from", "r.json", "--format", "json", "--output", "new.json")
    assert code == 0 and "identical" in out
    new = json.loads(Path("new.json").read_text(encoding="utf-8"))
    assert new["metrics"] == json.loads(before)["metrics"]


@pytest.mark.parametrize(
    "extra",
    [["s.yaml"], ["--seed", "0"], ["--samples", "64"], ["--sampler", "lhs"], ["--set", "a=1"]],
)
def test_settings_given_with_from_are_refused(
    recorded: Path, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = rerun(capsys, "--from", "r.json", *extra)
    assert (code, out) == (2, "")
    assert err.startswith("forcecalc: error: --from r.json: got ") and err.count("\n") == 1


BAD_RECORDS = {
    "not json": ("{\n  'metrics':", "invalid JSON at line 2"),
    "not a result": ('{"tornado": []}', "not a run result"),
    "no provenance": ('{"metrics": {}}', "at provenance: got null"),
    "seed as text": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": "3"}}',
        'at provenance.seed: got "3"',
    ),
    "unknown sampler": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "halton"}}',
        "at provenance.sampler: got 'halton'",
    ),
    "override as text": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "lhs", "overrides": {"a": "x"}}}',
        "at provenance.overrides.a",
    ),
    "scenario gone": (
        '{"metrics": {}, "provenance": {"scenario_file": "gone.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "lhs"}}',
        "'gone.yaml', which is not a file (tried 'gone.yaml')",
    ),
    "seed of 5,001 digits": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 1'
        + "0" * 5000
        + ', "samples": 64, "sampler": "lhs"}}',
        "got JSON that cannot be read (Exceeds the limit (4300 digits)",
    ),
    "seed of 400 digits": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 1'
        + "0" * 400
        + ', "samples": 64, "sampler": "lhs"}}',
        "--seed: got 1000",
    ),
    "scenario file name of 5,000 characters": (
        '{"metrics": {}, "provenance": {"scenario_file": "' + "a" * 5000 + '", "seed": 3,'
        ' "samples": 64, "sampler": "lhs"}}',
        "which is not a file (tried 'aaaa",
    ),
    "override too large for a float": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "lhs", "overrides": {"a": 1' + "0" * 400 + "}}}",
        "at provenance.overrides.a: got 1000",
    ),
    "override beyond its limit": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "lhs", "overrides": {"geometry.front_length_km": 1e300}}}',
        "--set geometry.front_length_km: got 1e+300; expected at most 40,075 km",
    ),
    "absolute path as a number": (
        '{"metrics": {}, "provenance": {"scenario_file": "gone.yaml", "seed": 3, "samples": 64,'
        ' "sampler": "lhs", "scenario_file_absolute": 5}}',
        "at provenance.scenario_file_absolute: got 5",
    ),
    "samples out of range": (
        '{"metrics": {}, "provenance": {"scenario_file": "s.yaml", "seed": 3, "samples": 0,'
        ' "sampler": "lhs"}}',
        "--samples: got 0",
    ),
}


@pytest.mark.parametrize("name", BAD_RECORDS)
def test_a_bad_results_file_is_one_line_and_exit_2(
    recorded: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text, message = BAD_RECORDS[name]
    Path("bad.json").write_text(text, encoding="utf-8")
    code, out, err = rerun(capsys, "--from", "bad.json")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err, err


def test_a_missing_results_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No such file"):
        read_recorded(tmp_path / "nothing.json")


def test_flatten_and_compare() -> None:
    assert flatten({"a": {"b": [1, {"c": 2}]}}) == {"a.b[0]": 1, "a.b[1].c": 2}
    c = compare({"x": 1.0, "n": None, "t": "a"}, {"x": 1.0, "n": None, "t": "b", "new": 2})
    assert (c.compared, c.differences, c.new_keys) == (2, (), ("new",))
    assert [d.key for d in c.text_changes] == ["t"]
    c = compare({"x": 1.0, "gone": 2}, {"x": 1})
    assert [d.key for d in c.differences] == ["x", "gone"]  # 1 is not 1.0; gone is missing


def test_the_scenario_is_found_from_the_results_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """run scen/x.yaml -o out/r.json; cd out; run --from r.json: the absolute path finds it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scen").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "scen" / "x.yaml").write_bytes(SEED_000.read_bytes())
    run = ["run", "scen/x.yaml", "--samples", "64", "--format", "json", "-o", "out/r.json"]
    assert main(run) == 0
    stamp = json.loads((tmp_path / "out" / "r.json").read_text(encoding="utf-8"))["provenance"]
    assert stamp["scenario_file"] == "scen/x.yaml"
    assert stamp["scenario_file_absolute"] == str(tmp_path.resolve() / "scen" / "x.yaml")
    monkeypatch.chdir(tmp_path / "out")
    code, out, err = rerun(capsys, "--from", "r.json")
    assert (code, err) == (0, ""), err
    assert f"re-ran {tmp_path.resolve() / 'scen' / 'x.yaml'}" in out
    assert "numbers: identical" in out


def test_a_moved_scenario_names_every_path_tried(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.yaml").rename(tmp_path / "moved.yaml")
    code, out, err = rerun(capsys, "--from", str(recorded))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert f"'s.yaml', which is not a file (tried 's.yaml', '{tmp_path / 's.yaml'}'" in err
    assert f"'{tmp_path.resolve() / 's.yaml'}')" in err or f"'{tmp_path / 's.yaml'}')" in err


def test_a_fifo_as_the_results_file_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    code, out, err = rerun(capsys, "--from", str(fifo))
    assert (code, out) == (2, "")
    assert f"--from {fifo}: got a named pipe (FIFO)" in err


# --------------------------------------------------------------------------------------------
# Issue 11, defect 8: a forged or partial record never exits 0


def _forge(recorded: Path, change) -> None:
    data = json.loads(recorded.read_text(encoding="utf-8"))
    change(data)
    Path("f.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_record_without_numbers_is_not_a_reproduction(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _forge(recorded, lambda d: d.update(metrics={}))
    code, out, _ = rerun(capsys, "--from", "f.json")
    assert code == 1
    assert "identical (0 values compared)" not in out
    assert "reproduced: NO" in out


def test_a_record_of_only_some_numbers_is_not_a_reproduction(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _forge(recorded, lambda d: d["metrics"].pop("committed"))
    code, out, _ = rerun(capsys, "--from", "f.json")
    assert code == 1 and "reproduced: NO" in out and "not recorded" in out


def test_a_wrong_sha256_alone_is_not_a_reproduction(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _forge(recorded, lambda d: d["provenance"].update(scenario_sha256="0" * 64))
    code, out, _ = rerun(capsys, "--from", "f.json")
    assert code == 1
    assert "scenario: CHANGED" in out and "reproduced: NO" in out


def test_a_changed_software_version_alone_is_not_a_reproduction(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _forge(recorded, lambda d: d["provenance"].update(version="0.0.1"))
    code, out, _ = rerun(capsys, "--from", "f.json")
    assert code == 1 and "reproduced: NO" in out


def test_an_unchanged_result_says_reproduced(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = rerun(capsys, "--from", "r.json")
    assert code == 0 and out.rstrip().endswith("reproduced: yes")


@pytest.mark.parametrize("name", ["secret.txt", "secret.yaml"])
def test_another_file_named_as_the_scenario_is_never_quoted(
    recorded: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    Path(name).write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    _forge(recorded, lambda d: d["provenance"].update(scenario_file=name))
    code, out, err = rerun(capsys, "--from", "f.json")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "SECRETHASH" not in err and "root" not in err, err
