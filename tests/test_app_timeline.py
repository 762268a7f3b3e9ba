"""The app's Timeline tab, and the timeline and correlations in Compare and Sources, driven
headless with ``streamlit.testing.v1.AppTest`` and held to the library's results at the same
samples and seed (tests/timeline/timeline.yaml, pasted; no shipped scenario is relied on)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyarrow as pa
import pytest
from altair.vegalite.v6.schema.core import load_schema
from streamlit.testing.v1 import AppTest

from forcecalc.app.cached import cached_timeline
from forcecalc.app.compare_tab import CURRENT
from forcecalc.app.memo import MIB, size_of
from forcecalc.app.sidebar import PASTE
from forcecalc.app.timeline_tab import COMPARE_COLUMNS, NO_TIMELINE, metric_items
from forcecalc.app.widgets import plain
from forcecalc.core.sampling import DEFAULT_SAMPLER, DEFAULT_SEED
from forcecalc.core.timeline_run import TimelineResult, run_timeline
from forcecalc.report import charts_timeline
from forcecalc.report.render import fmt_number
from forcecalc.report.timeline import PROBABILITY_LABELS
from forcecalc.scenario.loader import parse_scenario
from tests.hostile import literal

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES = 1024
TIMELINE_TEXT = (REPO / "tests" / "timeline" / "timeline.yaml").read_text(encoding="utf-8")
#: The same scenario without its timeline (the last section of the file).
NO_TIMELINE_TEXT = TIMELINE_TEXT.split("\ntimeline:", 1)[0] + "\n"
WITHDRAWAL = "timeline.contributors.Atlantis.withdrawal_per_year"
HOLDS = PROBABILITY_LABELS["p_no_shortfall_after_build_up"]
NONE_SHORT = PROBABILITY_LABELS["p_no_shortfall"]
CORRELATIONS = """
correlations:
  - between: [tasks.line_troops.rate, force_generation.pledges.Borduria.delivered]
    rank_correlation: -0.5
    assumption: a contributor is less sure to deliver where the line is denser
"""


def library(text: str = TIMELINE_TEXT, **overrides: float) -> TimelineResult:
    """The library's timeline at the app's settings."""
    scenario = parse_scenario(text, "pasted.yaml")
    return run_timeline(scenario, SAMPLES, DEFAULT_SEED, DEFAULT_SAMPLER, overrides=overrides)


def pasted(text: str) -> AppTest:
    """The app at :data:`SAMPLES` with ``text`` pasted as the scenario."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.select_slider(key="samples").set_value(SAMPLES).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(text).run()
    assert not at.exception
    assert not at.error
    return at


def tab(at: AppTest, label: str):
    [found] = [t for t in at.tabs if t.label == label]
    return found


def shown(at: AppTest) -> dict[str, str]:
    """The Timeline tab's metrics: label → value."""
    return {m.label: m.value for m in tab(at, "Timeline").metric}


@pytest.fixture(scope="module")
def app() -> AppTest:
    return pasted(TIMELINE_TEXT)


@pytest.fixture(scope="module")
def result() -> TimelineResult:
    return library()


def test_the_timeline_tab_shows_the_librarys_mandate_figures(
    app: AppTest, result: TimelineResult
) -> None:
    metrics = shown(app)
    assert metrics[NONE_SHORT] == fmt_number(result.probabilities["p_no_shortfall"], "probability")
    held = result.probabilities["p_no_shortfall_after_build_up"]
    assert metrics[HOLDS] == fmt_number(held, "probability")
    assert metrics["peak committed"] == fmt_number(
        result.mandate["peak_committed"].p50, "personnel"
    )
    assert metrics == {label: value for label, value, _ in metric_items(result)}
    captions = [c.value for c in tab(app, "Timeline").caption]
    b = result.mandate["pass_through"]
    assert f"P5–P95: {fmt_number(b.p5, 'personnel')} – {fmt_number(b.p95, 'personnel')}" in (
        captions
    )


def test_the_month_table_is_the_librarys(app: AppTest, result: TimelineResult) -> None:
    [table] = tab(app, "Timeline").dataframe
    frame = table.value
    assert list(frame["month"]) == list(range(1, result.months + 1))
    assert list(frame["available p50"]) == [round(x) for x in result.monthly["available"][2]]
    assert list(frame["shortfall p95"]) == [round(x) for x in result.monthly["shortfall"][3]]
    assert frame["P(shortfall)"].iloc[0] == fmt_number(result.p_shortfall[0], "probability")


def test_the_charts_are_the_report_specs(app: AppTest, result: TimelineResult) -> None:
    charts = tab(app, "Timeline").get("vega_lite_chart")
    expected = charts_timeline.timeline_specs(result)
    assert len(charts) == len(expected) == 2
    for chart, want in zip(charts, expected, strict=True):
        spec = json.loads(chart.proto.spec)  # Streamlit sends the inline data as Arrow
        data = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pylist()
        assert data == want["data"]["values"]
        for key in ("title", "encoding", "layer"):
            assert spec[key] == want[key]


@pytest.mark.parametrize("width", ["container", 720])
def test_the_vega_lite_specs_are_valid_with_every_month(
    result: TimelineResult, width: int | str
) -> None:
    schema = load_schema()
    fan, short = charts_timeline.timeline_specs(result, width)
    for spec in (fan, short):
        jsonschema.validate(spec, schema)
        json.dumps(spec, allow_nan=False)  # a file or a browser reads it as JSON
        assert spec["width"] == width
        assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]
        area, line = spec["layer"]
        assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("p5", "p95")
        assert line["encoding"]["y"]["field"] == "p50"
    months = list(range(1, result.months + 1))
    by_series: dict[str, list[object]] = {}
    for row in fan["data"]["values"]:
        by_series.setdefault(str(row["series"]), []).append(row["month"])
    assert by_series == {"required deployed": months, "available": months}
    assert [r["month"] for r in short["data"]["values"]] == months
    p50 = [r["p50"] for r in short["data"]["values"]]
    assert p50 == [float(x) for x in result.monthly["shortfall"][2]]


def test_an_edit_of_a_timeline_figure_moves_it_as_the_library_says(
    result: TimelineResult,
) -> None:
    at = pasted(TIMELINE_TEXT)
    assert any(e.label.startswith("Timeline (") for e in at.expander)  # editable like the rest
    [key] = [str(w.key) for w in at.number_input if str(w.key).endswith(f"|{WITHDRAWAL}|value")]
    before = shown(at)
    at.number_input(key=key).set_value(90).run()  # a probability is entered as a percentage
    assert not at.exception
    assert not at.error
    edited = library(**{WITHDRAWAL: 0.9})
    held = edited.probabilities["p_no_shortfall_after_build_up"]
    assert held < result.probabilities["p_no_shortfall_after_build_up"]  # more withdrawal
    assert shown(at)[HOLDS] == fmt_number(held, "probability")
    assert shown(at) != before
    at.button(key="reset").click().run()
    assert not at.exception
    assert shown(at) == before


def test_a_scenario_without_a_timeline_says_how_to_add_one() -> None:
    at = pasted(NO_TIMELINE_TEXT)
    timeline = tab(at, "Timeline")
    assert [i.value for i in timeline.info] == [plain(NO_TIMELINE)]
    assert "docs/scenario-format.md" in NO_TIMELINE and "\n" not in NO_TIMELINE
    assert not timeline.metric
    assert not timeline.get("vega_lite_chart")
    [row] = [
        r for _, r in tab(at, "Compare").dataframe[0].value.iterrows() if r["scenario"] == CURRENT
    ]
    assert all(row[c] == "–" for c in COMPARE_COLUMNS.values())


def test_compare_shows_the_timeline_beside_the_other_columns(
    app: AppTest, result: TimelineResult
) -> None:
    frame = tab(app, "Compare").dataframe[0].value
    columns = list(frame.columns)
    assert columns.index(COMPARE_COLUMNS["pass_through"]) > columns.index("deployed p50")
    rows = {r["scenario"]: r for _, r in frame.iterrows()}
    mine = rows[CURRENT]
    held = result.probabilities["p_no_shortfall_after_build_up"]
    assert mine[HOLDS] == fmt_number(held, "probability")
    assert mine["peak committed p50"] == fmt_number(
        result.mandate["peak_committed"].p50, "personnel"
    )
    assert mine["passing through p50"] == fmt_number(
        result.mandate["pass_through"].p50, "personnel"
    )
    for label, row in rows.items():
        if label != CURRENT:  # a shipped scenario: its timeline, or – without one
            has = _shipped_has_timeline(label)
            assert (row["passing through p50"] == "–") is not has


def _shipped_has_timeline(label: str) -> bool:
    from_file = (REPO / "scenarios" / label).read_text(encoding="utf-8")
    return parse_scenario(from_file, label).timeline is not None


def test_sources_lists_the_correlations() -> None:
    at = pasted(TIMELINE_TEXT + CORRELATIONS)
    frames = [d.value for d in tab(at, "Sources").dataframe]
    assert len(frames) == 2
    [row] = frames[1].to_dict("records")
    pair = "tasks.line_troops.rate and force_generation.pledges.Borduria.delivered"
    assert row["figures"] == f"correlations[0]: {pair}"
    assert row["value"] == "rank correlation -0.5"
    assert row["source"].endswith("less sure to deliver where the line is denser")
    assert row["kind"] == "assumption"


def test_a_scenario_without_correlations_lists_none(app: AppTest) -> None:
    assert len(tab(app, "Sources").dataframe) == 1


def test_the_cache_keeps_the_bands_not_the_samples() -> None:
    big = cached_timeline(TIMELINE_TEXT, "pasted.yaml", 16384, DEFAULT_SEED, DEFAULT_SAMPLER)
    small = cached_timeline(TIMELINE_TEXT, "pasted.yaml", SAMPLES, DEFAULT_SEED, DEFAULT_SAMPLER)
    assert size_of(big) < MIB
    assert abs(size_of(big) - size_of(small)) < 4096  # its size does not grow with the samples


def test_a_timeline_over_its_budget_is_one_line_in_its_tab_and_a_note_in_compare() -> None:
    at = pasted(TIMELINE_TEXT)
    at.select_slider(key="samples").set_value(2**18).run()
    assert not at.exception
    expected = "Samples (sidebar): got 262,144 samples × 24 months"
    [error] = [e.value for e in tab(at, "Timeline").error]
    assert literal(error).startswith(expected) and "\n" not in error
    notes = [literal(c.value) for c in tab(at, "Compare").caption]
    assert any(n.startswith(f"{CURRENT}, timeline not run: {expected}") for n in notes)
    frame = tab(at, "Compare").dataframe[0].value.set_index("scenario")
    assert frame.loc[CURRENT, COMPARE_COLUMNS["pass_through"]] == "–"
    assert not tab(at, "Timeline").metric
