"""The measuring instrument of ``bench.py``: interleaved timings, subprocess wall time and peak
memory, and the rows every benchmark records (written to ``--json``, rendered as the README
table by ``bench_table.py``).

Every comparison is timed round-robin in one run (a, b, a, b, ... with the order rotated each
round), so both sides see the same machine load; a ratio is reported as the ratio of the
medians, with the spread of the per-round ratios (their interquartile range).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class Mismatch(AssertionError):
    """The two sides of a comparison do not compute the same thing: the benchmark is invalid."""


@dataclass(frozen=True)
class Preset:
    """Sizes and repeats of one kind of run."""

    name: str
    n: int  # samples of the per-sample comparisons (squigglepy, bandwidth, summaries)
    repeats: int  # interleaved rounds of the in-process timings
    seeds: int  # seeds of the time-to-accuracy search (odd, so the median is one of them)
    ladder_max: int  # log2 of the largest n of the time-to-accuracy ladder
    salib_log2n: int
    process_repeats: int  # rounds of the start-up subprocesses (>= 7 except in tiny)
    large_samples: int  # the "10M" run
    large_repeats: int
    app_repeats: int
    exact_check: int  # samples of the one check of the exact quantiles


PRESETS = {
    "full": Preset("full", 1 << 20, 7, 11, 20, 14, 15, 10_000_000, 3, 15, 1 << 21),
    "quick": Preset("quick", 1 << 20, 3, 5, 18, 12, 7, 2_000_000, 1, 3, 1 << 20),
    "tiny": Preset("tiny", 1 << 14, 2, 3, 12, 8, 1, 100_000, 1, 1, 1 << 16),
}


def quartiles(xs: Sequence[float]) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile (the median of one value is itself)."""
    if len(xs) < 2:
        return (xs[0], xs[0], xs[0])
    q1, q2, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return q1, q2, q3


@dataclass(frozen=True)
class Stats:
    """Median and spread of repeated wall times. [s]"""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    times: tuple[float, ...]

    @classmethod
    def of(cls, times: Sequence[float]) -> Stats:
        q1, q2, q3 = quartiles(list(times))
        return cls(q2, q1, q3, min(times), max(times), tuple(times))

    def text(self, scale: float = 1e3, unit: str = "ms") -> str:
        """The median and the interquartile range, e.g. ``612 ms (IQR 598–640)``."""
        digits = 0 if self.median * scale >= 100 else 1
        return (
            f"{self.median * scale:,.{digits}f} {unit} (IQR {self.q1 * scale:,.{digits}f}–"
            f"{self.q3 * scale:,.{digits}f})"
        )


@dataclass(frozen=True)
class Ratio:
    """``a ÷ b`` of two interleaved series: ratio of medians, and the per-round ratios' IQR."""

    value: float
    q1: float
    q3: float

    @classmethod
    def of(cls, a: Stats, b: Stats) -> Ratio:
        rounds = [x / y for x, y in zip(a.times, b.times, strict=True)]
        q1, _, q3 = quartiles(rounds)
        return cls(a.median / b.median, q1, q3)

    def text(self, digits: int = 2) -> str:
        return f"{self.value:.{digits}f}× (IQR {self.q1:.{digits}f}–{self.q3:.{digits}f})"


def interleaved(
    fns: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 1
) -> tuple[dict[str, Stats], dict[str, object]]:
    """Time every function ``repeats`` times round-robin (order rotated each round), after
    ``warmup`` untimed rounds; their stats and each one's last result."""
    names = list(fns)
    times: dict[str, list[float]] = {k: [] for k in names}
    last: dict[str, object] = {}
    for r in range(warmup + repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            last[name] = fns[name]()
            if r >= warmup:
                times[name].append(time.perf_counter() - start)
    return {k: Stats.of(v) for k, v in times.items()}, last


@dataclass(frozen=True)
class Process:
    """One finished subprocess: wall time [s], peak resident memory [bytes], exit status."""

    wall_s: float
    peak_bytes: int
    returncode: int
    stderr: str


def python_env(pythonpath: Path | None) -> dict[str, str]:
    """The environment of a subprocess importing forcecalc from ``pythonpath`` (this checkout
    by default; a copy installed in site-packages would otherwise win)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(pythonpath or REPO)
    env.pop("PYTHONSTARTUP", None)
    return env


def run_process(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Process:
    """Run ``argv``, output discarded; wall time and the child's own peak RSS (``wait4``)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdout=subprocess.DEVNULL, stderr=err, env=dict(env), cwd=cwd
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-1:]
    return Process(wall, usage.ru_maxrss * 1024, child.returncode, "".join(tail))


def interleaved_processes(
    commands: Mapping[str, tuple[Sequence[str], Mapping[str, str]]],
    repeats: int,
    cwd: Path,
    warmup: int = 1,
) -> tuple[dict[str, Stats], dict[str, int]]:
    """Wall-time stats and largest peak RSS of each command, run round-robin ``repeats``
    times after ``warmup`` untimed rounds (which fill the page cache)."""
    names = list(commands)
    times: dict[str, list[float]] = {k: [] for k in names}
    peaks = dict.fromkeys(names, 0)
    for r in range(warmup + repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            argv, env = commands[name]
            done = run_process(argv, env, cwd)
            if done.returncode:
                raise RuntimeError(
                    f"{name}: {' '.join(argv)} exited {done.returncode}: {done.stderr}"
                )
            if r >= warmup:
                times[name].append(done.wall_s)
                peaks[name] = max(peaks[name], done.peak_bytes)
    return {k: Stats.of(v) for k, v in times.items()}, peaks


def forcecalc_argv(*args: str) -> list[str]:
    """``forcecalc ARGS`` as ``python -m forcecalc ARGS`` (so PYTHONPATH picks the checkout)."""
    return [sys.executable, "-m", "forcecalc", *args]


@dataclass
class Row:
    """One line of the results: a measured value against its target."""

    id: str
    section: str
    name: str
    display: str  # the README's "measured" cell
    value: float | None  # the figure the target is checked on (a ratio, bytes, …)
    target: str  # the README's "target" cell
    met: bool | None  # None: no target, or not measurable in this run
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class Recorder:
    """Every row of a run, in order, and the sections that failed."""

    preset: Preset
    rows: list[Row] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        if row.met is not None:  # a numpy bool is not a JSON bool (it was written as "True")
            row = replace(row, met=bool(row.met))
        self.rows.append(row)
        verdict = {True: "met", False: "MISSED", None: ""}[row.met]
        tag = "" if self.preset.name == "full" else f"[{self.preset.name}] "
        print(f"  {tag}{row.name}: {row.display}  (target {row.target}) {verdict}", flush=True)
        return row

    def as_json(self) -> dict[str, object]:
        return {"rows": [asdict(r) for r in self.rows], "errors": dict(self.errors)}


def at_least(value: float, bound: float) -> bool:
    return bool(math.isfinite(value) and value >= bound)


def at_most(value: float, bound: float) -> bool:
    return bool(math.isfinite(value) and value <= bound)
