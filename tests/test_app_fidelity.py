"""The planner app shows what issue 10 added, as ``forcecalc run`` gives it: densities named for
what they divide by, committed by category with each rotation rule, sectors with their posture,
coverages that name their requirement, pledges' ``covers`` and delivery probability, and an
ensemble's posture and weights (``streamlit.testing.v1.AppTest``, headless)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forcecalc import run
from forcecalc.app import fidelity, headline, planner
from forcecalc.app.assumptions_tab import figure_key
from forcecalc.app.compare_tab import CURRENT
from forcecalc.app.sidebar import PASTE
from forcecalc.app.texts import ScenarioText, read_shipped
from forcecalc.app.widgets import plain
from forcecalc.core import glossary
from forcecalc.core.distributions import Point
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import DEFAULT_SEED
from forcecalc.report.render import fmt_number, metric_label, render_run
from tests.test_app import APP, SAMPLES, SEED_000, metrics

#: Two sectors (a front with a buffer, a quiet border of another posture), civilian monitors
#: with their own rotation rule, and pledges tied to categories, one of them conditional.
FIDELITY = """\
schema_version: 1
name: Two sectors, rotation by category, a conditional pledge
description: A front with a buffer and a quiet border; monitors on 12-month contracts.
geometry:
  sectors:
    - name: east
      length_km: {low: 900, high: 1300, assumption: a range for tests}
      buffer_width_km: {value: 10, assumption: a round number for tests}
      posture: interpose
    - name: north
      length_km: {value: 2000, assumption: a round number for tests}
      posture: observe
tasks:
  - name: line
    category: military
    basis: per_km_front
    rate: {low: 20, high: 40, assumption: a range for tests}
  - name: watch
    category: military
    basis: per_km_border
    rate: {value: 5, assumption: a round number for tests}
  - name: monitors
    category: civilian_monitors
    basis: per_km2_buffer
    rate: {value: 0.5, assumption: a round number for tests}
  - name: hq
    category: headquarters
    basis: fixed
    count: {value: 800, assumption: a round number for tests}
sustainment:
  rotation_multiplier: {value: 3, assumption: the rule of thirds}
  by_category:
    civilian_monitors:
      tour_months: {value: 12, assumption: 12-month contracts}
      dwell_months: {value: 0, assumption: each contract filled by a new hire}
force_generation:
  pledges:
    - contributor: Atlantis
      personnel: {value: 40000, assumption: a round number for tests}
      covers: [military, headquarters]
    - contributor: Lemuria
      status: conditional
      personnel: {value: 6000, assumption: a round number for tests}
      covers: [civilian_monitors]
      delivery_probability: {value: 0.6, assumption: if the parliament agrees}
"""

LEMURIA = "force_generation.pledges.Lemuria.delivery_probability"
CSIS = "published/csis-2025-force-to-space.yaml"


def library(text: str = FIDELITY, overrides: dict[str, float] | None = None) -> RunResult:
    """``forcecalc run`` of the scenario at the app tests' samples and the default seed."""
    scenario = ScenarioText(text, "pasted.yaml").parse()
    return run(scenario, SAMPLES, DEFAULT_SEED, overrides=overrides)


@pytest.fixture(scope="module")
def pasted() -> AppTest:
    """The app at the test's samples with :data:`FIDELITY` pasted in."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(SAMPLES).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(FIDELITY).run()
    assert not at.exception and not at.error
    return at


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_headline_names_each_density_as_run_does(pasted: AppTest) -> None:
    result = library()
    shown = metrics(pasted)
    printed = render_run(result, "table")
    for key in ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line"):
        label = headline.density_label(key)
        b = result.summary.metrics[key]
        assert shown[label] == shown_number(b.p50, key)
        assert label.removesuffix(" (P50)").lower() in printed  # run's label, capitalised
    assert (
        shown["Deployed per km of the whole line (P50)"] != shown["Deployed per km of front (P50)"]
    )
    captions = [c.value for c in pasted.caption]
    band = result.summary.metrics["deployed_per_km_line"]
    ends = (shown_number(x, "deployed_per_km_line") for x in (band.p5, band.p95))
    assert "P5–P95: {} – {}".format(*ends) in captions


def shown_number(value: float, metric: str) -> str:
    """A value of an output as the app and ``run`` format it, by the output's unit."""
    return fmt_number(value, glossary.unit_of(metric))


def test_a_line_without_borders_or_sectors_has_no_whole_line_density() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.selectbox(key="shipped").set_value(SEED_000).run()
    assert not at.exception
    labels = set(metrics(at))
    assert "Deployed per km of front (P50)" in labels
    assert "Deployed per km of the whole line (P50)" not in labels


def test_the_breakdown_shows_committed_by_category_with_each_rule(pasted: AppTest) -> None:
    s = library().summary
    table = frame(pasted, "rotation rule").set_index("category")
    assert list(table.index) == list(s.committed_categories)
    for category, b in s.committed_categories.items():
        assert table.loc[category, "committed p50"] == round(b.p50)
        assert table.loc[category, "deployed p50"] == round(s.categories[category].p50)
    assert table.loc["civilian_monitors", "rotation rule"] == (
        "own rule: tour_months 12, dwell_months 0"
    )
    assert table.loc["military", "rotation rule"] == "scenario's rule: rotation_multiplier 3"
    # the monitors rotate 1:1, the military by thirds: committed differs from deployed × 3
    assert (
        table.loc["civilian_monitors", "committed p50"]
        == table.loc["civilian_monitors", "deployed p50"]
    )


def test_the_breakdown_shows_each_sector_with_its_posture(pasted: AppTest) -> None:
    s = library().summary
    table = frame(pasted, "posture").set_index("sector")
    assert table.loc["east", "posture"] == "interpose"
    assert table.loc["north", "posture"] == "observe"
    assert table.loc["north", "buffer"] == "no (quiet)"
    for name, b in s.sectors.items():
        assert table.loc[name, "p50"] == round(b.p50)
    assert table.loc["(whole force: fixed, shares)", "p50"] == 800  # hq, which no sector owns


def test_coverages_name_their_requirement_and_pledges_show_covers(pasted: AppTest) -> None:
    printed = render_run(library(), "table")
    supply = frame(pasted, "unit")
    coverage = [n for n in supply["name"] if n.startswith("pledged ÷ ")]
    assert coverage == [
        "pledged ÷ deployed of military, civilian_monitors, headquarters "
        "(least-covered set of categories)"
    ]
    for _, row in supply.iterrows():  # every row as run prints it
        assert row["name"] in printed and row["p50"] in printed
    pledges = frame(pasted, "delivery probability").set_index("contributor")
    assert pledges.loc["Atlantis", "covers"] == "military, headquarters"
    assert pledges.loc["Lemuria", "covers"] == "civilian_monitors"
    assert pledges.loc["Lemuria", "delivery probability"] == "0.6"
    assert pledges.loc["Atlantis", "delivery probability"] == "1 (delivered as pledged)"


def test_a_delivery_probability_is_edited_like_any_figure(pasted: AppTest) -> None:
    base = ScenarioText(FIDELITY, "pasted.yaml")
    assert LEMURIA in [f.path for f in planner.grouped_figures(base.parse())["force generation"]]
    before = metrics(pasted)["P(pledges suffice)"]
    # a probability is entered as a percentage: 100 is a delivery probability of 1
    pasted.number_input(key=figure_key(base, 0, LEMURIA, "value")).set_value(100).run()
    assert not pasted.exception and not pasted.error
    edited = planner.apply_edits(base, {LEMURIA: Point(1.0)})
    p = run(edited.parse(), SAMPLES, DEFAULT_SEED).summary.probabilities["p_pledges_suffice"]
    assert p == library(overrides={LEMURIA: 1.0}).summary.probabilities["p_pledges_suffice"]
    shown = metrics(pasted)["P(pledges suffice)"]
    assert shown == fmt_number(p, "probability") != before
    pledges = frame(pasted, "delivery probability").set_index("contributor")
    assert pledges.loc["Lemuria", "delivery probability"] == "1"
    pasted.number_input(key=figure_key(base, 0, LEMURIA, "value")).set_value(60).run()


def test_the_compare_tab_uses_runs_densities(pasted: AppTest) -> None:
    s = library().summary
    table = frame(pasted, "deployed per km of the whole line p50").set_index("scenario")
    row = table.loc[CURRENT]
    for key in ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line"):
        assert row[f"{metric_label(key)} p50"] == shown_number(s.metrics[key].p50, key)
    assert table.loc[SEED_000, "deployed per km of the whole line p50"] == "–"  # no borders


def test_an_ensemble_states_its_posture_rules_and_weights() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.selectbox(key="shipped").set_value(CSIS).run()
    assert not at.exception and not at.error
    scenario = read_shipped(CSIS).parse()
    line = fidelity.ensemble_text(scenario)
    assert line.startswith("Ensemble: ") and "Share of samples by rule: " in line
    assert line in render_run(run(scenario, 1024), "table")  # the line run prints
    assert plain(line) in [c.value for c in at.caption]  # under the headline
    assert line in [t.value for t in at.text]  # in the Breakdown, as plain text
    assert fidelity.ensemble_text(read_shipped(SEED_000).parse()) == ""  # method tasks: none


def test_the_rows_without_the_features_are_empty() -> None:
    """A scenario without sectors, categories' own rules or pledges gets none of these rows,
    as ``forcecalc run`` prints none of these sections."""
    result = run(read_shipped(SEED_000).parse(), 256, DEFAULT_SEED)
    assert fidelity.category_rows(result) == []
    assert fidelity.sector_rows(result) == []
    assert fidelity.supply_rows(result) == []
    assert fidelity.pledge_rows(result.scenario) == []
    assert fidelity.rotation_rule(result.scenario, "police") == (
        "scenario's rule: tour_months 6, dwell_months uniform(18, 24)"
    )
