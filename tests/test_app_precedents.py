"""The planner app's precedent panel, driven headless with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from tests.hostile import literal

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SHIPPED_DETERRENT = "deterrent-force-density.yaml"


def test_the_app_shows_the_scenario_beside_its_precedents() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    at.select_slider(key="samples").set_value(1024).run()
    radio = at.radio(key="precedent_density")
    assert list(radio.options) == ["per km of front", "per km² of buffer"]  # as `run` says
    assert any("ranks 3 of 11" in c.value for c in at.caption)
    radio.set_value("per km² of buffer").run()
    assert not at.exception
    # buffer densities only: KFOR's and IFOR's areas are territories (Kosovo, Bosnia), so 6
    assert any("ranks 4 of 6" in c.value for c in at.caption)


def test_a_scenario_with_borders_is_compared_per_km_of_the_whole_line() -> None:

    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.selectbox(key="shipped").set_value(SHIPPED_DETERRENT).run()
    assert not at.exception
    radio = at.radio(key="precedent_density")
    assert radio.options[0] == "per km of the whole line"  # as `run` names its density
    assert any("ranks 3 of 11" in c.value for c in at.caption)
    assert any("per km of front alone it would be" in c.value for c in at.caption)


def test_the_app_runs_an_ensemble_scenario() -> None:
    from forcecalc.app.sidebar import PASTE

    csis = Path(__file__).resolve().parents[1] / "scenarios/published/csis-2025-force-to-space.yaml"
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(csis.read_text(encoding="utf-8")).run()
    assert not at.exception
    assert literal(at.title[0].value).startswith("CSIS force-to-space ratios")
    assert any("ranks" in c.value for c in at.caption)
    # the rule choice only picks a rule: nothing to sweep; a weight can be swept
    options = [o.split(" [")[0] for o in at.selectbox(key="sweep_path").options]
    assert "ensemble.rule_choice" not in options
    assert "rules.unifil_2006.per_km2.rate" in options
    weight = next(o for o in at.selectbox(key="sweep_path").options if ".weight" in o)
    at.selectbox(key="sweep_path").set_value(weight).run()
    assert not at.exception and not at.error


def _chart_data(at: AppTest, title: str) -> pd.DataFrame:
    """The data of the chart with this title: the rows of its spec
    (:func:`forcecalc.report.charts.band_spec`), which Streamlit sends as the chart's data."""
    [chart] = [c for c in at.get("vega_lite_chart") if title in c.proto.spec]
    return pa.ipc.open_stream(chart.proto.data.data).read_pandas()


def test_the_sizing_rules_keep_distinct_labels_where_the_chart_cuts_them() -> None:
    """Audit: the chart cut labels at 320 px, so both UNIFIL rules read "UN Interim Force in
    Lebanon (UNIFIL) after resolution 1701, 20…"; the rule id now leads each label."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(1024).run()
    data = _chart_data(at, "Each sizing rule on this scenario's geometry")
    labels = list(data["rule"])
    assert len({label[:24] for label in labels}) == len(labels)
    assert "unifil_2006.per_km: 73.3 per km of line" in labels
    unifil = data[data["rule"].str.startswith("unifil_2006.")]
    assert all(d.startswith("UN Interim Force in Lebanon") for d in unifil["description"])
