"""The app's calls into the library, cached on the scenario text and run settings.

Each is a pure function of its arguments (:mod:`forcecalc.app.texts`,
:mod:`forcecalc.app.drivers`, :func:`forcecalc.calibration.analogs.compare`) wrapped in
a cache bounded in bytes and shared by every session (:mod:`forcecalc.app.memo`: the bounds
are :data:`RUN_CACHE_BYTES` and :data:`OTHER_CACHE_BYTES`; a timeline keeps its bands, not its
samples); :func:`shown_errors` shows an
expected error as the app words it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from forcecalc.analysis.sweep import Sweep
from forcecalc.analysis.tornado import TornadoResult
from forcecalc.app import drivers, messages, texts
from forcecalc.app.memo import MIB, bounded
from forcecalc.app.widgets import plain
from forcecalc.calibration.analogs import Comparison, compare
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.runner import RunResult
from forcecalc.core.scenario import Scenario
from forcecalc.core.timeline_run import TimelineResult, run_timeline


@dataclass(frozen=True)
class RunSettings:
    """The run controls: number of samples, seed and sampler."""

    samples: int
    seed: int
    sampler: str


#: The most the cached runs hold, in bytes; a run over a quarter of it is not kept.
RUN_CACHE_BYTES = 512 * MIB
#: The most the cached parses, tornadoes, sweeps and comparisons hold, each, in bytes.
OTHER_CACHE_BYTES = 64 * MIB


@bounded(RUN_CACHE_BYTES)
def cached_run(text: str, name: str, samples: int, seed: int, sampler: str) -> RunResult:
    """:func:`forcecalc.app.texts.run_text`, cached on the scenario text and the run settings."""
    return texts.run_text(text, name, samples, seed, sampler)


@bounded(OTHER_CACHE_BYTES)
def cached_parse(text: str, name: str) -> Scenario:
    """The scenario of a text already checked by the loader."""
    return texts.ScenarioText(text, name).parse()


@bounded(OTHER_CACHE_BYTES)
def cached_tornado(text: str, name: str) -> TornadoResult:
    """:func:`forcecalc.app.drivers.tornado_text`, cached on the scenario text."""
    return drivers.tornado_text(text, name)


@bounded(OTHER_CACHE_BYTES)
def cached_sweep(
    text: str,
    name: str,
    path: str,
    start: float,
    stop: float,
    steps: int,
    samples: int,
    seed: int,
    sampler: str,
) -> Sweep:
    """:func:`forcecalc.app.drivers.sweep_text`, cached on the scenario text and its settings."""
    return drivers.sweep_text(text, name, path, start, stop, steps, samples, seed, sampler)


@st.cache_data(max_entries=64, show_spinner=False)  # the shipped files only: a few KB each
def cached_shipped(file_name: str) -> texts.ScenarioText:
    """A shipped scenario's text."""
    return texts.read_shipped(file_name)


def run_of(scenario_text: texts.ScenarioText, settings: RunSettings) -> RunResult:
    """The cached run of a scenario text at the app's settings."""
    return cached_run(
        scenario_text.text, scenario_text.name, settings.samples, settings.seed, settings.sampler
    )


@contextmanager
def shown_errors(prefix: str = "") -> Iterator[None]:
    """Show an expected error (:class:`ForcecalcError`) as its one-line message and go on.

    A library parameter is named by the app's control
    (:func:`forcecalc.app.messages.app_message`). The rest of the ``with`` block is skipped;
    the page below it is still drawn. Anything else is a bug and is left to Streamlit, which
    shows it with its traceback.
    """
    try:
        yield
    except ForcecalcError as exc:
        st.error(plain(f"{prefix}{messages.app_message(exc)}"))


@bounded(OTHER_CACHE_BYTES)
def cached_timeline(text: str, name: str, samples: int, seed: int, sampler: str) -> TimelineResult:
    """:func:`~forcecalc.core.timeline_run.run_timeline` of a scenario text, cached: its
    monthly bands and the mandate's figures (a few KB a month), not its samples."""
    return run_timeline(texts.parse_text(text, name), samples, seed, sampler)


@bounded(OTHER_CACHE_BYTES)
def cached_compare(text: str, name: str, samples: int, seed: int, sampler: str) -> Comparison:
    """The scenario beside past missions (:func:`forcecalc.calibration.analogs.compare`), cached."""
    return compare(cached_run(text, name, samples, seed, sampler))
