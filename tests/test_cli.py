"""The ``forcecalc`` command, run in-process through :func:`forcecalc.cli.command.main`.

Exit codes: 0 success, 1 an expect claim not met, 2 bad input or usage, 70 a bug. Every error
is one line on stderr and never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

import forcecalc
from forcecalc.cli import command as cli
from forcecalc.cli import options as cli_options
from forcecalc.cli import run as cli_run
from forcecalc.core.chunked import DEFAULT_LARGE_SAMPLER, DEFAULT_LARGE_SAMPLES
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import DEFAULT_SAMPLER, DEFAULT_SAMPLES, DEFAULT_SEED
from forcecalc.core.sources import RegisterSource
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
SEED_001 = REPO / "scenarios" / "seed-001-basic-ceasefire.yaml"
FAST = ("--samples", "256")
FRONT = "geometry.front_length_km"


def call(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run ``forcecalc argv`` in-process: (exit code, stdout, stderr)."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own errors, --help, --version
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> str:
    """stderr is exactly one line, without a traceback; return it."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict:
    code, out, err = call(capsys, "run", "--format", "json", *FAST, *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def write_variant(folder: Path, name: str, edit) -> Path:
    """A copy of seed 001, its data changed by ``edit(data)``, written to ``folder/name``."""
    data = yaml.safe_load(SEED_001.read_text(encoding="utf-8"))
    edit(data)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(SEED_001.read_bytes())
    return path


@pytest.fixture
def crash_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Crash logs go to a folder of their own instead of the system temp folder."""
    folder = tmp_path / "logs"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# --------------------------------------------------------------------------------------------
# run


def test_run_default_scenario_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", *FAST)
    assert (code, err) == (0, "")
    assert re.search(r"^  deployed\s+personnel\s", out, re.M)
    assert re.search(r"^  committed \(with rotation\)\s+personnel\s", out, re.M)
    footer = out.rstrip("\n").splitlines()[-1]
    assert f"forcecalc {forcecalc.__version__}" in footer
    assert f"scenario {default_scenario()}" in footer
    assert f"seed {DEFAULT_SEED}" in footer
    assert "sampler lhs" in footer
    assert "256 samples" in footer


def test_run_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys)
    deployed = data["metrics"]["deployed"]
    assert set(deployed) >= {"mean", "p5", "p50", "p95"}
    assert deployed["p5"] <= deployed["p50"] <= deployed["p95"]
    committed = data["metrics"]["committed"]
    assert committed["p50"] >= deployed["p50"]
    scenario = load_scenario(default_scenario())
    assert set(data["tasks"]) == {t.name for t in scenario.tasks}
    assert set(data["categories"]) == {t.category for t in scenario.tasks}
    prov = data["provenance"]
    assert prov["version"] == forcecalc.__version__
    assert prov["scenario_file"] == str(default_scenario())
    assert prov["scenario_sha256"] == hashlib.sha256(default_scenario().read_bytes()).hexdigest()
    assert prov["seed"] == DEFAULT_SEED
    assert prov["samples"] == 256
    assert prov["sampler"] == "lhs"
    assert prov["overrides"] == {}


def test_run_csv(capsys: pytest.CaptureFixture[str], scenario_copy: Path) -> None:
    code, out, err = call(capsys, "run", scenario_copy, "--format", "csv", *FAST)
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))  # one table, its header first (issue 13)
    assert rows[0][:7] == ["section", "name", "unit", "p5", "p50", "p95", "mean"]
    assert all(r[rows[0].index("seed")] == str(DEFAULT_SEED) for r in rows[1:])
    deployed = next(r for r in rows if r[1] == "deployed")
    assert deployed[0] == "Totals"
    assert float(deployed[3]) <= float(deployed[4]) <= float(deployed[5])


def test_run_markdown(capsys: pytest.CaptureFixture[str], scenario_copy: Path) -> None:
    code, out, err = call(capsys, "run", scenario_copy, "--format", "markdown", *FAST)
    assert (code, err) == (0, "")
    assert out.startswith("## ")
    assert "| name | unit | p5 | p50 | p95 | mean |" in out
    assert "| **Totals** |" in out
    assert re.search(r"^\| deployed \| personnel \|", out, re.M)
    assert f"seed {DEFAULT_SEED}" in out


def test_same_seed_same_bytes_other_seed_other_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("run", "--format", "json", *FAST, "--seed", "7")
    first, second = call(capsys, *argv), call(capsys, *argv)
    assert first[0] == 0
    assert first == second
    other = call(capsys, "run", "--format", "json", *FAST, "--seed", "8")
    a, b = json.loads(first[1]), json.loads(other[1])
    assert a["metrics"]["deployed"] != b["metrics"]["deployed"]
    assert (a["provenance"]["seed"], b["provenance"]["seed"]) == (7, 8)


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "mc"])
def test_samplers(capsys: pytest.CaptureFixture[str], sampler: str) -> None:
    data = run_json(capsys, "--sampler", sampler)
    assert data["provenance"]["sampler"] == sampler


def test_sobol_needs_a_power_of_two(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", "--sampler", "sobol", "--samples", "300")
    assert (code, out) == (2, "")
    line = assert_one_line_error(err)
    assert line.startswith("forcecalc: error: --samples: got 300; expected a power of two")
    assert "256 or 512" in line


def test_set_overrides_a_figure(capsys: pytest.CaptureFixture[str]) -> None:
    base = run_json(capsys)
    wider = run_json(capsys, "--set", f"{FRONT}=3650")
    assert wider["metrics"]["deployed"]["p50"] > base["metrics"]["deployed"]["p50"]
    assert wider["metrics"]["deployed"]["p5"] > base["metrics"]["deployed"]["p95"]
    assert wider["provenance"]["overrides"] == {FRONT: 3650.0}
    code, out, _ = call(capsys, "run", *FAST, "--set", f"{FRONT}=3650")
    assert code == 0
    assert f"overrides: {FRONT}=3650" in out


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        (
            "geometry.front_lenght_km=3650",
            "got an unknown figure path; expected one of the scenario's figures",
        ),
        (f"{FRONT}=abc", "got 'abc'; expected a number"),
        (
            f"{FRONT}=3,650",
            "got '3,650'; expected a number (write the number without thousands separators",
        ),
        (f"{FRONT}", "expected KEY.PATH=NUMBER"),
        ("=3650", "expected KEY.PATH=NUMBER"),
        (f"{FRONT}=-5", "got -5; expected a value in (0, inf) [km]"),
        (f"{FRONT}=0", "got 0; expected a value in (0, inf) [km]"),
        (f"{FRONT}=nan", "got 'nan'; expected a number (NaN and infinity are not allowed)"),
        (f"{FRONT}=inf", "got 'inf'; expected a number (NaN and infinity are not allowed)"),
        (f"{FRONT}=.inf", "got .inf; expected a finite number"),
        # the loader's rules for the text of a number (audit 5)
        (
            "tasks.headquarters.count=10.000",
            "--set tasks.headquarters.count=10.000: got 10.000; expected a number (ambiguous: "
            "is the dot a decimal point or a thousands separator? write 10000 or 10)",
        ),
        (
            "force_generation.pledges.France.personnel=010",
            "got 010; expected a decimal number (drop the leading zero",
        ),
        (
            "tasks.headquarters.count=1_000",
            "got 1_000; expected a decimal number (no underscores in numbers",
        ),
        (f"{FRONT}=true", "got true; expected a number (a boolean is not a number)"),
        ("sustainment.rotation_multiplier=0.5", "got 0.5; expected a value in [1, inf)"),
        ("tasks.logistics.share=1", "got 1; expected a value in [0, 1)"),
        # the limits a value written in the scenario obeys (docs/scenario-format.md)
        (f"{FRONT}=1e308", "got 1e+308; expected at most 40,075 km"),
        (f"{FRONT}=1e-310", "got 1e-310; expected at least 1e-06 km"),
        ("tasks.line_infantry.rate=1e308", "got 1e+308; expected at most 1e+09 troops_per_km"),
        # a refused pledge stays 0, as the loader requires of the file
        (
            "force_generation.pledges.Poland.personnel=50000",
            "got 50000; expected 0: the scenario says this contributor refused",
        ),
    ],
)
def test_set_errors(capsys: pytest.CaptureFixture[str], assignment: str, expected: str) -> None:
    code, out, err = call(capsys, "run", *FAST, "--set", assignment)
    assert (code, out) == (2, "")
    line = assert_one_line_error(err)
    assert line.startswith("forcecalc: error: --set ")
    assert expected in line


def test_set_reads_numbers_as_a_file_does(capsys: pytest.CaptureFixture[str]) -> None:
    """What the loader accepts in a file, --set accepts: 10.000 km is ten km, 1e3 a thousand."""
    pledge = "force_generation.pledges.France.personnel"
    data = run_json(capsys, "--set", f"{FRONT}=10.000", "--set", f"{pledge}=1e3")
    assert data["provenance"]["overrides"] == {FRONT: 10.0, pledge: 1000.0}


@pytest.mark.parametrize("zero", ["-0", "-0.0", "-0e3"])
def test_set_minus_zero_is_zero_in_every_output(
    capsys: pytest.CaptureFixture[str], zero: str
) -> None:
    """``--set ...=-0`` used to print -0 in the overrides and the table."""
    pledge = "force_generation.pledges.France.personnel"
    data = run_json(capsys, "--set", f"{pledge}={zero}")
    assert math.copysign(1.0, data["provenance"]["overrides"][pledge]) == 1.0
    code, out, err = call(capsys, "run", *FAST, "--set", f"{pledge}={zero}")
    assert (code, err) == (0, "")
    assert f"{pledge}=0" in out
    assert re.search(r"(^|[\s=])-0(\.0*)?(\s|$)", out, re.M) is None


ZERO_REQUIREMENT = (
    "--set",
    "tasks.line_infantry.rate=0",
    "--set",
    "force_generation.pledges.United Kingdom.personnel=0",
    "--set",
    "force_generation.pledges.France.personnel=0",
)


def test_zero_pledged_for_zero_required_suffices_and_prints_no_nan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The audit's run: nothing required, nothing pledged. Coverage 1, P(suffice) 100%."""
    code, out, err = call(capsys, "run", *FAST, *ZERO_REQUIREMENT)
    assert (code, err) == (0, "")
    assert "nan" not in out.lower()
    assert re.search(r"P\(pledges suffice: pledged ≥ deployed\)\s+probability\s+–\s+100\.0%", out)
    assert re.search(r"pledged ÷ deployed\s+ratio\s+1\s+1\s+1\s+1\n", out)
    data = run_json(capsys, *ZERO_REQUIREMENT)
    assert data["probabilities"]["p_pledges_suffice"] == 1.0
    assert data["metrics"]["pledge_coverage"] == {
        "mean": 1.0,
        "p5": 1.0,
        "p50": 1.0,
        "p95": 1.0,
    }


def test_check_claims_on_a_zero_requirement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Claims that pledges suffice for nothing are met; nothing pledged is not 'infinite'."""

    def claims(data: dict) -> None:
        data["expect"] = [
            {"metric": "p_pledges_suffice", "at_least": 1, "assumption": "0 ≥ 0"},
            {"metric": "pledge_coverage", "approx": 1, "tolerance": 0.01, "assumption": "0/0"},
            {"metric": "pledge_coverage", "at_most": 1, "assumption": "not infinite"},
        ]

    path = write_variant(tmp_path, "zero.yaml", claims)
    code, out, err = call(capsys, "check", path, *FAST, *ZERO_REQUIREMENT)
    assert (code, err) == (0, ""), out
    assert out.count("  met  ") == 3


def test_set_unknown_path_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "run", *FAST, "--set", "geometry.front_lenght_km=3650")
    assert code == 2
    assert assert_one_line_error(err).endswith(f"(did you mean '{FRONT}'?)")


# --------------------------------------------------------------------------------------------
# --output


def stray_files(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_output_writes_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "result.json"
    code, out, err = call(capsys, "run", "--format", "json", *FAST, "--output", out_file)
    assert (code, out, err) == (0, "", "")
    code, printed, _ = call(capsys, "run", "--format", "json", *FAST)
    assert code == 0
    assert out_file.read_text(encoding="utf-8") == printed
    assert stray_files(tmp_path, {"result.json"}) == []


def test_output_replaces_an_existing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "result.txt"
    out_file.write_text("old\n", encoding="utf-8")
    code, _, _ = call(capsys, "sources", "-o", out_file)
    assert code == 0
    assert out_file.read_text(encoding="utf-8").startswith("Sources of ")
    assert stray_files(tmp_path, {"result.txt"}) == []


def test_output_refuses_the_input_scenario(
    capsys: pytest.CaptureFixture[str], scenario_copy: Path
) -> None:
    before = scenario_copy.read_bytes()
    for command in (("run", *FAST), ("sources",)):
        code, out, err = call(capsys, *command, scenario_copy, "--output", scenario_copy)
        assert (code, out) == (2, "")
        line = assert_one_line_error(err)
        assert "got the run's own input file" in line
        assert scenario_copy.read_bytes() == before
    assert stray_files(scenario_copy.parent, {scenario_copy.name}) == []


def test_check_output_refuses_the_input_scenario(
    capsys: pytest.CaptureFixture[str], scenario_copy: Path
) -> None:
    before = scenario_copy.read_bytes()
    code, _, err = call(capsys, "check", scenario_copy, *FAST, "--output", scenario_copy)
    assert scenario_copy.read_bytes() == before
    assert code == 2
    assert_one_line_error(err)


def test_output_refuses_the_default_scenario(
    capsys: pytest.CaptureFixture[str], scenario_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_options, "default_scenario", lambda: scenario_copy)
    before = scenario_copy.read_bytes()
    code, _, _ = call(capsys, "run", *FAST, "--output", scenario_copy)
    assert scenario_copy.read_bytes() == before
    assert code == 2


def test_failed_rendering_leaves_existing_output_intact(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crash_logs: Path,
) -> None:
    out_file = tmp_path / "result.txt"
    out_file.write_text("previous result\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(cli_run, "render_run", broken)
    code, out, err = call(capsys, "run", *FAST, "--output", out_file)
    assert (code, out) == (70, "")
    assert "renderer exploded" in assert_one_line_error(err)
    assert out_file.read_text(encoding="utf-8") == "previous result\n"
    assert stray_files(tmp_path, {"result.txt", "logs"}) == []


def test_failed_rename_leaves_existing_output_intact(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crash_logs: Path,
) -> None:
    out_file = tmp_path / "result.txt"
    out_file.write_text("previous result\n", encoding="utf-8")

    def no_rename(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("forcecalc.scenario.files.os.replace", no_rename)
    code, out, err = call(capsys, "run", *FAST, "--output", out_file)
    assert (code, out) == (2, "")  # an environment problem, not a bug
    assert "No space left on device" in assert_one_line_error(err)
    assert out_file.read_text(encoding="utf-8") == "previous result\n"
    assert stray_files(tmp_path, {"result.txt", "logs"}) == []


@pytest.mark.parametrize("target", ["folder", "missing/result.txt"])
def test_output_to_an_unusable_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    (tmp_path / "folder").mkdir()
    code, out, err = call(capsys, "run", *FAST, "--output", tmp_path / target)
    assert (code, out) == (2, "")
    assert assert_one_line_error(err).startswith(f"forcecalc: error: --output {tmp_path}")
    assert stray_files(tmp_path, {"folder"}) == []


# --------------------------------------------------------------------------------------------
# validate


def test_validate_good_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "validate", *SHIPPED)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == len(SHIPPED)
    for line, path in zip(lines, SHIPPED, strict=True):
        assert line.startswith(f"ok: {path}: ")
        figures = r"\d+ figures( \(\d+ of the timeline\))?"
        assert re.search(rf"\(\d+ tasks, {figures}, \d+ uncertain, \d+ claims\)$", line)
        assert ("of the timeline" in line) == ("reassurance-force" in str(path))


def test_validate_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = write_variant(tmp_path, "bad.yaml", lambda d: d.update(schema_version=2))
    code, out, err = call(capsys, "validate", bad)
    assert (code, out) == (2, "")
    line = assert_one_line_error(err)
    assert line == f"forcecalc: error: {bad}:1:17: at schema_version: got 2; expected 1"


def test_validate_reports_every_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\nname: y\n", encoding="utf-8")
    code, out, err = call(capsys, "validate", bad, SEED_001, tmp_path / "missing.yaml")
    assert code == 2
    assert out.startswith(f"ok: {SEED_001}: ")
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"forcecalc: error: {bad}:3:1: at name: got a duplicate key")
    assert lines[1] == (
        f"forcecalc: error: {tmp_path / 'missing.yaml'}: got no such file; "
        "expected a path to a scenario file"
    )


def test_validate_control_character_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bell.yaml"
    bad.write_text("schema_version: 1\nname: a\x07b\n", encoding="utf-8")
    code, _, err = call(capsys, "validate", bad)
    assert code == 2
    assert assert_one_line_error(err).startswith(f"forcecalc: error: {bad}:2:")


# --------------------------------------------------------------------------------------------
# check


def test_check_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "check", *SHIPPED)
    assert (code, err) == (0, ""), out
    assert "NOT MET" not in out
    for path in SHIPPED:
        assert f"({path})" in out


def test_check_unmet_claim(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def impossible(data: dict) -> None:
        data["expect"] = [
            {
                "metric": "deployed",
                "statistic": "p50",
                "at_most": 1000,
                "source": "001_c9dd63bdddab6577#basic-mission",
            }
        ]

    path = write_variant(tmp_path, "impossible.yaml", impossible)
    code, out, err = call(capsys, "check", path, *FAST)
    assert (code, err) == (1, "")
    assert re.search(r"^  NOT MET\s+deployed p50 ≤ 1,000\s", out, re.M)


def test_check_one_unmet_of_several_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_variant(tmp_path, "impossible.yaml", lambda d: d["expect"][0].update(approx=1000))
    code, out, _ = call(capsys, "check", SEED_001, path, *FAST)
    assert code == 1
    assert out.count("NOT MET") == 1


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_check_formats(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = call(capsys, "check", SEED_001, *FAST, "--format", fmt)
    assert (code, err) == (0, "")
    if fmt == "csv":
        assert out.startswith("section,scenario,result,claim,value,source,provenance\n")
    else:
        assert "| result | claim | value | source |" in out


def test_check_scenario_without_claims(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_variant(tmp_path, "no-claims.yaml", lambda d: d.pop("expect"))
    code, out, _ = call(capsys, "check", path, *FAST)
    assert code == 0
    assert f"(no expect claims in {path})" in out


def test_check_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = call(capsys, "check", tmp_path / "missing.yaml", *FAST)
    assert (code, out) == (2, "")
    assert "got no such file" in assert_one_line_error(err)


def test_check_reports_every_file_when_one_is_invalid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """As validate does: the bad file is its one-line error, the others still get their
    claims, and the exit code is 2 (invalid input outranks an unmet claim)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED_001.read_text(encoding="utf-8").replace("name: ", "name: !!str ", 1))
    unmet = write_variant(tmp_path, "unmet.yaml", lambda d: d["expect"][0].update(approx=1000))
    code, out, err = call(capsys, "check", SEED_001, bad, unmet, *FAST)
    assert code == 2
    line = assert_one_line_error(err)
    assert line.startswith(f"forcecalc: error: {bad}:") and "the YAML tag !!str" in line
    assert f"({SEED_001})" in out and f"({unmet})" in out
    assert out.count("NOT MET") == 1
    code, out, err = call(capsys, "check", SEED_001, bad, *FAST)
    assert code == 2 and f"({SEED_001})" in out


def test_check_a_set_that_fits_one_file_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A --set naming a figure one scenario lacks is that file's error, naming the file."""
    other = REPO / "scenarios" / "seed-000-buffer-zone.yaml"
    pledge = "force_generation.pledges.France.personnel=1000"
    code, out, err = call(capsys, "check", SEED_001, other, *FAST, "--set", pledge)
    assert code == 2
    line = assert_one_line_error(err)
    assert line.startswith(f"forcecalc: error: {other}: --set force_generation.pledges.France")
    assert f"({SEED_001})" in out


def test_check_a_malformed_set_is_one_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "check", SEED_001, SEED_001, *FAST, "--set", f"{FRONT}=far")
    assert (code, out) == (2, "")
    assert "got 'far'; expected a number" in assert_one_line_error(err)


# --------------------------------------------------------------------------------------------
# sources


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_sources_lists_every_figure(
    capsys: pytest.CaptureFixture[str], path: Path, fmt: str
) -> None:
    scenario = load_scenario(path)
    code, out, err = call(capsys, "sources", path, "--format", fmt)
    assert (code, err) == (0, "")
    if fmt == "json":
        rows = json.loads(out)["figures"]
        assert [r["figure"] for r in rows] == list(scenario.figures)
        for row in rows:
            fig = scenario.figures[row["figure"]]
            assert row["unit"] == fig.unit
            if isinstance(fig.source, RegisterSource):
                assert row["kind"] == "register"
                assert row["source"] == fig.source.ref
                assert row["quote"] == fig.source.figure.quote
                assert row["gloss"] == fig.source.figure.gloss
        return
    for figure_path, fig in scenario.figures.items():
        assert figure_path in out
        if isinstance(fig.source, RegisterSource):
            assert fig.source.ref in out
            quote = fig.source.figure.quote
            assert (quote.replace("|", "\\|") if fmt == "markdown" else quote) in out


def test_sources_shows_register_quotes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def cite_register(data: dict) -> None:
        data["geometry"]["buffer_width_km"] = {
            "value": 5,
            "source": "000_fd3776af069ded84#buffer-width",
        }

    path = write_variant(tmp_path, "cited.yaml", cite_register)
    for fmt in ("table", "json", "markdown"):
        code, out, _ = call(capsys, "sources", path, "--format", fmt)
        assert code == 0
        assert "000_fd3776af069ded84#buffer-width" in out
        assert "tampon-zone široke pet kilometara" in out
        assert "a buffer zone five kilometres wide" in out


def test_sources_default_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "sources")
    assert (code, err) == (0, "")
    assert out.startswith("Sources of ")
    for figure_path in load_scenario(default_scenario()).figures:
        assert figure_path in out


# --------------------------------------------------------------------------------------------
# Unexpected errors and error hygiene


def test_internal_error_is_one_line_with_a_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, crash_logs: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_run, "run_sized", broken)
    code, out, err = call(capsys, "run", *FAST)
    assert (code, out) == (70, "")
    line = assert_one_line_error(err)
    assert line.startswith("forcecalc: internal error (a bug in forcecalc, not in your input): ")
    assert "RuntimeError: boom" in line
    match = re.search(r"traceback written to (\S+)$", line)
    assert match, line
    log = Path(match[1])
    assert log.parent == crash_logs
    text = log.read_text(encoding="utf-8")
    assert f"forcecalc {forcecalc.__version__}" in text
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom" in text
    assert "in broken" in text


def test_internal_error_with_multiline_message_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, crash_logs: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(cli_run, "run_sized", broken)
    code, _, err = call(capsys, "run", *FAST)
    assert code == 70
    assert_one_line_error(err)


def test_keyboard_interrupt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_run, "run_sized", interrupted)
    code, out, err = call(capsys, "run", *FAST)
    assert (code, out) == (130, "")
    assert assert_one_line_error(err) == "forcecalc: interrupted"


ERROR_CASES = {
    "missing scenario": (("run", "{tmp}/missing.yaml", *FAST), 2),
    "bad scenario": (("run", "{tmp}/bad.yaml", *FAST), 2),
    "sobol count": (("run", "--sampler", "sobol", "--samples", "100"), 2),
    "zero samples": (("run", "--samples", "0"), 2),
    "unknown --set path": (("run", *FAST, "--set", "nope=1"), 2),
    "non-number --set": (("run", *FAST, "--set", f"{FRONT}=far"), 2),
    "out-of-domain --set": (("run", *FAST, "--set", f"{FRONT}=-1"), 2),
    "output is a folder": (("run", *FAST, "--output", "{tmp}"), 2),
    "output folder missing": (("sources", "--output", "{tmp}/no/such/file.txt"), 2),
    "validate bad": (("validate", "{tmp}/bad.yaml"), 2),
    "validate missing": (("validate", "{tmp}/missing.yaml"), 2),
    "check bad": (("check", "{tmp}/bad.yaml", *FAST), 2),
    "sources bad": (("sources", "{tmp}/bad.yaml"), 2),
    "sources of a folder": (("sources", "{tmp}"), 2),
    "check unmet": (("check", "{tmp}/unmet.yaml", *FAST), 1),
}


@pytest.mark.parametrize(("argv", "expected"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_every_error_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...], expected: int
) -> None:
    (tmp_path / "bad.yaml").write_text("schema_version: 1\nname: [x\n", encoding="utf-8")
    write_variant(tmp_path, "unmet.yaml", lambda d: d["expect"][0].update(approx=1))
    code, out, err = call(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == expected
    if expected == 1:
        assert err == ""
        assert "NOT MET" in out
        return
    line = assert_one_line_error(err)
    assert line.startswith("forcecalc: error: ")
    if "bad.yaml" in " ".join(argv):
        assert re.search(r"bad\.yaml:\d+:\d+: ", line), line


@pytest.mark.parametrize(
    "argv",
    [("run", "--bogus"), (), ("frobnicate",), ("run", "--format", "xml"), ("validate",)],
    ids=["unknown option", "no command", "unknown command", "bad choice", "missing file"],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = call(capsys, *argv)
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert re.match(r"forcecalc( \w+)?: error: ", err.splitlines()[-1]), err


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "run", "--bogus")
    assert code == 2
    assert_one_line_error(err)


@pytest.mark.parametrize("command", [None, *cli.all_commands()])
def test_help(capsys: pytest.CaptureFixture[str], command: str | None) -> None:
    code, out, err = call(capsys, *([command] if command else []), "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: forcecalc")


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--version")
    assert (code, out) == (0, f"forcecalc {forcecalc.__version__}\n")


def test_version_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "forcecalc", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"forcecalc {forcecalc.__version__}\n"
    assert proc.stderr == ""


# --------------------------------------------------------------------------------------------
# --set once per figure; paths that are not regular files; OS errors are input errors


@pytest.mark.parametrize("command", ["run", "check", "sweep"])
def test_the_same_figure_set_twice_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    extra = [str(SEED_001)] if command == "check" else []
    code, out, err = call(
        capsys, command, *extra, *FAST, "--set", f"{FRONT}=1000", "--set", f" {FRONT}=2000"
    )
    assert (code, out) == (2, "")
    line = assert_one_line_error(err)
    assert f"got {FRONT} a second time (first as --set {FRONT}=1000)" in line
    assert "expected each figure at most once" in line


def test_different_figures_may_each_be_set(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--set", f"{FRONT}=1000", "--set", "geometry.buffer_width_km=5")
    assert data["provenance"]["overrides"] == {FRONT: 1000.0, "geometry.buffer_width_km": 5.0}


@pytest.mark.parametrize("argv", [("validate",), ("run",), ("check",), ("sources",)])
def test_a_fifo_as_the_scenario_is_refused_without_hanging(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "forcecalc", *argv, str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 2, done.stderr
    line = assert_one_line_error(done.stderr)
    assert line == (
        f"forcecalc: error: {fifo}: got a named pipe (FIFO); expected a path to a scenario file"
    )


def test_a_scenario_name_too_long_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = call(capsys, "run", *FAST, tmp_path / ("b" * 300))
    assert (code, out) == (2, "")
    assert "got unreadable file (File name too long)" in assert_one_line_error(err)


def test_an_output_name_too_long_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = call(capsys, "run", *FAST, "-o", tmp_path / ("b" * 300))
    assert (code, out) == (2, "")
    assert "got a path that cannot be used (File name too long)" in assert_one_line_error(err)


# --------------------------------------------------------------------------------------------
# Sampling defaults: decided by the library, read by add_sampling_options alone


@pytest.mark.parametrize(
    ("command", "defaults"),
    [
        (["run"], (DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_SAMPLER.value)),
        (["sensitivity"], (DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_SAMPLER.value)),
        (["run-large"], (DEFAULT_LARGE_SAMPLES, DEFAULT_SEED, DEFAULT_LARGE_SAMPLER.value)),
    ],
)
def test_sampling_defaults_are_the_library_s(command: list[str], defaults: tuple) -> None:
    args = cli.build_parser().parse_args(command)
    assert (args.samples, args.seed, args.sampler) == defaults
    assert cli_options.given_sampling(args) == []


def test_a_sampling_option_given_at_its_default_counts_as_given() -> None:
    """``run --from`` and the tornado refuse a seed given, even the default one."""
    args = cli.build_parser().parse_args(["run", "--sampler", "lhs", "--seed", str(DEFAULT_SEED)])
    assert cli_options.given_sampling(args) == ["--seed", "--sampler"]


def test_a_library_parameter_is_named_by_its_option() -> None:
    """The library names ``chunk_samples``; the command line says ``--chunk``."""
    exc = ParameterError("chunk_samples", "0", "a whole number ≥ 1")
    assert str(exc) == "chunk_samples: got 0; expected a whole number ≥ 1"
    assert cli_options.error_message(exc) == "--chunk: got 0; expected a whole number ≥ 1"
