"""How quickly the planner app answers a change: an AppTest rerun after one figure is edited,
as a ratio to a rerun with nothing to compute (every result served from the cache).

Run from a checkout: ``python benchmarks/app_bench.py [--repeats N] [--samples N]``. Each
edit sets a new value, so every timed edit misses the cache and recomputes the run, tornado,
sweep and comparison entry of the edited scenario at the given sample count (default: the
app's default, 16,384).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's forcecalc, even beside an installed one
sys.path.insert(1, str(Path(__file__).resolve().parent))

from bench_harness import Ratio, Stats  # noqa: E402

from forcecalc.app.assumptions_tab import figure_key  # noqa: E402
from forcecalc.app.texts import read_shipped  # noqa: E402
from forcecalc.core.sampling import DEFAULT_SAMPLES  # noqa: E402

APP = str(REPO / "app.py")
#: Scenario, figure and parameter edited: the default scenario and the one with most figures.
#: The first case carries the target: an edit of a figure the Sweep tab does not sweep (the
#: sweep pins the front length, so an edit of the front length reuses the kept sweep,
#: forcecalc/app/reuse.py: that case is shown beside it, not in its place).
CASES = (
    ("seed-001-basic-ceasefire.yaml", "tasks.line_infantry.rate", "high"),
    ("seed-001-basic-ceasefire.yaml", "geometry.front_length_km", "high"),
    ("reassurance-force.yaml", "geometry.front_length_km", "high"),
)


@dataclass(frozen=True)
class CaseResult:
    """Rerun times of one scenario, idle and after an edit, and their ratio."""

    idle: Stats
    edit: Stats
    ratio: Ratio


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call. [s]"""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure_case(file_name: str, path: str, param: str, repeats: int, samples: int) -> CaseResult:
    """Interleaved rerun times, idle and after an edit, for one scenario.

    Each round edits the figure to a value not used before (so the edit misses the cache) and
    reruns, and reruns with nothing changed; the order of the two alternates from round to
    round so neither always runs first.
    """
    at = AppTest.from_file(APP, default_timeout=300).run()
    if at.exception:
        error = at.exception[0]
        raise RuntimeError(f"the app fails: {error.value or error.message}")
    at.selectbox(key="shipped").set_value(file_name).run()
    if samples != DEFAULT_SAMPLES:
        at.select_slider(key="samples").set_value(samples).run()
    at.run()  # warm: every cache filled
    base = read_shipped(file_name)
    start_value = float(at.number_input(key=figure_key(base, 0, path, param)).value)
    idle, edits = [], []
    for i in range(1, repeats + 1):
        if i % 2 == 0:
            idle.append(timed(at.run))
        at.number_input(key=figure_key(base, 0, path, param)).set_value(start_value + i)
        edits.append(timed(at.run))
        if i % 2 == 1:
            idle.append(timed(at.run))
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    idle_s, edit_s = Stats.of(idle), Stats.of(edits)
    return CaseResult(idle_s, edit_s, Ratio.of(edit_s, idle_s))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    args = parser.parse_args()
    print(f"{'scenario':<32} {'samples':>8} {'idle rerun':>13} {'after edit':>13} {'ratio':>9}")
    for file_name, path, param in CASES:
        m = measure_case(file_name, path, param, args.repeats, args.samples)
        print(
            f"{file_name:<32} {args.samples:>8,} {m.idle.median * 1e3:>10.0f} ms "
            f"{m.edit.median * 1e3:>10.0f} ms {m.ratio.value:>8.2f}× "
            f"(IQR {m.ratio.q1:.2f}–{m.ratio.q3:.2f})",
            flush=True,
        )
    print(
        "idle rerun: nothing changed, every result from the cache; after edit: one figure "
        f"changed, run + tornado + sweep recomputed; medians of {args.repeats}, interleaved"
    )


if __name__ == "__main__":
    main()
