"""``evaluate(scenario, values, outputs=...)``: only the outputs asked for, each equal bit for bit
to the full evaluation's, for every shipped scenario and the golden inputs."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forcecalc.analysis.problem as problem_module
import forcecalc.analysis.sweep as sweep_module
from forcecalc.analysis.problem import problem_of
from forcecalc.analysis.sweep import axis, sweep
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import SELECTABLE, Outcome, evaluate
from forcecalc.core.sampling import sample
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "scenarios").rglob("*.yaml")) + sorted(
    (ROOT / "tests" / "golden_inputs").glob("*.yaml")
)
FIELDS = tuple(f.name for f in fields(Outcome))
#: The outputs computed only when asked for themselves.
ALONE = ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line", "by_sector", "gaps")
_CACHE: dict[Path, tuple[object, dict, Outcome]] = {}


def _full(path: Path) -> tuple[object, dict, Outcome]:
    """The scenario, 64 samples of it and its full evaluation, once per file."""
    if path not in _CACHE:
        scenario = load_scenario(path)
        values = dict(sample(scenario, 64, seed=7).values)
        with np.errstate(all="ignore"):
            _CACHE[path] = (scenario, values, evaluate(scenario, values))
    return _CACHE[path]


def _same(a: object, b: object) -> bool:
    """Equal bit for bit: same keys, dtypes, shapes and bytes (None and None alike)."""
    if a is None or b is None:
        return a is b
    if isinstance(a, dict) or hasattr(a, "keys"):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    x, y = np.asarray(a), np.asarray(b)
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def test_the_files_are_found() -> None:
    assert len(FILES) > 10


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(FILES),
    asked=st.sets(st.sampled_from(FIELDS)),
)
def test_the_outputs_asked_for_equal_the_full_evaluation(path: Path, asked: set[str]) -> None:
    scenario, values, full = _full(path)
    with np.errstate(all="ignore"):
        part = evaluate(scenario, values, outputs=asked)
    for name in FIELDS:
        got, whole = getattr(part, name), getattr(full, name)
        if name in asked or name not in SELECTABLE:
            assert _same(got, whole), (path.name, name)
        elif name in ALONE:  # computed only when asked for
            assert got is None or (isinstance(got, dict) and not got), (path.name, name)
        else:  # computed with its pair (pledged and its coverage; the pool for the gaps)
            assert got is None or _same(got, whole), (path.name, name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_output_asked_for_is_the_full_evaluation(path: Path) -> None:
    scenario, values, full = _full(path)
    with np.errstate(all="ignore"):
        part = evaluate(scenario, values, outputs=FIELDS)
        none = evaluate(scenario, values, outputs=())
    assert all(_same(getattr(part, n), getattr(full, n)) for n in FIELDS)
    assert all(getattr(none, n) in (None, {}) for n in SELECTABLE)


def test_an_unknown_output_is_refused() -> None:
    scenario, values, _ = _full(default_scenario())
    with pytest.raises(ParameterError, match="outputs: got p95; expected fields of Outcome"):
        evaluate(scenario, values, outputs=("deployed", "p95"))


def test_a_sweep_and_a_problem_evaluate_only_what_they_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sweep and the sensitivity problem ask the model for their outputs only (and the
    sweep for the coverages of its probabilities)."""
    seen: list[frozenset[str] | None] = []

    def spy(scenario, values, outputs=None):
        seen.append(None if outputs is None else frozenset(outputs))
        return evaluate(scenario, values, outputs)

    monkeypatch.setattr(sweep_module, "evaluate", spy)
    monkeypatch.setattr(problem_module, "evaluate", spy)
    scenario = load_scenario(default_scenario())
    sweep(scenario, [axis("geometry.front_length_km", 500, 900, 3)], samples=64)
    assert seen[-1] is not None and "deployed_per_km" not in seen[-1]
    assert "pledge_coverage" in seen[-1]
    problem_of(scenario, ("deployed",)).model(dict(sample(scenario, 8).values))
    assert seen[-1] == frozenset({"deployed"})
