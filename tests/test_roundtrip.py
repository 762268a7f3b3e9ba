"""Edited scenarios written back in place (forcecalc.scenario.roundtrip): only the edited
figures' mappings change; the text loads to the figures the in-memory edit gives."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forcecalc.core import sustainment
from forcecalc.core.distributions import Interval90, Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import Scenario
from forcecalc.core.sources import Assumption
from forcecalc.scenario.edit import edit_scenario
from forcecalc.scenario.edit_pledges import PledgeEdit, edit_pledges
from forcecalc.scenario.files import read_text
from forcecalc.scenario.format import PLEDGE_STATUSES
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import scenarios_dir
from forcecalc.scenario.roundtrip import figure_spans, roundtrip_edits
from forcecalc.scenario.writer import dump_scenario
from tests.strategies import figure_edits

SHIPPED = sorted(scenarios_dir().rglob("*.yaml"))
REUTERS = scenarios_dir() / "published" / "reuters-2024-basic-mission.yaml"
SEED_001 = scenarios_dir() / "seed-001-basic-ceasefire.yaml"


def _text(path: Path) -> str:
    return read_text(path)[0]


def _editable(scenario: Scenario) -> list[str]:
    """The figures written in the file: not a pledge's delivery draw or a rule's weight."""
    draws = sustainment.delivery_draws(scenario)
    skip = ("rules.", "ensemble.")
    return [p for p in scenario.figures if p not in draws and not p.startswith(skip)]


def _changed_lines(before: str, after: str) -> list[tuple[int, int]]:
    """The 0-based line ranges of ``before`` that ``after`` replaces, deletes or inserts at."""
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in ops.get_opcodes() if tag != "equal"]


def test_an_edit_keeps_every_comment_and_line_outside_the_figure() -> None:
    text = _text(SEED_001)
    out = roundtrip_edits(text, {"geometry.buffer_width_km": Point(8.0)})
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments, "the scenario has comments to keep"
    assert [line for line in out.splitlines() if line.lstrip().startswith("#")] == comments
    span = figure_spans(
        text, "<scenario>", {"x": parse_scenario(text).figures["geometry.buffer_width_km"]}
    )["x"]
    for i1, i2 in _changed_lines(text, out):
        assert span.first_line - 1 <= i1 and i2 <= span.last_line
    edited = parse_scenario(out).figures["geometry.buffer_width_km"]
    assert edited.dist == Point(8.0)
    assert edited.note.startswith("[edited in the planner app; scenario value: 5 to 15")


def test_an_edited_register_point_becomes_an_assumption_in_place() -> None:
    text = _text(REUTERS)
    out = roundtrip_edits(text, {"tasks.basic_mission.count": Point(45000)})
    assert "      value: 45000\n      assumption: 'edited from 001_c9dd63bdddab6577" in out
    figure = parse_scenario(out).figures["tasks.basic_mission.count"]
    assert isinstance(figure.source, Assumption)
    assert out.startswith("# yaml-language-server: $schema=../scenario.schema.json\n")
    assert out.count("\n") == text.count("\n") + 1  # one line more: the note


def test_no_change_gives_the_text_itself() -> None:
    text = _text(REUTERS)
    same = {"geometry.front_length_km": Interval90(1040, 1250)}
    assert roundtrip_edits(text, same) is text
    assert roundtrip_edits(text, {}) is text


def test_a_path_not_written_in_the_file_is_refused() -> None:
    with pytest.raises(KeyError, match=r"geometry\.nowhere"):
        roundtrip_edits(_text(REUTERS), {"geometry.nowhere": Point(1.0)})


FLOW = """\
schema_version: 1
name: 'Flow figures'   # a comment on the name
description: x

geometry:
  front_length_km: {value: 100, assumption: "yes"}  # kept
  buffer_width_km:
    value: 5
    unit: km
    assumption: |
      a reason
      on two lines
tasks:
  - name: patrols
    category: military
    basis: per_km_front
    rate: {low: 2, high: 4, assumption: a range}
sustainment:
  rotation_multiplier: {value: 3, assumption: three}
"""


def test_flow_figures_stay_flow_and_text_stays_text() -> None:
    changes = {"geometry.front_length_km": Interval90(90, 110), "tasks.patrols.rate": Point(3.0)}
    out = roundtrip_edits(FLOW, changes)
    lines = out.splitlines()
    assert lines[5].startswith('  front_length_km: {low: 90, high: 110, assumption: "yes", ')
    assert lines[5].endswith("}  # kept")
    assert lines[:5] == FLOW.splitlines()[:5]
    assert lines[16].startswith("    rate: {value: 3, assumption: a range, note: '[edited in")
    scenario = parse_scenario(out)
    assert scenario.figures["geometry.front_length_km"].source == Assumption("yes")
    assert scenario.figures["tasks.patrols.rate"].dist == Point(3.0)


def test_a_block_figure_keeps_its_unit_and_block_text() -> None:
    out = roundtrip_edits(FLOW, {"geometry.buffer_width_km": Point(6.0)})
    assert (
        "    value: 6\n    unit: km\n    assumption: |\n      a reason\n      on two lines\n" in out
    )
    figure = parse_scenario(out).figures["geometry.buffer_width_km"]
    assert figure.source == Assumption("a reason\non two lines\n")
    assert out.endswith(FLOW.split("assumption: |\n      a reason\n      on two lines\n")[1])


def test_a_comment_after_an_edited_figure_is_written_once_and_a_bom_kept() -> None:
    block = "      a reason\n      on two lines\n"
    text = "\ufeff" + FLOW.replace(block, block + "  # after the buffer\n\n")
    out = roundtrip_edits(text, {"geometry.buffer_width_km": Point(6.0)})
    assert out.startswith("\ufeffschema_version: 1\n")
    assert out.count("# after the buffer") == 1
    assert (
        "    note: '[edited in the planner app; scenario value: 5]'\n  # after the buffer\n\n"
        in out
    )
    assert parse_scenario(out).figures["geometry.buffer_width_km"].dist == Point(6.0)


def test_windows_line_endings_are_kept() -> None:
    text = FLOW.replace("\n", "\r\n")
    out = roundtrip_edits(text, {"geometry.buffer_width_km": Interval90(4.0, 7.5)})
    assert "\n" not in out.replace("\r\n", "")
    assert parse_scenario(out).figures["geometry.buffer_width_km"].dist == Interval90(4.0, 7.5)


def test_new_text_that_looks_like_a_boolean_or_number_stays_text() -> None:
    out = roundtrip_edits(FLOW, {"sustainment.rotation_multiplier": Point(2.0)}, editor="yes")
    figure = parse_scenario(out).figures["sustainment.rotation_multiplier"]
    assert figure.note.startswith("[edited in yes; scenario value: 3]")
    for refused in ("!!", "&", "*", "\t", "%YAML", "---"):
        assert refused not in out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_round_trip_edit_loads_like_the_edit_in_memory(path: Path, data: st.DataObject) -> None:
    text = _text(path)
    scenario = parse_scenario(text, path.name)
    edits = data.draw(figure_edits(scenario, _editable(scenario)))
    correlated = {p for c in scenario.correlations for p in c.between}
    # a correlated figure made a point: the writer drops the correlation, the loader refuses it
    assume(not any(p in correlated and isinstance(d, Point) for p, d in edits.items()))
    in_memory = edit_scenario(scenario, edits)
    try:
        expected = parse_scenario(dump_scenario(in_memory), path.name)
    except ScenarioError:
        with pytest.raises(ScenarioError):  # an edit the format refuses is refused either way
            parse_scenario(roundtrip_edits(text, edits, path.name), path.name)
        return
    out = roundtrip_edits(text, edits, path.name)
    loaded = parse_scenario(out, path.name)
    assert loaded.figures == expected.figures
    for p in edits:
        assert loaded.figures[p] == in_memory.figures[p]
    spans = figure_spans(text, path.name, {p: scenario.figures[p] for p in edits}).values()
    for i1, i2 in _changed_lines(text, out):
        assert any(s.first_line - 1 <= i1 and i2 <= s.last_line for s in spans), (i1, i2)


WITH_PLEDGES = [p for p in SHIPPED if parse_scenario(_text(p)).force_generation is not None]
NOTES = st.text(alphabet="ab :#'\"-yes[]{}é,", min_size=0, max_size=30).map(str.strip)


@pytest.mark.parametrize("path", WITH_PLEDGES, ids=lambda p: p.stem)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_pledge_edit_in_place_loads_like_the_edit_in_memory(
    path: Path, data: st.DataObject
) -> None:
    text = _text(path)
    scenario = parse_scenario(text, path.name)
    fg = scenario.force_generation
    assume(fg is not None and fg.pledges)
    who = data.draw(st.sampled_from([p.contributor for p in fg.pledges]))
    edits = {who: PledgeEdit(data.draw(st.sampled_from(PLEDGE_STATUSES)), data.draw(NOTES))}
    try:
        expected = parse_scenario(dump_scenario(edit_pledges(scenario, edits)), path.name)
    except ScenarioError:
        with pytest.raises(ScenarioError):
            parse_scenario(roundtrip_edits(text, {}, path.name, pledges=edits), path.name)
        return
    out = roundtrip_edits(text, {}, path.name, pledges=edits)
    loaded = parse_scenario(out, path.name)
    assert loaded.force_generation == expected.force_generation
    assert loaded.figures == expected.figures
    personnel = scenario.figures[f"force_generation.pledges.{who}.personnel"].location
    assert personnel is not None
    for i1, i2 in _changed_lines(text, out):  # the pledge's status and note lines only
        assert personnel.line - 12 <= i1 and i2 <= personnel.line + 12, (i1, i2)
