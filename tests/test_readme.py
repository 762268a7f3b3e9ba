"""The README's examples run as written: its Python blocks, and the numbers it quotes for the
default scenario."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forcecalc import load_scenario, run
from forcecalc.scenario.resources import default_scenario, scenarios_dir

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


def test_the_python_examples_run_in_order(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(ROOT)  # the examples name scenarios relative to the checkout
    namespace: dict[str, object] = {}
    for block in BLOCKS:
        exec(compile(block, "README.md", "exec"), namespace)
    assert "Band(mean=" in capsys.readouterr().out


ROWS = re.findall(r"^\| `([a-z0-9-]+)`.*$", README, flags=re.M)


def test_the_readme_quotes_every_top_level_scenario() -> None:
    shipped = sorted(p.stem for p in scenarios_dir().glob("*.yaml"))
    assert sorted(ROWS) == shipped


@pytest.mark.parametrize("name", ROWS)
def test_the_results_table_row_is_what_run_prints(name: str) -> None:
    """The README's results table (default seed and samples) against a run now."""
    result = run(load_scenario(scenarios_dir() / f"{name}.yaml"))
    deployed = result.summary.metrics["deployed"]
    committed = result.summary.metrics["committed"]
    row = next(line for line in README.splitlines() if line.startswith(f"| `{name}`"))
    assert (
        f"| {deployed.p50:,.0f} ({deployed.p5:,.0f}–{deployed.p95:,.0f}) "
        f"| {committed.p50:,.0f} ({committed.p5:,.0f}–{committed.p95:,.0f}) |"
    ) in row


def test_the_default_runs_stamp_is_the_one_quoted() -> None:
    result = run(load_scenario(default_scenario()))
    assert f"sha256 {result.provenance.scenario_sha256[:16]}…" in README
