"""The planner app's downloads keep everything: the edited YAML keeps the file's comments and
layout, runs with ``forcecalc run`` to the app's numbers, and keeps every valid edit after an
invalid one, saying how many it holds."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from forcecalc import parse_scenario, run
from forcecalc.app import planner
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.sidebar import UPLOAD
from forcecalc.app.texts import ScenarioText, read_shipped
from forcecalc.cli import command as cli
from forcecalc.core.distributions import Interval90, Point
from forcecalc.report.render import fmt_number
from forcecalc.scenario.edit import EditError
from forcecalc.scenario.edit_pledges import PledgeEdit
from forcecalc.scenario.resources import DEFAULT_SCENARIO

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES, SEED, SAMPLER = 1024, 7, "sobol"
FRONT, BUFFER = "geometry.front_length_km", "geometry.buffer_width_km"
MARK = "[edited in the planner app;"


def commented() -> str:
    """The default scenario with a planner's comments, an end-of-line comment and a blank line."""
    text = read_shipped(DEFAULT_SCENARIO).text
    for line, new in (
        ("schema_version: 1\n", "# Planner's notes: checked against the Dec 2024 report.\n"),
        ("geometry:\n", "\n# Geometry from the commander-in-chief's statements.\n"),
    ):
        assert text.count(line) == 1
        text = text.replace(line, new + line)
    assert text.count("tasks:\n") == 1
    return text.replace("tasks:\n", "tasks:  # the task list, as the report gives it\n")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, dict[str, object]]]:
    """What the app hands to each ``st.download_button``, by widget key (AppTest shows a
    button's label, not its data)."""
    calls: dict[str, dict[str, object]] = {}
    real = st.download_button

    def recording(label: str, data: object, **kwargs: object):
        calls[str(kwargs.get("key"))] = {"label": label, "data": data, **kwargs}
        return real(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    yield calls


def start_with(text: str) -> AppTest:
    """The app on ``text`` uploaded as ``mine.yaml``, at the test's samples, seed and sampler."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(SAMPLES)
    at.number_input(key="seed").set_value(SEED)
    at.selectbox(key="sampler").set_value(SAMPLER)
    at.radio(key="origin").set_value(UPLOAD).run()
    at.file_uploader(key="upload").upload("mine.yaml", text.encode(), "application/x-yaml")
    at.run()
    assert not at.exception and not at.error
    return at


def edit(at: AppTest, text: str, path: str, param: str, value: float) -> None:
    at.number_input(key=figure_key(ScenarioText(text, "mine.yaml"), 0, path, param)).set_value(
        value
    )


def changed_lines(before: str, after: str) -> list[int]:
    """The 1-based lines of ``before`` that ``after`` does not keep as they were."""
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    out: list[int] = []
    for tag, i1, i2, _, _ in ops.get_opcodes():
        if tag != "equal":
            out += list(range(i1 + 1, max(i2, i1 + 1) + 1))
    return out


def test_the_download_keeps_comments_and_runs_to_the_apps_numbers(
    tmp_path: Path, downloads: dict[str, dict[str, object]]
) -> None:
    text = commented()
    at = start_with(text)
    edit(at, text, FRONT, "high", 1400)
    at.run()
    assert not at.exception and not at.error
    saved = downloads["download_yaml"]
    assert str(saved["label"]).startswith("Scenario YAML (1 edited figure,")
    data = str(saved["data"])
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) == 3
    for line in [*comments, "tasks:  # the task list, as the report gives it", ""]:
        assert line in data.splitlines()
    front = parse_scenario(text).figures[FRONT].location
    assert front is not None
    # only the edited figure's lines: the high and the note (the source mapping in between)
    assert set(changed_lines(text, data)) <= set(range(front.line, front.line + 8))
    assert len(data.splitlines()) == len(text.splitlines())
    path = tmp_path / str(saved["file_name"])
    path.write_text(data, encoding="utf-8")
    out = tmp_path / "result.json"
    argv = ["run", str(path), "--samples", str(SAMPLES), "--seed", str(SEED), "--sampler"]
    argv += [SAMPLER, "--format", "json", "-o", str(out)]
    assert cli.main(argv) == 0
    deployed = json.loads(out.read_text(encoding="utf-8"))["metrics"]["deployed"]["p50"]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Deployed (P50)"] == fmt_number(deployed, "personnel")
    app_json = json.loads(str(downloads["download_json"]["data"]))
    assert app_json["metrics"]["deployed"]["p50"] == deployed
    assert app_json["provenance"]["sampler"] == SAMPLER


def test_a_download_after_an_invalid_edit_keeps_the_valid_one_and_counts_it(
    downloads: dict[str, dict[str, object]],
) -> None:
    text = commented()
    at = start_with(text)
    edit(at, text, BUFFER, "low", 6)  # valid
    edit(at, text, FRONT, "high", 900)  # below its low of 1,040: refused
    at.run()
    assert not at.exception
    saved = downloads["download_yaml"]
    assert str(saved["label"]).startswith("Scenario YAML (1 edited figure,")
    held = parse_scenario(str(saved["data"]))
    assert held.figures[BUFFER].dist == Interval90(6, 15)
    assert held.figures[FRONT].dist == Interval90(1040, 1250)
    assert sum(f.note.startswith(MARK) for f in held.figures.values()) == 1
    assert "# Planner's notes: checked against the Dec 2024 report." in str(saved["data"])
    shown = " ".join(str(e.value) for e in [*at.error, *at.warning])
    assert "showing the other 1 edit until this is fixed" in shown
    expected = run(held, SAMPLES, SEED, sampler=SAMPLER).summary.metrics["deployed"].p50
    deployed = {m.label: m.value for m in at.metric}["Deployed (P50)"]
    assert deployed == fmt_number(expected, "personnel")


def test_valid_edits_are_kept_whichever_order_the_invalid_one_comes_in() -> None:
    base = ScenarioText(commented(), "mine.yaml")
    bad, good = {FRONT: Interval90(1040, 900)}, {BUFFER: Point(8.0)}
    for changes in ({**bad, **good}, {**good, **bad}):
        applied = planner.apply_valid_edits(base, changes)
        assert applied.edits == good and applied.count == 1
        [error] = applied.errors
        assert isinstance(error, EditError) and error.path == FRONT
        assert parse_scenario(applied.text.text).figures[BUFFER].dist == Point(8.0)
        assert applied.text.text.startswith(base.text.split("\n", 1)[0])
    nothing = planner.apply_valid_edits(base, bad)
    assert nothing.text is base and nothing.count == 0


def test_a_pledge_edit_is_kept_in_place_and_counted_once() -> None:
    base = read_shipped("reassurance-force.yaml")
    scenario = base.parse()
    poland = next(p for p in scenario.force_generation.pledges if p.contributor == "Poland")
    personnel = {poland.figure_path: Point(500.0)}
    pledges = {"Poland": PledgeEdit("pledged", "Now offers a battalion.")}
    applied = planner.apply_valid_edits(base, personnel, pledges)
    assert applied.count == 1 and not applied.errors
    edited = applied.text.parse()
    again = next(p for p in edited.force_generation.pledges if p.contributor == "Poland")
    assert again.status == "pledged"
    assert again.note.endswith("Now offers a battalion.")
    assert edited.figures[poland.figure_path].dist == Point(500.0)
    lines = changed_lines(base.text, applied.text.text)
    figure = scenario.figures[poland.figure_path].location
    assert figure is not None and lines
    assert min(lines) >= figure.line - 8 and max(lines) <= figure.line + 8
