"""The planner app in a planner's words (issue 14): labels, percentages, forms, pledges, errors.

Headless (AppTest): each figure is labelled from the glossary with its key path in the tooltip;
a fraction is entered as a percentage and stored exactly; a figure switches from a range to a
point; a refused pledge can be un-refused; an invalid edit's error sits under its input; the
About box names the version.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import given
from hypothesis import strategies as st_h
from streamlit.testing.v1 import AppTest

from forcecalc import parse_scenario, run
from forcecalc.app import headline
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.texts import read_shipped
from forcecalc.core.distributions import Point
from forcecalc.core.sampling import DEFAULT_SEED
from forcecalc.core.version import __version__
from forcecalc.report.labels import figure_label, from_percent, to_percent
from forcecalc.scenario.edit import edit_scenario
from forcecalc.scenario.edit_pledges import PledgeEdit, edit_pledges
from forcecalc.scenario.resources import DEFAULT_SCENARIO
from tests.hostile import literal

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES = 2048
BASE = read_shipped(DEFAULT_SCENARIO)  # seed 001: Poland refused, the UK pledges 5,000-10,000
UK = "force_generation.pledges.United Kingdom.personnel"
POLAND = "force_generation.pledges.Poland.personnel"
SHARE = "tasks.logistics.share"
FRONT = "geometry.front_length_km"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(SAMPLES).run()
    assert not at.exception
    return at


def key(path: str, param: str) -> str:
    return figure_key(BASE, 0, path, param)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def library_metrics(text: str, name: str = "edited.yaml") -> dict[str, str]:
    """The headline a run of ``text`` gives at the test's settings, as the page words it."""
    result = run(parse_scenario(text, name), SAMPLES, DEFAULT_SEED)
    return {h.label: h.value_text for h in headline.headlines(result, None)}


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """The data the app hands to each download button, by key (AppTest shows only labels)."""
    calls: dict[str, object] = {}
    real = st.download_button

    def recording(label: str, data: object, **kwargs: object):
        calls[str(kwargs.get("key"))] = data
        return real(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    yield calls


def test_figures_are_labelled_in_glossary_words_with_the_key_path_in_the_tooltip() -> None:
    at = start()
    scenario = BASE.parse()
    expected = {FRONT: "Front length (km)", SHARE: "Logistics (% of line infantry)"}
    for path, label in expected.items():
        form = at.selectbox(key=key(path, "form"))
        assert literal(form.label) == label == figure_label(scenario, path)  # Markdown escaped
        assert path in literal(form.help or "")
    share = at.number_input(key=key(SHARE, "value"))
    assert literal(share.label) == "value (%)" and SHARE in literal(share.help or "")
    figure_widgets = [
        w for w in [*at.selectbox, *at.number_input] if str(w.key).startswith("figure|")
    ]
    assert len(figure_widgets) > 10
    for w in figure_widgets:  # no key path in any label, every key path in a tooltip
        path = str(w.key).split("|")[3]
        label = literal(w.label)
        assert path not in label and "_" not in label.split(":")[-1], label
        assert path in literal(w.help or "")
    assert at.number_input(key="seed").label == "Random seed"
    assert "Advanced" in [e.label for e in at.sidebar.expander]


def test_a_percentage_edits_the_fraction_exactly(downloads: dict[str, object]) -> None:
    at = start()
    share = at.number_input(key=key(SHARE, "value"))
    assert share.value == 20.4  # stored 0.204
    share.set_value(25.1).run()
    assert not at.exception and not at.error
    text = downloads["download_yaml"]
    assert isinstance(text, str)
    edited = parse_scenario(text, "edited.yaml")
    assert edited.figures[SHARE].dist == Point(0.251)  # not 0.25100000000000006
    # the page's numbers are those of `forcecalc run --set tasks.logistics.share=0.251`
    cli = run(BASE.parse(), SAMPLES, DEFAULT_SEED, overrides={SHARE: 0.251})
    shown = {h.label: h.value_text for h in headline.headlines(cli, None)}
    assert metrics(at)["Deployed (P50)"] == shown["Deployed (P50)"]
    assert metrics(at)["Committed (P50)"] == shown["Committed (P50)"]


@pytest.mark.parametrize("fraction", [0.204, 0.57, 0.034, 0.1, 0.333, 1e-05, 0.9999])
def test_percentages_round_trip_the_fractions_written(fraction: float) -> None:
    assert from_percent(to_percent(fraction)) == fraction


@given(st_h.decimals(min_value=0, max_value=1, places=6, allow_nan=False))
def test_every_fraction_written_with_six_decimals_survives_the_percentage(d: Decimal) -> None:
    fraction = float(str(d))
    assert from_percent(to_percent(fraction)) == fraction
    assert to_percent(fraction) == float(d * 100)  # 20.4, not 20.400000000000002


def test_a_range_switched_to_a_point_of_exactly_10000(downloads: dict[str, object]) -> None:
    """Audit: a pledge of exactly 10,000 could not be entered ("expected high above low")."""
    at = start()
    at.selectbox(key=key(UK, "form")).set_value("point").run()
    assert not at.exception
    at.number_input(key=key(UK, "point|value")).set_value(10000).run()
    assert not at.exception and not at.error
    text = downloads["download_yaml"]
    assert isinstance(text, str)
    assert parse_scenario(text, "edited.yaml").figures[UK].dist == Point(10000.0)
    shown, expected = metrics(at), library_metrics(text)
    assert {k: shown[k] for k in expected} == expected


def test_unrefusing_a_pledge_changes_p_pledges_suffice_as_the_library_says(
    downloads: dict[str, object],
) -> None:
    at = start()
    before = metrics(at)["P(pledges suffice)"]
    at.selectbox(key=key(POLAND, "status")).set_value("pledged")
    at.text_input(key=key(POLAND, "note")).set_value("Warsaw reconsidered")
    at.number_input(key=key(POLAND, "value")).set_value(40000).run()
    assert not at.exception and not at.error
    scenario = edit_pledges(
        edit_scenario(BASE.parse(), {POLAND: Point(40000.0)}),
        {"Poland": PledgeEdit("pledged", "Warsaw reconsidered")},
    )
    result = run(scenario, SAMPLES, DEFAULT_SEED)
    expected = {h.label: h.value_text for h in headline.headlines(result, None)}
    after = metrics(at)["P(pledges suffice)"]
    assert after == expected["P(pledges suffice)"] != before
    text = downloads["download_yaml"]
    assert isinstance(text, str)
    [poland] = [
        p
        for p in parse_scenario(text, "e.yaml").force_generation.pledges
        if p.contributor == "Poland"
    ]
    assert poland.status == "pledged" and "Warsaw reconsidered" in poland.note
    assert "scenario status: refused" in poland.note


def test_refusing_with_personnel_is_told_under_that_pledge() -> None:
    at = start()
    at.number_input(key=key(POLAND, "value")).set_value(500).run()
    [error] = at.error
    assert "refused" in error.value
    elements = list(at.main)
    where = {id(e): i for i, e in enumerate(elements)}
    field = at.number_input(key=key(POLAND, "value"))
    assert where[id(field)] < where[id(error)]


def test_an_invalid_edits_error_sits_right_after_its_input_with_a_summary_on_top() -> None:
    at = start()
    at.number_input(key=key(FRONT, "high")).set_value(900).run()
    assert not at.exception
    [error] = at.error
    assert literal(error.value).startswith("geometry.front_length_km, high: got 900")
    elements = list(at.main)
    where = {id(e): i for i, e in enumerate(elements)}
    field, err = where[id(at.number_input(key=key(FRONT, "high")))], where[id(error)]
    assert field < err
    between = [e for e in elements[field + 1 : err] if getattr(e, "key", None)]
    assert all(str(e.key).startswith(key(FRONT, "")) for e in between)  # no other figure's
    next_figure = where[id(at.selectbox(key=key("geometry.buffer_width_km", "form")))]
    assert err < next_figure
    [summary] = at.warning
    assert "Front length (km)" in literal(summary.value)
    assert where[id(summary)] < field  # the one-line summary at the top


def test_a_bad_upload_is_told_in_the_main_page() -> None:
    at = start()
    at.radio(key="origin").set_value("Paste YAML").run()
    at.text_area(key="paste").set_value("name: [unclosed").run()
    assert not at.exception
    [error] = at.main.error
    assert literal(error.value).startswith("pasted.yaml:1:16: got a YAML syntax error")
    assert any("pasted.yaml" in literal(w.value) for w in at.sidebar.warning)


def test_the_about_box_shows_the_version_and_the_docs() -> None:
    at = start()
    [about] = [t.value for t in at.sidebar.text if "forcecalc" in t.value]
    assert f"forcecalc {__version__}" in about
    assert "docs/scenario-format.md" in about and "README.md" in about
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
    assert config["server"]["maxUploadSize"] == 1
