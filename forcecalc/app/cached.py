"""The app's calls into the library, cached on the scenario text and run settings.

Each is a pure function of its arguments (:mod:`forcecalc.app.texts`,
:mod:`forcecalc.app.drivers`, :func:`forcecalc.calibration.analogs.compare`) wrapped in
a cache bounded in bytes and shared by every session (:mod:`forcecalc.app.memo`: the bounds
are :data:`RUN_CACHE_BYTES` and :data:`OTHER_CACHE_BYTES`; a timeline keeps its bands, not its
samples); :func:`shown_errors` shows an
expected error as the app words it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import streamlit as st

from forcecalc.analysis.sweep import Sweep
from forcecalc.analysis.tornado import TornadoResult
from forcecalc.app import drivers, messages, reuse, texts
from forcecalc.app.memo import MIB, BoundedCache, bounded
from forcecalc.app.widgets import plain
from forcecalc.calibration.analogs import Comparison, compare
from forcecalc.calibration.rules import draws_key, rule_draws
from forcecalc.core.densities import Rule
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.heap import return_memory
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
    """:func:`forcecalc.app.texts.run_text`, cached on the scenario text and the run settings;
    the memory its work freed is handed back to the system (:func:`return_memory`)."""
    result = texts.run_text(text, name, samples, seed, sampler)
    return_memory()
    return result


@bounded(OTHER_CACHE_BYTES)
def cached_parse(text: str, name: str) -> Scenario:
    """The scenario of a text already checked by the loader."""
    return texts.ScenarioText(text, name).parse()


@bounded(OTHER_CACHE_BYTES)
def cached_tornado(text: str, name: str) -> TornadoResult:
    """:func:`forcecalc.app.drivers.tornado_text`, cached on the scenario text."""
    return drivers.tornado_text(text, name)


#: The sweeps kept, by what their points depend on (:func:`cached_sweep`).
SWEEPS = BoundedCache(OTHER_CACHE_BYTES)


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
    """:func:`forcecalc.app.drivers.sweep_text`, cached on the scenario with the swept figure
    pinned (:func:`forcecalc.app.reuse.pinned_key`) and the settings, so an edit of the swept
    figure itself reuses the points; the sweep is stamped with this text's file."""
    scenario = texts.parse_text(text, name)
    pinned = reuse.pinned_key(scenario, path, start, stop, steps)
    held = (text, name) if pinned is None else pinned  # None: the sweep raises its own error
    key = (held, path, start, stop, steps, samples, seed, sampler)
    found, kept = SWEEPS.get(key)
    if found:
        return reuse.restamped(kept, scenario)  # type: ignore[arg-type]
    result = drivers.sweep_text(text, name, path, start, stop, steps, samples, seed, sampler)
    SWEEPS.put(key, result)
    return result


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
    return compare(cached_run(text, name, samples, seed, sampler), draw=cached_rule_draws)


#: The past missions' rule draws kept, across edits and sessions (:func:`cached_rule_draws`).
RULE_DRAWS = BoundedCache(OTHER_CACHE_BYTES)


def cached_rule_draws(rules: Mapping[str, Rule], n: int, seed: int) -> Mapping[str, np.ndarray]:
    """:func:`forcecalc.calibration.rules.rule_draws`, cached on what they depend on: the
    rules' figures (:func:`~forcecalc.calibration.rules.draws_key`), ``n`` and ``seed``, not
    the scenario's figures, so an edit draws them again only when it changes which rules fit
    or the samples. The arrays are made read-only: every session shares them."""
    key = (draws_key(rules), n, seed)
    found, draws = RULE_DRAWS.get(key)
    if found:
        return draws  # type: ignore[return-value]
    fresh = rule_draws(rules, n, seed)
    for array in fresh.values():
        if isinstance(array, np.ndarray):  # a point figure's draw is a numpy scalar
            array.flags.writeable = False
    RULE_DRAWS.put(key, fresh)
    return fresh
