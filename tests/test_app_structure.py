"""Contributors, tasks and sectors added and removed in the page, and the rest of a link's state.

The scenario layer's splice (:mod:`forcecalc.scenario.edit_structure`) is tested on the
file's text (only the item's lines change, comments kept); the link's codecs
(:mod:`forcecalc.app.state_structure`, :mod:`forcecalc.app.link_extras`) directly; the page
through ``AppTest``, every headline compared with the library's run of the same text and the
download run with ``forcecalc run``.
"""

from __future__ import annotations

import base64
import difflib
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forcecalc import run
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.headline import (
    HEADLINE_WIDTH,
    LABEL_CHAR_PX,
    MAX_HEADLINE_WIDTH,
    headline_width,
    headlines,
)
from forcecalc.app.link_extras import (
    MAX_VARIANTS,
    decode_variants,
    encode_variants,
    read_settings,
    settings_params,
)
from forcecalc.app.share import VARIANT_PREFIX
from forcecalc.app.state import Edits, decode_edits, encode_edits
from forcecalc.app.state_structure import StateError, read_structure, structure_json
from forcecalc.app.structure import added, new_dist, removed, with_structure
from forcecalc.app.texts import ScenarioText, read_shipped, shipped_scenarios
from forcecalc.app.widgets import plain
from forcecalc.cli import command as cli
from forcecalc.core.distributions import Interval90, Point, Uniform
from forcecalc.core.sampling import DEFAULT_SAMPLES, DEFAULT_SEED
from forcecalc.core.sources import Assumption
from forcecalc.report.render import fmt_number
from forcecalc.scenario.edit import EditError
from forcecalc.scenario.edit_structure import (
    NO_STRUCTURE,
    NewPledge,
    NewSector,
    NewTask,
    Structure,
    apply_structure,
)
from forcecalc.scenario.loader import parse_scenario
from tests.test_app import APP, SAMPLES, compare_select, metrics, start
from tests.test_app_download import changed_lines

FORCE = "deterrent-force-density.yaml"
NL = NewPledge("Netherlands", Interval90(500.0, 1500.0), "Dutch officials' talk, 2025", "pledged")
HQ = NewTask("extra_hq", "headquarters", "fixed", (("count", Point(250.0)),), "a judgement")
SECTORS = """\
schema_version: 1
name: Two sectors
description: A front with a buffer and a quiet border.
# the line as the planners drew it
geometry:
  sectors:
    - name: east
      length_km: {low: 900, high: 1300, assumption: a range for tests}
      buffer_width_km: {value: 10, assumption: a round number for tests}
      posture: interpose
    - name: north  # the quiet border
      length_km: {value: 2000, assumption: a round number for tests}
      posture: observe
tasks:
  - name: line
    category: military
    basis: per_km_front
    rate: {low: 20, high: 40, assumption: a range for tests}
  - name: hq
    category: headquarters
    basis: fixed
    count: {value: 800, assumption: a round number for tests}
sustainment:
  rotation_multiplier: {value: 3, assumption: the rule of thirds}
"""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def test_an_added_and_a_removed_contributor_change_only_their_lines() -> None:
    text = read_shipped(FORCE).text
    out = apply_structure(text, Structure(added_pledges=(NL,), removed_pledges=("Poland",)))
    ops = difflib.SequenceMatcher(a=text.splitlines(), b=out.splitlines(), autojunk=False)
    kinds = {tag for tag, *_ in ops.get_opcodes()} - {"equal"}
    assert kinds <= {"delete", "insert"}  # no line of the file is rewritten
    removed_text = "\n".join(
        line
        for tag, i1, i2, _, _ in ops.get_opcodes()
        if tag == "delete"
        for line in text.splitlines()[i1:i2]
    )
    assert "contributor: Poland" in removed_text and "France" not in removed_text
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == [
        line for line in out.splitlines() if line.lstrip().startswith("#")
    ]
    scenario = parse_scenario(out, "x.yaml")
    assert [p.contributor for p in scenario.force_generation.pledges] == [
        "France",
        "United Kingdom",
        "Germany",
        "Netherlands",
    ]
    figure = scenario.figures["force_generation.pledges.Netherlands.personnel"]
    assert figure.dist == Interval90(500.0, 1500.0)
    assert figure.source == Assumption("Dutch officials' talk, 2025")
    assert figure.note == "[added in the planner app]"


def test_a_sector_added_and_one_removed_keep_the_files_comments() -> None:
    south = NewSector("south", "observe", Uniform(100.0, 200.0), "a guess", Point(5.0))
    out = apply_structure(SECTORS, Structure(added_sectors=(south,)))
    assert changed_lines(SECTORS, out) == [14]  # inserted after line 13, the last sector's
    assert "# the line as the planners drew it" in out and "# the quiet border" in out
    scenario = parse_scenario(out, "x.yaml")
    assert [s.name for s in scenario.geometry.sectors] == ["east", "north", "south"]
    assert scenario.figures["geometry.sectors.south.buffer_width_km"].dist == Point(5.0)
    gone = parse_scenario(apply_structure(SECTORS, Structure(removed_sectors=("north",))), "x")
    assert [s.name for s in gone.geometry.sectors] == ["east"]
    assert "# the quiet border" not in apply_structure(
        SECTORS, Structure(removed_sectors=("north",))
    )  # a comment inside the removed item goes with it


def test_a_removal_the_loader_refuses_is_told_without_a_file_position() -> None:
    raw = read_shipped(FORCE)
    with pytest.raises(EditError, match=r"^tasks\.mobile_reserve\.of") as caught:
        with_structure(raw, Structure(removed_tasks=("front_line",)))
    assert "yaml:" not in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(EditError, match="a contributor of the scenario to remove"):
        with_structure(raw, Structure(removed_pledges=("Atlantis",)))
    with pytest.raises(EditError, match=r"geometry\.sectors"):
        with_structure(raw, Structure(added_sectors=(NewSector("x", "observe", Point(1.0), "r"),)))
    assert with_structure(raw, NO_STRUCTURE) is raw


def test_removing_an_item_added_in_the_page_takes_back_the_addition() -> None:
    one = added(added(NO_STRUCTURE, NL), HQ)
    assert removed(one, "contributor", "Netherlands") == Structure(added_tasks=(HQ,))
    assert removed(one, "task", "front_line").removed_tasks == ("front_line",)


def test_additions_and_removals_round_trip_through_a_link() -> None:
    south = NewSector("south", "observe", Uniform(1.0, 2.0), "a guess", None)
    structure = Structure((NL,), ("Poland",), (HQ,), ("enablers",), (south,), ("north",))
    edits = Edits({"geometry.front_length_km": Point(1100.0)}, {}, structure)
    assert decode_edits(encode_edits(edits)) == edits
    assert read_structure(structure_json(structure)) == structure
    assert decode_edits(encode_edits(Edits({}, {}, structure))).structure == structure


@pytest.mark.parametrize(
    "x",
    [
        [],
        {"pa": {}},
        {"zz": []},
        {"pa": [["NL", {"form": "point", "value": 1}, "r", "pledged"]]},
        {"pa": [["NL", {"form": "normal?", "value": 1}, "r", "pledged", ""]]},
        {"pa": [[1, {"form": "point", "value": 1}, "r", "pledged", ""]]},
        {"ta": [["t", "military", "fixed", {"count": {"form": "point", "value": 1e999}}, "r", []]]},
        {"sr": ["x" * 81]},
        {"pr": ["x"] * 101},
    ],
)
def test_a_hostile_structure_in_a_link_is_one_state_error(x: object) -> None:
    text = _b64(json.dumps({"f": {}, "p": {}, "x": x}).encode())
    with pytest.raises(StateError) as caught:
        decode_edits(text)
    assert "\n" not in str(caught.value)


def test_settings_and_variants_round_trip_through_a_link() -> None:
    assert settings_params(DEFAULT_SAMPLES, DEFAULT_SEED, "lhs") == {}
    params = settings_params(4096, 7, "sobol")
    assert read_settings(params) == {"samples": 4096, "seed": 7, "sampler": "sobol"}
    variants = {
        "wide buffer": ("seed-000-buffer-zone.yaml", Edits({"geometry.x": Point(10.0)}, {})),
        "with NL": (FORCE, Edits({}, {}, Structure(added_pledges=(NL,)))),
    }
    assert decode_variants(encode_variants(variants)) == variants
    many = {f"v{i}": variants["wide buffer"] for i in range(MAX_VARIANTS + 1)}
    assert encode_variants(many) is None
    for query in ({"n": "1000"}, {"n": "-1"}, {"r": "1e3"}, {"r": "9" * 30}, {"m": "best"}):
        with pytest.raises(StateError):
            read_settings(query)
    for text in ("!!!", _b64(b'{"x": ["a.yaml"]}'), _b64(b'{"": ["a.yaml", ""]}')):
        with pytest.raises(StateError):
            decode_variants(text)


def _add_netherlands(at: AppTest) -> None:
    at.selectbox(key="shipped").set_value(FORCE).run()
    at.text_input(key="add_pledge|name").input("Netherlands")
    at.selectbox(key="add_pledge|personnel|form").set_value("90% range")
    at.number_input(key="add_pledge|personnel|low").set_value(500.0)
    at.number_input(key="add_pledge|personnel|high").set_value(1500.0)
    at.text_input(key="add_pledge|reason").input("Dutch officials' talk, 2025")
    at.button(key="add_pledge|button").click().run()
    assert not at.exception and not at.error


GAP = "Shortfall vs deployed (P50)"


def _deployed(text: ScenarioText, samples: int = SAMPLES) -> tuple[str, str]:
    """The deployed P50 and the pledges' shortfall P50 the headline shows for ``text``."""
    summary = run(text.parse(), samples, DEFAULT_SEED).summary
    return (
        fmt_number(summary.metrics["deployed"].p50, "personnel"),
        fmt_number(summary.shortfalls["pledged_vs_deployed"].gap.p50, "personnel"),
    )


def test_a_contributor_added_in_the_page_survives_the_link_and_undo(tmp_path: Path) -> None:
    at = start()
    _add_netherlands(at)
    expected = with_structure(read_shipped(FORCE), Structure(added_pledges=(NL,)))
    shown = metrics(at)
    assert (shown["Deployed (P50)"], shown[GAP]) == _deployed(expected)
    assert shown[GAP] != _deployed(read_shipped(FORCE))[1]
    params = dict(at.query_params)
    assert decode_edits(params["e"]).structure == Structure(added_pledges=(NL,))
    reload = AppTest.from_file(APP, default_timeout=120)
    reload.query_params.update(params)
    reload.run()
    assert not reload.exception and not reload.error
    assert reload.select_slider(key="samples").value == SAMPLES  # the link's setting
    assert metrics(reload) == shown
    key = figure_key(expected, 0, "force_generation.pledges.Netherlands.personnel", "low")
    assert reload.number_input(key=key).value == 500
    assert dict(reload.query_params) == params  # URL → state → URL
    at.button(key="undo").click().run()
    assert not at.exception
    assert metrics(at)[GAP] == _deployed(read_shipped(FORCE))[1]
    assert "e" not in at.query_params


def test_a_removal_the_loader_refuses_is_told_under_its_button() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(FORCE).run()
    before = metrics(at)
    at.selectbox(key="remove_task|pick").set_value("front_line")
    at.button(key="remove_task|button").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    with pytest.raises(EditError) as caught:
        with_structure(read_shipped(FORCE), Structure(removed_tasks=("front_line",)))
    assert error == plain(str(caught.value))  # under the button, as the library tells it
    assert str(caught.value).startswith("tasks.mobile_reserve.of[0]: got 'front_line'")
    assert metrics(at) == before and "e" not in at.query_params
    at.text_input(key="add_pledge|name").input("Netherlands").run()
    at.button(key="add_pledge|button").click().run()  # no reason typed
    assert any("states an assumption" in e.value for e in at.error)


def test_the_download_with_additions_and_removals_runs_to_the_apps_numbers(
    tmp_path: Path,
) -> None:
    at = start()
    at.selectbox(key="shipped").set_value(FORCE).run()
    front = figure_key(read_shipped(FORCE), 0, "geometry.front_length_km", "high")
    at.number_input(key=front).set_value(1400).run()  # a figure's edit, kept through the rest
    _add_netherlands(at)
    at.selectbox(key="remove_pledge|pick").set_value("Poland")
    at.button(key="remove_pledge|button").click().run()
    at.text_input(key="add_task|name").input("extra_hq")
    at.selectbox(key="add_task|category").set_value("headquarters")
    at.selectbox(key="add_task|basis").set_value("fixed").run()
    at.number_input(key="add_task|count|low").set_value(250.0)
    at.text_input(key="add_task|reason").input("a judgement")
    at.button(key="add_task|button").click().run()
    assert not at.exception and not at.error
    [code] = [c.value for c in at.code if c.language == "yaml"]
    original = read_shipped(FORCE).text
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in code.splitlines() for line in comments)
    assert "contributor: Poland" not in code and "[added in the planner app]" in code
    assert "high: 1400" in code and "[edited in the planner app; scenario value:" in code
    assert decode_edits(at.query_params["e"]).figures == {
        "geometry.front_length_km": Interval90(1040.0, 1400.0)
    }
    path = tmp_path / "download.yaml"
    path.write_text(code, encoding="utf-8")
    out = tmp_path / "result.json"
    argv = ["run", str(path), "--samples", str(SAMPLES), "--seed", str(DEFAULT_SEED)]
    assert cli.main([*argv, "--format", "json", "-o", str(out)]) == 0
    deployed = json.loads(out.read_text(encoding="utf-8"))["metrics"]["deployed"]["p50"]
    assert metrics(at)["Deployed (P50)"] == fmt_number(deployed, "personnel")
    assert metrics(at)["Deployed (P50)"] != _deployed(read_shipped(FORCE))[0]


def test_the_link_carries_the_advanced_settings_and_the_variants() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(FORCE).run()
    at.number_input(key="seed").set_value(7)
    at.selectbox(key="sampler").set_value("sobol").run()
    _add_netherlands(at)
    at.text_input(key="variant_name").input("with the Dutch").run()
    at.button(key="save_variant").click().run()
    params = dict(at.query_params)
    assert (params["n"], params["r"], params["m"]) == (str(SAMPLES), "7", "sobol")
    assert "v" in params
    reload = AppTest.from_file(APP, default_timeout=120)
    reload.query_params.update(params)
    reload.run()
    assert not reload.exception and not reload.error
    assert reload.number_input(key="seed").value == 7
    assert reload.selectbox(key="sampler").value == "sobol"
    label = VARIANT_PREFIX + "with the Dutch"
    assert label in compare_select(reload).options
    assert dict(reload.query_params) == params
    hostile = AppTest.from_file(APP, default_timeout=120)
    hostile.query_params.update({**params, "v": "!!!"})
    hostile.run()
    assert not hostile.exception
    [error] = [e.value for e in hostile.error]
    assert error.startswith("The link could not be read") and "\n" not in error


def test_a_link_whose_removal_does_not_apply_shows_one_error_and_the_scenario_as_shipped() -> None:
    x = {"pr": ["Atlantis"]}
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"s": FORCE, "e": _b64(json.dumps({"f": {}, "p": {}, "x": x}).encode())})
    at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("The link could not be read") and "\n" not in error
    assert at.selectbox(key="shipped").value == FORCE
    assert metrics(at)["Deployed (P50)"] == _deployed(read_shipped(FORCE), DEFAULT_SAMPLES)[0]


def test_every_headline_label_of_the_shipped_scenarios_gets_a_cell_wide_enough() -> None:
    """The cell grows with its label up to a phone's width; no shipped label needs more
    (``tests/test_browser.py`` checks in Chromium that none is cut)."""
    labels = {
        h.label
        for name in shipped_scenarios()
        for h in headlines(run(read_shipped(name).parse(), 1024, 1), None)
    }
    assert "Shortfall vs deployed (P50)" in labels
    for label in labels:
        width = headline_width(label)
        assert HEADLINE_WIDTH <= width < MAX_HEADLINE_WIDTH, label
        assert width >= len(label) * LABEL_CHAR_PX


def test_a_new_figure_is_a_point_or_a_range_and_a_share_a_percentage() -> None:
    assert new_dist("point", 250, 0) == Point(250.0)
    assert new_dist("90% range", 5, 15) == Interval90(5.0, 15.0)
    assert new_dist("uniform", 20.4, 33.3, percent=True) == Uniform(0.204, 0.333)
    with pytest.raises(ValueError, match="form"):
        new_dist("normal", 1, 2)


def test_a_share_of_task_added_in_the_page_is_a_fraction_of_the_tasks_picked() -> None:
    at = start()
    at.selectbox(key="shipped").set_value(FORCE).run()
    at.text_input(key="add_task|name").input("liaison")
    at.selectbox(key="add_task|category").set_value("enablers")
    at.selectbox(key="add_task|basis").set_value("share_of").run()
    at.selectbox(key="add_task|share|form").set_value("uniform")
    at.number_input(key="add_task|share|low").set_value(2.0)
    at.number_input(key="add_task|share|high").set_value(4.5)
    at.multiselect(key="add_task|of").set_value(["front_line", "border_cover"])
    at.text_input(key="add_task|reason").input("two to four and a half per cent, a judgement")
    at.button(key="add_task|button").click().run()
    assert not at.exception and not at.error
    task = NewTask(
        "liaison",
        "enablers",
        "share_of",
        (("share", Uniform(0.02, 0.045)),),
        "two to four and a half per cent, a judgement",
        ("front_line", "border_cover"),
    )
    expected = with_structure(read_shipped(FORCE), Structure(added_tasks=(task,)))
    assert expected.parse().figures["tasks.liaison.share"].dist == Uniform(0.02, 0.045)
    assert metrics(at)["Deployed (P50)"] == _deployed(expected)[0]
    assert decode_edits(at.query_params["e"]).structure == Structure(added_tasks=(task,))
