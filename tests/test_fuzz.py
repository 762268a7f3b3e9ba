"""Fuzzing the loader: valid scenarios, mutated, must load cleanly or fail with a ScenarioError.

Documents start from the shipped scenarios (read as plain data) and from generated ones
(:func:`tests.strategies.scenarios`); one to three mutations drop keys, rename them, swap
values for other types, or push numbers to extremes. The only exception that may escape the
loader is :class:`~forcecalc.core.errors.ScenarioError`, with a one-line message; a document it
accepts must run at a small sample count and render, and the schema must accept it too.

The same documents, and hostile YAML built from the grammar (:func:`tests.test_hostile_text.
hostile`: escapes, invisible line breaks and ambiguous numbers in each slot of a valid file),
then go through the command line itself: every command exits 0, 1 or 2, never 70 (a bug), and
prints no traceback and at most one line of error (issue 11: 0 exit-70s and 0 tracebacks).
About 25 s on the 2-core CI machine, under a minute when it is busy.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from forcecalc.cli import main
from forcecalc.cli.options import EXIT_BUG
from forcecalc.core.errors import ScenarioError
from forcecalc.core.runner import run
from forcecalc.report.render import FORMATS, render_run
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import scenarios_dir
from forcecalc.scenario.schema import scenario_schema
from forcecalc.scenario.writer import scenario_dict
from tests.corpus import CORPUS
from tests.editor_yaml import editor_load
from tests.strategies import scenarios
from tests.test_hostile_text import hostile

SHIPPED = [yaml.safe_load(p.read_text("utf-8")) for p in sorted(scenarios_dir().rglob("*.yaml"))]
VALIDATOR = jsonschema.Draft202012Validator(scenario_schema())
ENSEMBLE = next(d for d in SHIPPED if d.get("method") == "ensemble")

Path = tuple[Any, ...]

#: Values that do not belong anywhere in a scenario, or only in a few places.
HOSTILE: list[Any] = [
    None,
    True,
    False,
    "",
    "   ",
    "5 km",
    "1,000",
    "10.000",
    "010",
    "yes",
    "~",
    "x" * 5_000,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    -1e308,
    5e-324,
    -1,
    0,
    10**30,
    10**400,
    -(10**400),
    [],
    [1, 2],
    {},
    {"x": 1},
    {"value": 1},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
]


def paths(data: Any, prefix: Path = ()) -> list[Path]:
    """Every path to a value inside ``data`` (mapping keys and list indices)."""
    out: list[Path] = []
    if isinstance(data, dict):
        items: list[tuple[Any, Any]] = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return out
    for key, value in items:
        out.append((*prefix, key))
        out.extend(paths(value, (*prefix, key)))
    return out


def parent_of(data: Any, path: Path) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def extremes(x: float) -> st.SearchStrategy[Any]:
    """A number pushed to an extreme, or turned into another type."""
    return st.sampled_from(
        [-x, 0, x * 1e300, x * 1e-300, x + 1e-9, -abs(x) - 1, math.nan, math.inf, str(x), [x]]
    )


def drop(draw: st.DrawFn, parent: Any, key: Any) -> None:
    del parent[key]


def rename(draw: st.DrawFn, parent: Any, key: Any) -> None:
    if isinstance(parent, dict):
        new = draw(st.sampled_from([f"{key}s", f"{key}"[:-1], f"{key}".upper(), "unknown"]))
        parent[new] = parent.pop(key)


def swap(draw: st.DrawFn, parent: Any, key: Any) -> None:
    parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))


def perturb(draw: st.DrawFn, parent: Any, key: Any) -> None:
    value = parent[key]
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e308:
        parent[key] = draw(extremes(float(value)))  # a swapped-in 10**400 is swapped again
    else:
        swap(draw, parent, key)


def repeat(draw: st.DrawFn, parent: Any, key: Any) -> None:
    if isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))


MUTATIONS: list[Callable[[st.DrawFn, Any, Any], None]] = [drop, rename, swap, perturb, repeat]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario as plain data, with one to three mutations."""
    base = draw(st.one_of(st.sampled_from(SHIPPED), scenarios().map(scenario_dict)))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        where = paths(data)
        if not where:
            break
        path = draw(st.sampled_from(where))
        draw(st.sampled_from(MUTATIONS))(draw, parent_of(data, path), path[-1])
    return data


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
@example({**ENSEMBLE, "ensemble": {}}).via("found by this test: a KeyError escaped")
@example({**ENSEMBLE, "ensemble": {"rules": []}}).via("found with the above")
def test_only_a_scenario_error_escapes_the_loader(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        scenario = parse_scenario(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith("fuzz.yaml")
        event("refused")
        return
    event("loaded")
    try:  # figures each in their limits can still make a result beyond them: one line too
        result = run(scenario, samples=64, seed=1)
    except ScenarioError as exc:
        assert "\n" not in str(exc)
        event("result beyond the limits")
        return
    for fmt in FORMATS:
        assert render_run(result, fmt)
    assert list(VALIDATOR.iter_errors(editor_load(text))) == []


@pytest.mark.parametrize("index", range(len(SHIPPED)))
def test_the_unmutated_seeds_load(index: int) -> None:
    text = yaml.safe_dump(SHIPPED[index], sort_keys=False, allow_unicode=True)
    assert parse_scenario(text, "seed.yaml").tasks or "method" in SHIPPED[index]


# --------------------------------------------------------------------------------------------
# The command line: no input ends in exit 70 or a traceback (issue 11, "Done when")

#: Each command on a small budget: a document that loads is computed, not only validated.
FUZZED_COMMANDS = [
    ["validate"],
    ["run", "--samples", "32", "--format", "json"],
    ["sensitivity", "--probes", "3"],
    ["sensitivity", "--method", "sobol", "--samples", "32", "--repeats", "1"],
    ["analogs", "--samples", "32"],
    ["sweep", "--vary", "geometry.front_length_km=1:40000:3", "--samples", "32"],
]


def dumped(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(text=st.one_of(mutated().map(dumped), hostile()), argv=st.sampled_from(FUZZED_COMMANDS))
@example(text=dumped({**ENSEMBLE, "ensemble": {}}), argv=["run", "--samples", "32"])
def test_no_input_makes_a_command_exit_70_or_print_a_traceback(
    text: str, argv: list[str], tmp_path_factory: pytest.TempPathFactory, capsys
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = main([argv[0], str(path), *argv[1:]])
    err = capsys.readouterr().err
    event(f"exit {code}")
    assert code != EXIT_BUG and "internal error" not in err, err
    assert code in (0, 1, 2), (code, err)
    # validate lists every error of a file (up to 20, then a count), each on its own line
    most = 21 if argv[0] == "validate" else 1
    assert "Traceback" not in err and err.count("\n") <= most, err
    assert all(line.startswith("forcecalc: error: ") for line in err.splitlines()), err


#: Every command that reads a scenario, on a small budget (``validate`` and ``run`` go through
#: the corpus in tests/test_bad_inputs.py).
CORPUS_COMMANDS = {
    "check": ["check"],
    "sources": ["sources"],
    "sensitivity": ["sensitivity", "--probes", "3"],
    "rank": ["sensitivity", "--method", "rank", "--samples", "32"],
    "sweep": ["sweep", "--vary", "geometry.front_length_km=1:40000:3", "--samples", "32"],
    "goal": ["goal", "--pool", "100000", "--solve", "geometry.front_length_km", "--samples", "32"],
    "analogs": ["analogs", "--samples", "32"],
    "run-large": ["run-large", "--samples", "64"],
}


@pytest.mark.parametrize("command", CORPUS_COMMANDS)
def test_the_whole_corpus_through_every_command_never_exits_70(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = CORPUS_COMMANDS[command]
    files = sorted(p for p in CORPUS.glob("*.yaml") if p.name != "expected.yaml")
    assert len(files) > 100
    codes = {}
    for path in files:
        codes[path.name] = main([argv[0], str(path), *argv[1:]])
        err = capsys.readouterr().err
        assert codes[path.name] in (0, 1, 2), (path.name, err)
        assert "Traceback" not in err and err.count("\n") <= 1, (path.name, err)
    assert codes["valid-base.yaml"] in (0, 1)  # a valid file is computed, not refused
    assert codes["negative-length.yaml"] == 2
