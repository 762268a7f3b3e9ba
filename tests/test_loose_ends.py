"""Loose ends of issues 10 and 11: the rule selector of an ensemble by sector in the sensitivity
methods, a ``--set`` that leaves a sector no rule, the analogs' labels, the back-test's budget.

An ensemble by sector (:mod:`forcecalc.calibration.sector_postures`) draws one
``ensemble.rule_choice`` for every sector: each level of that draw is a combination of one rule
per sector, never one rule of the catalogue for the whole line.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from forcecalc.analysis.problem import figure_at, problem_of
from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.tornado import tornado
from forcecalc.calibration import backtest as backtest_module
from forcecalc.calibration.analogs import compare
from forcecalc.calibration.missions import default_missions
from forcecalc.calibration.rules import all_rules
from forcecalc.cli import main
from forcecalc.core import densities
from forcecalc.core.errors import ParameterError
from forcecalc.core.runner import override, run
from forcecalc.core.sectors import rule_in_sector, sector_mixtures
from forcecalc.report.calibration import analogs_dict, render_analogs
from forcecalc.report.sensitivity import render_sensitivity
from forcecalc.scenario.loader import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DETERRENT = ROOT / "scenarios" / "deterrent-force-density.yaml"
SEED_001 = ROOT / "scenarios" / "seed-001-basic-ceasefire.yaml"


def fig(x: float) -> dict[str, object]:
    return {"value": x, "assumption": "a test figure"}


#: The docs' example: an interpose front with a buffer and an observe border, no ensemble block.
BY_SECTOR = {
    "schema_version": 1,
    "name": "by-sector ensemble",
    "description": "a test scenario",
    "geometry": {
        "sectors": [
            {
                "name": "front",
                "length_km": fig(1250),
                "buffer_width_km": fig(10),
                "posture": "interpose",
            },
            {"name": "border", "length_km": fig(2450), "posture": "observe"},
        ]
    },
    "method": "ensemble",
    "sustainment": {"rotation_multiplier": fig(3)},
}


@pytest.fixture(scope="module")
def by_sector():
    scenario = parse_scenario(yaml.safe_dump(BY_SECTOR, sort_keys=False), "by-sector.yaml")
    assert scenario.sector_ensembles, "the example must be an ensemble by sector"
    return scenario


def _picks(scenario, u: np.ndarray) -> list[np.ndarray]:
    """Each sector's rule index at draws ``u``, as the model picks it."""
    out = []
    for own in scenario.sector_ensembles:
        w = [
            s * scenario.figures[densities.weight_path(r)].dist.value
            for r, s in zip(own.rules, own.shares, strict=True)
        ]
        out.append(densities.rule_index(w, u))
    return out


def _at_medians(scenario) -> dict[str, float]:
    """Every figure but the rule choice at its value or median."""
    return {
        f.path: float(figure_at(f, 0.5))
        for f in scenario.figures.values()
        if f.path != densities.RULE_CHOICE
    }


# --------------------------------------------------------------------------------------------
# 1. The rule selector of an ensemble by sector


def test_each_level_is_one_rule_per_sector_and_the_model_takes_them(by_sector) -> None:
    c = problem_of(by_sector).categorical[densities.RULE_CHOICE]
    assert c.sectors == ("front", "border") and c.unit == "rule per sector"
    values = _at_medians(by_sector)
    sectors = {s.name: s for s in by_sector.geometry.line}
    own = {e.sector: set(e.rules) for e in by_sector.sector_ensembles}
    for k, label in enumerate(c.levels):
        parts = dict(part.split(" ", 1) for part in label.split(" / "))
        assert list(parts) == ["front", "border"]
        for name, rule in parts.items():
            assert rule in own[name]  # a rule of that sector's own posture
        at = dict(values, **{densities.RULE_CHOICE: c.draw_of(k)})
        got = sector_mixtures(by_sector, at)
        for name, rule in parts.items():
            assert got[name] == pytest.approx(rule_in_sector(sectors[name], rule, at))


def test_the_levels_follow_the_size_order_of_every_sector(by_sector) -> None:
    """Levels in draw order: at median figures every sector's requirement rises (or stays)
    from one level to the next, as the comonotone shared draw takes them."""
    c = problem_of(by_sector).categorical[densities.RULE_CHOICE]
    values = _at_medians(by_sector)
    got = [
        sector_mixtures(by_sector, dict(values, **{densities.RULE_CHOICE: c.draw_of(k)}))
        for k in range(len(c.levels))
    ]
    for name in c.sectors:
        sizes = [float(g[name]) for g in got]
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_each_levels_share_is_the_share_of_draws_that_pick_it(by_sector) -> None:
    c = problem_of(by_sector).categorical[densities.RULE_CHOICE]
    n = 200_000
    u = (np.arange(n) + 0.5) / n
    combos = np.stack(_picks(by_sector, u), axis=1)
    assert len(c.levels) == len(set(c.levels))
    found: dict[tuple, int] = {}
    for row in map(tuple, combos):
        found[row] = found.get(row, 0) + 1
    assert len(found) == len(c.levels)  # every combination the draw can pick is one level
    shares = dict(zip(c.levels, c.shares, strict=True))
    for row, count in found.items():
        label = " / ".join(
            f"{e.sector} {e.rules[i]}" for e, i in zip(by_sector.sector_ensembles, row, strict=True)
        )
        assert shares[label] == pytest.approx(count / n, abs=2 / n)


def test_the_tornado_bar_names_each_sectors_rule_and_averages_over_the_draw(by_sector) -> None:
    t = tornado(by_sector, outputs=("deployed",)).tornadoes[0]
    bar = next(b for b in t.bars if b.path == densities.RULE_CHOICE)
    assert bar.unit == "rule per sector"
    for level in (bar.low_level, bar.high_level):
        assert level.startswith("front ") and " / border " in level
    # no level is a single rule of the catalogue, as if it held the whole line
    assert all(" / " in name for name, _ in bar.level_outputs)
    # the baseline is the output averaged over the draw, every other input at its median
    n = 100_000
    u = (np.arange(n) + 0.5) / n
    y = problem_of(by_sector, ("deployed",)).model(
        dict(_at_medians(by_sector), **{densities.RULE_CHOICE: u})
    )["deployed"]
    assert t.baseline == pytest.approx(float(np.mean(y)), rel=1e-3)
    assert bar.output_low == pytest.approx(float(np.min(y)))
    assert bar.output_high == pytest.approx(float(np.max(y)))
    text = render_sensitivity(tornado(by_sector), "table")
    assert "ensemble by sector: one draw picks every sector's rule" in text


def test_zeroed_rules_are_in_no_level(by_sector) -> None:
    changed = override(by_sector, {"rules.doctrine.posts.weight": 0.0})
    c = problem_of(changed).categorical[densities.RULE_CHOICE]
    assert not any("doctrine.posts" in level for level in c.levels)
    assert sum(c.shares) == pytest.approx(1.0)


def test_sobol_names_the_by_sector_draw(by_sector) -> None:
    r = sobol(by_sector, n=64, repeats=1, outputs=("deployed",))
    index = next(i for i in r.outputs[0].indices if i.path == densities.RULE_CHOICE)
    assert index.unit == "rule per sector"
    assert "ensemble by sector: ensemble.rule_choice is one draw" in render_sensitivity(r, "table")


# --------------------------------------------------------------------------------------------
# 2. A --set that leaves a sector no rule


def test_a_set_that_zeroes_every_rule_of_a_sector_is_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "by-sector.yaml"
    path.write_text(yaml.safe_dump(BY_SECTOR, sort_keys=False), encoding="utf-8")
    sets = ["doctrine.posts", "unifil_2006.per_km", "unmee.per_km"]
    argv = ["run", str(path), "--samples", "64"]
    for rule in sets:
        argv += ["--set", f"rules.{rule}.weight=0"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("forcecalc: error: --set ")
    assert "sector border" in err and all(rule in err for rule in sets)
    assert "mixture" not in err
    # one of the border's rules kept: the run goes on
    assert main(argv[:-2]) == 0


# --------------------------------------------------------------------------------------------
# 3. forcecalc analogs: the rules on the whole line, the densities named as run names them


def test_analogs_say_the_rules_apply_to_the_whole_line_and_name_densities_as_run() -> None:
    result = run(load_scenario(DETERRENT), samples=512, seed=3)
    c = compare(result, default_missions())
    text = render_analogs(c, default_missions(), "table")
    assert "front alone, as method analog does" not in text
    assert "apply to every sector of the line" in text
    header = next(line for line in text.splitlines() if line.lstrip().startswith("mission"))
    assert "per km of the whole line" in header and "per km² of buffer" in header
    assert "troops_per_km" not in header
    # and it is so: a rule per km is its rate times the whole line, front and borders
    values = result.samples.values
    line = np.asarray(values["geometry.front_length_km"]) + np.asarray(
        values["geometry.border_length_km"]
    )
    rate = all_rules(default_missions())["undof.per_km"].figures["rate"].dist.value
    undof = next(e for e in c.rules if e.rule == "undof.per_km")
    assert undof.band.p50 == pytest.approx(np.median(rate * line), rel=0.02)
    labels = analogs_dict(c, default_missions())["labels"]
    assert labels["troops_per_km"] == "per km of the whole line"
    assert labels["troops_per_km2"] == "per km² of buffer"


def test_analogs_without_borders_are_per_km_of_front() -> None:
    c = compare(run(load_scenario(SEED_001), samples=256, seed=3), default_missions())
    text = render_analogs(c, default_missions(), "table")
    assert "per km of front: the scenario's median ranks" in text
    assert json.loads(render_analogs(c, default_missions(), "json"))["labels"]["troops_per_km"] == (
        "per km of front"
    )


# --------------------------------------------------------------------------------------------
# 4. No re-export module


def test_the_backstop_is_imported_from_core() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("forcecalc.analysis.finite")


# --------------------------------------------------------------------------------------------
# 5. The back-test's budget, before anything is computed


def test_the_backtest_refuses_too_many_samples_before_computing(monkeypatch) -> None:
    def computed(*args, **kwargs):
        raise AssertionError("a mission was computed before the budget was checked")

    monkeypatch.setattr(backtest_module, "ensemble", computed)
    for call in (backtest_module.backtest, backtest_module.backtest_postures):
        with pytest.raises(
            ParameterError, match=r"^samples: got 1,000,000 samples for the back-test"
        ) as e:
            call(default_missions(), samples=1_000_000)
        assert "scenario" not in str(e.value)
    most = int(str(e.value).split("at most ")[1].split(" ")[0].replace(",", ""))
    backtest_module.check_budget(default_missions(), most)  # the most allowed passes
    with pytest.raises(ParameterError):
        backtest_module.check_budget(default_missions(), most + 1)


def test_the_backtest_budget_is_one_line_on_the_command_line(capsys) -> None:
    assert main(["backtest", "--samples", "1000000"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("forcecalc: error: --samples: got 1,000,000")
    assert "back-test" in err and "a scenario of" not in err
