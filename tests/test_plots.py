"""``--plot FILE.svg|png`` and the chart definitions of :mod:`forcecalc.report.charts`
(shared by the app, ``--plot`` and ``forcecalc report``), and the 2-D sweep's pivot table."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from forcecalc.cli import command as cli
from forcecalc.core.runner import run
from forcecalc.report import charts
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

pytest.importorskip("vl_convert", reason="vl-convert-python is not installed")

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REASSURANCE = SCENARIOS / "reassurance-force.yaml"
BUFFER_ZONE = SCENARIOS / "seed-000-buffer-zone.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}svg"


def forcecalc(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def svg_root(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag == SVG
    return root


def texts(root: ET.Element) -> str:
    return " ".join(t for t in root.itertext())


def test_run_plot_draws_the_distribution_with_the_pledged_total(capsys, tmp_path) -> None:
    out = tmp_path / "dist.svg"
    code, table, err = forcecalc(
        capsys, "run", str(REASSURANCE), "--samples", "1024", "--plot", str(out)
    )
    assert code == 0, err
    assert "deployed" in table  # the table is still printed
    shown = texts(svg_root(out))
    assert "Distribution of deployed" in shown and charts.PLEDGED in shown


def test_the_distribution_marks_the_pledged_p50_only_where_there_are_pledges() -> None:
    result = run(load_scenario(REASSURANCE), samples=1024)
    spec = charts.distribution_chart(result, "deployed")
    marks = {m["statistic"]: m["value"] for m in spec["layer"][1]["data"]["values"]}
    assert marks[charts.PLEDGED] == result.summary.metrics["pledged"].p50
    assert marks["P50"] == result.summary.metrics["deployed"].p50
    bins = spec["layer"][0]["data"]["values"]
    assert sum(b["share"] for b in bins) == pytest.approx(1.0)
    none = charts.distribution_chart(run(load_scenario(BUFFER_ZONE), samples=256), "deployed")
    assert charts.PLEDGED not in {m["statistic"] for m in none["layer"][1]["data"]["values"]}


def test_a_png_plot_is_a_png(capsys, tmp_path) -> None:
    out = tmp_path / "tornado.PNG"
    code, _, err = forcecalc(capsys, "sensitivity", "--plot", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_the_tornado_plot_shows_every_output_and_its_largest_driver(capsys, tmp_path) -> None:
    out = tmp_path / "tornado.svg"
    code, _, err = forcecalc(capsys, "sensitivity", "--plot", str(out))
    assert code == 0, err
    shown = texts(svg_root(out))
    assert "Drivers of deployed" in shown and "Drivers of committed" in shown


@pytest.mark.parametrize(
    ("name", "expected"),
    [("chart.gif", "got the extension '.gif'"), ("chart", "got no extension")],
)
def test_an_unknown_extension_is_one_line_before_any_work(capsys, tmp_path, name, expected):
    code, out, err = forcecalc(capsys, "run", "--plot", str(tmp_path / name))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and "--plot" in err
    assert not (tmp_path / name).exists()


def test_without_vl_convert_plot_says_how_to_install_it(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # `import vl_convert` fails as if absent
    code, out, err = forcecalc(capsys, "run", "--plot", str(tmp_path / "a.svg"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "vl-convert" in err and "pip install" in err


def test_plot_never_writes_over_the_scenario(capsys, tmp_path) -> None:
    scenario = tmp_path / "mine.svg"  # a scenario file that happens to end in .svg
    scenario.write_text(Path(default_scenario()).read_text(encoding="utf-8"), encoding="utf-8")
    before = scenario.read_bytes()
    code, _, err = forcecalc(
        capsys, "run", str(scenario), "--samples", "64", "--plot", str(scenario)
    )
    assert code == 2 and "input" in err
    assert scenario.read_bytes() == before


def test_only_the_tornado_has_a_plot(capsys, tmp_path) -> None:
    code, _, err = forcecalc(
        capsys, "sensitivity", "--method", "rank", "--plot", str(tmp_path / "r.svg")
    )
    assert code == 2 and "--method tornado" in err and err.count("\n") == 1


def test_a_one_figure_sweep_plot_is_a_line_with_its_band(capsys, tmp_path) -> None:
    out = tmp_path / "sweep.svg"
    argv = ["sweep", "--vary", "geometry.front_length_km=500:2500:5", "--samples", "256"]
    code, _, err = forcecalc(capsys, *argv, "--plot", str(out))
    assert code == 0, err
    assert "committed against geometry.front_length_km" in texts(svg_root(out))
    result_spec = charts.sweep_spec(
        [{"value": 1.0, "p5": 1.0, "p50": 2.0, "p95": 3.0}], "x", "km", "deployed"
    )
    assert [layer["mark"]["type"] for layer in result_spec["layer"]] == ["area", "line"]


TWO_D = [
    "sweep",
    "--vary",
    "geometry.buffer_width_km=1:40:3",
    "--vary",
    "geometry.front_length_km=600:3700:4",
    "--samples",
    "256",
]


def test_a_two_figure_sweep_plot_is_a_heatmap(capsys, tmp_path) -> None:
    out = tmp_path / "heat.png"
    code, _, err = forcecalc(capsys, *TWO_D, "--plot", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(PNG_MAGIC)
    out_svg = tmp_path / "heat.svg"
    assert forcecalc(capsys, *TWO_D, "--plot", str(out_svg))[0] == 0
    assert "P50 over geometry.buffer_width_km" in texts(svg_root(out_svg))


def test_a_two_figure_sweep_table_is_a_pivot_of_the_json_p50s(capsys) -> None:
    code, table, err = forcecalc(capsys, *TWO_D)
    assert code == 0, err
    points = json.loads(forcecalc(capsys, *TWO_D, "--format", "json")[1])["points"]
    lines = table.splitlines()
    header = next(line for line in lines if "\\" in line)
    assert header.split()[-4:] == ["600", "1,633.33", "2,666.67", "3,700"]
    start = lines.index("committed P50 [personnel]")
    rows = [line.split() for line in lines[start + 1 : start + 4]]
    assert [r[0] for r in rows] == ["1", "20.5", "40"]  # one row per buffer width
    for row in rows:
        for cell, front in zip(
            row[1:], (600, 3100 / 3 + 600, 2 * 3100 / 3 + 600, 3700), strict=True
        ):
            point = next(
                p for p in points if p["coordinates"] == pytest.approx([float(row[0]), front])
            )
            assert cell == f"{point['bands']['committed']['p50']:,.0f}"
    assert len(lines) < 30  # not one line per point
    csv_lines = forcecalc(capsys, *TWO_D, "--format", "csv")[1].splitlines()
    assert sum(1 for line in csv_lines if not line.startswith("#")) == 1 + 12  # long, as before


def test_timeline_plot_is_the_fan_chart(capsys, tmp_path) -> None:
    out = tmp_path / "fan.svg"
    code, _, err = forcecalc(
        capsys, "timeline", str(REASSURANCE), "--samples", "256", "--plot", str(out)
    )
    assert code == 0, err
    assert "against available" in texts(svg_root(out))


def test_heatmap_cells_tile_the_grid_without_gaps() -> None:
    rows = [{"x": x, "y": y, "p50": x * y} for x in (1.0, 2.0, 4.0) for y in (10.0, 20.0)]
    cells = charts.heatmap_spec(rows, "x", "y", "deployed")["layer"][0]["data"]["values"]
    xs = sorted({(c["x0"], c["x1"]) for c in cells})
    assert xs == [(0.5, 1.5), (1.5, 3.0), (3.0, 5.0)]
    assert all(c["x0"] < c["x"] < c["x1"] and c["y0"] < c["y"] < c["y1"] for c in cells)


def test_charts_drop_rows_that_are_not_finite() -> None:
    spec = charts.band_spec(
        [
            {"task": "a", "p5": 1.0, "p50": 2.0, "p95": float("inf")},
            {"task": "b", "p5": 1.0, "p50": 2.0, "p95": 3.0},
        ],
        "task",
        "t",
    )
    assert [r["task"] for r in spec["data"]["values"]] == ["b"]
    json.dumps(spec, allow_nan=False)  # valid JSON for any Vega-Lite renderer


def test_plot_with_from_is_refused_not_ignored(capsys, tmp_path) -> None:
    code, out, err = forcecalc(
        capsys, "run", "--from", str(tmp_path / "r.json"), "--plot", str(tmp_path / "a.svg")
    )
    assert code == 2 and out == "" and "--plot" in err and "--from" in err
