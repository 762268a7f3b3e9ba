"""Shares of the whole force or of a category, ratios, and the technology offset applied once.

See :mod:`forcecalc.core.shares` and docs/scenario-format.md, "Shares of other tasks, ratios,
and shares of the whole force".
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc.core import model, shares
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.runner import run
from forcecalc.core.scenario import Basis, Figure, Scenario, Task
from forcecalc.core.sources import Assumption
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.writer import dump_scenario

ASSUMED = Assumption("a property test")

#: UNIFIL in June 1982, as the Secretary-General's report gives its structure: infantry 5,610
#: (81%), logistics 1,144 (16.5%), headquarters 191 (2.8%) of 6,945; the percentages are of the
#: whole force.
UNIFIL_1982 = """\
schema_version: 1
name: UNIFIL, June 1982
description: The force's structure as the Secretary-General's report states it.
geometry:
  front_length_km: {value: 120, assumption: the Blue Line's order of size (not used)}
  buffer_width_km: {value: 10, assumption: not used here}
tasks:
  - name: infantry
    category: military
    basis: fixed
    count:
      value: 5610
      source: &s15194
        title: "Report of the Secretary-General on the United Nations Interim Force in
          Lebanon (S/15194)"
        publisher: United Nations Security Council
        date: 1982-06
  - name: logistics
    category: enablers
    basis: share_of_force
    share: {value: 0.165, source: *s15194}
  - name: headquarters
    category: headquarters
    basis: share_of_force
    share: {value: 0.028, source: *s15194}
sustainment:
  rotation_multiplier: {value: 1, assumption: deployed strength only}
expect:
  - {metric: deployed, statistic: p50, approx: 6945, tolerance: 0.01, source: *s15194}
"""


def _values(scenario: Scenario) -> dict[str, float]:
    return {p: f.dist.value for p, f in scenario.figures.items()}


def test_unifil_1982_structure_is_given_back() -> None:
    scenario = parse_scenario(UNIFIL_1982, "unifil-1982.yaml")
    out = model.evaluate(scenario, _values(scenario))
    deployed = 5610 / (1 - 0.165 - 0.028)
    assert out.deployed == pytest.approx(deployed, rel=1e-12)
    assert round(float(out.deployed)) == 6952
    assert out.by_task["logistics"] == pytest.approx(0.165 * deployed, rel=1e-12)
    assert out.by_task["headquarters"] == pytest.approx(0.028 * deployed, rel=1e-12)
    # within the report's rounding of its percentages: 6,945, 1,144 and 191
    assert out.deployed == pytest.approx(6945, rel=0.002)
    assert out.by_task["logistics"] == pytest.approx(1144, rel=0.005)
    assert out.by_task["headquarters"] == pytest.approx(191, rel=0.025)
    assert all(c.met for c in run(scenario, samples=64, seed=1).claims())


def test_share_of_named_tasks_keeps_its_numbers() -> None:
    """Written as share_of the infantry, 0.165 is 13.8% of the whole: the issue's example."""
    text = UNIFIL_1982.replace(
        "    basis: share_of_force\n    share: {value: 0.165",
        "    basis: share_of\n    of: [infantry]\n    share: {value: 0.165",
    )
    scenario = parse_scenario(text)
    out = model.evaluate(scenario, _values(scenario))
    assert out.by_task["logistics"] == pytest.approx(0.165 * 5610)
    assert float(out.by_task["logistics"] / out.deployed) == pytest.approx(0.138, abs=5e-4)


def test_share_of_whole_formula() -> None:
    assert shares.share_of_whole(0.193, 5610) == pytest.approx(6951.67, abs=0.01)
    assert shares.ratio_of(2.6, [100.0, 10.0]) == pytest.approx([260.0, 26.0])


def test_share_of_a_category_and_of_the_force_together() -> None:
    """Two wholes: headquarters 2.8% of the force, their support 10% of the headquarters
    category: D = 5,610 + 0.028 D + 0.1 C, C = 0.028 D (as a share of a share would be)."""
    text = UNIFIL_1982.replace(
        "  - name: logistics\n    category: enablers\n    basis: share_of_force\n"
        "    share: {value: 0.165, source: *s15194}\n",
        "  - name: hq_support\n    category: enablers\n    basis: share_of_force\n"
        "    share_of_category: headquarters\n    share: {value: 0.1, assumption: a test}\n",
    )
    scenario = parse_scenario(text)
    assert scenario.task("hq_support").of_category == "headquarters"
    out = model.evaluate(scenario, _values(scenario))
    deployed = 5610 / (1 - 0.028 - 0.1 * 0.028)
    assert out.deployed == pytest.approx(deployed, rel=1e-12)
    assert out.by_task["hq_support"] == pytest.approx(0.1 * out.by_task["headquarters"])
    assert dump_scenario(parse_scenario(dump_scenario(scenario))) == dump_scenario(scenario)


def test_ratio_may_exceed_one_and_round_trips() -> None:
    text = UNIFIL_1982.replace(
        "    basis: share_of_force\n    share: {value: 0.165, source: *s15194}",
        "    basis: ratio_of\n    of: [infantry]\n"
        "    ratio: {value: 2.6, assumption: a support-to-combat ratio}",
    )
    scenario = parse_scenario(text)
    out = model.evaluate(scenario, _values(scenario))
    assert out.by_task["logistics"] == pytest.approx(2.6 * 5610)
    assert out.by_task["headquarters"] == pytest.approx(0.028 * out.deployed)
    again = parse_scenario(dump_scenario(scenario))
    assert again == scenario


def test_ratio_of_refuses_a_negative_ratio() -> None:
    text = UNIFIL_1982.replace(
        "    basis: share_of_force\n    share: {value: 0.165, source: *s15194}",
        "    basis: ratio_of\n    of: [infantry]\n    ratio: {value: -1, assumption: a test}",
    )
    with pytest.raises(ScenarioError, match=r"at tasks\.logistics\.ratio\.value: got -1"):
        parse_scenario(text)


def test_point_shares_reaching_one_are_refused_at_load() -> None:
    text = UNIFIL_1982.replace("value: 0.028", "value: 0.835")
    with pytest.raises(
        ScenarioError,
        match=r"at tasks\.logistics\.share: got shares of the whole force summing to 1 ",
    ):
        parse_scenario(text, "unifil.yaml")


def test_sampled_shares_reaching_one_are_refused_per_sample() -> None:
    text = UNIFIL_1982.replace(
        "share: {value: 0.028, source: *s15194}",
        "share: {low: 0.5, high: 0.9, assumption: too wide for a test}",
    )
    scenario = parse_scenario(text, "unifil.yaml")  # loads: only some samples reach 1
    with pytest.raises(ScenarioError) as info:
        run(scenario, samples=256, seed=3)
    message = str(info.value)
    assert "at tasks.logistics.share: got shares of the whole force summing to 1 or more in" in (
        message
    )
    assert "of 256 samples" in message
    assert "tasks.headquarters.share" in message


def test_two_wholes_reaching_one_are_refused() -> None:
    """A share of a category holding a share of the force: ρ of the 2 × 2 system
    [[0.5, 0.6], [0.5, 0.6]] is 1.1."""
    text = UNIFIL_1982.replace(
        "  - name: logistics\n    category: enablers\n    basis: share_of_force\n"
        "    share: {value: 0.165, source: *s15194}\n",
        "  - name: hq_support\n    category: headquarters\n    basis: share_of_force\n"
        "    share_of_category: headquarters\n    share: {value: 0.6, assumption: a test}\n",
    ).replace("value: 0.028", "value: 0.5")
    with pytest.raises(ScenarioError, match=r"compounding \(ρ of their linear system\) to 1\.1 "):
        parse_scenario(text)


# --------------------------------------------------------------------------------------------
# Properties


def _scenario(tasks: list[Task], figures: dict[str, float]) -> Scenario:
    figs = {p: Figure(p, "fraction", Point(v), ASSUMED) for p, v in figures.items()}
    return Scenario("generated", "a generated scenario", tuple(tasks), figs)


def _geometry() -> dict[str, float]:
    return {
        "geometry.front_length_km": 100.0,
        "geometry.buffer_width_km": 5.0,
        "sustainment.rotation_multiplier": 3.0,
    }


@st.composite
def whole_structures(draw: st.DrawFn) -> tuple[Scenario, dict[str, np.ndarray]]:
    """Fixed tasks, shares of the whole force summing below 1, and shares of tasks (of the
    fixed ones and of the shares of the force), evaluated over a few samples."""
    n = 4
    values: dict[str, np.ndarray] = {k: np.full(n, v) for k, v in _geometry().items()}
    tasks: list[Task] = []
    for i in range(draw(st.integers(1, 3))):
        task = Task(f"fixed_{i}", "military", Basis.FIXED)
        values[task.figure_path("count")] = np.array(draw(_arrays(n, 0.0, 10_000.0)))
        tasks.append(task)
    k = draw(st.integers(1, 4))
    raw = np.array([draw(_arrays(n, 0.01, 1.0)) for _ in range(k)])
    total = draw(st.floats(0.05, 0.95))
    for i in range(k):
        category = draw(st.sampled_from(["enablers", "reserve"]))
        task = Task(f"whole_{i}", category, Basis.SHARE_OF_FORCE)
        values[task.figure_path("share")] = total * raw[i] / raw.sum(axis=0)
        tasks.append(task)
    return _scenario(tasks, {}), values


def _arrays(n: int, low: float, high: float) -> st.SearchStrategy[list[float]]:
    return st.lists(st.floats(low, high), min_size=n, max_size=n)


@settings(max_examples=60, deadline=None)
@given(whole_structures())
def test_a_share_of_the_whole_force_is_exactly_that_share_of_the_total(structure) -> None:
    scenario, values = structure
    out = model.evaluate(scenario, values)
    for task in scenario.tasks:
        if task.basis is Basis.SHARE_OF_FORCE:
            share = values[task.figure_path("share")]
            np.testing.assert_allclose(out.by_task[task.name], share * out.deployed, rtol=1e-9)
    fixed = sum(values[t.figure_path("count")] for t in scenario.tasks if t.basis is Basis.FIXED)
    total_share = sum(
        values[t.figure_path("share")] for t in scenario.tasks if t.basis is Basis.SHARE_OF_FORCE
    )
    np.testing.assert_allclose(out.deployed, fixed / (1 - total_share), rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.0, 100.0),
    count=st.floats(0.0, 1_000.0),
    share=st.floats(0.0, 0.99),
    ratio=st.floats(0.0, 5.0),
    offset=st.floats(0.0, 0.99),
    share_reducible=st.booleans(),
    other_reducible=st.booleans(),
)
def test_a_share_of_a_reducible_task_is_reduced_once(
    rate, count, share, ratio, offset, share_reducible, other_reducible
) -> None:
    """Every person is multiplied by 1 − offset at most once: a share of a reducible task is
    reduced once whether or not it is itself reducible; marking it reducible reduces only the
    part its bases have not (here ``other``, when that is not reducible)."""
    base = Task("base", "military", Basis.PER_KM_FRONT, reducible=True)
    other = Task("other", "headquarters", Basis.FIXED, reducible=other_reducible)
    part = Task("part", "enablers", Basis.SHARE_OF, of=("base",), reducible=share_reducible)
    mixed = Task("mixed", "enablers", Basis.RATIO_OF, of=("base", "other"), reducible=True)
    values = {
        **_geometry(),
        "tasks.base.rate": rate,
        "tasks.other.count": count,
        "tasks.part.share": share,
        "tasks.mixed.ratio": ratio,
        "technology_offset": offset,
    }
    scenario = _scenario([base, other, part, mixed], {})
    out = model.task_personnel(scenario, values)
    kept = 1 - offset
    raw_base = rate * 100.0
    assert out["base"] == pytest.approx(kept * raw_base)
    assert out["part"] == pytest.approx(share * kept * raw_base, abs=1e-9)
    assert out["mixed"] == pytest.approx(ratio * kept * (raw_base + count), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.0, 0.9), offset=st.floats(0.0, 0.99), reducible=st.booleans())
def test_a_share_of_the_force_is_reduced_once(share, offset, reducible) -> None:
    """A share of the force is a share of the force as deployed; marked reducible, it reduces
    the part of the force not yet reduced (here the unreduced headquarters), once."""
    line = Task("line", "military", Basis.PER_KM_FRONT, reducible=True)
    staff = Task("staff", "headquarters", Basis.FIXED)
    hq = Task("support", "enablers", Basis.SHARE_OF_FORCE, reducible=reducible)
    values = {
        **_geometry(),
        "tasks.line.rate": 10.0,
        "tasks.staff.count": 200.0,
        "tasks.support.share": share,
        "technology_offset": offset,
    }
    out = model.evaluate(_scenario([line, staff, hq], {}), values)
    reduced, unreduced = (1 - offset) * 1_000.0, 200.0
    # D = R + U + T with T = s × D, or, reducible, T = s × ((D − U) + (1 − o) U): so
    # D = (R + U (1 − s o)) / (1 − s); the unreduced part of D is U (T adds none)
    kept = 1 - share * offset if reducible else 1.0
    deployed = (reduced + unreduced * kept) / (1 - share)
    assert out.deployed == pytest.approx(deployed, rel=1e-9)
    assert out.by_task["support"] == pytest.approx(out.deployed - reduced - unreduced, rel=1e-9)
