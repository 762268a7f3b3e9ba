"""Sectors: the line as a list of sectors, tasks and sizing rules over them, results by sector.

Examples, a hypothesis property (splitting a sector changes no total), a golden-style analog
over front and borders, the shorthand's equivalence with its sectors, and one-line errors.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc.calibration.missions import POSTURES
from forcecalc.calibration.rules import all_rules
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.runner import run
from forcecalc.report.render import render_run, run_dict
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.writer import dump_scenario


def fig(x: float) -> dict[str, object]:
    return {"value": x, "assumption": "a test figure"}


def document(geometry: dict, tasks: list | None = None, **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "schema_version": 1,
        "name": "sectors test",
        "description": "a test scenario",
        "geometry": geometry,
        "sustainment": {"rotation_multiplier": fig(3)},
    }
    if tasks is not None:
        doc["tasks"] = tasks
    doc.update(extra)
    return doc


def parse(doc: dict[str, object]):
    return parse_scenario(yaml.safe_dump(doc, sort_keys=False), "sectors.yaml")


def points(scenario) -> dict[str, float]:
    return {p: f.dist.value for p, f in scenario.figures.items() if isinstance(f.dist, Point)}


def outcome(doc: dict[str, object]) -> Outcome:
    scenario = parse(doc)
    return evaluate(scenario, points(scenario))


#: The docs' example: an active sector with a buffer and a quiet one without.
EXAMPLE = document(
    {
        "sectors": [
            {
                "name": "east",
                "length_km": fig(1250),
                "buffer_width_km": fig(10),
                "posture": "interpose",
            },
            {"name": "north", "length_km": fig(2450), "posture": "observe"},
        ]
    },
    [
        {"name": "line", "category": "military", "basis": "per_km_front", "rate": fig(40)},
        {
            "name": "watch",
            "category": "military",
            "basis": "per_km_border",
            "rate": fig(5),
            "per_sector": [{"sector": "north", "rate": fig(6)}],
        },
        {
            "name": "posts",
            "category": "military",
            "basis": "per_post",
            "sectors": ["east", "north"],
            "spacing_km": fig(10),
            "crew": fig(10),
        },
        {
            "name": "hq",
            "category": "headquarters",
            "basis": "share_of",
            "of": ["line", "watch"],
            "share": fig(0.1),
        },
    ],
)


def test_the_example_by_task_by_sector_and_its_densities() -> None:
    out = outcome(EXAMPLE)
    assert float(out.by_task["line"]) == 40 * 1250  # the front: the sector with a buffer
    assert float(out.by_task["watch"]) == 6 * 2450  # the border's own rate
    assert float(out.by_task["posts"]) == (125 + 245) * 10  # posts counted sector by sector
    assert float(out.by_sector["east"]) == 40 * 1250 + 1250
    assert float(out.by_sector["north"]) == 6 * 2450 + 2450
    deployed = float(out.deployed)
    assert deployed == pytest.approx(50_000 + 14_700 + 3_700 + 0.1 * 64_700)
    assert float(out.deployed_per_km) == pytest.approx(deployed / 1250)
    assert float(out.deployed_per_km2) == pytest.approx(deployed / 12_500)
    assert float(out.deployed_per_km_line) == pytest.approx(deployed / 3700)


def test_sector_figures_sample_and_take_set() -> None:
    scenario = parse(EXAMPLE)
    assert scenario.figures["geometry.sectors.east.length_km"].unit == "km"
    assert scenario.figures["tasks.watch.per_sector.north.rate"].unit == "troops_per_km"
    result = run(scenario, 8, seed=1, overrides={"geometry.sectors.east.length_km": 100.0})
    assert float(np.mean(result.outcome.by_task["line"])) == 4_000


def test_run_shows_sectors_only_for_a_scenario_that_declares_them() -> None:
    with_sectors = run(parse(EXAMPLE), 8, seed=1)
    assert "Deployed by sector" in render_run(with_sectors, "text")
    assert "(whole force: fixed, shares)" in render_run(with_sectors, "csv")
    assert set(run_dict(with_sectors)["sectors"]) == {"east", "north"}
    shorthand = run(parse(SHORTHAND), 8, seed=1)
    assert "by sector" not in render_run(shorthand, "markdown")
    assert "sectors" not in run_dict(shorthand)


def test_dump_then_load_gives_the_same_scenario() -> None:
    scenario = parse(EXAMPLE)
    assert parse_scenario(dump_scenario(scenario), "again.yaml") == scenario


# --------------------------------------------------------------------------------------------
# The shorthand and its sectors

POSTS = {"spacing_km": fig(5), "crew": fig(12)}
SHORTHAND_TASKS = [
    {"name": "front", "category": "military", "basis": "per_km_front", "rate": fig(40)},
    {"name": "border", "category": "military", "basis": "per_km_border", "rate": fig(8)},
    {"name": "zone", "category": "military", "basis": "per_km2_buffer", "rate": fig(0.5)},
    {"name": "posts", "category": "military", "basis": "per_post", **POSTS},
    {"name": "hq", "category": "headquarters", "basis": "fixed", "count": fig(300)},
    {"name": "support", "category": "enablers", "basis": "share_of", "of": ["front", "border"]}
    | {"share": fig(0.2)},
]
SHORTHAND = document(
    {
        "front_length_km": fig(1250),
        "buffer_width_km": fig(10),
        "border_length_km": fig(2450),
    },
    SHORTHAND_TASKS,
)
AS_SECTORS = document(
    {
        "sectors": [
            {
                "name": "front",
                "length_km": fig(1250),
                "buffer_width_km": fig(10),
                "posture": "deter",
            },
            {"name": "border", "length_km": fig(2450), "posture": "observe"},
        ]
    },
    SHORTHAND_TASKS,
)


def test_a_shorthand_file_and_its_sectors_give_identical_numbers() -> None:
    a, b = outcome(SHORTHAND), outcome(AS_SECTORS)
    for name in ("deployed", "committed", "deployed_per_km", "deployed_per_km2"):
        assert float(getattr(a, name)) == float(getattr(b, name)), name
    assert float(a.deployed_per_km_line) == float(b.deployed_per_km_line)
    assert {k: float(v) for k, v in a.by_task.items()} == {
        k: float(v) for k, v in b.by_task.items()
    }
    assert {k: float(v) for k, v in a.by_sector.items()} == {
        k: float(v) for k, v in b.by_sector.items()
    }


def test_a_shorthand_file_without_borders_has_no_line_density() -> None:
    geometry = {"front_length_km": fig(100), "buffer_width_km": fig(2)}
    task = {"name": "front", "category": "military", "basis": "per_km_front", "rate": fig(3)}
    out = outcome(document(geometry, [task]))
    assert out.deployed_per_km_line is None
    assert float(out.by_sector["front"]) == 300


# --------------------------------------------------------------------------------------------
# Analogs over the whole line


def _unifil_rate() -> float:
    return all_rules()["unifil_2006.per_km"].figures["rate"].dist.value


def test_an_analog_per_km_covers_front_and_borders() -> None:
    """The video explainer's "77 per km × 3,700 km": UNIFIL's density on the whole line."""
    geometry = {
        "front_length_km": fig(1250),
        "buffer_width_km": fig(10),
        "border_length_km": fig(2450),
    }
    out = outcome(document(geometry, method="analog", analog="unifil_2006.per_km"))
    rate = _unifil_rate()
    assert float(out.deployed) == pytest.approx(rate * 3700)
    assert float(out.by_sector["front"]) == pytest.approx(rate * 1250)
    assert float(out.by_sector["border"]) == pytest.approx(rate * 2450)
    assert float(out.deployed) == pytest.approx(sum(float(v) for v in out.by_sector.values()))
    assert float(out.deployed_per_km_line) == pytest.approx(rate)


def test_an_analog_per_km2_covers_every_buffer_only() -> None:
    geometry = {
        "sectors": [
            {"name": "a", "length_km": fig(100), "buffer_width_km": fig(5), "posture": "interpose"},
            {"name": "b", "length_km": fig(50), "buffer_width_km": fig(2), "posture": "interpose"},
            {"name": "c", "length_km": fig(900), "posture": "observe"},
        ]
    }
    out = outcome(document(geometry, method="analog", analog="unficyp_1974.per_km2"))
    rate = all_rules()["unficyp_1974.per_km2"].figures["rate"].dist.value
    assert float(out.deployed) == pytest.approx(rate * (500 + 100))
    assert float(out.by_sector["c"]) == 0


# --------------------------------------------------------------------------------------------
# Splitting a sector changes no total


@st.composite
def lines(draw: st.DrawFn) -> tuple[dict[str, object], int, float]:
    """A scenario with 1-4 sectors and tasks per km, per km of border and per km², some naming
    sectors and with their own rates; which sector to split, and where."""
    n = draw(st.integers(1, 4))
    sectors = []
    for i in range(n):
        sector = {
            "name": f"s{i}",
            "length_km": fig(draw(st.floats(1, 5_000).map(lambda x: round(x, 3)))),
            "posture": draw(st.sampled_from(POSTURES)),
        }
        if i == 0 or draw(st.booleans()):
            sector["buffer_width_km"] = fig(draw(st.floats(0.1, 30).map(lambda x: round(x, 3))))
        sectors.append(sector)
    names = [s["name"] for s in sectors]
    buffered = [s["name"] for s in sectors if "buffer_width_km" in s]
    rate = st.floats(0, 100).map(lambda x: round(x, 3))
    tasks: list[dict[str, object]] = [
        {"name": "line", "category": "military", "basis": "per_km_front", "rate": fig(draw(rate))},
        {"name": "zone", "category": "military", "basis": "per_km2_buffer", "rate": fig(1.5)},
    ]
    named = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    watch = {"name": "watch", "category": "police", "basis": "per_km_border", "rate": fig(2)}
    watch |= {"sectors": named, "reducible": True}
    if draw(st.booleans()):
        watch["per_sector"] = [{"sector": named[0], "rate": fig(draw(rate))}]
    tasks.append(watch)
    if draw(st.booleans()) and len(buffered) > 1:
        tasks[1]["sectors"] = buffered[1:]
    tasks.append(
        {"name": "hq", "category": "headquarters", "basis": "share_of", "of": ["line", "watch"]}
        | {"share": fig(0.1)}
    )
    doc = document({"sectors": sectors}, tasks, technology_offset=fig(0.25))
    return doc, draw(st.integers(0, n - 1)), draw(st.floats(0.05, 0.95).map(lambda x: round(x, 3)))


def split(doc: dict[str, object], index: int, at: float) -> dict[str, object]:
    """The same scenario with sector ``index`` cut in two of the same posture and figures."""
    doc = copy.deepcopy(doc)
    sectors = doc["geometry"]["sectors"]
    old = sectors[index]
    name, length = old["name"], old["length_km"]["value"]
    first, second = copy.deepcopy(old), copy.deepcopy(old)
    first["name"], second["name"] = f"{name}_a", f"{name}_b"
    first["length_km"], second["length_km"] = fig(length * at), fig(length - length * at)
    sectors[index : index + 1] = [first, second]
    for task in doc["tasks"]:
        if name in task.get("sectors", []):
            i = task["sectors"].index(name)
            task["sectors"][i : i + 1] = [first["name"], second["name"]]
        for own in list(task.get("per_sector", [])):
            if own["sector"] == name:
                task["per_sector"].remove(own)
                task["per_sector"] += [
                    {**own, "sector": n} for n in (first["name"], second["name"])
                ]
    return doc


@settings(max_examples=30, deadline=None)
@given(lines())
def test_splitting_a_sector_leaves_every_total_unchanged(case) -> None:
    doc, index, at = case
    a, b = outcome(doc), outcome(split(doc, index, at))
    close = dict(rel=1e-9, abs=1e-6)
    for name in ("deployed", "committed", "deployed_per_km", "deployed_per_km2"):
        assert float(getattr(b, name)) == pytest.approx(float(getattr(a, name)), **close)
    assert float(b.deployed_per_km_line) == pytest.approx(float(a.deployed_per_km_line), **close)
    for k, v in a.by_task.items():
        assert float(b.by_task[k]) == pytest.approx(float(v), **close), k
    for k, v in a.by_category.items():
        assert float(b.by_category[k]) == pytest.approx(float(v), **close), k
    name = doc["geometry"]["sectors"][index]["name"]
    halves = float(b.by_sector[f"{name}_a"]) + float(b.by_sector[f"{name}_b"])
    assert halves == pytest.approx(float(a.by_sector[name]), **close)


# --------------------------------------------------------------------------------------------
# Bad inputs: one-line errors


def _bad(doc: dict[str, object], match: str) -> None:
    with pytest.raises(ScenarioError, match=match) as info:
        parse(doc)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("sectors.yaml:")


def test_a_task_naming_an_unknown_sector_is_refused() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["tasks"][2]["sectors"] = ["east", "nort"]
    _bad(doc, r"at tasks\.posts\.sectors\[1\]: got 'nort'; expected the name of a sector.*north")


def test_a_duplicate_sector_name_is_refused() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["geometry"]["sectors"][1]["name"] = "east"
    _bad(doc, r"at geometry\.sectors\[1\]\.name: got the duplicate sector name 'east'")


def test_an_unknown_posture_is_refused() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["geometry"]["sectors"][0]["posture"] = "observer"
    _bad(doc, r"geometry\.sectors\.east\.posture: got 'observer'")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["geometry"].update(front_length_km=fig(10)), "'front_length_km' with sectors"),
        (lambda d: d["geometry"]["sectors"][0].pop("buffer_width_km"), "no sector with a buffer"),
        (
            lambda d: d["tasks"][3].update(sectors=["east"]),
            r"'sectors' in a share_of task",
        ),
        (
            lambda d: d["tasks"][1]["per_sector"][0].update(sector="east"),
            r"expected a sector the task applies to: north",
        ),
        (
            lambda d: d["tasks"][1]["per_sector"][0].update(crew=fig(3)),
            r"'crew' in a per_km_border task",
        ),
        (lambda d: d["geometry"]["sectors"].pop(1), "per_km_border with no sector without"),
    ],
)
def test_other_bad_sectors_are_refused(change, match: str) -> None:
    doc = copy.deepcopy(EXAMPLE)
    change(doc)
    _bad(doc, match)


def test_the_shorthand_still_needs_a_front() -> None:
    doc = copy.deepcopy(SHORTHAND)
    del doc["geometry"]["front_length_km"]
    _bad(doc, r"at geometry: got no 'front_length_km'; expected the key 'front_length_km', or sec")
