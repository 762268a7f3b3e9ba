"""The golden net: every command's output for every shipped scenario at fixed seeds.

Refactors must keep these bit-identical. A change that means to alter numbers regenerates
them, in a commit of its own that says why::

    FORCECALC_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py

Each case records the exit code, standard output and standard error of one ``forcecalc``
invocation (in process, through :func:`forcecalc.cli.command`); the checkout's path and the
Python, numpy and scipy versions are replaced by placeholders so the files do not depend on
the machine.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from forcecalc.calibration.rules import all_rules
from forcecalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))

#: Per scenario: a name and the arguments after the scenario's path.
PER_SCENARIO: dict[str, list[str]] = {
    "run": ["run", "--samples", "2048", "--seed", "7", "--format", "json"],
    "run-table": ["run", "--samples", "1024", "--seed", "3", "--sampler", "sobol"],
    "run-set": [
        "run",
        "--samples",
        "512",
        "--seed",
        "5",
        "--sampler",
        "mc",
        "--format",
        "csv",
        "--set",
        "geometry.front_length_km=900",
    ],
    "tornado": ["sensitivity", "--method", "tornado", "--format", "json"],
    "sobol": [
        "sensitivity",
        "--method",
        "sobol",
        "--samples",
        "256",
        "--seed",
        "11",
        "--repeats",
        "2",
        "--format",
        "json",
    ],
    "rank": [
        "sensitivity",
        "--method",
        "rank",
        "--samples",
        "1024",
        "--seed",
        "13",
        "--format",
        "json",
    ],
    "threshold": [
        "sensitivity",
        "--method",
        "threshold",
        "--samples",
        "1024",
        "--seed",
        "17",
        "--format",
        "json",
    ],
    "threshold-ceiling": [
        "sensitivity",
        "--method",
        "threshold",
        "--ceiling",
        "60000",
        "--samples",
        "1024",
        "--seed",
        "17",
        "--format",
        "markdown",
    ],
    "sweep": [
        "sweep",
        "--vary",
        "geometry.front_length_km=500:2500:3",
        "--samples",
        "512",
        "--seed",
        "19",
        "--format",
        "json",
    ],
    "goal": [
        "goal",
        "--pool",
        "100000",
        "--solve",
        "geometry.front_length_km",
        "--samples",
        "512",
        "--seed",
        "23",
        "--format",
        "json",
    ],
    "run-large": [
        "run-large",
        "--samples",
        "20000",
        "--chunk",
        "7000",
        "--seed",
        "29",
        "--format",
        "json",
    ],
    "analogs": ["analogs", "--samples", "1024", "--seed", "31", "--format", "json"],
    "sources": ["sources", "--format", "json"],
    "check": ["check", "--samples", "1024", "--seed", "37", "--format", "csv"],
}

#: Per scenario with a ``timeline`` section (shipped, and the timeline tests' own file): a name
#: and the arguments after the scenario's path.
TIMELINE: dict[str, list[str]] = {
    "timeline": ["timeline", "--samples", "1024", "--seed", "47"],
    "timeline-json": ["timeline", "--samples", "512", "--seed", "53", "--format", "json"],
}
TIMELINE_SCENARIOS = [
    *(s for s in SCENARIOS if "\ntimeline:\n" in s.read_text(encoding="utf-8")),
    ROOT / "tests" / "timeline" / "timeline.yaml",
]

#: Hand-worked inputs whose answer is cited (issue 10's golden tests: the UNIFIL 1982
#: structure, an analog over a front and its borders), each recorded as ``run`` records it.
GOLDEN_INPUTS = sorted((ROOT / "tests" / "golden_inputs").glob("*.yaml"))
GOLDEN_INPUT_CASES = {"run": PER_SCENARIO["run"]}

#: Commands that take no scenario.
GLOBAL: dict[str, list[str]] = {
    "backtest": ["backtest", "--samples", "512", "--seed", "41", "--format", "json"],
    "backtest-rule": [
        "backtest",
        "--samples",
        "256",
        "--seed",
        "43",
        "--weights",
        "rule",
        "--no-doctrine",
    ],
    "missions": ["missions", "--format", "json"],
    "missions-sources": ["missions", "--sources", "--format", "csv"],
    "schema": ["schema"],
    "run-default": ["run", "--samples", "1024"],
    "help": ["--help"],
}


def _argv(args: list[str], scenario: Path) -> list[str]:
    rel = str(scenario.relative_to(ROOT))
    if args[0] == "check":
        return [args[0], rel, *args[1:]]
    return [args[0], rel, *args[1:]]


def _cases() -> list[tuple[str, list[str]]]:
    cases = [(f"_/{name}", args) for name, args in GLOBAL.items()]
    for scenario in SCENARIOS:
        stem = str(scenario.relative_to(ROOT / "scenarios").with_suffix("")).replace("/", "__")
        cases += [(f"{stem}/{name}", _argv(args, scenario)) for name, args in PER_SCENARIO.items()]
    for scenario in TIMELINE_SCENARIOS:
        inside = scenario.is_relative_to(ROOT / "scenarios")
        stem = str(scenario.relative_to(ROOT / "scenarios" if inside else ROOT).with_suffix(""))
        stem = stem.replace("/", "__")
        cases += [(f"{stem}/{name}", _argv(args, scenario)) for name, args in TIMELINE.items()]
    for scenario in GOLDEN_INPUTS:
        stem = str(scenario.relative_to(ROOT).with_suffix("")).replace("/", "__")
        cases += [
            (f"{stem}/{name}", _argv(args, scenario)) for name, args in GOLDEN_INPUT_CASES.items()
        ]
    return cases


def _normalize(text: str) -> str:
    text = text.replace(str(ROOT), "<root>")
    return re.sub(r'"(python|numpy|scipy)": "[^"]*"', r'"\1": "<version>"', text)


def _invoke(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main(argv)
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    record = {"argv": argv, "exit": code, "stdout": _normalize(out), "stderr": _normalize(err)}
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("name", "argv"), _cases(), ids=lambda c: c if isinstance(c, str) else "")
def test_output_is_bit_identical_to_the_golden_record(
    name: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = GOLDEN / f"{name}.json"
    got = _invoke(argv, capsys)
    if os.environ.get("FORCECALC_REGENERATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden record {path}: regenerate (see the module docstring)"
    assert got == path.read_text(encoding="utf-8")


def test_every_golden_record_has_a_case() -> None:
    expected = {f"{name}.json" for name, _ in _cases()}
    recorded = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.json")}
    assert recorded <= expected, f"stale records: {sorted(recorded - expected)}"


def _recorded_run(stem: str) -> dict:
    record = json.loads((GOLDEN / f"tests__golden_inputs__{stem}" / "run.json").read_text("utf-8"))
    assert record["exit"] == 0 and record["stderr"] == ""
    return json.loads(record["stdout"])


def test_the_hand_worked_records_hold_their_answers() -> None:
    """The golden inputs' records are the answers worked by hand, not only what ran once:
    UNIFIL 1982 is 5,610 infantry ÷ (1 − 16.5% − 2.8%), S/15194's 6,945 within its rounding;
    the analog is UNIFIL 2006's rate per km over the 3,700 km of front and borders."""
    unifil = _recorded_run("unifil-1982")
    deployed = 5610 / (1 - 0.165 - 0.028)
    assert unifil["metrics"]["deployed"]["p50"] == pytest.approx(deployed, rel=1e-12)
    assert unifil["tasks"]["logistics"]["p50"] == pytest.approx(0.165 * deployed, rel=1e-12)
    assert [c["met"] for c in unifil["claims"]] == [True]
    assert "S/15194" in unifil["claims"][0]["source"]
    analog = _recorded_run("analog-front-and-borders")
    rate = all_rules()["unifil_2006.per_km"].figures["rate"].dist.value
    assert analog["metrics"]["deployed"]["p50"] == pytest.approx(rate * (1250 + 2450))
    assert analog["metrics"]["deployed_per_km_line"]["p50"] == pytest.approx(rate)
    assert analog["metrics"]["committed"]["p50"] == pytest.approx(3 * rate * 3700)
