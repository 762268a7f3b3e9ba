"""The planner app, driven headless with ``streamlit.testing.v1.AppTest``.

The app runs at 2,048 samples here (the sidebar's control) to keep the suite quick; every
number it shows is compared with the library's result for the same settings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forcecalc import cli, parse_scenario, planner, run
from forcecalc.app import PASTE, UPLOAD, figure_key
from forcecalc.planner import read_shipped, shipped_scenarios
from forcecalc.render import fmt_number
from forcecalc.resources import DEFAULT_SCENARIO
from forcecalc.sampling import DEFAULT_SEED

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SAMPLES = 2048
SEED_000 = "seed-000-buffer-zone.yaml"
BUFFER = "geometry.buffer_width_km"


def start() -> AppTest:
    """The app after its first run, switched to the test's sample count."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    at.select_slider(key="samples").set_value(SAMPLES).run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """The headline metrics as shown: label → value text."""
    return {m.label: m.value for m in at.metric}


def shown_p50(result_metric: float, unit: str = "personnel") -> str:
    return fmt_number(result_metric, unit)


def library(name: str, overrides: dict[str, float] | None = None):
    """The library's result for a shipped scenario at the test's settings."""
    return run(read_shipped(name).parse(), SAMPLES, DEFAULT_SEED, overrides=overrides).summary


@pytest.fixture(scope="module")
def app() -> AppTest:
    return start()


def test_the_app_starts_on_the_default_scenario() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.selectbox(key="shipped").value == DEFAULT_SCENARIO
    summary = run(read_shipped(DEFAULT_SCENARIO).parse()).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


@pytest.mark.parametrize("name", list(shipped_scenarios()))
def test_every_shipped_scenario_shows_the_librarys_headline(app: AppTest, name: str) -> None:
    app.selectbox(key="shipped").set_value(name).run()
    assert not app.exception
    assert not app.error
    summary = library(name)
    shown = metrics(app)
    assert shown["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)
    assert shown["Committed (P50)"] == shown_p50(summary.metrics["committed"].p50)
    assert shown["Troops per km (P50)"] == fmt_number(
        summary.metrics["deployed_per_km"].p50, "troops_per_km"
    )
    assert app.title[0].value == read_shipped(name).parse().name


def test_changing_a_figure_moves_the_headline_as_the_library_says() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    before = metrics(at)["Deployed (P50)"]
    at.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).set_value(10)
    at.run()
    assert not at.exception
    assert not at.error
    summary = library(SEED_000, {BUFFER: 10})
    deployed = summary.metrics["deployed"].p50
    shown = metrics(at)
    assert shown["Deployed (P50)"] == shown_p50(deployed)
    assert shown["Deployed (P50)"] != before
    assert deployed > library(SEED_000).metrics["deployed"].p50  # police scale with the area
    assert any("1 figure(s) edited" in i.value for i in at.info)
    delta = next(m for m in at.metric if m.label == "Deployed (P50)").delta
    assert delta.startswith("+") and delta.endswith("vs scenario")


def test_reset_brings_back_the_scenarios_values() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    before = metrics(at)
    at.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).set_value(10)
    at.run()
    assert metrics(at) != before
    at.button(key="reset").click().run()
    assert not at.exception
    assert metrics(at) == before
    assert at.number_input(key=figure_key(read_shipped(SEED_000), 1, BUFFER, "value")).value == 5


def test_an_invalid_edit_shows_the_loaders_message_and_the_app_keeps_working() -> None:
    at = start()
    key = figure_key(read_shipped(DEFAULT_SCENARIO), 0, "geometry.front_length_km", "high")
    at.number_input(key=key).set_value(900).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "at geometry.front_length_km.high: got 900 with low 1040; expected high above low" in (
        message
    )
    summary = library(DEFAULT_SCENARIO)
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


BAD = read_shipped(DEFAULT_SCENARIO).text.replace("low: 1040", "low: -1040")


def loader_message(text: str, name: str) -> str:
    try:
        parse_scenario(text, name)
    except ValueError as exc:
        return str(exc)
    raise AssertionError("the loader accepted a bad scenario")


def test_a_bad_upload_shows_the_loaders_one_line_error_and_no_exception() -> None:
    at = start()
    if not hasattr(at, "file_uploader"):  # pragma: no cover - AppTest of an older Streamlit
        pytest.skip("this Streamlit's AppTest cannot drive st.file_uploader")
    at.radio(key="origin").set_value(UPLOAD).run()
    at.file_uploader(key="upload").upload("bad.yaml", BAD.encode(), "application/x-yaml")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [loader_message(BAD, "bad.yaml")]
    assert "bad.yaml:" in at.error[0].value and "front_length_km.low" in at.error[0].value
    assert "Deployed (P50)" in metrics(at)  # falls back to the shipped scenario


def test_a_good_upload_is_run() -> None:
    at = start()
    if not hasattr(at, "file_uploader"):  # pragma: no cover - AppTest of an older Streamlit
        pytest.skip("this Streamlit's AppTest cannot drive st.file_uploader")
    at.radio(key="origin").set_value(UPLOAD).run()
    text = read_shipped(SEED_000).text
    at.file_uploader(key="upload").upload("mine.yaml", text.encode(), "application/x-yaml")
    at.run()
    assert not at.exception and not at.error
    summary = run(parse_scenario(text, "mine.yaml"), SAMPLES, DEFAULT_SEED).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


def test_a_bad_paste_shows_the_error_and_a_good_one_is_run() -> None:
    at = start()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value("name: [unclosed").run()
    assert not at.exception
    assert [e.value for e in at.error] == [loader_message("name: [unclosed", "pasted.yaml")]
    at.text_area(key="paste").set_value(read_shipped(SEED_000).text).run()
    assert not at.exception and not at.error
    assert at.title[0].value == read_shipped(SEED_000).parse().name


def test_the_downloaded_yaml_round_trips_and_forcecalc_run_gives_the_same_numbers(
    tmp_path: Path,
) -> None:
    at = start()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    at.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).set_value(10)
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Scenario YAML (1 edited figures") for label in labels)
    assert "Results CSV" in labels and "Results JSON (with provenance)" in labels
    text = at.code[0].value
    scenario = parse_scenario(text, "edited.yaml")
    figure = scenario.figures[BUFFER]
    assert figure.dist.value == 10
    assert figure.note.startswith("[edited in the planner app; scenario value: 5]")
    assert "000_fd3776af069ded84#buffer-width" in figure.source.reason
    path = tmp_path / "seed-000-buffer-zone-edited.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    argv = ["run", str(path), "--samples", str(SAMPLES), "--format", "json", "-o", str(out)]
    assert cli.main(argv) == 0
    deployed = json.loads(out.read_text())["metrics"]["deployed"]["p50"]
    assert metrics(at)["Deployed (P50)"] == shown_p50(deployed)
    assert deployed == library(SEED_000, {BUFFER: 10}).metrics["deployed"].p50


def test_the_seed_is_a_visible_control_that_changes_the_numbers() -> None:
    at = start()
    before = metrics(at)["Deployed (P50)"]
    at.number_input(key="seed").set_value(7).run()
    assert not at.exception
    summary = run(read_shipped(DEFAULT_SCENARIO).parse(), SAMPLES, 7).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50) != before


def test_the_sources_table_lists_every_figure_with_quote_and_gloss() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    table = at.dataframe[-1].value
    scenario = read_shipped(SEED_000).parse()
    assert list(table["figure"]) == list(scenario.figures)
    row = table[table["figure"] == BUFFER].iloc[0]
    assert row["source"] == "000_fd3776af069ded84#buffer-width"
    assert row["quote"] and row["gloss"]


def test_the_tornado_and_the_sweep_are_drawn_from_the_library() -> None:
    at = start()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 8  # breakdown ×2, distribution, tornado, sweep, comparison, precedents ×2
    captions = " ".join(c.value for c in at.caption)
    tornado = planner.tornado_text(*_text(DEFAULT_SCENARIO))
    baseline = next(t for t in tornado.tornadoes if t.output == "deployed").baseline
    assert f"all-medians deployed, {fmt_number(baseline, 'personnel')}" in captions
    assert "At each value geometry.front_length_km is fixed" in captions


def test_a_sweep_outside_the_domain_shows_the_error_and_no_exception() -> None:
    at = start()
    at.number_input(key="sweep_from|geometry.front_length_km").set_value(-100).run()
    assert not at.exception
    assert any("geometry.front_length_km: got -100" in e.value for e in at.error)
    assert "Deployed (P50)" in metrics(at)


def _text(name: str) -> tuple[str, str]:
    shipped = read_shipped(name)
    return shipped.text, shipped.name
