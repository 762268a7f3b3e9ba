"""The planner's shareable state: edits in the URL, undo of the last edit, named variants.

Pure helpers (:mod:`forcecalc.app.state`) are tested directly; the wiring
(:mod:`forcecalc.app.share`) through ``AppTest`` at 2,048 samples, every headline compared
with the library's run of the same edits.
"""

from __future__ import annotations

import base64
import json

import pytest
from streamlit.testing.v1 import AppTest

from forcecalc import run
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.compare_tab import CURRENT
from forcecalc.app.share import VARIANT_PREFIX
from forcecalc.app.state import (
    MAX_ENCODED,
    MAX_HISTORY,
    NO_EDITS,
    Edits,
    History,
    StateError,
    decode_edits,
    encode_edits,
    variant_name,
)
from forcecalc.app.texts import read_shipped, shipped_scenarios
from forcecalc.core.distributions import Interval90, Pert, Point, Uniform
from forcecalc.core.sampling import DEFAULT_SEED
from forcecalc.report.render import fmt_number
from forcecalc.scenario.edit_pledges import PledgeEdit
from forcecalc.scenario.resources import DEFAULT_SCENARIO
from tests.test_app import APP, BUFFER, SAMPLES, SEED_000, compare_select, metrics, start

#: A scenario with pledges, and a pledge's personnel (a whole-number input).
FORCE = "deterrent-force-density.yaml"
PLEDGE = b"force_generation.pledges.France.personnel"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


EDITS = Edits(
    {
        "geometry.buffer_width_km": Point(10.0),
        "geometry.front_length_km": Interval90(300.0, 450.5),
        "tasks.x": Pert(1.0, 2.0, 4.0),
        "tasks.y": Uniform(0.1, 0.25),
    },
    {"Ruritania": PledgeEdit("pledged", "un-refused after talks; ünïcode & <b>")},
)


def test_edits_round_trip_through_their_encoding() -> None:
    text = encode_edits(EDITS)
    assert text and set(text) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert decode_edits(text) == EDITS
    assert encode_edits(NO_EDITS) == "" and decode_edits("") == NO_EDITS


def test_edits_too_long_for_a_link_are_not_encoded() -> None:
    many = Edits(
        {f"tasks.t{i}": Interval90(i + 0.123456789, i + 9.87654321) for i in range(400)}, {}
    )
    assert encode_edits(many) is None
    with pytest.raises(StateError, match="at most 6,000"):
        decode_edits("A" * (MAX_ENCODED + 1))


@pytest.mark.parametrize(
    "text",
    [
        "%%%not base64",
        _b64(b"\xff\xfe"),
        _b64(b"[1, 2]"),
        _b64(b'{"f": [], "p": {}}'),
        _b64(b'{"f": {"a": {"form": "normal?", "value": 1}}, "p": {}}'),
        _b64(b'{"f": {"a": {"form": "point", "value": NaN}}, "p": {}}'),
        _b64(b'{"f": {"a": {"form": "point", "value": 1e999}}, "p": {}}'),
        _b64(b'{"f": {"a": {"form": "point", "value": true}}, "p": {}}'),
        _b64(b'{"f": {"a": {"form": "point", "value": 1, "extra": 2}}, "p": {}}'),
        _b64(b'{"f": {"a": {"form": "90% range", "low": 1}}, "p": {}}'),
        _b64(b'{"f": {}, "p": {"X": ["lost", ""]}}'),
        _b64(b'{"f": {}, "p": {"X": "pledged"}}'),
        _b64(b"[" * 100_000 + b"]" * 100_000)[:MAX_ENCODED],
        _b64(json.dumps({"f": {}, "p": {}, "x": 1}).encode()),
    ],
)
def test_a_hostile_encoding_is_one_state_error(text: str) -> None:
    with pytest.raises(StateError) as caught:
        decode_edits(text)
    assert "\n" not in str(caught.value)


def test_history_records_changes_and_undoes_the_last() -> None:
    one = Edits({"a": Point(1.0)}, {})
    two = Edits({"a": Point(2.0)}, {})
    history = History().record(NO_EDITS).record(one).record(one).record(two)
    assert len(history.states) == 3
    history, shown = history.undo()
    assert shown == one and history.can_undo
    history, shown = history.undo()
    assert shown == NO_EDITS and not history.can_undo
    with pytest.raises(IndexError):
        history.undo()
    long = History()
    for i in range(MAX_HISTORY + 10):
        long = long.record(Edits({"a": Point(float(i))}, {}))
    assert len(long.states) == MAX_HISTORY and long.states[-1].figures["a"] == Point(59.0)


def test_a_variant_name_is_one_trimmed_line_of_bounded_length() -> None:
    assert variant_name("  more   police\nnorth ") == "more police north"
    with pytest.raises(StateError):
        variant_name("x" * 81)


def _edited_buffer(at: AppTest, value: float) -> None:
    at.selectbox(key="shipped").set_value(SEED_000).run()
    at.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).set_value(value)
    at.run()
    assert not at.exception and not at.error


def _deployed(overrides: dict[str, float] | None = None) -> str:
    summary = run(
        read_shipped(SEED_000).parse(), SAMPLES, DEFAULT_SEED, overrides=overrides
    ).summary
    return fmt_number(summary.metrics["deployed"].p50, "personnel")


def test_a_reload_with_the_link_shows_the_same_edits_and_headline() -> None:
    at = start()
    _edited_buffer(at, 10)
    params = dict(at.query_params)
    assert params["s"] == SEED_000
    assert decode_edits(params["e"]) == Edits({BUFFER: Point(10.0)}, {})
    assert any(f"?s={SEED_000}&e={params['e']}" in c.value for c in at.code)  # the link shown
    reload = AppTest.from_file(APP, default_timeout=120)
    reload.query_params.update(params)
    reload.run()
    reload.select_slider(key="samples").set_value(SAMPLES).run()
    assert not reload.exception and not reload.error
    assert reload.selectbox(key="shipped").value == SEED_000
    assert (
        reload.number_input(key=figure_key(read_shipped(SEED_000), 0, BUFFER, "value")).value == 10
    )
    assert metrics(reload)["Deployed (P50)"] == _deployed({BUFFER: 10}) != _deployed()
    assert dict(reload.query_params) == params  # URL → state → URL


@pytest.mark.parametrize(
    "query",
    [
        {"s": "../../etc/passwd"},
        {"s": SEED_000, "e": "!!!"},
        {"s": SEED_000, "e": _b64(b'{"f": {"nowhere.x": {"form": "point", "value": 1}}, "p": {}}')},
        {
            "s": FORCE,
            "e": _b64(b'{"f": {"%s": {"form": "point", "value": 1e300}}, "p": {}}' % PLEDGE),
        },
        {"s": FORCE, "e": _b64(b'{"f": {}, "p": {"Atlantis": ["pledged", ""]}}')},
    ],
)
def test_a_hostile_link_shows_one_error_and_the_scenario_as_shipped(query: dict[str, str]) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The link could not be read") and "\n" not in errors[0]
    expected = query["s"] if query["s"] in shipped_scenarios() else DEFAULT_SCENARIO
    assert at.selectbox(key="shipped").value == expected
    assert not any("figure edited" in i.value for i in at.info)


def test_undo_brings_back_the_value_before_the_last_edit() -> None:
    at = start()
    _edited_buffer(at, 10)
    key = figure_key(read_shipped(SEED_000), 0, BUFFER, "value")
    at.number_input(key=key).set_value(12).run()
    at.button(key="undo").click().run()
    assert not at.exception
    generation = at.session_state["generation"]
    shown = at.number_input(key=figure_key(read_shipped(SEED_000), generation, BUFFER, "value"))
    assert shown.value == 10
    assert metrics(at)["Deployed (P50)"] == _deployed({BUFFER: 10})
    at.button(key="undo").click().run()
    generation = at.session_state["generation"]
    assert (
        at.number_input(key=figure_key(read_shipped(SEED_000), generation, BUFFER, "value")).value
        == 5
    )
    assert "e" not in at.query_params
    assert at.button(key="undo").disabled


def test_a_saved_variant_is_compared_by_its_name() -> None:
    at = start()
    _edited_buffer(at, 10)
    at.text_input(key="variant_name").input("wide buffer").run()
    at.button(key="save_variant").click().run()
    assert not at.exception
    label = VARIANT_PREFIX + "wide buffer"
    assert label in compare_select(at).options
    compare_select(at).set_value([CURRENT, label, "seed-001-basic-ceasefire.yaml"]).run()
    assert not at.exception and not at.error
    [table] = [
        d.value
        for d in at.dataframe
        if "scenario" in d.value.columns and label in set(d.value["scenario"])
    ]
    row = table[table["scenario"] == label].iloc[0]
    summary = run(
        read_shipped(SEED_000).parse(), SAMPLES, DEFAULT_SEED, overrides={BUFFER: 10}
    ).summary
    assert row["deployed p50"] == round(summary.metrics["deployed"].p50)


def test_an_uploaded_scenario_says_it_cannot_go_in_a_link() -> None:
    at = start()
    at.radio(key="origin").set_value("Paste YAML").run()
    at.text_area(key="paste").input(read_shipped(SEED_000).text).run()
    assert not at.exception
    assert any("cannot go in a link" in c.value for c in at.caption)
    assert not at.query_params


def test_a_pledge_switched_to_a_point_and_un_refused_survives_a_reload() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(FORCE).run()
    base = read_shipped(FORCE)
    france = PLEDGE.decode()
    poland = "force_generation.pledges.Poland.personnel"
    at.selectbox(key=figure_key(base, 0, france, "form")).set_value("point").run()
    at.number_input(key=figure_key(base, 0, france, "") + "point|value").set_value(10_000).run()
    at.selectbox(key=figure_key(base, 0, poland, "status")).set_value("pledged").run()
    at.text_input(key=figure_key(base, 0, poland, "note")).input("offer renewed").run()
    assert not at.exception
    params = dict(at.query_params)
    edits = decode_edits(params["e"])
    assert edits.figures == {france: Point(10_000.0)}
    assert edits.pledges == {"Poland": PledgeEdit("pledged", "offer renewed")}
    headline = metrics(at)
    reload = AppTest.from_file(APP, default_timeout=120)
    reload.query_params.update(params)
    reload.run()
    reload.select_slider(key="samples").set_value(SAMPLES).run()
    assert not reload.exception
    assert reload.selectbox(key=figure_key(base, 0, poland, "status")).value == "pledged"
    assert reload.number_input(key=figure_key(base, 0, france, "") + "point|value").value == 10_000
    assert metrics(reload) == headline
    assert dict(reload.query_params) == params
