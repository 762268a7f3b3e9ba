"""A coverage whose categories require nothing in a sample: infinite, not an error
(forcecalc.core.runner.coverage_denominators, the README's coverage definition)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forcecalc.cli.command import main
from forcecalc.report.render import INFINITE_COVERAGE

EXAMPLE = Path(__file__).parent / "timeline" / "timeline.yaml"
STAFF = "count: {value: 2000, assumption: a round headquarters for the tests}"
NO_STAFF = "count: {value: 0, assumption: no staff}"
POOL = (
    "  pool:\n"
    "    personnel: {value: 300000, assumption: a round pool}\n"
    "    deployable_share: {value: 0.3, assumption: a round share}\n"
    "    sustainable_share: {value: 0.33, assumption: a round share}\n"
    "    covers: [headquarters]\n"
    "timeline:\n"
)


def _write(tmp_path: Path, pool: bool) -> Path:
    """The timeline example with no headquarters staff, and a pool (or every pledge) that
    covers only the headquarters."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(STAFF, NO_STAFF)
    if pool:
        text = text.replace("timeline:\n", POOL, 1)
    else:
        for n in ("20000", "8000", "6000"):
            text = text.replace(
                f"      personnel: {{value: {n},",
                f"      covers: [headquarters]\n      personnel: {{value: {n},",
            )
    target = tmp_path / "nothing-required.yaml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(("pool", "key"), [(True, "pool_coverage"), (False, "pledge_coverage")])
def test_a_coverage_of_categories_that_require_nothing_is_infinite_not_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pool: bool, key: str
) -> None:
    path = _write(tmp_path, pool)
    code = main(["run", str(path), "--samples", "64", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["metrics"][key] == {"mean": None, "p5": None, "p50": None, "p95": None}
    assert data["metrics"]["deployed"]["p50"] > 0  # deployed above 0: not the old exemption
    assert main(["run", str(path), "--samples", "64"]) == 0
    table = capsys.readouterr().out
    label = "deployed of headquarters"
    [row] = [line for line in table.splitlines() if "÷ " + label in line]
    assert row.split()[-4:] == ["∞"] * 4
    assert INFINITE_COVERAGE in table


def test_a_coverage_that_requires_something_stays_finite(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", str(EXAMPLE), "--samples", "64", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["pledge_coverage"]["p50"] > 0
    assert main(["run", str(EXAMPLE), "--samples", "64"]) == 0
    assert INFINITE_COVERAGE not in capsys.readouterr().out
