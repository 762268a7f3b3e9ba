"""The strict scenario loader: every refusal is one line naming file:line, key path, value, rule.

Scenario texts are built from :data:`BASE`, a small valid scenario, either by replacing one
snippet of its text (:func:`edit`, which insists the snippet occurs exactly once) or by editing
the parsed data and dumping it back with ``yaml.safe_dump`` (:func:`base_data`, :func:`dump`).
Line numbers in the assertions are found with :func:`line_of`, so the tests say *which* line
an error must point at without hard-coding the layout of :data:`BASE`.
"""

from __future__ import annotations

import copy
import hashlib
import math
import os
import re
import time
from pathlib import Path

import pytest
import yaml

from forcecalc.core import glossary
from forcecalc.core.distributions import (
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
)
from forcecalc.core.errors import ScenarioError
from forcecalc.core.sources import Assumption, Citation, RegisterSource
from forcecalc.scenario.files import MAX_BYTES
from forcecalc.scenario.loader import load_scenario, parse_scenario
from forcecalc.scenario.strict_yaml import MAX_DEPTH, read_number
from forcecalc.scenario.writer import dump_scenario

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))

BUFFER_REF = "000_fd3776af069ded84#buffer-width"

BASE = """\
schema_version: 1
name: Test scenario
description: A small scenario for loader tests.
geometry:
  front_length_km:
    value: 1000
    assumption: test front
  buffer_width_km:
    value: 5
    source: 000_fd3776af069ded84#buffer-width
tasks:
  - name: monitors
    category: civilian_monitors
    basis: per_km_front
    rate:
      low: 10
      high: 20
      assumption: test rate
  - name: posts
    category: military
    basis: per_post
    spacing_km:
      value: 10
      assumption: test spacing
    crew:
      value: 30
      assumption: test crew
  - name: hq
    category: headquarters
    basis: fixed
    count:
      value: 500
      assumption: test count
  - name: logistics
    category: enablers
    basis: share_of
    of: [monitors, posts]
    share:
      value: 0.2
      assumption: test share
sustainment:
  rotation_multiplier:
    value: 2.5
    assumption: test multiplier
force_generation:
  pledges:
    - contributor: Alpha
      personnel:
        value: 5000
        assumption: test pledge
    - contributor: Beta
      status: refused
      personnel:
        value: 0
        assumption: test refusal
expect:
  - metric: deployed
    approx: 40000
    tolerance: 0.5
    assumption: test claim
"""


def base_text() -> str:
    """The valid base scenario as YAML text."""
    return BASE


def base_data() -> dict:
    """The valid base scenario as plain data, to edit and :func:`dump`."""
    return copy.deepcopy(yaml.safe_load(BASE))


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def edit(old: str, new: str, text: str = BASE) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``text`` that contains ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} found {len(hits)} times"
    return hits[nth - 1]


def assert_error(text: str, line: int, *parts: str, name: str = "s.yaml") -> str:
    """Parse ``text``; the error must be one line at ``name:line:`` containing every part."""
    with pytest.raises(ScenarioError, match=rf"^{re.escape(name)}:{line}:\d+: ") as info:
        parse_scenario(text, name)
    message = str(info.value)
    assert "\n" not in message, message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    return message


def test_base_is_valid() -> None:
    scenario = parse_scenario(base_text(), "s.yaml")
    assert [t.name for t in scenario.tasks] == ["monitors", "posts", "hq", "logistics"]
    assert scenario.source_file == "s.yaml"
    assert scenario.source_sha256 == hashlib.sha256(BASE.encode()).hexdigest()
    assert isinstance(scenario.figures["geometry.buffer_width_km"].source, RegisterSource)
    assert scenario.figures["geometry.front_length_km"].source == Assumption("test front")
    assert parse_scenario(dump(base_data()), "s.yaml") == scenario


# --------------------------------------------------------------------------------------------
# YAML syntax and document shape


def test_syntax_error_names_its_line() -> None:
    text = edit("description: A small scenario", "description: A small: scenario")
    with pytest.raises(
        ScenarioError, match=r"^s\.yaml:3:\d+: got a YAML syntax error \(mapping values are not"
    ):
        parse_scenario(text, "s.yaml")


def test_bad_indentation_is_a_syntax_error_on_its_line() -> None:
    text = edit("    assumption: test front", "   assumption: test front")
    assert_error(text, line_of(text, "assumption: test front"), "YAML syntax error", "valid YAML")


def test_tab_indentation() -> None:
    text = edit("  front_length_km:", "\tfront_length_km:")
    assert_error(text, 5, "YAML syntax error", r"'\t'", "expected valid YAML")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_document(text: str) -> None:
    with pytest.raises(ScenarioError, match=r"^s\.yaml:1:1: got an empty document; expected a "):
        parse_scenario(text, "s.yaml")


def test_list_at_top_level() -> None:
    text = dump([base_data()])
    assert_error(text, 1, "got a list; expected a scenario mapping")


def test_scalar_at_top_level() -> None:
    assert_error("just text\n", 1, "got 'just text'; expected a scenario mapping")


def test_duplicate_top_level_key_names_first_line() -> None:
    text = edit("name: Test scenario\n", "name: Test scenario\nname: Other\n")
    with pytest.raises(
        ScenarioError,
        match=r"^s\.yaml:3:1: at name: got a duplicate key 'name' \(first given on line 2\); "
        r"expected each key once$",
    ):
        parse_scenario(text, "s.yaml")


def test_duplicate_nested_key_names_first_line() -> None:
    text = edit("    value: 1000\n", "    value: 1000\n    value: 2000\n")
    assert_error(
        text,
        line_of(text, "value: 2000"),
        "at geometry.front_length_km.value:",
        f"(first given on line {line_of(text, 'value: 1000')})",
    )


def test_unknown_key_did_you_mean() -> None:
    text = edit("  buffer_width_km:", "  buffer_widht_km:")
    assert_error(
        text,
        8,
        "at geometry.buffer_widht_km:",
        "got the unknown key 'buffer_widht_km'",
        "expected one of front_length_km, buffer_width_km, border_length_km",
        "did you mean 'buffer_width_km'?",
    )


def test_unknown_figure_key_did_you_mean() -> None:
    text = edit("    value: 1000", "    vaule: 1000")
    assert_error(text, 6, "geometry.front_length_km.vaule", "did you mean 'value'?")


def test_unknown_key_without_near_miss_has_no_suggestion() -> None:
    text = base_text() + "colour: red\n"
    message = assert_error(text, line_of(text, "colour"), "the unknown key 'colour'")
    assert "did you mean" not in message


def test_missing_required_key() -> None:
    data = base_data()
    del data["description"]
    assert_error(dump(data), 1, "got no 'description'; expected the key 'description'")


def test_missing_required_nested_key() -> None:
    data = base_data()
    del data["geometry"]["buffer_width_km"]
    text = dump(data)
    assert_error(text, line_of(text, "front_length_km"), "at geometry: got no 'buffer_width_km'")


def test_schema_version_2() -> None:
    text = edit("schema_version: 1", "schema_version: 2")
    assert_error(text, 1, "at schema_version: got 2; expected 1")


# --------------------------------------------------------------------------------------------
# Numbers


def test_number_with_unit_hints_at_key_name() -> None:
    text = edit("value: 1000", "value: 5 km")
    assert_error(
        text,
        6,
        "at geometry.front_length_km.value: got '5 km'; expected a number",
        "(write 5 alone: the unit is in the key name)",
    )


@pytest.mark.parametrize(("written", "plain"), [("1,000", "1000"), ("10 000", "10000")])
def test_thousands_separator_hint(written: str, plain: str) -> None:
    text = edit("value: 1000", f"value: {written}")
    assert_error(
        text,
        6,
        f"got '{written}'; expected a number",
        f"write the number without thousands separators, e.g. {plain}",
    )


@pytest.mark.parametrize(
    ("old", "path"),
    [
        ("value: 500\n", "tasks.hq.count.value"),
        ("value: 5000", "force_generation.pledges.Alpha.personnel.value"),
        ("value: 30", "tasks.posts.crew.value"),
    ],
)
def test_ambiguous_thousands_dot_in_personnel(old: str, path: str) -> None:
    text = edit(old, old.replace(old.split()[1], "10.000"))
    assert_error(
        text,
        line_of(text, "10.000"),
        f"at {path}: got 10.000; expected a number",
        "ambiguous: is the dot a decimal point or a thousands separator? write 10000 or 10",
    )


def test_dot_decimal_in_a_length_is_a_decimal() -> None:
    text = edit("value: 1000", "value: 10.000")
    scenario = parse_scenario(text, "s.yaml")
    assert scenario.figures["geometry.front_length_km"].dist == Point(10.0)


@pytest.mark.parametrize("written", [".nan", ".NaN", ".inf", "-.inf", ".Inf"])
def test_nan_and_infinity_refused(written: str) -> None:
    text = edit("value: 1000", f"value: {written}")
    assert_error(text, 6, f"got {written}; expected a finite number")


def test_overflowing_exponent_refused() -> None:
    text = edit("value: 1000", "value: 1e400")
    assert_error(text, 6, "geometry.front_length_km.value", "finite")


@pytest.mark.parametrize("written", ["yes", "true", "no", "on", "True"])
def test_boolean_is_not_a_number(written: str) -> None:
    text = edit("value: 1000", f"value: {written}")
    assert_error(text, 6, f"got {written}; expected a number (a boolean is not a number)")


def test_quoted_number_refused() -> None:
    text = edit("value: 1000", "value: '1000'")
    assert_error(text, 6, "got the string '1000'; expected a number")


def test_leading_zero_is_not_octal() -> None:
    text = edit("value: 500\n", "value: 0500\n")
    try:
        scenario = parse_scenario(text, "s.yaml")
    except ScenarioError as exc:
        assert "0500" in str(exc)
    else:
        assert scenario.figures["tasks.hq.count"].dist == Point(500.0)


def test_plain_exponent_is_a_number() -> None:
    text = edit("value: 1000", "value: 1e3")
    scenario = parse_scenario(text, "s.yaml")
    assert scenario.figures["geometry.front_length_km"].dist == Point(1000.0)


@pytest.mark.parametrize(
    ("old", "new", "path", "domain"),
    [
        ("value: 500\n", "value: -500\n", "tasks.hq.count.value", "[0, inf)"),
        ("value: 30", "value: -1", "tasks.posts.crew.value", "[0, inf)"),
        (
            "value: 5000",
            "value: -5000",
            "force_generation.pledges.Alpha.personnel.value",
            "[0, inf)",
        ),
        ("value: 1000", "value: 0", "geometry.front_length_km.value", "(0, inf)"),
        ("low: 10", "low: -10", "tasks.monitors.rate.low", "[0, inf)"),
    ],
)
def test_negative_counts_and_lengths(old: str, new: str, path: str, domain: str) -> None:
    text = edit(old, new)
    got = new.split()[1]
    assert_error(
        text, line_of(text, new.strip()), f"at {path}: got {got}; expected a value in {domain}"
    )


@pytest.mark.parametrize("value", ["1", "1.5", "-0.1"])
def test_share_outside_zero_to_one(value: str) -> None:
    text = edit("value: 0.2", f"value: {value}")
    assert_error(
        text,
        line_of(text, "share:") + 1,
        f"at tasks.logistics.share.value: got {value}; expected a value in [0, 1)",
    )


def test_pool_share_of_zero_refused() -> None:
    data = base_data()
    data["force_generation"]["pool"] = {
        "personnel": {"value": 100000, "assumption": "t"},
        "deployable_share": {"value": 0, "assumption": "t"},
        "sustainable_share": {"value": 0.5, "assumption": "t"},
    }
    text = dump(data)
    assert_error(
        text,
        line_of(text, "deployable_share:") + 1,
        "at force_generation.pool.deployable_share.value: got 0; expected a value in (0, 1]",
    )


def test_rotation_multiplier_below_one() -> None:
    text = edit("value: 2.5", "value: 0.9")
    assert_error(
        text, 43, "at sustainment.rotation_multiplier.value: got 0.9; expected a value in [1, inf)"
    )


# --------------------------------------------------------------------------------------------
# Distributions


RATE = "      low: 10\n      high: 20\n"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("      value: 15\n", Point(15.0)),
        ("      low: 10\n      high: 20\n", Interval90(10.0, 20.0)),
        ("      low: 10\n      mode: 12\n      high: 20\n", Pert(10.0, 12.0, 20.0)),
        ("      dist: uniform\n      low: 10\n      high: 20\n", Uniform(10.0, 20.0)),
        (
            "      dist: triangular\n      low: 10\n      mode: 12\n      high: 20\n",
            Triangular(10.0, 12.0, 20.0),
        ),
        (
            "      dist: pert\n      low: 10\n      mode: 12\n      high: 20\n",
            Pert(10.0, 12.0, 20.0),
        ),
        ("      dist: normal\n      mean: 15\n      sd: 2\n", Normal(15.0, 2.0)),
        ("      dist: lognormal\n      median: 15\n      sigma: 0.3\n", LogNormal(15.0, 0.3)),
    ],
)
def test_distribution_forms(form: str, expected: object) -> None:
    scenario = parse_scenario(edit(RATE, form), "s.yaml")
    dist = scenario.figures["tasks.monitors.rate"].dist
    assert type(dist) is type(expected)
    assert dist == expected


def test_low_above_high() -> None:
    text = edit("low: 10", "low: 30")
    assert_error(
        text, 17, "at tasks.monitors.rate.high: got 20 with low 30; expected high above low"
    )


def test_low_equal_to_high() -> None:
    text = edit("low: 10", "low: 20")
    assert_error(
        text, 17, "at tasks.monitors.rate.high: got 20 with low 20; expected high above low"
    )


@pytest.mark.parametrize("mode", ["25", "5"])
def test_mode_outside_low_high(mode: str) -> None:
    text = edit(RATE, f"      low: 10\n      mode: {mode}\n      high: 20\n")
    assert_error(text, 17, f"at tasks.monitors.rate.mode: got {mode}; expected a mode in [10, 20]")


@pytest.mark.parametrize("sd", ["0", "-1"])
def test_normal_sd_not_positive(sd: str) -> None:
    text = edit(RATE, f"      dist: normal\n      mean: 15\n      sd: {sd}\n")
    assert_error(text, 18, f"at tasks.monitors.rate.sd: got {sd}; expected a number above 0")


def test_lognormal_sigma_and_median_positive() -> None:
    text = edit(RATE, "      dist: lognormal\n      median: 15\n      sigma: 0\n")
    assert_error(text, 18, "at tasks.monitors.rate.sigma: got 0; expected a number above 0")
    text = edit(RATE, "      dist: lognormal\n      median: 0\n      sigma: 0.3\n")
    assert_error(text, 17, "at tasks.monitors.rate.median: got 0; expected a number above 0")


def test_parameter_of_another_form_refused() -> None:
    text = edit(RATE, "      dist: normal\n      mean: 15\n      sd: 2\n      low: 10\n")
    assert_error(text, 19, "at tasks.monitors.rate.low: got 'low' with a normal figure")


def test_unknown_dist_did_you_mean() -> None:
    text = edit(RATE, "      dist: normla\n      mean: 15\n      sd: 2\n")
    assert_error(text, 16, "at tasks.monitors.rate.dist: got 'normla'", "did you mean 'normal'?")


def test_figure_without_value() -> None:
    text = edit(RATE, "")
    assert_error(text, 16, "at tasks.monitors.rate: got no value; expected value: N, or low/high")


# --------------------------------------------------------------------------------------------
# Figures and their sources


def test_bare_number_figure_hints_mapping_form() -> None:
    text = edit(
        "  front_length_km:\n    value: 1000\n    assumption: test front\n",
        "  front_length_km: 1000\n",
    )
    assert_error(
        text,
        5,
        "at geometry.front_length_km: got 1000; expected a figure: a mapping with value",
        "(write {value: 1000, source: ...} or {..., assumption: ...})",
    )


def test_figure_with_neither_source_nor_assumption() -> None:
    text = edit("    assumption: test front\n", "")
    assert_error(
        text,
        6,
        "at geometry.front_length_km: got a figure with neither source nor assumption",
        "expected source: <register id or citation> or assumption: <why>",
    )


def test_figure_with_both_source_and_assumption() -> None:
    text = edit(
        "    assumption: test front\n", f"    assumption: test front\n    source: {BUFFER_REF}\n"
    )
    assert_error(
        text,
        7,
        "at geometry.front_length_km.assumption: got both source and assumption",
        "expected one of them (put a remark in note)",
    )


def test_unknown_register_document_did_you_mean() -> None:
    text = edit(BUFFER_REF, "000_fd3776af069ded85#buffer-width")
    assert_error(
        text,
        10,
        "at geometry.buffer_width_km.source: got '000_fd3776af069ded85#buffer-width'",
        "expected a document of the source register",
        "did you mean '000_fd3776af069ded84'?",
    )


def test_unknown_register_figure_did_you_mean() -> None:
    text = edit(BUFFER_REF, "000_fd3776af069ded84#buffer-widht")
    assert_error(
        text,
        10,
        "got '000_fd3776af069ded84#buffer-widht'; expected a figure of 000_fd3776af069ded84 (",
        "did you mean 'buffer-width'?",
    )


@pytest.mark.parametrize(
    "ref", ["000_fd3776af069ded84-buffer-width", "#buffer-width", "a#b#c", "000 x#buffer-width"]
)
def test_malformed_source_id(ref: str) -> None:
    text = edit(BUFFER_REF, f"'{ref}'")
    assert_error(
        text,
        10,
        f"at geometry.buffer_width_km.source: got '{ref}'",
        "expected a register id such as 000_fd3776af069ded84#buffer-width, or a citation",
    )


def test_citation_without_title() -> None:
    text = edit(f"    source: {BUFFER_REF}\n", "    source:\n      publisher: Somebody\n")
    assert_error(text, 11, "at geometry.buffer_width_km.source: got no 'title'")


def test_citation_parses() -> None:
    text = edit(
        f"    source: {BUFFER_REF}\n",
        "    source:\n      title: A report\n      publisher: Somebody\n      date: 2025-03\n",
    )
    fig = parse_scenario(text, "s.yaml").figures["geometry.buffer_width_km"]
    assert fig.source == Citation(title="A report", publisher="Somebody", date="2025-03")


def test_citation_unknown_document_did_you_mean() -> None:
    text = edit(
        f"    source: {BUFFER_REF}\n",
        "    source:\n      title: A report\n      document: 001_c9dd63bdddab6578\n",
    )
    assert_error(
        text,
        12,
        "at geometry.buffer_width_km.source.document: got '001_c9dd63bdddab6578'",
        "did you mean '001_c9dd63bdddab6577'?",
    )


def test_register_figure_cited_with_a_different_value() -> None:
    text = edit("    value: 5\n", "    value: 6\n")
    assert_error(
        text,
        9,
        f"at geometry.buffer_width_km: got 6 citing {BUFFER_REF}; expected 5 as the source "
        'states ("tampon-zone široke pet kilometara"), or a note and an assumption',
    )


def test_register_figure_cited_with_an_interval_is_allowed() -> None:
    text = edit("    value: 5\n", "    low: 4\n    high: 6\n")
    fig = parse_scenario(text, "s.yaml").figures["geometry.buffer_width_km"]
    assert fig.dist == Interval90(4.0, 6.0)
    assert fig.source.ref == BUFFER_REF


def test_unit_other_than_the_key_s_unit() -> None:
    text = edit("    value: 1000\n", "    value: 1000\n    unit: m\n")
    assert_error(
        text,
        7,
        "at geometry.front_length_km.unit: got 'm'; expected 'km'",
        "units live in key names",
    )


# --------------------------------------------------------------------------------------------
# Tasks

OTHER_TASK = """\
  - name: other
    category: enablers
    basis: share_of
    of: [logistics]
    share:
      value: 0.1
      assumption: test other
sustainment:"""


def test_share_of_unknown_task_did_you_mean() -> None:
    text = edit("of: [monitors, posts]", "of: [monitor, posts]")
    assert_error(
        text,
        37,
        "at tasks.logistics.of[0]: got 'monitor'; expected the name of a task",
        "did you mean 'monitors'?",
    )


def test_share_of_cycle_shows_the_chain() -> None:
    text = edit("sustainment:", OTHER_TASK, edit("of: [monitors, posts]", "of: [other]"))
    assert_error(
        text,
        37,
        "at tasks.logistics.of: got a share_of cycle (logistics -> other -> logistics)",
        "expected share_of tasks that do not depend on themselves",
    )


def test_share_of_itself() -> None:
    text = edit("of: [monitors, posts]", "of: [logistics]")
    assert_error(
        text,
        37,
        "at tasks.logistics.of[0]: got 'logistics'; expected another task's name",
        "a task cannot be a share of itself",
    )


def test_share_of_naming_a_task_twice() -> None:
    text = edit("of: [monitors, posts]", "of: [monitors, monitors]")
    assert_error(text, 37, "tasks.logistics.of", "monitors")


def test_duplicate_task_names() -> None:
    text = edit("  - name: hq", "  - name: posts")
    assert_error(
        text,
        28,
        "at tasks[2].name: got the duplicate task name 'posts'; expected a unique name",
    )


def test_task_name_format() -> None:
    text = edit("  - name: hq", "  - name: Head Quarters")
    assert_error(text, 28, "at tasks[2].name: got 'Head Quarters'; expected a name of lower-case")


def test_per_km_border_without_border_length() -> None:
    text = edit("basis: per_km_front", "basis: per_km_border")
    assert_error(
        text,
        14,
        "at tasks.monitors.basis: got per_km_border with no geometry.border_length_km",
        "expected a border length in geometry",
    )


def test_per_km_border_with_border_length() -> None:
    data = base_data()
    data["tasks"][0]["basis"] = "per_km_border"
    data["geometry"]["border_length_km"] = {"value": 300, "assumption": "t"}
    scenario = parse_scenario(dump(data), "s.yaml")
    assert scenario.geometry.has_border
    assert scenario.figures["geometry.border_length_km"].dist == Point(300.0)


def test_figure_of_another_basis_refused() -> None:
    text = edit(
        "    basis: fixed\n", "    basis: fixed\n    rate:\n      value: 3\n      assumption: t\n"
    )
    assert_error(text, 31, "at tasks.hq.rate: got 'rate' in a fixed task; expected only count")


def test_reducible_task_without_technology_offset() -> None:
    text = edit("basis: per_km_front", "basis: per_km_front\n    reducible: true")
    assert_error(
        text,
        line_of(text, "reducible: true"),
        "at tasks.monitors.reducible: got task 'monitors' marked reducible with no "
        "technology_offset",
        "expected a technology_offset figure",
    )


def test_reducible_task_with_technology_offset() -> None:
    data = base_data()
    data["tasks"][0]["reducible"] = True
    data["technology_offset"] = {"value": 0.2, "assumption": "t"}
    scenario = parse_scenario(dump(data), "s.yaml")
    assert scenario.task("monitors").reducible
    assert scenario.figures["technology_offset"].dist == Point(0.2)


def test_task_order_puts_shares_after_their_bases() -> None:
    data = base_data()
    logistics = data["tasks"].pop()
    data["tasks"].insert(0, logistics)
    data["tasks"].insert(
        0,
        {
            "name": "overhead",
            "category": "headquarters",
            "basis": "share_of",
            "of": ["logistics", "hq"],
            "share": {"value": 0.1, "assumption": "t"},
        },
    )
    text = dump(data)
    names = [t.name for t in parse_scenario(text, "s.yaml").tasks]
    assert sorted(names) == ["hq", "logistics", "monitors", "overhead", "posts"]
    for task in ("monitors", "posts"):
        assert names.index(task) < names.index("logistics")
    assert names.index("logistics") < names.index("overhead")
    assert names.index("hq") < names.index("overhead")


# --------------------------------------------------------------------------------------------
# Sustainment, force generation, claims


def test_sustainment_both_forms() -> None:
    data = base_data()
    data["sustainment"]["tour_months"] = {"value": 6, "assumption": "t"}
    data["sustainment"]["dwell_months"] = {"value": 12, "assumption": "t"}
    text = dump(data)
    assert_error(
        text,
        line_of(text, "rotation_multiplier"),
        "at sustainment: got both forms",
        "expected either rotation_multiplier, or tour_months and dwell_months",
    )


def test_sustainment_neither_form() -> None:
    data = base_data()
    data["sustainment"] = {}
    text = dump(data)
    assert_error(text, line_of(text, "sustainment"), "at sustainment: got neither form")


def test_sustainment_tour_without_dwell() -> None:
    data = base_data()
    data["sustainment"] = {"tour_months": {"value": 6, "assumption": "t"}}
    text = dump(data)
    assert_error(text, line_of(text, "tour_months"), "only one of tour_months and dwell_months")


def test_sustainment_tour_and_dwell() -> None:
    data = base_data()
    data["sustainment"] = {
        "tour_months": {"value": 6, "assumption": "t"},
        "dwell_months": {"value": 12, "assumption": "t"},
    }
    scenario = parse_scenario(dump(data), "s.yaml")
    assert scenario.sustainment == "tour_and_dwell"


def test_refused_pledge_with_personnel() -> None:
    text = edit("        value: 0\n", "        value: 100\n")
    assert_error(
        text,
        line_of(text, "assumption: test refusal") - 1,
        "at force_generation.pledges.Beta.personnel: got 100",
        "expected value: 0 for a contributor that refused",
    )


def test_duplicate_contributors() -> None:
    text = edit("contributor: Beta", "contributor: Alpha")
    assert_error(
        text,
        line_of(text, "contributor: Alpha", nth=2),
        "at force_generation.pledges[1].contributor: got the duplicate contributor 'Alpha'",
        "expected each contributor once",
    )


def test_expect_unknown_metric_did_you_mean() -> None:
    text = edit("metric: deployed", "metric: deploid")
    assert_error(
        text,
        57,
        "at expect[0].metric: got 'deploid'; expected one of deployed, committed",
        "and 11 more",  # a few of the metrics and their count, not every name (issue 11)
        "did you mean 'deployed'?",
    )


def test_expect_approx_without_tolerance() -> None:
    text = edit("    tolerance: 0.5\n", "")
    assert_error(
        text, 57, "at expect[0]: got approx without tolerance; expected approx and tolerance"
    )


def test_expect_tolerance_without_approx() -> None:
    text = edit("    approx: 40000\n", "    at_least: 1000\n")
    assert_error(text, 57, "at expect[0]: got tolerance without approx")


def test_expect_tolerance_out_of_range() -> None:
    text = edit("tolerance: 0.5", "tolerance: 15")
    assert_error(
        text, 59, "at expect[0].tolerance: got 15; expected a relative tolerance in (0, 1)"
    )


def test_expect_claim_with_no_bound() -> None:
    text = edit("    approx: 40000\n    tolerance: 0.5\n", "")
    assert_error(text, 57, "at expect[0]: got a claim with no bound")


# --------------------------------------------------------------------------------------------
# Hostile input


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: Test scenario", "name: !!python/object/apply:os.system ['touch {marker}']"),
        ("    value: 1000", "    value: !!python/object/apply:os.system ['touch {marker}']"),
        ("geometry:\n", "geometry: !!python/object/apply:os.system ['touch {marker}']\nx:\n"),
    ],
)
def test_python_tag_refused_and_nothing_runs(tmp_path: Path, old: str, new: str) -> None:
    marker = tmp_path / "ran"
    text = edit(old, new.format(marker=marker))
    with pytest.raises(ScenarioError, match=r"^s\.yaml:\d+:\d+: "):
        parse_scenario(text, "s.yaml")
    top = f"!!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ScenarioError, match=r"^s\.yaml:1:1: "):
        parse_scenario(top, "s.yaml")
    assert not marker.exists()


def test_python_tag_on_a_scalar_names_the_tag() -> None:
    text = edit("name: Test scenario", "name: !!python/name:os.system")
    assert_error(
        text,
        2,
        "at name: got the YAML tag !!python/name:os.system; expected plain values "
        "(tags are not allowed)",
    )


def test_python_tag_on_a_list_names_the_tag() -> None:
    text = edit("name: Test scenario", "name: !!python/object/apply:os.system ['echo hi']")
    assert_error(text, 2, "!!python/object/apply:os.system", "tags are not allowed")


def billion_laughs(levels: int = 9, indent: str = "", item: str = "a{i}: ") -> str:
    """Nine lists of nine aliases, ``levels`` deep: 9**levels strings if expanded."""
    first = '["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
    lines = [indent + item.format(i=0) + "&a0 " + first]
    for i in range(1, levels + 1):
        aliases = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(indent + item.format(i=i) + f"&a{i} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_at_top_level() -> None:
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"^s\.yaml:1:1: "):
        parse_scenario(billion_laughs(), "s.yaml")
    assert time.perf_counter() - start < 5


def test_billion_laughs_referenced_where_text_belongs() -> None:
    # The anchors sit in a list under description; name, read first, is an alias to the top.
    bomb = billion_laughs(indent="  ", item="- ")
    text = edit("name: Test scenario\n", "")
    text = edit("description: A small scenario for loader tests.\n", f"description:\n{bomb}", text)
    text += "name: *a9\n"
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"^s\.yaml:\d+:\d+: at (name|description): got a list"):
        parse_scenario(text, "s.yaml")
    assert time.perf_counter() - start < 5


def test_nesting_deeper_than_the_limit() -> None:
    n = MAX_DEPTH + 5
    text = "x: " + "[" * n + "]" * n + "\n"
    assert_error(text, 1, f"got nesting deeper than {MAX_DEPTH} levels")
    block = "".join("  " * i + f"k{i}:\n" for i in range(n)) + "  " * n + "v\n"
    assert_error(block, MAX_DEPTH + 1, "nesting deeper than")


def test_nesting_at_the_limit_is_not_a_depth_error() -> None:
    n = MAX_DEPTH - 1
    text = "x: " + "[" * n + "]" * n + "\n"
    message = assert_error(text, 1, "the unknown key 'x'")
    assert "nesting" not in message


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(BASE.encode() + b"#" * (MAX_BYTES - len(BASE) + 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message == (
        f"{path}: got a file over {MAX_BYTES:,} bytes; expected a smaller scenario file"
    )


def test_file_of_exactly_max_bytes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    path.write_bytes(BASE.encode() + b"#" * (MAX_BYTES - len(BASE)))
    assert path.stat().st_size == MAX_BYTES
    assert load_scenario(path).name == "Test scenario"


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(edit("Test scenario", "Test sc\u00e9nario").encode("latin-1"))
    with pytest.raises(
        ScenarioError,
        match=rf"^{re.escape(str(path))}:2:14: got byte 0xe9 that is not UTF-8; expected a UTF-8",
    ):
        load_scenario(path)


def test_nul_byte_in_a_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(edit("Test scenario", "Test\x00scenario").encode())
    with pytest.raises(ScenarioError, match=rf"^{re.escape(str(path))}:2:\d+: got a NUL character"):
        load_scenario(path)


@pytest.mark.parametrize("char", ["\x00", "\x07"])
def test_control_character_in_text_names_the_line(char: str) -> None:
    text = edit("Test scenario", f"Test{char}scenario")
    assert_error(text, 2)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(
        ScenarioError,
        match=rf"^{re.escape(str(path))}: got no such file; expected a path to a scenario file$",
    ):
        load_scenario(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r": got a directory; expected a path"):
        load_scenario(tmp_path)


# --------------------------------------------------------------------------------------------
# Valid input


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    expected = parse_scenario(BASE, "s.yaml")
    assert parse_scenario("\ufeff" + BASE, "s.yaml") == expected
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_scenario(path) == expected


def test_shipped_scenarios_exist() -> None:
    assert SHIPPED, "no scenarios/*.yaml found"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.tasks
    assert scenario.source_file == str(path)
    assert (
        scenario.source_sha256
        == hashlib.sha256(path.read_bytes().decode("utf-8-sig").encode()).hexdigest()
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_dump_round_trips_shipped_scenario(path: Path) -> None:
    scenario = load_scenario(path)
    assert parse_scenario(dump_scenario(scenario), "dumped.yaml") == scenario


def test_dump_round_trips_base() -> None:
    scenario = parse_scenario(BASE, "s.yaml")
    text = dump_scenario(scenario)
    again = parse_scenario(text, "dumped.yaml")
    assert again == scenario
    assert dump_scenario(again) == text


# --------------------------------------------------------------------------------------------
# Numbers too large for a float, and the limits of what is physically possible


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("value: 30\n", "value: 1" + "0" * 400 + "\n", "tasks.posts.crew.value"),
        ("low: 10\n", "low: -1" + "0" * 400 + "\n", "tasks.monitors.rate.low"),
        ("approx: 40000\n", "approx: 1" + "0" * 400 + "\n", "expect[0].approx"),
        ("value: 30\n", "value: 1" + "0" * 5000 + "\n", "tasks.posts.crew.value"),
    ],
    ids=["400 zeros", "negative low", "claim", "5000 digits"],
)
def test_an_integer_too_large_for_a_float_is_one_line(old: str, new: str, path: str) -> None:
    text = edit(old, new)
    digits = len(new.strip().lstrip("-").replace("_", "").split(": ")[-1].lstrip("-"))
    assert_error(
        text,
        line_of(text, new.strip()[:20]),
        f"at {path}: got ",
        f"({digits:,} digits); expected a number a float can hold",
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("value: 10\n", "value: 1e-310\n", "tasks.posts.spacing_km.value", "at least 1e-06 km"),
        ("value: 1000\n", "value: 1e308\n", "geometry.front_length_km.value", "at most 40,075 km"),
        (
            "low: 10\n      high: 20\n",
            "low: 1e300\n      high: 1e305\n",
            "tasks.monitors.rate.low",
            "at most 1e+09 troops_per_km",
        ),
        ("value: 500\n", "value: 2e9\n", "tasks.hq.count.value", "at most 1e+09 personnel"),
        ("value: 2.5\n", "value: 1e7\n", "sustainment.rotation_multiplier.value", "at most 1e+06"),
        ("value: 0.2\n", "value: 1e-9\n", "tasks.logistics.share.value", "0 or at least 1e-06"),
        (
            "low: 10\n      high: 20\n",
            "dist: lognormal\n      median: 15\n      sigma: 50\n",
            "tasks.monitors.rate.sigma",
            "a sigma of at most 12",
        ),
        (
            "low: 10\n      high: 20\n",
            "dist: normal\n      mean: 15\n      sd: 1e300\n",
            "tasks.monitors.rate.sd",
            "at most 1e+09 troops_per_km",
        ),
    ],
    ids=["subnormal spacing", "front", "rate range", "count", "ratio", "share", "sigma", "sd"],
)
def test_a_number_beyond_its_units_limit_is_refused(
    old: str, new: str, path: str, expected: str
) -> None:
    text = edit(old, new)
    key = path.rsplit(".", 1)[1]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert f"at {path}: got " in message and f"expected {expected}" in message, message
    needle = next(line.strip() for line in new.splitlines() if line.strip().startswith(key))
    assert info.value.where.line == line_of(text, needle)


def test_numbers_at_the_limits_are_accepted() -> None:
    text = edit("value: 1000\n", "value: 40075\n")
    text = edit("value: 500\n", "value: 1e9\n", text)
    text = edit("value: 0.2\n", "value: 1e-6\n", text)
    scenario = parse_scenario(text, "s.yaml")
    assert scenario.figures["geometry.front_length_km"].dist == Point(40075.0)


# --------------------------------------------------------------------------------------------
# Claims that no metric could meet, or every metric would


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ("approx: 40000\n", "approx: -40000\n", "approx", "got -40000; expected a number above 0"),
        ("approx: 40000\n", "approx: 0\n", "approx", "got 0; expected a number above 0"),
        (
            "approx: 40000\n    tolerance: 0.5\n",
            "at_most: -1\n",
            "at_most",
            "got -1; expected 0 or more (deployed is never negative)",
        ),
        (
            "approx: 40000\n    tolerance: 0.5\n",
            "at_least: -5\n",
            "at_least",
            "got -5; expected 0 or more",
        ),
        (
            "metric: deployed\n    approx: 40000\n    tolerance: 0.5\n",
            "metric: p_pledges_suffice\n    at_least: 1.5\n",
            "at_least",
            "got 1.5; expected at most 1 (p_pledges_suffice is a probability)",
        ),
        (
            "approx: 40000\n    tolerance: 0.5\n",
            "at_least: 50000\n    at_most: 40000\n",
            "at_least",
            "got 50000 with at_most 40000; expected at_least no greater than at_most",
        ),
    ],
    ids=[
        "negative approx",
        "zero approx",
        "negative at_most",
        "negative at_least",
        "p > 1",
        "crossed",
    ],
)
def test_a_claim_bound_no_metric_can_meet_is_refused(
    old: str, new: str, key: str, expected: str
) -> None:
    text = edit(old, new)
    assert_error(text, line_of(text, f"{key}: "), f"at expect[0].{key}: ", expected)


def test_claim_bounds_of_zero_are_accepted() -> None:
    text = edit("approx: 40000\n    tolerance: 0.5\n", "at_least: 0\n    at_most: 0\n")
    assert parse_scenario(text, "s.yaml").expect[0].at_most == 0


# --------------------------------------------------------------------------------------------
# Files that are not regular files


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # opened for reading, it would block until a writer came
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"got a named pipe \(FIFO\); expected a path"):
        load_scenario(fifo)
    assert time.perf_counter() - start < 5


def test_a_character_device_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"^/dev/zero: got a character device"):
        load_scenario("/dev/zero")


def test_a_name_too_long_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"unreadable file \(File name too long\)"):
        load_scenario(tmp_path / ("b" * 300))


def test_a_symlink_to_a_scenario_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(BASE, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(real)
    assert load_scenario(tmp_path / "link.yaml").name == "Test scenario"


# --------------------------------------------------------------------------------------------
# Tags of every kind, underscores and -0 (audit 5)


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ('!!float "1000"', "!!float"),
        ("! 1000", "!"),
        ('!<tag:yaml.org,2002:float> "1e3"', "!!float"),
        ('!!int "10.000"', "!!int"),
        ("!!float 1000", "!!float"),
    ],
)
def test_a_standard_tag_on_a_number_is_refused(written: str, tag: str) -> None:
    """A tag naming a standard type is still a tag: ``!!float "1000"`` is not a plain value."""
    text = edit("value: 1000", f"value: {written}")
    assert_error(
        text,
        6,
        f"at geometry.front_length_km.value: got the YAML tag {tag}; expected plain values "
        "(tags are not allowed)",
    )


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("name: Test scenario", "name: !!str Test scenario", "name"),
        ("name: Test scenario", "!!str name: Test scenario", "name"),
        ("    assumption: test front", "    assumption: !!str test front", "assumption"),
        ("  - name: monitors", "  - !!map\n    name: monitors", "tasks[0]"),
        ("    of: [monitors, posts]", "    of: !!seq [monitors, posts]", "tasks.logistics.of"),
        ("    note: x", "    note: !!null", "note"),
    ],
)
def test_a_standard_tag_on_text_a_key_or_a_collection_is_refused(
    old: str, new: str, path: str
) -> None:
    text = BASE.replace("    assumption: test front", "    assumption: test front\n    note: x")
    text = edit(old, new, text)
    message = assert_error(text, line_of(text, "!!"), "expected plain values")
    assert f"at {path}" in message or f".{path}:" in message
    assert "got the YAML tag !!" in message


@pytest.mark.parametrize(
    ("old", "written", "plain"),
    [("value: 500\n", "1_50", "150"), ("value: 1000", "1_000.5", "1000.5")],
)
def test_an_underscore_in_a_number_is_refused(old: str, written: str, plain: str) -> None:
    """YAML 1.1 reads 1_50 as 150, YAML 1.2 (an editor) as text: the loader refuses both."""
    text = edit(old, old.replace(old.split()[1], written))
    assert_error(
        text,
        line_of(text, written),
        f"got {written}; expected a decimal number (no underscores in numbers",
        f"write {plain})",
    )


def test_a_long_number_with_underscores_is_refused_in_one_short_line() -> None:
    """Once read as 1 and 400 zeros (too large for a float); now refused for its underscore."""
    text = edit("value: 30\n", "value: 1_" + "0" * 400 + "\n")
    message = assert_error(
        text, 26, "at tasks.posts.crew.value: got 1_000", "no underscores in numbers"
    )
    assert len(message) < 300


@pytest.mark.parametrize("written", ["-0", "-0.0", "-0e3", "-0.0e0"])
def test_negative_zero_is_read_as_zero(written: str) -> None:
    text = edit("value: 500\n", f"value: {written}\n")
    value = parse_scenario(text, "s.yaml").figures["tasks.hq.count"].dist.value
    assert value == 0 and math.copysign(1.0, value) == 1.0


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("10.000", "tasks.hq.count", "ambiguous"),
        ("10.000", "tasks.posts.crew", "ambiguous"),
        ("010", "tasks.hq.count", "drop the leading zero"),
        ("1_000", "geometry.front_length_km", "no underscores in numbers"),
        ("abc", "geometry.front_length_km", "got 'abc'; expected a number"),
        ("nan", "geometry.front_length_km", "NaN and infinity are not allowed"),
        (".inf", "geometry.front_length_km", "expected a finite number"),
        ("true", "geometry.front_length_km", "a boolean is not a number"),
        ("1" + "0" * 500, "tasks.hq.count", "501 digits"),
    ],
)
def test_read_number_applies_the_rules_of_a_written_value(
    text: str, path: str, expected: str
) -> None:
    with pytest.raises(ScenarioError, match=re.escape(expected)) as info:
        read_number(text, path)
    assert info.value.where.key_path == path


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("10.000", "geometry.front_length_km", 10.0),  # a length: a decimal point
        ("3650", "geometry.front_length_km", 3650.0),
        (" 1e3 ", "tasks.hq.count", 1000.0),
        ("12.5", "tasks.monitors.rate", 12.5),
        ("-5", "geometry.front_length_km", -5.0),  # the domain is checked later, by --set
    ],
)
def test_read_number_reads_what_a_file_accepts(text: str, path: str, value: float) -> None:
    assert read_number(text, path) == value


@pytest.mark.parametrize("text", ["-0", "-0.0", "-0e0"])
def test_read_number_reads_negative_zero_as_zero(text: str) -> None:
    assert math.copysign(1.0, read_number(text, "tasks.hq.count")) == 1.0


# --------------------------------------------------------------------------------------------
# "did you mean" a mission (audit 5)

ANALOG = """\
schema_version: 1
name: Analog
description: one precedent
method: analog
analog: {analog}
geometry:
  front_length_km: {{value: 100, assumption: x}}
  buffer_width_km: {{value: 4, assumption: x}}
sustainment:
  rotation_multiplier: {{value: 3, assumption: x}}
"""


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [
        ("unifil", "did you mean 'unifil_2006'?"),
        ("ifr", "did you mean 'ifor'?"),
        ("sfor", "did you mean 'sfor_1996' or 'sfor_2003'?"),
        ("unifil.per_km", "did you mean 'unifil_2006.per_km'?"),
        ("ifro.per_km", "did you mean 'ifor.per_km'?"),
    ],
)
def test_an_unknown_analog_suggests_the_mission(written: str, suggestion: str) -> None:
    message = assert_error(ANALOG.format(analog=written), 5, f"at analog: got '{written}'")
    assert message.endswith(f"({suggestion})")


def test_an_analog_by_mission_id_still_loads() -> None:
    scenario = parse_scenario(ANALOG.format(analog="unifil_2006"), "s.yaml")
    assert scenario.rules == ("unifil_2006.per_km",)


# --------------------------------------------------------------------------------------------
# The documented domains are the enforced ones (audit 5)


def test_the_documented_domains_are_the_glossary_domains() -> None:
    """docs/scenario-format.md's glossary table gives each figure's domain as the loader
    enforces it (a pool's shares are in (0, 1], not [0, 1) as the docs once said)."""
    doc = (REPO / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    table = doc[doc.index("| name | unit | domain | meaning |") :].split("\n\n")[0]
    documented: dict[str, set[str]] = {}
    for row in table.splitlines()[2:]:
        names, _, domains, _ = (c.strip() for c in row.strip("|").split("|"))
        keys = re.findall(r"`(\w+)`", names)
        found = re.findall(r"[\[(][^\])]*[\])]", domains)
        for key, domain in zip(keys, found * len(keys) if len(found) == 1 else found, strict=True):
            documented.setdefault(key, set()).add(domain)
    for key, term in glossary.FIGURES.items():
        assert documented[key] == {term.domain.describe()}, key
    rate_terms = (*glossary.RATE_UNITS.values(), *glossary.RULE_RATE_UNITS.values())
    assert documented["rate"] == {t.domain.describe() for t in rate_terms}
    assert "shares in [0, 1)" not in doc
