"""Issue 14, items 5 and 6: the charts fit the page, the exceedance curve is the run's own
(1 − its empirical CDF, never rising), and the Download tab offers the results as xlsx and the
one-page report as HTML, escaping the scenario's name."""

from __future__ import annotations

import html
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from forcecalc.analysis.tornado import tornado
from forcecalc.app.sidebar import UPLOAD
from forcecalc.app.tables import samples_of
from forcecalc.app.texts import read_shipped, run_text
from forcecalc.report import charts, plot
from forcecalc.report.charts_fit import LABEL_LIMIT, MIN_HEIGHT, for_container
from forcecalc.scenario.resources import DEFAULT_SCENARIO

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES, SEED, SAMPLER = 1024, 7, "sobol"
TITLE = "name: Basic ceasefire mission (seed 001)\n"
NAME = 'Ceasefire <b>bold</b> & "quoted" mission'


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """The specs the app hands to ``st.vega_lite_chart`` (under ``charts``) and the data of
    each download button, by its key (AppTest shows neither)."""
    calls: dict[str, object] = {"charts": []}
    real_chart, real_download = st.vega_lite_chart, st.download_button

    def chart(*args: object, **kwargs: object):
        calls["charts"].append(kwargs["spec"])  # type: ignore[union-attr]
        return real_chart(*args, **kwargs)

    def download(label: str, data: object, **kwargs: object):
        calls[str(kwargs.get("key"))] = data
        return real_download(label, data, **kwargs)

    monkeypatch.setattr(st, "vega_lite_chart", chart)
    monkeypatch.setattr(st, "download_button", download)
    yield calls


def start(text: str) -> AppTest:
    """The app on ``text`` uploaded as ``mine.yaml`` at the test's samples, seed and sampler."""
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.select_slider(key="samples").set_value(SAMPLES)
    at.number_input(key="seed").set_value(SEED)
    at.selectbox(key="sampler").set_value(SAMPLER)
    at.radio(key="origin").set_value(UPLOAD).run()
    at.file_uploader(key="upload").upload("mine.yaml", text.encode(), "application/x-yaml")
    at.run()
    assert not at.exception and not at.error
    return at


def shipped() -> str:
    return read_shipped(DEFAULT_SCENARIO).text


def test_the_exceedance_curve_is_one_minus_the_runs_empirical_cdf(captured) -> None:
    text = shipped()
    start(text)
    curves = [s for s in captured["charts"] if str(s.get("title", "")).startswith("Probability")]
    assert curves, [s.get("title") for s in captured["charts"]]
    rows = curves[-1]["layer"][0]["data"]["values"]
    xs = [r["requirement"] for r in rows]
    ps = [r["exceedance"] for r in rows]
    assert len(rows) > 10 and xs == sorted(xs) and len(set(xs)) == len(xs)
    assert all(b <= a for a, b in itertools.pairwise(ps))  # never rises
    result = run_text(text, "mine.yaml", SAMPLES, SEED, SAMPLER)
    values = samples_of(result, "deployed")
    for i in (0, len(rows) // 3, len(rows) // 2, len(rows) - 1):
        assert ps[i] == pytest.approx(1 - np.mean(values <= xs[i]), abs=1e-12)
    assert ps[-1] == 0.0 and xs[-1] == values.max()
    pledged = [layer for layer in curves[-1]["layer"][1:] if layer["mark"]["type"] == "rule"]
    assert pledged and pledged[0]["data"]["values"][0]["value"] == pytest.approx(
        result.summary.metrics["pledged"].p50
    )


def test_exceedance_rows_thin_to_exact_points_and_count_every_sample() -> None:
    values = np.arange(1000.0)
    rows = charts.exceedance_rows(np.append(values, np.nan), max_points=50)
    assert 40 <= len(rows) <= 50 and rows[0]["requirement"] == 0 and rows[-1]["requirement"] == 999
    for r in rows:  # the NaN is a sample too: never at or below any value
        assert r["exceedance"] == pytest.approx(1 - (r["requirement"] + 1) / 1001)
    assert charts.exceedance_rows([np.nan, np.inf]) == []


def test_the_apps_charts_fill_their_container_and_the_files_keep_their_width() -> None:
    result = run_text(shipped(), "mine.yaml", 256, 1, "sobol")
    t = tornado(result.scenario).tornadoes[0]
    spec = charts.tornado_chart(t)
    fitted = for_container(spec)
    assert spec["width"] == charts.WIDTH  # the command line's chart is unchanged
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 420
    assert fitted["width"] == "container" and "height" not in fitted  # rows set its height
    assert fitted["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == LABEL_LIMIT
    tooltip = [f["field"] for f in fitted["layer"][0]["encoding"]["tooltip"]]
    assert "figure" in tooltip  # the full label on hover
    distribution = for_container(charts.distribution_chart(result, "deployed", tooltips=True))
    assert distribution["height"] == MIN_HEIGHT and distribution["width"] == "container"
    formats = {f["field"]: f["format"] for f in distribution["layer"][0]["encoding"]["tooltip"]}
    assert formats == {"start": ",.0f", "end": ",.0f", "share": ".1%"}
    assert "tooltip" not in charts.distribution_chart(result)["layer"][0]["encoding"]


def test_the_xlsx_download_opens_and_holds_the_runs_p50(captured) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is not installed")
    text = shipped()
    start(text)
    data = captured["download_xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    deployed = next(r for r in rows if r["section"] == "Totals" and r["name"] == "deployed")
    result = run_text(text, "mine.yaml", SAMPLES, SEED, SAMPLER)
    assert deployed["p50"] == pytest.approx(result.summary.metrics["deployed"].p50, rel=1e-12)
    assert "Provenance" in book.sheetnames


@pytest.mark.skipif(not plot.available(), reason="vl-convert is not installed")
def test_the_report_download_is_prepared_on_demand_and_escapes_the_name(captured) -> None:
    text = shipped()
    assert text.count(TITLE) == 1
    at = start(text.replace(TITLE, f"name: '{NAME}'\n"))
    assert "download_report" not in captured  # nothing runs until asked
    at.button(key="report_go").click().run()
    assert not at.exception and not at.error
    page = str(captured["download_report"])
    assert page.startswith("<!DOCTYPE html>")
    assert f"<h1>{html.escape(NAME)}</h1>" in page
    assert "<b>bold</b>" not in page
