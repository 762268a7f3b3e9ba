"""The hints of number errors (issue 13, item 6): each suggests what the text means, in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from forcecalc.core.errors import ScenarioError
from forcecalc.scenario.hints import number_hint, quoted_number_hint
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.strict_yaml import read_number

BASE = (Path(__file__).parent / "bad_inputs" / "valid-base.yaml").read_text(encoding="utf-8")
FRONT = "front_length_km: {value: 100,"
SHARE = "share: {value: 0.2,"


def _error(old: str, new: str) -> ScenarioError:
    """The loader's error for the base scenario with ``old`` replaced by ``new``."""
    assert old in BASE
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE.replace(old, new, 1), "s.yaml")
    message = str(caught.value)
    assert "\n" not in message  # still one line
    return caught.value


@pytest.mark.parametrize(
    ("written", "full"),
    [("1.2k", "1200"), ("10K", "10000"), ("1.5M", "1500000"), ("2bn", "2000000000")],
)
def test_a_suffixed_number_suggests_the_full_number(written: str, full: str) -> None:
    error = _error(FRONT, f"front_length_km: {{value: {written},")
    assert error.hint.startswith(f"write {full}:")
    assert f"write {written[:-1]} alone" not in str(error)  # not the old, misleading hint


def test_a_percentage_on_a_share_suggests_the_fraction() -> None:
    error = _error(SHARE, "share: {value: 20%,")
    assert error.where.key_path == "tasks.logistics.share.value"
    assert error.hint.startswith("write 0.2:")


def test_a_percentage_elsewhere_names_the_figures_unit() -> None:
    error = _error(FRONT, "front_length_km: {value: 20%,")
    assert "in km, not a percentage" in error.hint
    assert "0.2" not in error.hint


@pytest.mark.parametrize(
    ("quoted", "hint"),
    [
        (
            '"1,200"',
            "remove the quotes and write the number without thousands separators, e.g. 1200",
        ),
        ('"5 km"', "remove the quotes and write 5 alone"),
        ("'1.2k'", "remove the quotes and write 1200"),
        ('"1200"', "remove the quotes: a quoted number is text; write 1200"),
    ],
)
def test_a_quoted_number_gets_the_hint_of_an_unquoted_one(quoted: str, hint: str) -> None:
    error = _error(FRONT, f"front_length_km: {{value: {quoted},")
    assert error.got.startswith("the string ")
    assert error.hint.startswith(hint)


def test_a_quoted_and_an_unquoted_number_get_the_same_advice() -> None:
    for text in ("1,200", "5 km", "1.5M", "20%"):
        assert number_hint(text, "geometry.front_length_km.value") in quoted_number_hint(
            text, "geometry.front_length_km.value"
        )


@pytest.mark.parametrize(("written", "joined"), [("10,000", "10000"), ("2,500", "2500")])
def test_a_thousands_comma_in_a_flow_mapping_is_explained(written: str, joined: str) -> None:
    error = _error(FRONT, f"front_length_km: {{value: {written},")
    key = written.split(",")[1]
    assert error.got == f"the key {key}"
    assert f"reads as {written.split(',')[0]} and a key {key}: write {joined}" in error.hint


def test_a_number_key_in_a_block_mapping_gets_no_comma_hint() -> None:
    error = _error(
        "  front_length_km: {value: 100, assumption: a round number for tests}\n",
        "  front_length_km:\n    000: 1\n",
    )
    assert error.got == "the key 000"
    assert "comma" not in error.hint


def test_set_gets_the_same_hints() -> None:
    with pytest.raises(ScenarioError, match="write 1200"):
        read_number("1.2k", "geometry.front_length_km")
    with pytest.raises(ScenarioError, match=r"write 0\.2"):
        read_number("20%", "tasks.logistics.share")


def test_a_plain_number_is_still_read() -> None:
    assert read_number("1200", "geometry.front_length_km") == 1200.0
    scenario = parse_scenario(BASE.replace(FRONT, "front_length_km: {value: 1200,"), "s.yaml")
    assert scenario.figures["geometry.front_length_km"].dist.value == 1200.0
