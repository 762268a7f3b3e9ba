"""How quickly the planner app answers a change: an AppTest rerun after one figure is edited,
as a ratio to a rerun with nothing to compute (every result served from the cache).

Run from a checkout: ``python benchmarks/app_bench.py [--repeats N] [--samples N]``. Each
edit sets a new value, so every timed edit misses the cache and recomputes the run, tornado,
sweep and comparison entry of the edited scenario at the given sample count (default: the
app's default, 16,384).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's forcecalc, even beside an installed one

from forcecalc.app.assumptions_tab import figure_key  # noqa: E402
from forcecalc.app.texts import read_shipped  # noqa: E402
from forcecalc.core.sampling import DEFAULT_SAMPLES  # noqa: E402

APP = str(REPO / "app.py")
#: Scenario, figure and parameter edited: the default scenario and the one with most figures.
CASES = (
    ("seed-001-basic-ceasefire.yaml", "geometry.front_length_km", "high"),
    ("reassurance-force.yaml", "geometry.front_length_km", "high"),
)


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call. [s]"""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_case(file_name: str, path: str, param: str, repeats: int, samples: int) -> list[str]:
    """Median rerun times, idle and after an edit, for one scenario; one printed line each."""
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.selectbox(key="shipped").set_value(file_name).run()
    if samples != DEFAULT_SAMPLES:
        at.select_slider(key="samples").set_value(samples).run()
    at.run()  # warm: every cache filled
    base = read_shipped(file_name)
    field = at.number_input(key=figure_key(base, 0, path, param))
    start_value = float(field.value)
    idle, edits = [], []
    for i in range(1, repeats + 1):  # interleaved, so both see the same machine load
        at.number_input(key=figure_key(base, 0, path, param)).set_value(start_value + i)
        edits.append(timed(at.run))
        idle.append(timed(at.run))
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    idle_s, edit_s = statistics.median(idle), statistics.median(edits)
    return [
        f"{file_name:<32} {samples:>8,} {idle_s * 1e3:>10.0f} ms {edit_s * 1e3:>10.0f} ms "
        f"{edit_s / idle_s:>8.2f}×"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    args = parser.parse_args()
    print(f"{'scenario':<32} {'samples':>8} {'idle rerun':>13} {'after edit':>13} {'ratio':>9}")
    for file_name, path, param in CASES:
        for line in bench_case(file_name, path, param, args.repeats, args.samples):
            print(line, flush=True)
    print(
        "idle rerun: nothing changed, every result from the cache; after edit: one figure "
        f"changed, run + tornado + sweep recomputed; medians of {args.repeats}"
    )


if __name__ == "__main__":
    main()
