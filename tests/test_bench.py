"""The benchmark harness (benchmarks/bench.py) on tiny sizes: its JSON, its table, and the checks
that make a comparison of different models fail. Nothing here is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from forcecalc.core import distributions as fd

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

sq = pytest.importorskip("squigglepy")

import bench  # noqa: E402
import bench_squiggle  # noqa: E402
import bench_table  # noqa: E402
from bench_harness import Mismatch  # noqa: E402

ROW_KEYS = {"id", "section", "name", "display", "value", "target", "met", "detail"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    sections = "exact,squigglepy,summaries,kernel"
    assert bench.main(["--tiny", "--only", sections, "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_json_holds_every_row_with_its_target_and_verdict(results: dict) -> None:
    assert results["errors"] == {}
    assert results["meta"]["preset"] == "tiny"
    assert results["meta"]["sections"] == ["exact", "squigglepy", "summaries", "kernel"]
    ids = [row["id"] for row in results["rows"]]
    assert len(ids) == len(set(ids))
    assert {
        "exact_quantiles",
        "squigglepy_samples_per_s_mc",
        "squigglepy_quantiles",
        "summaries_vs_percentile",
        "kernel_bandwidth",
    } <= set(ids)
    for row in results["rows"]:
        assert set(row) == ROW_KEYS
        assert row["met"] in (True, False, None)
        assert row["value"] is None or isinstance(row["value"], float)
        assert row["display"] and row["target"]
    mc = next(r for r in results["rows"] if r["id"] == "squigglepy_samples_per_s_mc")
    assert mc["value"] > 0 and mc["target"].startswith("≥ 1.5×")


def test_the_table_has_a_line_per_row(results: dict) -> None:
    table = bench_table.markdown(results).splitlines()
    body = [line for line in table if line.startswith("| ") and "---" not in line][1:]
    assert len(body) == len(results["rows"])
    assert all(line.count(" | ") >= 3 for line in body)


def test_the_exact_quantiles_come_from_the_scenario_figures() -> None:
    exact = bench_squiggle.exact_committed()
    # rate 20 to 40 per km and front 1,040 to 1,250 km, both lognormal 90% intervals
    assert exact.median == pytest.approx((20 * 40 * 1040 * 1250) ** 0.5 * 1.238 * 2.5)
    assert exact.quantile(0.5) == pytest.approx(exact.median)
    assert exact.quantile(0.05) < exact.median < exact.quantile(0.95)
    bench_squiggle.check_model_is_the_product(256)  # raises if the model were not the product


def test_a_squigglepy_model_with_other_distributions_is_refused(monkeypatch) -> None:
    right = bench_squiggle.squiggle_dist
    assert bench_squiggle.check_inputs_agree(20_000)  # the derived model draws the same inputs

    def lognormal_pledges(module, path: str):
        dist = bench_squiggle.SCENARIO.figures[path].dist
        if isinstance(dist, fd.Uniform):  # the old benchmark's sq.to(5000, 10000)
            return sq.to(dist.low, dist.high)
        return right(module, path)

    monkeypatch.setattr(bench_squiggle, "squiggle_dist", lognormal_pledges)
    with pytest.raises(Mismatch, match="draw different distributions"):
        bench_squiggle.check_inputs_agree(20_000)


def test_the_readme_table_is_replaced_between_its_markers(tmp_path: Path) -> None:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    assert bench_table.START in readme.read_text(encoding="utf-8")
    copy = tmp_path / "README.md"
    copy.write_text(f"before\n{bench_table.START}\nold\n{bench_table.END}\nafter\n")
    bench_table.replace_in_readme(copy, "| new |\n")
    assert copy.read_text() == f"before\n{bench_table.START}\n| new |\n{bench_table.END}\nafter\n"


@pytest.mark.parametrize(("ratio", "met"), [(1.7, False), (1.999, False), (2.0, True), (2.5, True)])
def test_a_clear_win_is_called_met_only_from_two_times(ratio: float, met: bool) -> None:
    """Audit (carried from the old harness): 1.7× was once called a clear QMC win; the
    time-to-accuracy row is met only at ≥ 2×."""
    from bench_harness import at_least

    assert at_least(ratio, 2.0) is met


def test_a_numpy_verdict_is_recorded_as_a_json_bool() -> None:
    """A verdict computed with numpy (np.bool_) once reached the JSON as the string "True"."""
    import numpy as np
    from bench_harness import PRESETS, Recorder, Row

    rec = Recorder(PRESETS["tiny"])
    row = rec.add(Row("x", "s", "x", "1×", 1.0, "≥ 1×", np.float64(2.0) >= 1.0, {}))
    assert row.met is True
    assert json.loads(json.dumps(rec.as_json(), default=str))["rows"][0]["met"] is True
