"""Spreadsheet-ready outputs, the shortfall, ``--percentiles`` and one ``run`` for any size
(issue 13, items 3, 4 and 5)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forcecalc import load_scenario, run
from forcecalc.app.headline import headlines, shortfall_headlines
from forcecalc.cli import main
from forcecalc.core import shortfall
from forcecalc.core.chunked import run_chunked, run_sized
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import evaluate
from forcecalc.core.sampling import sample
from forcecalc.core.sustainment import restricted_coverage
from forcecalc.report import bands
from forcecalc.report.bands import parse_percentiles
from forcecalc.report.render import render_run
from forcecalc.scenario.loader import parse_scenario
from tests.strategies import sustained_scenarios
from tests.test_covers_analysis import COVERED, UNCOVERED

ROOT = Path(__file__).resolve().parents[1]
REASSURANCE = str(ROOT / "scenarios" / "reassurance-force.yaml")
DEFAULT = str(ROOT / "scenarios" / "seed-001-basic-ceasefire.yaml")
SMALL = ["--samples", "512", "--seed", "3"]


def _cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# CSV: one table, its header first


def test_run_csv_reads_with_pandas_defaults(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    assert main(["run", REASSURANCE, *SMALL, "-o", str(out)]) == 0
    assert not out.read_text(encoding="utf-8").startswith("#")
    frame = pd.read_csv(out)
    assert list(frame.columns[:7]) == ["section", "name", "unit", "p5", "p50", "p95", "mean"]
    assert {"seed", "sampler", "samples", "scenario_sha256"} <= set(frame.columns)
    assert (frame["seed"] == 3).all() and (frame["samples"] == 512).all()
    result = run(load_scenario(REASSURANCE), samples=512, seed=3)
    deployed = frame[(frame.section == "Totals") & (frame.name == "deployed")]
    assert deployed["p50"].item() == result.summary.metrics["deployed"].p50
    gap = frame[frame.name == f"pledged short of deployed: {bands.GAP_LABEL}"]
    short = frame[frame.name == f"pledged short of deployed: {bands.SHORTFALL_LABEL}"]
    s = result.summary.shortfalls["pledged_vs_deployed"]
    assert gap["p50"].item() == s.gap.p50
    assert (short["p5"].item(), short["mean"].item()) == (s.shortfall.p5, s.shortfall.mean)


@pytest.mark.parametrize(
    "argv",
    [
        ["sources", REASSURANCE],
        ["check", REASSURANCE, DEFAULT, "--samples", "256"],
        ["sweep", DEFAULT, "--vary", "geometry.front_length_km=600:1200:3", "--samples", "256"],
        ["sensitivity", DEFAULT, "--method", "rank", "--samples", "256"],
        ["missions", "--sources"],
        ["backtest"],  # several tables: one, with a ``table`` column
        ["timeline", str(ROOT / "tests" / "timeline" / "timeline.yaml"), "--samples", "128"],
    ],
)
def test_every_csv_is_one_table_with_its_header_first(argv, capsys) -> None:
    code, out, _ = _cli([*argv, "--format", "csv"], capsys)
    assert code in (0, 1)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "section" and not out.startswith("#")
    assert {len(r) for r in rows} == {len(rows[0])}  # one table: every row as wide as the header
    assert rows[0].count("section") == 1 and all(r[:1] != ["section"] for r in rows[1:])
    assert len(pd.read_csv(io.StringIO(out))) == len(rows) - 1


# --------------------------------------------------------------------------------------------
# xlsx


def test_xlsx_has_the_table_and_a_provenance_sheet(tmp_path: Path) -> None:
    csv_file, book_file = tmp_path / "run.csv", tmp_path / "run.xlsx"
    assert main(["run", REASSURANCE, *SMALL, "-o", str(csv_file)]) == 0
    assert main(["run", REASSURANCE, *SMALL, "-o", str(book_file)]) == 0
    book = openpyxl.load_workbook(book_file)
    assert book.sheetnames == ["Results", "Provenance"]
    rows = list(book["Results"].iter_rows(values_only=True))
    frame = pd.read_csv(csv_file)
    assert list(rows[0]) == list(frame.columns[:7])
    assert len(rows) - 1 == len(frame)
    p5 = [None if pd.isna(v) else pytest.approx(v, rel=1e-15) for v in frame["p5"]]
    assert [r[3] for r in rows[1:]] == p5  # numbers as numbers, to Excel's 16 digits
    provenance = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["seed"] == "3" and provenance["samples"] == "512"
    assert provenance["scenario_sha256"] == frame["scenario_sha256"][0]


def test_xlsx_to_the_terminal_is_refused(capsys) -> None:
    code, out, err = _cli(["run", DEFAULT, *SMALL, "--format", "xlsx"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--output FILE.xlsx" in err


def test_xlsx_without_openpyxl_names_the_extra(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` fails as if absent
    code = main(["run", DEFAULT, *SMALL, "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert 'pip install "forcecalc[xlsx]"' in err
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------------------------
# The format follows --output's extension


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.json", lambda text: json.loads(text)["provenance"]["seed"] == 3),
        ("r.md", lambda text: text.startswith("## ")),
        ("r.csv", lambda text: text.startswith("section,name,unit,")),
        ("r.txt", lambda text: "  name " in text.splitlines()[2]),
        ("r.out", lambda text: "  name " in text.splitlines()[2]),  # unknown: --format's default
    ],
)
def test_the_format_follows_the_extension(tmp_path: Path, name, check) -> None:
    out = tmp_path / name
    assert main(["run", DEFAULT, *SMALL, "-o", str(out)]) == 0
    assert check(out.read_text(encoding="utf-8"))


def test_format_given_wins_where_the_extension_says_none(tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    assert main(["run", DEFAULT, *SMALL, "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["scenario"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "json", "-o", "x.csv"],
        ["-o", "x.csv", "--format", "json"],  # either order
        ["--format", "markdown", "-o", "x.xlsx"],
    ],
)
def test_a_contradiction_is_one_line_and_exit_2(tmp_path: Path, argv, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["run", DEFAULT, *SMALL, *argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "expected --format" in err
    assert not list(tmp_path.iterdir())


def test_an_extension_the_command_cannot_write_is_refused(tmp_path: Path, capsys) -> None:
    code = main(["check", DEFAULT, "-o", str(tmp_path / "c.json")])
    assert code == 2
    assert "expected a format of this command" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Shortfall


def test_the_shortfall_is_required_minus_pledged_by_sample() -> None:
    result = run(parse_scenario(UNCOVERED, "u.yaml"), samples=1024, seed=2)
    o = result.outcome
    assert np.array_equal(o.gaps["pledged_vs_deployed"], o.deployed - o.pledged)
    assert np.array_equal(o.gaps["pledged_vs_committed"], o.committed - o.pledged)
    assert np.array_equal(o.gaps["pool_vs_deployed"], o.deployed - o.pool_sustainable)
    s = result.summary.shortfalls["pledged_vs_deployed"]
    assert s.p_short == pytest.approx(1 - result.summary.probabilities["p_pledges_suffice"])
    assert s.shortfall.p5 >= 0 and s.shortfall.mean >= s.gap.mean


def test_no_shortfall_when_the_pledges_cover_every_sample() -> None:
    lots = {"force_generation.pledges.Lemuria.personnel": 1e6}
    result = run(parse_scenario(COVERED, "c.yaml"), samples=1024, seed=2, overrides=lots)
    s = result.summary.shortfalls["pledged_vs_committed"]
    assert result.summary.probabilities["p_pledges_suffice"] == 1.0
    assert s.p_short == 0.0
    assert (s.shortfall.p5, s.shortfall.p95, s.shortfall.mean) == (0.0, 0.0, 0.0)
    assert s.gap.p95 < 0  # that many spare


def test_covered_categories_are_compared_as_the_coverage_compares() -> None:
    result = run(parse_scenario(COVERED, "c.yaml"), samples=1024, seed=2)
    o = result.outcome
    military = o.by_category["military"]
    assert np.array_equal(o.gaps["pledged_vs_deployed"], military - o.pledged)  # not monitors
    assert "deployed of military" in json.dumps(
        json.loads(_run_json(COVERED))["shortfalls"]["pledged_vs_deployed"]
    )


def _run_json(text: str) -> str:
    return render_run(run(parse_scenario(text, "c.yaml"), samples=256, seed=1), "json")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=sustained_scenarios(), seed=st.integers(0, 2**32))
def test_short_exactly_where_the_coverage_says_the_pledges_fall_short(scenario, seed) -> None:
    """Pledges or pool, whole force or covered categories: the gap is above 0 where the
    coverage is below 1 (away from ties a float division cannot tell)."""
    fg = scenario.force_generation
    if fg is None or not fg.pledges:
        return
    with np.errstate(divide="ignore", invalid="ignore"):  # the model alone: no result check
        o = evaluate(scenario, sample(scenario, 64, seed).values)
    gap = np.broadcast_to(o.gaps[shortfall.key("pledged", fg.pledge_basis)], (64,))
    coverage = np.broadcast_to(o.pledge_coverage, (64,))
    required = np.broadcast_to(getattr(o, fg.pledge_basis), (64,))
    clear = np.abs(gap) > 1e-9 * np.maximum(np.abs(required), 1.0)
    assert np.array_equal((gap > 0)[clear], (coverage < 1)[clear])


@given(
    supplies=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
    needs=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
    data=st.data(),
)
def test_the_restricted_gap_agrees_with_the_restricted_coverage(supplies, needs, data) -> None:
    cats = [f"c{i}" for i in range(len(needs))]
    covers = [data.draw(st.lists(st.sampled_from(cats), unique=True)) for _ in supplies]
    required = {c: np.float64(n) for c, n in zip(cats, needs, strict=True)}
    each = [np.float64(s) for s in supplies]
    gap = shortfall.restricted_gap(each, covers, required)
    assert (gap <= 0) == (restricted_coverage(each, covers, required) >= 1)
    if not any(covers):  # every supplier fills every category: the whole requirement
        assert gap == sum(needs) - sum(supplies)


def test_the_app_headline_shows_the_pledges_shortfall() -> None:
    result = run(load_scenario(REASSURANCE), samples=512, seed=3)
    [item] = shortfall_headlines(result)
    gap = result.summary.shortfalls["pledged_vs_deployed"].gap
    assert item.label == "Shortfall vs deployed (P50)"
    assert (item.value, item.p5, item.p95) == (gap.p50, gap.p5, gap.p95)
    assert item in headlines(result)
    assert "minus the pledges delivered" in item.meaning
    assert (
        shortfall_headlines(
            run(load_scenario(str(ROOT / "scenarios" / "seed-000-buffer-zone.yaml")), 64)
        )
        == []
    )


# --------------------------------------------------------------------------------------------
# --percentiles


def test_percentiles_choose_the_bands_and_keep_p5_p50_p95(capsys) -> None:
    code, out, _ = _cli(["run", REASSURANCE, *SMALL, "--format", "csv"], capsys)
    plain = pd.read_csv(io.StringIO(out))
    argv = ["run", REASSURANCE, *SMALL, "--format", "csv", "--percentiles", "5,50,80,95"]
    code, out, _ = _cli(argv, capsys)
    chosen = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(chosen.columns[:8]) == [
        *("section", "name", "unit"),
        *("p5", "p50", "p80", "p95", "mean"),
    ]
    for col in ("p5", "p50", "p95", "mean"):
        assert chosen[col].equals(plain[col])
    result = run(load_scenario(REASSURANCE), samples=512, seed=3)
    p80 = chosen[chosen.name == "deployed"]["p80"].item()
    assert p80 == np.percentile(result.outcome.deployed, 80)
    data = json.loads(
        _cli(["run", REASSURANCE, *SMALL, "--format", "json", "--percentiles", "10,90"], capsys)[1]
    )
    assert set(data["metrics"]["deployed"]) >= {"p10", "p90", "p5", "p50", "p95", "mean"}
    assert "p90" in data["shortfalls"]["pledged_vs_deployed"]["gap"]


@pytest.mark.parametrize("text", ["50,5", "5,5", "101", "-1", "", "a,b", "1_0", "nan"])
def test_bad_percentiles_are_refused(text: str) -> None:
    with pytest.raises(ParameterError, match="percentiles"):
        parse_percentiles(text)


def test_bad_percentiles_are_one_line_exit_2(capsys) -> None:
    code = main(["run", "--percentiles", "95,5"])
    assert code == 2 and capsys.readouterr().err.count("\n") == 1


# --------------------------------------------------------------------------------------------
# One run for any size


def test_a_run_that_fits_is_run_itself() -> None:
    scenario = load_scenario(DEFAULT)
    sized = run_sized(scenario, 2048, 7)
    assert sized.summary == run(scenario, 2048, 7).summary
    assert sized.provenance.sampler == "lhs"


def test_a_run_too_big_for_one_piece_is_chunked_by_mc_and_exact() -> None:
    """The same path as 10 million samples of the default scenario (10 figures, 2**24 values at
    once), at a size a test can afford: chunks of 300 samples."""
    scenario = load_scenario(REASSURANCE)
    sized = run_sized(scenario, 5000, 11, at_once=300 * 20)
    whole = run(scenario, 5000, 11, "mc")
    assert sized.provenance.sampler == "mc" and sized.samples.values == {}
    assert sized.summary == whole.summary  # exact percentiles, bit for bit
    for k, v in whole.outcome.gaps.items():
        assert np.array_equal(sized.outcome.gaps[k], v)
    assert list(sized.outcome.by_category) == list(whole.outcome.by_category)


def test_lhs_asked_for_a_chunked_run_says_what_to_use() -> None:
    with pytest.raises(ParameterError, match="mc or sobol above 300 samples"):
        run_sized(load_scenario(DEFAULT), 5000, 1, "lhs", at_once=3000)


def test_run_and_run_large_state_the_same_limit(capsys) -> None:
    for command in ("run", "run-large"):
        code, _, err = _cli([command, "--samples", "0"], capsys)
        assert code == 2
        assert "from 1 to 10,000,000" in err
    code, _, err = _cli(["run", "--samples", "10000001"], capsys)
    assert code == 2 and "from 1 to 10,000,000" in err


def test_run_large_is_run_in_chunks() -> None:
    scenario = load_scenario(DEFAULT)
    large = run_sized(scenario, 3000, 5, chunk_samples=1000)
    assert large.summary == run_chunked(scenario, 3000, 5, "mc", chunk_samples=1000).summary
    assert large.summary == run(scenario, 3000, 5, "mc").summary


@pytest.mark.skipif(not os.environ.get("FORCECALC_SLOW"), reason="a minute: FORCECALC_SLOW=1")
def test_ten_million_samples_through_run(tmp_path: Path) -> None:
    """``forcecalc run --samples 10000000`` (about a minute on a shared 2-core machine)."""
    out = tmp_path / "big.csv"
    assert main(["run", DEFAULT, "--samples", "10000000", "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert (frame["samples"] == 10_000_000).all() and (frame["sampler"] == "mc").all()
