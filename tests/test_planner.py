"""What the planner app shows, tested without Streamlit."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from forcecalc import load_scenario, parse_scenario, run
from forcecalc.app.drivers import (
    figure_median,
    sweep_paths,
    sweep_range,
    sweep_text,
    tornado_text,
)
from forcecalc.app.headline import Headline, headlines
from forcecalc.app.messages import CONTROL_OF, app_message
from forcecalc.app.planner import (
    GROUPS,
    apply_edits,
    changed_figures,
    dist_params,
    grouped_figures,
    input_spec,
    register_document,
    source_note,
    with_params,
)
from forcecalc.app.tables import (
    claim_rows,
    compare_rows,
    rule_label,
    samples_of,
    task_rows,
)
from forcecalc.app.texts import (
    ScenarioText,
    count,
    downloads,
    edited_name,
    file_name,
    read_shipped,
    read_upload,
    run_text,
    shipped_scenarios,
)
from forcecalc.core import runner
from forcecalc.core.distributions import Interval90, Pert, Point
from forcecalc.core.errors import ParameterError, ScenarioError, UsageError, Where
from forcecalc.report.charts import distribution_chart, histogram, sweep_rows, tornado_rows
from forcecalc.report.render import fmt_number
from forcecalc.scenario.files import MAX_BYTES
from forcecalc.scenario.register import default_register
from forcecalc.scenario.resources import DEFAULT_SCENARIO

SEED_000 = "seed-000-buffer-zone.yaml"
SEED_001 = "seed-001-basic-ceasefire.yaml"


def test_every_shipped_scenario_is_offered_and_reads_as_it_loads() -> None:
    files = shipped_scenarios()
    assert DEFAULT_SCENARIO in files
    for name, path in files.items():
        assert read_shipped(name).parse() == load_scenario(path)


def test_the_published_scenarios_are_offered_after_the_top_level_ones() -> None:
    checkout = Path(__file__).resolve().parents[1] / "scenarios"
    names = list(shipped_scenarios())
    published = sorted(f"published/{p.name}" for p in (checkout / "published").glob("*.yaml"))
    top = sorted(p.name for p in checkout.glob("*.yaml"))
    assert len(published) >= 9
    assert names == top + published
    iiss = read_shipped("published/iiss-2025-brigade.yaml")
    assert iiss.parse().name.startswith("IISS reassurance force, small option")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name: [unclosed", r"^up\.yaml:1:\d+: got a YAML syntax error"),
        (b"\xff\xfe", r"^up\.yaml:1:1: got byte 0xff that is not UTF-8"),
        (b"", r"^up\.yaml:1:1: got an empty document"),
        (b"schema_version: 1\n", r"^up\.yaml:1:1: .*expected"),
        (b"x" * (MAX_BYTES + 1), r"^up\.yaml: got a file over 1,000,000 bytes"),
    ],
)
def test_a_bad_upload_raises_the_loaders_one_line_message(data: bytes, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        read_upload(data, "up.yaml")
    assert "\n" not in str(info.value)


def test_an_upload_gets_the_same_message_as_the_file_would() -> None:
    text = read_shipped(SEED_001).text.replace("low: 1040", "low: -5")
    with pytest.raises(ScenarioError) as from_file:
        parse_scenario(text, "up.yaml")
    with pytest.raises(ScenarioError) as from_upload:
        read_upload(text.encode(), "up.yaml")
    assert str(from_upload.value) == str(from_file.value)


def test_a_good_upload_keeps_its_text_and_name() -> None:
    text = read_shipped(SEED_000).text
    assert read_upload(text.encode("utf-8-sig"), "mine.yaml") == ScenarioText(text, "mine.yaml")


def test_no_edits_give_back_the_file_itself() -> None:
    base = read_shipped(SEED_001)
    assert apply_edits(base, {}) is base


def test_edits_give_a_named_text_that_runs_like_an_override() -> None:
    base = read_shipped(SEED_000)
    edited = apply_edits(base, {"geometry.buffer_width_km": Point(8)})
    assert edited.name == "seed-000-buffer-zone-edited.yaml"
    assert "[edited in the planner app; scenario value: 5]" in edited.text
    mine = run_text(edited.text, edited.name, 1024, 3).summary
    library = run(base.parse(), 1024, 3, overrides={"geometry.buffer_width_km": 8}).summary
    assert mine == library


def test_an_invalid_edit_raises_the_loaders_message_naming_the_figure() -> None:
    base = read_shipped(SEED_001)
    changes = {"geometry.front_length_km": Interval90(1300, 1200)}
    with pytest.raises(ScenarioError) as info:
        apply_edits(base, changes)
    assert str(info.value) == (
        "geometry.front_length_km, high: got 1200 with low 1300; expected high above low "
        "(as entered: low 1300, high 1200)"
    )
    assert info.value.where.key_path == "geometry.front_length_km.high"
    assert info.value.where.line == 0  # no line of the regenerated YAML


def test_sweep_paths_leave_out_refused_pledges() -> None:
    """A refused contributor's pledge stays 0: the app must not offer it to sweep."""
    scenario = read_shipped(SEED_001).parse()
    paths = sweep_paths(scenario)
    assert "force_generation.pledges.Poland.personnel" not in paths
    assert "force_generation.pledges.Germany.personnel" in paths
    assert set(paths) | runner.refused_pledges(scenario) == set(scenario.figures)
    assert paths == [p for p in scenario.figures if p in paths]  # document order


def test_edited_names() -> None:
    assert edited_name("a.yaml") == "a-edited.yaml"
    assert edited_name("a-edited.yaml") == "a-edited.yaml"
    assert edited_name("pasted.yml") == "pasted-edited.yaml"
    assert edited_name("published/iiss-2025-brigade.yaml") == "iiss-2025-brigade-edited.yaml"
    assert file_name("published/iiss-2025-brigade.yaml") == "iiss-2025-brigade.yaml"
    assert file_name("mine") == "mine.yaml"


@pytest.mark.parametrize("name", [SEED_000, "published/iiss-2025-brigade.yaml"])
def test_an_edited_scenario_keeps_its_schema_line(name: str) -> None:
    base = read_shipped(name)
    first = base.text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    path = "geometry.buffer_width_km"
    edited = apply_edits(base, {path: Point(8.0)})
    assert edited.text.splitlines()[0] == first
    assert edited.text.count("yaml-language-server") == 1
    assert edited.parse().figures[path].dist == Point(8.0)


def test_an_edited_upload_without_a_schema_line_gets_none() -> None:
    base = read_upload(read_shipped(SEED_000).text.split("\n", 1)[1].encode(), "mine.yaml")
    edited = apply_edits(base, {"geometry.buffer_width_km": Point(8)})
    assert not edited.text.startswith("#")


def test_downloads_are_the_scenario_text_and_the_rendered_results() -> None:
    base = read_shipped("published/iiss-2025-brigade.yaml")
    result = run_text(base.text, base.name, 256, 1)
    yaml_file, csv_file, json_file = downloads(base, result, 0)
    assert yaml_file.data == base.text
    assert yaml_file.file_name == "iiss-2025-brigade.yaml"
    assert yaml_file.label == "Scenario YAML (no edits)"
    assert csv_file.file_name == "iiss-2025-brigade-results.csv"
    provenance = json.loads(json_file.data)["provenance"]
    assert provenance["seed"] == 1 and provenance["samples"] == 256
    only_yaml = downloads(base, None, 2)
    assert [d.label for d in only_yaml] == [
        "Scenario YAML (2 edited figures, each marked in its note)"
    ]


def test_run_text_is_the_librarys_run() -> None:
    base = read_shipped(SEED_001)
    assert run_text(base.text, base.name, 2048, 11).summary == run(base.parse(), 2048, 11).summary


def test_every_figure_is_in_exactly_one_group_in_document_order() -> None:
    for name in shipped_scenarios():
        scenario = read_shipped(name).parse()
        groups = grouped_figures(scenario)
        assert set(groups) <= set(GROUPS)
        flat = [f.path for figs in groups.values() for f in figs]
        from_dataset = ("rules.", "ensemble.")  # a sizing rule's figures: not in the YAML
        assert sorted(flat) == sorted(p for p in scenario.figures if not p.startswith(from_dataset))
        assert [f.path for f in groups["geometry"]] == [
            p for p in scenario.figures if p.startswith("geometry.")
        ]


def test_params_round_trip_and_only_changed_figures_are_edits() -> None:
    dist = Pert(1, 2, 4)
    assert with_params(dist, dist_params(dist)) == dist
    assert with_params(dist, {**dist_params(dist), "mode": 3}) == Pert(1, 3, 4)
    scenario = read_shipped(SEED_001).parse()
    entered = {p: dist_params(f.dist) for p, f in scenario.figures.items()}
    assert changed_figures(scenario, entered) == {}
    entered["geometry.front_length_km"] = {"low": 1040, "high": 1300}
    assert changed_figures(scenario, entered) == {
        "geometry.front_length_km": Interval90(1040, 1300)
    }


def test_input_specs_count_people_in_whole_numbers() -> None:
    scenario = read_shipped(SEED_001).parse()
    pledge = scenario.figures["force_generation.pledges.France.personnel"]
    spec = input_spec(pledge, 5000.0)
    assert spec == type(spec)(5000, 100, "%d")
    share = scenario.figures["tasks.logistics.share"]
    assert input_spec(share, 0.204) == type(spec)(0.204, 0.01, "%g")
    assert input_spec(share, 0.0).step == 0.01


def test_source_notes_show_register_quote_and_gloss() -> None:
    scenario = read_shipped(SEED_000).parse()
    note = source_note(scenario.figures["geometry.buffer_width_km"])
    assert note.label == "source: news report (Croatian; outlet and date not given)"
    assert note.ref == "000_fd3776af069ded84#buffer-width"  # in the tooltip, not the label
    documents = default_register().documents
    assert register_document(documents["001_c9dd63bdddab6577"]) == "Reuters report (English)"
    assert register_document(documents["002_f7079bf6e6fe2b1f"]) == "Bloomberg report (Bulgarian)"
    assert note.quote and note.gloss
    cited = source_note(scenario.figures["sustainment.tour_months"])
    assert cited.quote.startswith("Soldiers deployed")
    assumed = read_shipped(SEED_001).parse().figures["geometry.buffer_width_km"]
    assert source_note(assumed).label.startswith("assumption: ")


def test_headlines_are_the_summarys_bands_with_changes_from_the_reference() -> None:
    base = read_shipped(SEED_001)
    reference = run_text(base.text, base.name, 1024, 5)
    edited = apply_edits(base, {"geometry.front_length_km": Interval90(1300, 1500)})
    result = run_text(edited.text, edited.name, 1024, 5)
    items = {h.key: h for h in headlines(result, reference)}
    deployed = result.summary.metrics["deployed"]
    assert (items["deployed"].value, items["deployed"].p5, items["deployed"].p95) == (
        deployed.p50,
        deployed.p5,
        deployed.p95,
    )
    assert items["deployed"].delta == deployed.p50 - reference.summary.metrics["deployed"].p50
    assert items["deployed"].delta_text.startswith("+")
    assert items["deployed"].band_text.startswith("P5–P95: ")
    assert items["p_pledges_suffice"].value == result.summary.probabilities["p_pledges_suffice"]
    assert "p_pool_suffices" not in items
    assert all(h.delta is None for h in headlines(reference))


def test_a_headline_that_is_not_finite_says_so() -> None:
    deployed = Headline("deployed", "Deployed (P50)", "personnel", math.inf, 10.0, math.inf)
    assert deployed.value_text == "–"
    assert deployed.band_text == "not a finite number"
    band = Headline("deployed", "Deployed (P50)", "personnel", 20.0, 10.0, math.inf)
    assert band.band_text == "P5–P95: 10 – –"
    probability = Headline("p_pledges_suffice", "P(pledges suffice)", "probability", math.nan)
    assert probability.band_text == "no pledges in this scenario"


def test_a_scenario_without_pledges_shows_no_probability() -> None:
    base = read_shipped(SEED_000)
    items = {h.key: h for h in headlines(run_text(base.text, base.name, 256, 1))}
    assert math.isnan(items["p_pledges_suffice"].value)
    assert items["p_pledges_suffice"].value_text == "–"


def test_breakdown_rows_follow_the_tasks() -> None:
    base = read_shipped(SEED_001)
    result = run_text(base.text, base.name, 512, 1)
    rows = task_rows(result)
    assert [r["task"] for r in rows] == [t.name for t in result.scenario.tasks]
    assert rows[0]["p50"] == result.summary.tasks[rows[0]["task"]].p50


def test_histogram_shares_sum_to_one_and_marks_are_the_band() -> None:
    base = read_shipped(SEED_001)
    result = run_text(base.text, base.name, 2048, 1)
    values = samples_of(result, "deployed")
    assert values.shape == (2048,)
    rows = histogram(values, bins=30)
    assert len(rows) == 30
    assert math.isclose(sum(r["share"] for r in rows), 1.0)
    assert rows[0]["start"] == values.min() and rows[-1]["end"] == values.max()
    marks = distribution_chart(result, "deployed")["layer"][1]["data"]["values"]
    assert [m["value"] for m in marks[:3]] == list(np.percentile(values, [5, 50, 95]))


def test_a_point_only_requirement_is_one_bar() -> None:
    rows = histogram(np.full(100, 7.0))
    assert sum(r["share"] for r in rows) == 1.0


def test_a_histogram_leaves_out_samples_that_are_not_finite() -> None:
    rows = histogram([1.0, 2.0, np.inf, np.nan], bins=2)
    assert [r["start"] for r in rows] == [1.0, 1.5]
    assert sum(r["share"] for r in rows) == 0.5
    assert histogram([np.inf, -np.inf, np.nan]) == []
    assert histogram([-1e308, 1e308]) == []  # a range that overflows


def test_the_sweep_range_of_an_extreme_figure_is_finite() -> None:
    figure = read_shipped(SEED_001).parse().figures["geometry.front_length_km"]
    extreme = replace(figure, dist=Interval90(1040.0, 1e308))
    start, stop = sweep_range(extreme)
    assert math.isfinite(start) and math.isfinite(stop) and start < stop


def test_compare_rows_are_one_per_scenario() -> None:
    results = {}
    for name in (SEED_000, SEED_001):
        base = read_shipped(name)
        results[name] = run_text(base.text, base.name, 256, 1)
    rows = compare_rows(results)
    assert [r["scenario"] for r in rows] == [SEED_000, SEED_001]
    assert rows[1]["deployed p50"] == results[SEED_001].summary.metrics["deployed"].p50
    assert rows[0]["P(pledges suffice)"] == "–"  # no pledges
    summary = results[SEED_001].summary
    assert rows[1]["deployed per km of front p50"] == fmt_number(
        summary.metrics["deployed_per_km"].p50, "troops_per_km"
    )
    assert rows[1]["P(pledges suffice)"] == fmt_number(
        summary.probabilities["p_pledges_suffice"], "probability"
    )


def test_a_rare_probability_is_shown_as_under_a_tenth_of_a_percent() -> None:
    base = read_shipped(SEED_001)
    result = run_text(base.text, base.name, 256, 1)
    summary = replace(
        result.summary, probabilities={**result.summary.probabilities, "p_pledges_suffice": 6e-5}
    )
    [row] = compare_rows({"x": replace(result, summary=summary)})
    assert row["P(pledges suffice)"] == "<0.1%"


def test_claim_values_are_formatted_by_their_unit() -> None:
    base = read_shipped(SEED_001)
    result = run_text(base.text, base.name, 1024, 1)
    rows = {r["claim"].split()[0]: r["value"] for r in claim_rows(result)}
    assert rows["deployed"] == fmt_number(result.summary.metrics["deployed"].p50, "personnel")
    assert "," in rows["deployed"] and "." not in rows["deployed"]


@pytest.mark.parametrize(
    ("headline", "text"),
    [
        # a decrease is signed with a plain "-", the sign st.metric reads for its arrow
        (Headline("deployed", "D", "personnel", 20000.0, delta=-19202.0), "-19,202 vs scenario"),
        (Headline("deployed", "D", "personnel", 20000.0, delta=5.4), "+5 vs scenario"),
        # rounding noise, and changes below the precision shown, are no change
        (Headline("deployed_per_km", "T", "troops_per_km", 35.0163, delta=-7.11e-15), None),
        (Headline("deployed_per_km", "T", "troops_per_km", 35.0163, delta=0.0001), None),
        (Headline("deployed", "D", "personnel", 20000.2, delta=0.3, reference=19999.9), None),
        (Headline("p_pledges_suffice", "P", "probability", 0.0, delta=-0.0, reference=0.0), None),
        (Headline("p_pledges_suffice", "P", "probability", 2e-5, delta=1e-5, reference=1e-5), None),
        # a probability's change in points, never "+0.0"
        (
            Headline("p_pledges_suffice", "P", "probability", 6e-5, delta=6e-5, reference=0.0),
            "+<0.1 points vs scenario",
        ),
        (
            Headline("p_pledges_suffice", "P", "probability", 0.05, delta=-0.035, reference=0.085),
            "-3.5 points vs scenario",
        ),
    ],
)
def test_a_headline_change_is_signed_plainly_and_noise_is_no_change(
    headline: Headline, text: str | None
) -> None:
    assert headline.delta_text == text


def test_counts_are_singular_for_one() -> None:
    assert count(1, "figure") == "1 figure"
    assert count(0, "figure") == "0 figures"
    assert count(2048, "edited figure") == "2,048 edited figures"


def test_a_library_message_names_the_apps_control_not_the_librarys_parameter() -> None:
    too_many = ParameterError("samples", "262,144 for a scenario of 90 figures", "at most 200,000")
    assert app_message(too_many) == (
        "Samples (sidebar): got 262,144 for a scenario of 90 figures; expected at most 200,000"
    )
    swept = ParameterError("axes", "-100", "> 0", detail="geometry.front_length_km")
    assert app_message(swept) == "Sweep geometry.front_length_km: got -100; expected > 0"
    where = Where("scenario.yaml", 3, 0, "tasks[0].rate")
    assert app_message(ScenarioError(where, "-1", "> 0")) == (
        "scenario.yaml:3:1: at tasks[0].rate: got -1; expected > 0"
    )
    assert app_message(ParameterError("unknown", "1", "2")) == "unknown: got 1; expected 2"


@pytest.mark.parametrize("parameter", ["samples", "seed", "sampler", "axes", "overrides"])
def test_every_parameter_the_app_sets_is_named_by_its_control(parameter: str) -> None:
    message = app_message(ParameterError(parameter, "x", "y"))
    assert message == f"{CONTROL_OF[parameter]}: got x; expected y"
    assert not message.startswith(("--", parameter))


def test_the_sweep_offers_weights_but_not_the_ensembles_rule_choice() -> None:
    """Audit: CSIS's sweep menu offered ensemble.rule_choice, a draw that only picks a rule;
    a weight (which broke the library then) can be swept now."""
    base = read_shipped("published/csis-2025-force-to-space.yaml")
    scenario = base.parse()
    assert "ensemble.rule_choice" in scenario.figures
    assert "rules.unifil_2006.per_km2.weight" in scenario.figures
    paths = sweep_paths(scenario)
    assert "ensemble.rule_choice" not in paths
    assert "rules.unifil_2006.per_km2.weight" in paths
    assert "rules.unifil_2006.per_km2.rate" in paths
    assert "geometry.front_length_km" in paths


def test_rule_labels_stay_distinct_where_a_chart_cuts_them() -> None:
    """Audit: both UNIFIL rules read "UN Interim Force in Lebanon (UNIFIL) after resolution
    1701, 20…" once the chart cut them."""
    description = "UN Interim Force in Lebanon (UNIFIL) after resolution 1701, 2006: "
    per_km = rule_label("unifil_2006.per_km", description + "87.5 per km of line")
    per_km2 = rule_label("unifil_2006.per_km2", description + "12.4 per km²")
    assert per_km == "unifil_2006.per_km: 87.5 per km of line"
    assert per_km2 == "unifil_2006.per_km2: 12.4 per km²"


def test_tornado_rows_are_two_segments_per_moving_figure_largest_first() -> None:
    base = read_shipped(SEED_001)
    result = tornado_text(base.text, base.name)
    deployed = next(t for t in result.tornadoes if t.output == "deployed")
    rows = tornado_rows(deployed)
    moving = [b for b in deployed.bars if b.output_max > b.output_min]
    assert len(rows) == 2 * len(moving) < 2 * len(deployed.bars)  # pledges do not move it
    assert rows[0]["figure"].startswith("tasks.line_infantry.rate (20 → 40 troops_per_km)")
    assert [r["end"] for r in rows[:2]] == ["figure at its P5", "figure at its P95"]
    assert {r["baseline"] for r in rows} == {deployed.baseline}
    assert rows[1]["output"] == moving[0].output_high


def test_the_rule_choices_tornado_row_names_the_rules_not_numbers() -> None:
    base = read_shipped("published/csis-2025-force-to-space.yaml")
    deployed = tornado_text(base.text, base.name).tornadoes[0]
    bar = next(b for b in deployed.bars if b.low_level is not None)
    rows = [r for r in tornado_rows(deployed) if r["figure"].startswith("ensemble.rule_choice")]
    assert [r["figure"] for r in rows] == [
        f"ensemble.rule_choice ({bar.low_level} → {bar.high_level})"
    ] * 2
    assert [(r["end"], r["at"], r["output"]) for r in rows] == [
        ("least rule", bar.low_level, bar.output_low),
        ("greatest rule", bar.high_level, bar.output_high),
    ]
    assert "nan" not in rows[0]["figure"]


def test_sweep_ranges_stay_inside_the_domain() -> None:
    for name in shipped_scenarios():
        for figure in read_shipped(name).parse().figures.values():
            start, stop = sweep_range(figure)
            assert start < stop
            assert figure.domain.contains(start) and figure.domain.contains(stop), figure.path


def test_a_sweep_point_is_a_run_with_the_figure_set_there() -> None:
    base = read_shipped(SEED_001)
    path = "geometry.front_length_km"
    result = sweep_text(base.text, base.name, path, 1000, 2000, 3, 1024, 9)
    rows = sweep_rows(result, "deployed")
    assert [r["value"] for r in rows] == [1000, 1500, 2000]
    at = run(base.parse(), 1024, 9, overrides={path: 1500}).summary.metrics["deployed"]
    assert rows[1]["p50"] == pytest.approx(at.p50, rel=1e-12)
    assert rows[1]["p5"] == pytest.approx(at.p5, rel=1e-12)
    assert figure_median(base.parse().figures[path]) == pytest.approx(math.sqrt(1040 * 1250))


def test_a_sweep_outside_the_domain_is_a_usage_error_naming_the_figure() -> None:
    base = read_shipped(SEED_001)
    with pytest.raises(UsageError, match=r"geometry\.front_length_km: got -5"):
        sweep_text(base.text, base.name, "geometry.front_length_km", -5, 10, 3, 256, 1)
