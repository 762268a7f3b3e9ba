"""The planner app, driven headless with ``streamlit.testing.v1.AppTest``.

The app runs at 2,048 samples here (the sidebar's control) to keep the suite quick; every
number it shows is compared with the library's result for the same settings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from forcecalc import parse_scenario, run
from forcecalc.app import drivers, planner, texts
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.compare_tab import CURRENT
from forcecalc.app.sidebar import PASTE, UPLOAD
from forcecalc.app.texts import ScenarioText, read_shipped, shipped_scenarios
from forcecalc.app.widgets import plain, table_height, whole_numbers
from forcecalc.cli import command as cli
from forcecalc.core import runner
from forcecalc.core.distributions import Interval90, Point
from forcecalc.core.sampling import DEFAULT_SEED
from forcecalc.report.labels import plain_title
from forcecalc.report.render import fmt_number
from forcecalc.scenario.register import default_register
from forcecalc.scenario.resources import DEFAULT_SCENARIO
from tests.hostile import literal

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES = 2048
#: Samples for the test that starts the app on every shipped scenario, to keep it quick.
FEW_SAMPLES = 1024
SEED_000 = "seed-000-buffer-zone.yaml"
BUFFER = "geometry.buffer_width_km"


def start(samples: int = SAMPLES) -> AppTest:
    """The app after its first run, switched to the test's sample count."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    at.select_slider(key="samples").set_value(samples).run()
    assert not at.exception
    return at


def compare_select(at: AppTest):
    """The multiselect of the scenarios to compare (its key follows the scenario shown)."""
    [widget] = [w for w in at.multiselect if str(w.key).startswith("compare|")]
    return widget


def shown_title(name: str) -> str:
    """A shipped scenario's title as the page shows it: "(seed 000)" named by its document."""
    return plain_title(read_shipped(name).parse().name, default_register())


def metrics(at: AppTest) -> dict[str, str]:
    """The headline metrics as shown: label → value text."""
    return {m.label: m.value for m in at.metric}


def shown_p50(result_metric: float, unit: str = "personnel") -> str:
    return fmt_number(result_metric, unit)


def library(name: str, overrides: dict[str, float] | None = None, samples: int = SAMPLES):
    """The library's result for a shipped scenario at the test's settings."""
    return run(read_shipped(name).parse(), samples, DEFAULT_SEED, overrides=overrides).summary


@pytest.fixture(scope="module")
def app() -> AppTest:
    return start(FEW_SAMPLES)


def test_the_app_starts_on_the_default_scenario() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.selectbox(key="shipped").value == DEFAULT_SCENARIO
    summary = run(read_shipped(DEFAULT_SCENARIO).parse()).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


def test_the_published_scenarios_can_be_picked_and_compared(app: AppTest) -> None:
    published = sorted(
        p.relative_to(REPO / "scenarios").as_posix()
        for p in REPO.glob("scenarios/published/*.yaml")
    )
    assert len(published) >= 9
    picker = app.selectbox(key="shipped").options  # "title · file" (the title in words)
    assert set(published) <= {o.rsplit(" · ", 1)[-1] for o in picker}
    assert set(published) <= set(compare_select(app).options)


@pytest.mark.parametrize("name", list(shipped_scenarios()))
def test_every_shipped_scenario_shows_the_librarys_headline(app: AppTest, name: str) -> None:
    app.selectbox(key="shipped").set_value(name).run()
    assert not app.exception
    assert not app.error
    summary = library(name, samples=FEW_SAMPLES)
    shown = metrics(app)
    assert shown["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)
    assert shown["Committed (P50)"] == shown_p50(summary.metrics["committed"].p50)
    assert shown["Deployed per km of front (P50)"] == fmt_number(
        summary.metrics["deployed_per_km"].p50, "troops_per_km"
    )
    title = plain_title(read_shipped(name).parse().name, default_register())  # "seed 001" named
    assert app.title[0].value == plain(title)  # Markdown escaped


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
    assert any("1 figure edited;" in i.value for i in at.info)
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
    message = literal(at.error[0].value)
    assert message.startswith(
        "geometry.front_length_km, high: got 900 with low 1040; expected high above low "
        "(as entered: low 1040, high 900)"
    )
    summary = library(DEFAULT_SCENARIO)
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


@pytest.mark.parametrize(
    ("path", "param", "value", "message"),
    [
        (
            "tasks.line_infantry.rate",
            "high",
            10,
            "tasks.line_infantry.rate, high: got 10 with low 20; expected high above low "
            "(as entered: low 20, high 10)",
        ),
        (
            "force_generation.pledges.Poland.personnel",
            "value",
            500,
            "force_generation.pledges.Poland.personnel: got 500; expected value: 0 for a "
            "contributor that refused (as entered: value 500)",
        ),
    ],
)
def test_an_invalid_edit_is_told_against_the_figure_not_a_file_never_seen(
    path, param, value, message
) -> None:
    """Audit: the error pointed at line and column of the regenerated YAML
    (``seed-001-basic-ceasefire-edited.yaml:31:11: at ...``), a file the user never saw."""
    at = start()
    at.number_input(key=figure_key(read_shipped(DEFAULT_SCENARIO), 0, path, param)).set_value(
        value
    ).run()
    assert not at.exception
    [error] = at.error
    assert literal(error.value).startswith(message)
    assert ".yaml" not in literal(error.value)
    assert "edited" not in literal(error.value).split(" — ")[0]


def test_the_sweep_does_not_offer_a_refused_pledge() -> None:
    """Audit: the Sweep tab offered Poland's pledge (refused in seed 001) to sweep 0 → 1,
    which the library refuses: a refused pledge stays 0."""
    at = start()
    refused = runner.refused_pledges(read_shipped(DEFAULT_SCENARIO).parse())
    assert "force_generation.pledges.Poland.personnel" in refused
    options = at.selectbox(key="sweep_path").options
    assert not any(o.split(" [")[0] in refused for o in options)
    assert "force_generation.pledges.France.personnel [personnel]" in options
    at.selectbox(key="sweep_path").set_value("force_generation.pledges.France.personnel").run()
    assert not at.exception and not at.error
    assert "deployed against force_generation.pledges.France.personnel" in chart_titles(at)


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
    assert [literal(e.value) for e in at.error] == [loader_message(BAD, "bad.yaml")]
    assert "bad.yaml:" in literal(at.error[0].value) and "front_length_km.low" in literal(
        at.error[0].value
    )
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
    assert [literal(e.value) for e in at.error] == [
        loader_message("name: [unclosed", "pasted.yaml")
    ]
    at.text_area(key="paste").set_value(read_shipped(SEED_000).text).run()
    assert not at.exception and not at.error
    assert literal(at.title[0].value) == shown_title(SEED_000)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, dict[str, object]]]:
    """What the app hands to each ``st.download_button``, by widget key: the bytes a user saves.

    AppTest shows a download button's label but not its data, so the test records the call
    and lets the real widget draw.
    """
    calls: dict[str, dict[str, object]] = {}
    real = st.download_button

    def recording(label: str, data: object, **kwargs: object):
        calls[str(kwargs.get("key"))] = {"label": label, "data": data, **kwargs}
        return real(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    yield calls


def test_the_downloaded_yaml_round_trips_and_forcecalc_run_gives_the_same_numbers(
    tmp_path: Path, downloads: dict[str, dict[str, object]]
) -> None:
    at = start()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    at.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).set_value(10)
    at.run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels == [str(downloads[k]["label"]) for k in downloads]
    assert labels[0].startswith("Scenario YAML (1 edited figure,")
    assert labels[1:3] == ["Results CSV", "Results JSON (with provenance)"]
    assert labels[3:] == ["Results xlsx (with a Provenance sheet)"]  # the report: on demand
    yaml_file = downloads["download_yaml"]
    assert yaml_file["file_name"] == "seed-000-buffer-zone-edited.yaml"
    text = yaml_file["data"]
    assert isinstance(text, str)
    assert text.splitlines()[0] == "# yaml-language-server: $schema=scenario.schema.json"
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
    shown_json = json.loads(str(downloads["download_json"]["data"]))
    assert shown_json["metrics"]["deployed"]["p50"] == deployed


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
    assert list(table["key path"]) == list(scenario.figures)  # each figure in words first
    assert list(table.columns[-2:]) == ["key path", "source id"]
    row = table[table["key path"] == BUFFER].iloc[0]
    assert row["figure"] == "Buffer width (km)"
    assert row["source"] == "news report (Croatian; outlet and date not given)"
    assert row["source id"] == "000_fd3776af069ded84#buffer-width"
    assert row["quote"] and row["gloss"]


def chart_titles(at: AppTest) -> set[str]:
    """The titles of the charts on the page (a layered chart's layers share one)."""
    titles: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            title = node.get("title")
            if isinstance(title, str) and ("mark" in node or "layer" in node):
                titles.add(title)
            elif isinstance(title, dict) and isinstance(title.get("text"), str):
                titles.add(title["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in at.get("vega_lite_chart"):
        walk(json.loads(chart.proto.spec))
    return titles


def test_the_tornado_and_the_sweep_are_drawn_from_the_library() -> None:
    at = start()
    assert not at.exception
    assert chart_titles(at) >= {
        "By task",
        "By category",
        "Distribution of deployed",
        "Drivers of deployed",
        "deployed against geometry.front_length_km",
        "Deployed and committed, P5–P95 with P50",
        "Personnel per km of front: this scenario (P5–P95) beside past missions",
    }
    captions = " ".join(literal(c.value) for c in at.caption)
    tornado = drivers.tornado_text(*_text(DEFAULT_SCENARIO))
    baseline = next(t for t in tornado.tornadoes if t.output == "deployed").baseline
    assert f"all-medians deployed, {fmt_number(baseline, 'personnel')}" in captions
    assert "At each value geometry.front_length_km is fixed" in captions


def test_a_sweep_outside_the_domain_shows_the_error_and_no_exception() -> None:
    at = start()
    at.number_input(key="sweep_from|geometry.front_length_km").set_value(-100).run()
    assert not at.exception
    assert any("Sweep geometry.front_length_km: got -100" in literal(e.value) for e in at.error)
    assert not any("--" in literal(e.value) for e in at.error)
    assert "Deployed (P50)" in metrics(at)


def _text(name: str) -> tuple[str, str]:
    shipped = read_shipped(name)
    return shipped.text, shipped.name


# --------------------------------------------------------------------------------------------
# Errors: expected ones are one line and the app keeps working, with the last good scenario

VALID_BASE = (REPO / "tests" / "bad_inputs" / "valid-base.yaml").read_text(encoding="utf-8")


def test_a_bad_paste_keeps_the_last_good_scenario_with_its_edits() -> None:
    at = start()
    at.radio(key="origin").set_value(PASTE).run()
    good = read_shipped(SEED_000).text
    at.text_area(key="paste").set_value(good).run()
    key = figure_key(ScenarioText(good, "pasted.yaml"), 0, BUFFER, "value")
    at.number_input(key=key).set_value(10).run()
    edited = metrics(at)
    at.text_area(key="paste").set_value(BAD).run()
    assert not at.exception
    assert [literal(e.value) for e in at.error] == [loader_message(BAD, "pasted.yaml")]
    assert literal(at.title[0].value) == shown_title(SEED_000)  # not the shipped pick
    assert at.number_input(key=key).value == 10
    assert metrics(at) == edited
    deployed = library(SEED_000, {BUFFER: 10}).metrics["deployed"].p50
    assert metrics(at)["Deployed (P50)"] == shown_p50(deployed)
    assert any(
        "Showing pasted.yaml until the file is fixed" in literal(c.value) for c in at.caption
    )


def test_an_upload_with_a_400_digit_number_shows_the_loaders_error() -> None:
    at = start()
    at.radio(key="origin").set_value(UPLOAD).run()
    text = VALID_BASE.replace("crew: {value: 8,", "crew: {value: 1" + "0" * 400 + ",")
    at.file_uploader(key="upload").upload("huge.yaml", text.encode(), "application/x-yaml")
    at.run()
    assert not at.exception
    assert [literal(e.value) for e in at.error] == [loader_message(text, "huge.yaml")]
    assert "tasks.observers.crew" in literal(at.error[0].value)
    assert "Deployed (P50)" in metrics(at)


def test_a_bug_in_the_loader_is_reported_as_one_and_the_app_keeps_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = start()
    shown = metrics(at)

    def broken(data: bytes, name: str) -> ScenarioText:
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(texts, "read_upload", broken)
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(VALID_BASE).run()
    assert not at.exception
    assert [literal(e.value) for e in at.error] == [
        "pasted.yaml: internal error (a bug in forcecalc, not in your file): "
        "OverflowError: int too large to convert to float"
    ]
    assert metrics(at) == shown


def test_too_many_samples_for_a_big_scenario_is_a_one_line_error_not_a_crash() -> None:
    pledges = "".join(
        f"    - contributor: C{i}\n      personnel: {{low: 1, high: 2, assumption: a}}\n"
        for i in range(70)
    )
    text = VALID_BASE.replace("  pledges:\n", "  pledges:\n" + pledges)
    n_figures = len(parse_scenario(text, "pasted.yaml").uncertain)  # points draw nothing
    at = start()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(text).run()
    assert not at.exception and not at.error
    at.select_slider(key="samples").set_value(2**18).run()
    assert not at.exception
    expected = (
        f"Samples (sidebar): got 262,144 for a scenario of {n_figures} uncertain figures; "
        "expected at most"
    )
    assert at.error and all(expected in literal(e.value) for e in at.error)
    assert all("\n" not in literal(e.value) for e in at.error)
    assert not at.metric
    at.select_slider(key="samples").set_value(SAMPLES).run()  # and the app keeps working
    assert not at.exception and not at.error
    deployed = run(parse_scenario(text, "pasted.yaml"), SAMPLES, DEFAULT_SEED).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(deployed.metrics["deployed"].p50)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("refused", [True, False], ids=["refused", "returned"])
def test_a_figure_too_extreme_to_run_does_not_break_the_page(
    monkeypatch: pytest.MonkeyPatch, refused: bool
) -> None:
    """An infinite result, refused by the library (a one-line error) or returned: no crash.

    The loader bounds every figure, so the extreme value is put in behind its back; "returned"
    turns off the runner's check, so every panel meets infinite numbers.
    """
    path = "geometry.front_length_km"
    if not refused:
        monkeypatch.setattr(runner, "check_finite", lambda *args: None, raising=False)

    def extreme(text: str, name: str, samples: int, seed: int, sampler: str):
        scenario = parse_scenario(text, name)
        figure = replace(scenario.figures[path], dist=Point(1e308))
        return run(replace(scenario, figures={**scenario.figures, path: figure}), samples, seed)

    at = start()
    monkeypatch.setattr(texts, "run_text", extreme)
    seed = 4242 if refused else 4244  # seeds no other test has cached
    at.number_input(key="seed").set_value(seed).run()
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert all("\n" not in e for e in errors)
    if refused:
        assert errors
    else:  # only the Precedents tab's own backstop refuses the past missions' rules
        assert all("the past missions' rules on its geometry" in e for e in errors), errors
        assert metrics(at)["Deployed (P50)"] == "–"
        assert any(c.value == "not a finite number" for c in at.caption)
    monkeypatch.undo()
    at.number_input(key="seed").set_value(4243).run()
    assert not at.exception and not at.error
    summary = run(read_shipped(DEFAULT_SCENARIO).parse(), SAMPLES, 4243).summary
    assert metrics(at)["Deployed (P50)"] == shown_p50(summary.metrics["deployed"].p50)


def test_whole_numbers_round_and_keep_what_no_integer_holds() -> None:
    rows = [
        {"task": "a", "p5": 1.4, "p50": 2.6, "p95": 1e300, "mean": math.inf},
        {"task": "b", "p5": math.nan, "p50": -math.inf, "p95": 3.0, "mean": 3.0},
    ]
    frame = whole_numbers(rows)
    assert frame["p5"].iloc[0] == 1 and math.isnan(frame["p5"].iloc[1])
    assert list(frame["p50"]) == [3, -math.inf]
    assert list(frame["p95"]) == [1e300, 3]
    assert list(frame["mean"]) == [math.inf, 3]


def _non_finite_tables() -> None:
    import math

    from forcecalc.app.widgets import show_table

    show_table([{"task": "a", "p5": math.nan, "p50": math.inf, "p95": 1e300, "mean": -math.inf}])
    show_table([{"scenario": "x", "deployed p50": math.inf}], ["deployed p50"])


def test_non_finite_numbers_do_not_break_a_table() -> None:
    at = AppTest.from_function(_non_finite_tables).run()
    assert not at.exception
    assert list(at.dataframe[0].value["p50"]) == [math.inf]
    assert list(at.dataframe[1].value["deployed p50"]) == [math.inf]


FRONT = "geometry.front_length_km"


def test_a_decrease_points_down_and_rounding_noise_is_no_change() -> None:
    """Audit: a lower front showed "↑ −2,442 vs scenario" in red (a typographic minus reads as
    positive to st.metric), and troops per km "−7.11e-15 vs scenario" from rounding noise."""
    at = start()
    base = read_shipped(DEFAULT_SCENARIO)
    at.number_input(key=figure_key(base, 0, FRONT, "high")).set_value(1100).run()
    assert not at.exception and not at.error
    shown = {m.label: m for m in at.metric}
    for label in ("Deployed (P50)", "Committed (P50)"):
        metric = shown[label]
        assert metric.delta.startswith("-") and metric.delta.endswith(" vs scenario")
        assert metric.proto.direction == MetricProto.MetricDirection.DOWN
        assert metric.proto.color == MetricProto.MetricColor.GREEN  # fewer personnel: good
    edited = planner.apply_edits(base, {FRONT: Interval90(1040, 1100)})
    deployed = run(edited.parse(), SAMPLES, DEFAULT_SEED).summary.metrics["deployed"].p50
    before = library(DEFAULT_SCENARIO).metrics["deployed"].p50
    assert (
        shown["Deployed (P50)"].delta
        == f"-{fmt_number(before - deployed, 'personnel')} vs scenario"
    )
    # per-km tasks: troops per km moves only by rounding, which is no change
    for label in (
        "Deployed per km of front (P50)",
        "Deployed per km² of buffer (P50)",
        "P(pledges suffice)",
    ):
        assert shown[label].delta == ""
        assert shown[label].proto.direction == MetricProto.MetricDirection.NONE
    assert not any("−" in m.delta for m in at.metric)


def test_an_increase_in_personnel_points_up_in_red() -> None:
    at = start()
    base = read_shipped(DEFAULT_SCENARIO)
    at.number_input(key=figure_key(base, 0, FRONT, "low")).set_value(1200).run()
    deployed = next(m for m in at.metric if m.label == "Deployed (P50)")
    assert deployed.delta.startswith("+")
    assert deployed.proto.direction == MetricProto.MetricDirection.UP
    assert deployed.proto.color == MetricProto.MetricColor.RED


def test_counts_are_singular_for_one() -> None:
    at = start()
    base = read_shipped(DEFAULT_SCENARIO)
    labels = [e.label for e in at.expander]
    assert "Sustainment (1 figure)" in labels and "Geometry (2 figures)" in labels
    at.number_input(key=figure_key(base, 0, FRONT, "high")).set_value(1100).run()
    buttons = [b.label for b in at.get("download_button")]
    assert "Scenario YAML (1 edited figure, each marked in its note)" in buttons


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_claims_and_compare_tables_show_numbers_as_the_app_does() -> None:
    """Audit: the claims showed 39888.939, the comparison 35.0163 and a raw 0.00006 or None."""
    at = start()
    summary = library(DEFAULT_SCENARIO)
    claims = _table(at, "claim")
    deployed = summary.metrics["deployed"].p50
    assert fmt_number(deployed, "personnel") in list(claims["value"])
    compared = _table(at, "deployed per km of front p50").set_index("scenario")
    row = compared.loc[CURRENT]
    assert row["deployed per km of front p50"] == fmt_number(
        summary.metrics["deployed_per_km"].p50, "troops_per_km"
    )
    assert row["deployed per km² of buffer p50"] == fmt_number(
        summary.metrics["deployed_per_km2"].p50, "troops_per_km2"
    )
    p = summary.probabilities["p_pledges_suffice"]
    assert row["P(pledges suffice)"] == fmt_number(p, "probability")
    assert row["P(pledges suffice)"].endswith("%")
    assert compared.loc[SEED_000, "P(pledges suffice)"] == "–"  # no pledges


def test_compare_follows_the_scenario_shown() -> None:
    """Audit: after switching scenario, Compare kept the first one's selection, showing the
    scenario twice (as edited and as its file) and never adding the one left."""
    at = start()
    first = compare_select(at)
    assert DEFAULT_SCENARIO not in first.options
    assert first.value[0] == CURRENT and SEED_000 in first.value
    at.selectbox(key="shipped").set_value(SEED_000).run()
    assert not at.exception
    chosen = compare_select(at)
    assert SEED_000 not in chosen.options
    assert chosen.value[0] == CURRENT
    assert DEFAULT_SCENARIO in chosen.value
    scenarios = list(_table(at, "deployed per km of front p50")["scenario"])
    assert scenarios == chosen.value and len(set(scenarios)) == len(scenarios)


def test_an_uploaded_scenario_can_be_compared_with_the_shipped_file_of_its_name() -> None:
    at = start()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(read_shipped(SEED_000).text).run()
    assert not at.exception
    assert SEED_000 in compare_select(at).options  # "pasted.yaml" is not the shipped file


def test_the_sources_table_gives_its_text_columns_room_and_fits_its_rows() -> None:
    """Audit: quote and gloss were squeezed to ~50 px in a fixed 520 px table."""
    at = start()
    table = at.dataframe[-1]
    assert "quote" in table.value.columns
    config = json.loads(table.proto.columns)
    assert config["quote"]["width"] == config["gloss"]["width"] == "large"
    assert table_height(3) == 4 * 35 + 3
    assert table_height(1000) == table_height(100) < 1000
