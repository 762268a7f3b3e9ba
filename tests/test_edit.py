"""Editing figures: sources kept, edits stated in notes, the result loads back equal."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc import dump_scenario, load_scenario, parse_scenario, run
from forcecalc.core.distributions import Interval90, Point
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.limits import LIMITS
from forcecalc.core.scenario import Pledge, Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource
from forcecalc.scenario.edit import (
    EditError,
    edit_error,
    edit_figure,
    edit_note,
    edit_scenario,
    edited_source,
)
from forcecalc.scenario.resources import scenarios_dir

from .strategies import in_domain

SHIPPED = sorted(scenarios_dir().glob("*.yaml"))
SEED_000 = scenarios_dir() / "seed-000-buffer-zone.yaml"
SEED_001 = scenarios_dir() / "seed-001-basic-ceasefire.yaml"


def test_an_unchanged_distribution_leaves_the_figure_as_it_is() -> None:
    figure = load_scenario(SEED_001).figures["geometry.front_length_km"]
    assert edit_figure(figure, figure.dist) is figure


def test_an_edited_citation_keeps_its_source_and_notes_the_old_value() -> None:
    figure = load_scenario(SEED_001).figures["geometry.front_length_km"]
    edited = edit_figure(figure, Interval90(1200, 1400))
    assert isinstance(edited.source, Citation)
    assert edited.source == figure.source
    assert edited.note.startswith("[edited in the planner app; scenario value: 1040 to 1250")
    assert edited.note.endswith(figure.note)


def test_an_edited_assumption_keeps_its_reason() -> None:
    figure = load_scenario(SEED_001).figures["geometry.buffer_width_km"]
    edited = edit_figure(figure, Interval90(10, 20))
    assert edited.source == figure.source
    assert isinstance(edited.source, Assumption)


def test_a_register_point_that_now_disagrees_becomes_an_assumption_quoting_the_register() -> None:
    figure = load_scenario(SEED_000).figures["geometry.buffer_width_km"]
    assert isinstance(figure.source, RegisterSource)
    edited = edit_figure(figure, Point(10))
    assert isinstance(edited.source, Assumption)
    assert figure.source.ref in edited.source.reason
    assert figure.source.figure.quote in edited.source.reason
    assert "scenario value: 5]" in edited.note


def test_a_register_point_edited_back_to_the_register_value_keeps_its_source() -> None:
    figure = load_scenario(SEED_000).figures["geometry.buffer_width_km"]
    assert edited_source(figure.source, Point(5)) is figure.source


def test_repeated_edits_keep_one_mark() -> None:
    figure = load_scenario(SEED_001).figures["geometry.front_length_km"]
    once = edit_figure(figure, Interval90(1200, 1400))
    twice = edit_figure(once, Interval90(1300, 1500))
    assert twice.note.count("[edited in") == 1
    assert twice.note == edit_note(once)
    assert twice.note.endswith(figure.note)


def test_editing_an_unknown_path_raises_key_error() -> None:
    with pytest.raises(KeyError):
        edit_scenario(load_scenario(SEED_001), {"geometry.nowhere_km": Point(1)})


def test_an_edited_register_figure_loads_back_and_runs_like_an_override() -> None:
    scenario = load_scenario(SEED_000)
    edited = edit_scenario(scenario, {"geometry.buffer_width_km": Point(10)})
    again = parse_scenario(dump_scenario(edited), "edited.yaml")
    assert again == edited
    by_edit = run(again, samples=512, seed=7).summary
    by_override = run(scenario, 512, 7, overrides={"geometry.buffer_width_km": 10}).summary
    assert by_edit == by_override


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_in_domain_point_edit_round_trips(data: st.DataObject) -> None:
    scenario = load_scenario(data.draw(st.sampled_from(SHIPPED), label="scenario"))
    refused = {p.figure_path for p in _pledges(scenario) if p.status == "refused"}
    editable = sorted(set(scenario.figures) - refused)
    paths = data.draw(st.sets(st.sampled_from(editable), min_size=1, max_size=4))
    changes = {}
    for path in paths:
        figure = scenario.figures[path]
        limit = LIMITS[figure.unit].largest if figure.unit in LIMITS else 5_000.0
        cap = 0.9 if figure.domain.upper <= 1 else min(5_000.0, limit)  # the loader's limit
        changes[path] = Point(data.draw(in_domain(figure.domain, cap), label=path))
    edited = edit_scenario(scenario, changes)
    assert parse_scenario(dump_scenario(edited)) == edited
    for path, figure in edited.figures.items():
        if path not in changes or changes[path] == scenario.figures[path].dist:
            assert figure == scenario.figures[path]
        else:
            assert figure.note.startswith("[edited in the planner app;")


def _pledges(scenario: Scenario) -> tuple[Pledge, ...]:
    fg = scenario.force_generation
    return fg.pledges if fg is not None else ()


def test_a_refused_pledge_edited_above_zero_is_refused_by_the_loader_naming_it() -> None:
    scenario = load_scenario(SEED_001)
    path = "force_generation.pledges.Poland.personnel"
    edited = edit_scenario(scenario, {path: Point(1000)})
    with pytest.raises(ScenarioError, match=rf"at {path}: got 1000; expected value: 0"):
        parse_scenario(dump_scenario(edited), "edited.yaml")


def _loader_error(changes: dict) -> ScenarioError:
    edited = edit_scenario(load_scenario(SEED_001), changes)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(dump_scenario(edited), "seed-001-edited.yaml")
    return info.value


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"tasks.line_infantry.rate": Interval90(20, 10)},
            "tasks.line_infantry.rate, high: got 10 with low 20; expected high above low "
            "(as entered: low 20, high 10)",
        ),
        (
            {"geometry.front_length_km": Interval90(-5, 1250)},
            "geometry.front_length_km, low: got -5; expected a value in (0, inf) "
            "(as entered: low -5, high 1250)",
        ),
        (
            {"force_generation.pledges.Poland.personnel": Point(1000)},
            "force_generation.pledges.Poland.personnel: got 1000; expected value: 0 for a "
            "contributor that refused (as entered: value 1000)",
        ),
    ],
)
def test_an_edit_error_names_the_figure_edited_not_the_regenerated_file(changes, message):
    """Audit: the app showed ``seed-001-basic-ceasefire-edited.yaml:31:11: at ...``, a line of
    a file the user never saw; the error is told against the figure and values entered."""
    loader = _loader_error(changes)
    assert str(loader).startswith("seed-001-edited.yaml:")  # what the loader says
    error = edit_error(loader, changes)
    assert isinstance(error, EditError) and isinstance(error, ScenarioError)
    assert str(error) == message
    assert "yaml" not in str(error) and error.where.line == 0


def test_an_edit_error_outside_the_edited_figures_drops_the_file_position() -> None:
    loader = ScenarioError(
        Where("x-edited.yaml", 12, 3, "ensemble.weights"),
        "0 (see x-edited.yaml:40:2)",
        "a weight above 0",
    )
    error = edit_error(loader, {"geometry.front_length_km": Interval90(1, 2)})
    assert str(error) == (
        "ensemble.weights: got 0 (see the edited scenario); expected a weight above 0"
    )
