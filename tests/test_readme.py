"""The README's examples run as written: its Python blocks, and the numbers it quotes for the
default scenario."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forcecalc import load_scenario, run
from forcecalc.cli import command as cli
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


LINKS = re.findall(r"\]\(((?!https?:)[^)#\s]+)(?:#([^)\s]+))?\)", README)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_links_files_that_exist() -> None:
    assert LINKS, "the README links docs/scenario-format.md"
    missing = sorted({path for path, _ in LINKS if not (ROOT / path).exists()})
    assert not missing


def test_every_docs_anchor_the_readme_links_is_a_heading() -> None:
    anchored = [(path, anchor) for path, anchor in LINKS if anchor]
    assert len(anchored) >= 5
    dead = []
    for path, anchor in anchored:
        text = (ROOT / path).read_text(encoding="utf-8")
        headings = re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
        if anchor not in {github_anchor(h) for h in headings}:
            dead.append(f"{path}#{anchor}")
    assert not dead


def test_github_anchor_follows_githubs_rule() -> None:
    assert github_anchor("Method: tasks, analog or ensemble") == "method-tasks-analog-or-ensemble"
    assert github_anchor("Timeline (force generation over time)") == (
        "timeline-force-generation-over-time"
    )


TEXT_BLOCKS = re.findall(r"```text\n(.*?)```", README, flags=re.S)


def spaced(line: str) -> str:
    """A table line with its runs of spaces as one: a paste that leaves rows out keeps its
    numbers and names, not the column widths the rows left out set."""
    return " ".join(line.split())


def printed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """The lines ``forcecalc argv`` prints, run in-process from the checkout."""
    assert cli.main(list(argv)) == 0
    return [spaced(line) for line in capsys.readouterr().out.splitlines()]


def pasted(block: str) -> list[str]:
    """A pasted output's lines, without the ``...`` marking what it leaves out."""
    return [spaced(line) for line in block.splitlines() if line.strip() not in ("...", "…")]


def test_the_first_commands_output_is_what_run_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first pasted output, line by line, is in what ``forcecalc run`` prints."""
    monkeypatch.chdir(ROOT)
    block = next(b for b in TEXT_BLOCKS if b.startswith("Basic ceasefire mission"))
    out = printed(capsys, "run")
    *table, stamp = pasted(block)
    assert [line for line in table if line not in out] == []
    head, tail = stamp.split("…/")
    assert any(line.startswith(head) and line.endswith(tail) for line in out)


def test_the_shortfall_rows_are_what_run_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    block = next(b for b in TEXT_BLOCKS if b.startswith("Shortfall"))
    out = printed(capsys, "run", "scenarios/reassurance-force.yaml")
    assert [line for line in pasted(block) if line not in out] == []
