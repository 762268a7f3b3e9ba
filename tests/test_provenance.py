"""The provenance stamp on every artifact: forcecalc version, scenario sha256, seed, sampler,
sample count and overrides, in the table footer, Markdown, the CSV header and JSON."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

import forcecalc
from forcecalc.cli import main
from forcecalc.report.render import FORMATS
from forcecalc.scenario.resources import scenarios_dir

SCENARIO = scenarios_dir() / "seed-001-basic-ceasefire.yaml"
SHA256 = hashlib.sha256(SCENARIO.read_bytes()).hexdigest()
SETTINGS = ["--samples", "128", "--seed", "42", "--sampler", "mc"]
OVERRIDE = ["--set", "geometry.buffer_width_km=7"]


def output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) in (0, 1)
    return capsys.readouterr().out


def assert_stamp(text: str) -> None:
    """The stamp's pieces, as text lines."""
    assert f"forcecalc {forcecalc.__version__}" in text
    assert f"sha256 {SHA256[:16]}" in text
    assert "seed 42" in text and "sampler mc" in text and "128 samples" in text
    assert "geometry.buffer_width_km=7" in text


def assert_csv_stamp(text: str) -> None:
    """The stamp as the CSV's last columns, the same on every row (issue 13: the header is
    the first line)."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert rows and all(
        dict(zip(header, row, strict=True))
        | {
            "forcecalc_version": forcecalc.__version__,
            "scenario_sha256": SHA256,
            "seed": "42",
            "sampler": "mc",
            "samples": "128",
            "overrides": "geometry.buffer_width_km=7",
        }
        == dict(zip(header, row, strict=True))
        for row in rows
    )


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_run_stamps_text_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, "run", str(SCENARIO), *SETTINGS, *OVERRIDE, "--format", fmt)
    if fmt == "csv":
        assert_csv_stamp(text)
    else:
        assert_stamp("\n".join(text.rstrip().splitlines()[-2:]))


def test_the_csv_header_comes_first(capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, "run", str(SCENARIO), *SETTINGS, *OVERRIDE, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["section", "name", "unit"] and "seed" in rows[0]


def test_run_stamps_json_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, "run", str(SCENARIO), *SETTINGS, *OVERRIDE, "--format", "json")
    stamp = json.loads(text)["provenance"]
    assert stamp["version"] == forcecalc.__version__
    assert stamp["scenario_file"] == str(SCENARIO)
    assert stamp["scenario_sha256"] == SHA256
    assert (stamp["seed"], stamp["samples"], stamp["sampler"]) == (42, 128, "mc")
    assert stamp["overrides"] == {"geometry.buffer_width_km": 7.0}
    assert set(stamp["libraries"]) == {"python", "numpy", "scipy"}


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_check_stamps_its_claims(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, "check", str(SCENARIO), *SETTINGS, *OVERRIDE, "--format", fmt)
    assert_stamp(text)


def test_a_written_file_carries_the_stamp(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert (
        main(["run", str(SCENARIO), *SETTINGS, *OVERRIDE, "--format", "csv", "-o", str(out)]) == 0
    )
    assert_csv_stamp(out.read_text(encoding="utf-8"))


def test_the_app_downloads_carry_the_stamp() -> None:
    from forcecalc.app import texts
    from forcecalc.report.render import render_run

    text = texts.read_upload(SCENARIO.read_bytes(), SCENARIO.name)
    result = texts.run_text(text.text, text.name, 128, 42, "mc")
    stamp = json.loads(render_run(result, "json"))["provenance"]
    assert stamp["scenario_sha256"] == SHA256
    assert (stamp["seed"], stamp["samples"], stamp["sampler"]) == (42, 128, "mc")
    assert SHA256 in render_run(result, "csv").splitlines()[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sources_names_the_version_and_the_scenario(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = output(capsys, "sources", str(SCENARIO), "--format", fmt)
    if fmt == "json":
        stamp = json.loads(text)["provenance"]
        assert stamp == {
            "version": forcecalc.__version__,
            "scenario_file": str(SCENARIO),
            "scenario_sha256": SHA256,
        }
        return
    assert f"forcecalc {forcecalc.__version__}" in text and f"sha256 {SHA256[:16]}" in text
