"""``forcecalc run --from results.json``: re-run an earlier result and say if it reproduces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forcecalc.cli import main
from forcecalc.errors import UsageError
from forcecalc.reproduce import compare, flatten, read_recorded, reproduce
from forcecalc.resources import scenarios_dir

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
    assert rep.identical and rep.sha256_matches


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
    assert code == 0
    assert "scenario: CHANGED" in out and "text changed: scenario" in out
    assert "numbers: identical" in out


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
        "'gone.yaml', which does not exist",
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
