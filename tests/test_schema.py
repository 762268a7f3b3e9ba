"""The JSON Schema for editors: generated from the format declarations, shipped, and correct."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from forcecalc.cli import main
from forcecalc.core import glossary
from forcecalc.scenario import format as fmt
from forcecalc.scenario.resources import scenarios_dir
from forcecalc.scenario.schema import (
    NOT_EXPRESSIBLE,
    SCHEMA_FILE,
    figure_terms,
    scenario_schema,
    schema_text,
    sections,
)
from tests.corpus import CORPUS, FILE_CASES, Case
from tests.editor_yaml import editor_load

SHIPPED = sorted(scenarios_dir().rglob("*.yaml"))
SCHEMA = scenario_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def errors(data: object) -> list[str]:
    """The schema's complaints about ``data``, as ``path: message`` lines."""
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)
    ]


def test_the_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = scenarios_dir() / SCHEMA_FILE
    assert shipped.read_text(encoding="utf-8") == schema_text(), (
        f"{shipped} is out of date: regenerate it with "
        f"'forcecalc schema --output scenarios/{SCHEMA_FILE}'"
    )


def test_forcecalc_schema_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(schema_text())


def test_forcecalc_schema_writes_it(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_validates(path: Path) -> None:
    assert errors(editor_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_names_the_schema_on_its_first_line(path: Path) -> None:
    schema = os.path.relpath(scenarios_dir() / SCHEMA_FILE, path.parent)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={schema}"


def test_every_mapping_lists_exactly_its_declared_keys() -> None:
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["properties"]) == set(fmt.SCENARIO.names)
    for name in [*sections(fmt.SCENARIO), "figure", "citation"]:
        assert set(defs[name]["properties"]) == set(fmt.SPECS[name].names), name
        assert defs[name]["additionalProperties"] is False
        assert defs[name]["required" if fmt.SPECS[name].required else "type"]


def test_every_figure_of_the_format_has_its_unit_and_domain() -> None:
    terms = figure_terms(fmt.SCENARIO)
    assert "rate" in terms and "front_length_km" in terms
    for term in terms:
        if term == "rate":
            continue
        entry = glossary.FIGURES[term]
        figure = SCHEMA["$defs"][f"figure.{term}"]
        assert figure["properties"]["unit"] == {"const": entry.unit}
        assert entry.domain.describe() in figure["description"]


def minimal() -> dict[str, object]:
    """A small valid scenario as plain data."""
    return {
        "schema_version": 1,
        "name": "n",
        "description": "d",
        "geometry": {
            "front_length_km": {"value": 100, "assumption": "a"},
            "buffer_width_km": {"low": 5, "high": 15, "assumption": "a"},
        },
        "tasks": [
            {
                "name": "posts",
                "category": "military",
                "basis": "per_post",
                "spacing_km": {"value": 10, "assumption": "a"},
                "crew": {"dist": "pert", "low": 4, "mode": 8, "high": 12, "assumption": "a"},
            }
        ],
        "sustainment": {
            "tour_months": {"value": 6, "assumption": "a"},
            "dwell_months": {"value": 12, "source": "000_fd3776af069ded84#buffer-width"},
        },
    }


def test_a_minimal_scenario_validates() -> None:
    assert errors(minimal()) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s["tasks"][0].update(rate={"value": 1, "assumption": "a"}), "tasks.0"),
        (lambda s: s["tasks"][0].pop("crew"), "tasks.0"),
        (lambda s: s["sustainment"].update(rotation_multiplier={"value": 2}), "sustainment"),
        (lambda s: s["geometry"]["front_length_km"].update(unit="miles"), "geometry"),
        (lambda s: s["geometry"]["front_length_km"].update(low=1), "geometry"),
        (lambda s: s["geometry"]["buffer_width_km"].update(value=0), "geometry"),
        (lambda s: s["tasks"][0]["crew"].update(dist="gamma"), "tasks.0.crew"),
        (lambda s: s["tasks"][0].update(reducible=True), ""),
        (lambda s: s.update(expect=[{"metric": "tasks.posts", "approx": 5}]), "expect.0"),
    ],
)
def test_the_schema_refuses_rules_across_keys(change, where: str) -> None:
    data = minimal()
    change(data)
    found = errors(data)
    assert found, "the schema accepted it"
    assert any(line.startswith(where) for line in found), found


# --------------------------------------------------------------------------------------------
# The schema and the loader agree on the bad-input corpus

DATA_CASES = [c for c in FILE_CASES if c.row["schema"] != "yaml"]


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c.id)
def test_the_schema_and_the_loader_agree_on_the_corpus(case: Case, tmp_path: Path) -> None:
    """Refused by the schema too, or of a class the schema cannot express, and then accepted."""
    data = editor_load(case.path(tmp_path).read_text(encoding="utf-8"))
    found = errors(data)
    if case.row["schema"] == "rejects":
        assert found, f"the loader refuses {case.id} but the schema accepts it"
    else:
        assert case.row["schema"] in NOT_EXPRESSIBLE
        assert found == [], f"{case.id} is listed as beyond the schema, which refuses it"


def test_the_base_of_the_corpus_validates_against_the_schema() -> None:
    assert errors(editor_load((CORPUS / "valid-base.yaml").read_text(encoding="utf-8"))) == []


def test_what_the_schema_cannot_express_is_listed_and_exercised() -> None:
    used = {c.row["schema"] for c in FILE_CASES} - {"rejects"}
    assert used == set(NOT_EXPRESSIBLE)
    assert set(NOT_EXPRESSIBLE) == {
        "yaml",
        "yaml_1_1",
        "non_finite",
        "ambiguous_number",
        "comparison",
        "cross_reference",
        "register_value",
        "finer_than_limit",
    }
