"""Finishing issue 13's outputs: ``run --from`` of a chunked result, ``--percentiles`` on the
commands that print bands, and the picture of the report."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from forcecalc.cli import main
from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.sampling import design_figures
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import scenarios_dir
from tests.test_budgets import many_tasks

REPO = Path(__file__).resolve().parents[1]
REASSURANCE = scenarios_dir() / "reassurance-force.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Environment variable naming where to save the report's screenshot (``docs/report.png``).
REPORT_SCREENSHOT_ENV = "FORCECALC_REPORT_SCREENSHOT"
#: The browser window of the screenshot: its first screen. [px]
SHOT_WIDTH, SHOT_HEIGHT = 1100, 1000
#: Largest picture the README shows. [bytes]
MAX_PICTURE_BYTES = 300_000
FRONT = "geometry.front_length_km"


def test_run_from_re_runs_a_chunked_result_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record too big for one piece (samples × figures over the budget) is re-run the way
    ``run`` ran it, in chunks, and reproduces; before, ``--from`` refused its sample count."""
    monkeypatch.chdir(tmp_path)
    text = many_tasks(200)
    Path("many.yaml").write_text(text, encoding="utf-8")
    samples = 85_000
    assert samples * len(design_figures(parse_scenario(text))) > MAX_VALUES  # it must chunk
    assert (
        main(["run", "many.yaml", "--samples", str(samples), "--format", "json", "-o", "r.json"])
        == 0
    )
    record = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert record["provenance"]["sampler"] == "mc"  # the chunked run's default
    capsys.readouterr()
    assert main(["run", "--from", "r.json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"{samples:,} samples" in out and "numbers: identical" in out


# --------------------------------------------------------------------------------------------
# --percentiles: on run only, and the other commands say why


@pytest.mark.parametrize(
    ("command", "why", "given"),
    [
        ("sweep", "reduces each grid point's samples", ["--vary", f"{FRONT}=600:3700:4"]),
        ("timeline", "reduces each month's samples", []),
        ("goal", "--confidence is the one percentile", ["--pool", "20000", "--solve", FRONT]),
    ],
)
def test_the_commands_without_percentiles_say_why(
    command: str, why: str, given: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Their ``--help`` says why they have no ``--percentiles``; given, it is a usage error."""
    assert main([command, "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "no --percentiles" in shown.lower()
    assert why in shown
    argv = [command, str(REASSURANCE), *given, "--percentiles", "5,80"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--percentiles" in err, err


def test_run_keeps_its_percentiles_and_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(REASSURANCE), "--samples", "256", "--format", "csv"]
    assert main([*argv, "--percentiles", "5,50,80,95"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert all(f",p{q}," in f"{header}," for q in (5, 50, 80, 95)), header
    assert main([*argv, "--percentiles", "80,5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--percentiles" in err and "increasing" in err


# --------------------------------------------------------------------------------------------
# The picture of the report in the README


def report_screenshot_path(tmp_path: Path) -> Path:
    """Where to save the report's screenshot: ``$FORCECALC_REPORT_SCREENSHOT`` (a relative
    path from the checkout's root) if set, else ``tmp_path``."""
    named = os.environ.get(REPORT_SCREENSHOT_ENV, "").strip()
    if not named:
        return tmp_path / "report.png"
    path = Path(named)
    return path if path.is_absolute() else REPO / path


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header. [px]"""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing")
def test_the_report_screenshot_is_its_first_screen(tmp_path: Path) -> None:
    """The first screen of ``forcecalc report scenarios/reassurance-force.yaml`` in Chromium,
    as docs/report.png shows it; refresh that picture with

        FORCECALC_REPORT_SCREENSHOT=docs/report.png python -m pytest tests/test_outputs_finish.py

    (with the command's own settings then; 512 samples otherwise, for speed)."""
    pytest.importorskip("vl_convert", reason="vl-convert-python is not installed")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    target = report_screenshot_path(tmp_path)
    fast = [] if os.environ.get(REPORT_SCREENSHOT_ENV) else ["--samples", "512"]
    page_file = tmp_path / "brief.html"
    assert main(["report", str(REASSURANCE), "-o", str(page_file), *fast]) == 0
    outside: list[str] = []

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if r.request.url == page_file.as_uri():
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": SHOT_WIDTH, "height": SHOT_HEIGHT})
            page.route("**/*", route)
            page.goto(page_file.as_uri(), wait_until="load")
            heading = page.inner_text("h1")
            page.screenshot(path=str(target))
        finally:
            browser.close()
    assert outside == []
    assert "reassurance force" in heading
    data = target.read_bytes()
    assert png_size(data) == (SHOT_WIDTH, SHOT_HEIGHT)
    assert len(data) <= MAX_PICTURE_BYTES


def test_the_readme_shows_the_report_picture() -> None:
    picture = REPO / "docs" / "report.png"
    data = picture.read_bytes()
    assert png_size(data)[0] == SHOT_WIDTH and len(data) <= MAX_PICTURE_BYTES
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/report.png)" in readme
    assert REPORT_SCREENSHOT_ENV in readme
