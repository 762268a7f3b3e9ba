"""The engines (forcecalc.core.engine, streaming, dask_engine; analysis.sweep_engine;
core.timeline_engine) give the single-process numbers: bit for bit where the outputs are
gathered, exact percentiles and probabilities where they are streamed.

One local dask cluster of 2 workers serves the whole module (it takes seconds to start).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import json
import pickle
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from forcecalc.analysis.sweep import axis, sweep
from forcecalc.analysis.sweep_engine import sweep_on
from forcecalc.cli import engines
from forcecalc.cli.command import main
from forcecalc.core import dask_engine, streaming
from forcecalc.core.chunked import run_chunked, run_sized
from forcecalc.core.engine import LocalEngine, run_on
from forcecalc.core.errors import ParameterError, ScenarioError, Where
from forcecalc.core.order_stats import key_value, order_key
from forcecalc.core.quantiles import combine, order_ranks
from forcecalc.core.timeline_engine import run_timeline_on
from forcecalc.core.timeline_run import run_timeline
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import default_scenario, scenarios_dir

TIMELINE = scenarios_dir() / "reassurance-force.yaml"
N, CHUNK = 1 << 13, 3000  # three chunks, the last one short (sobol: 2048 a chunk)


def chunk_of(sampler: str) -> int:
    return 2048 if sampler == "sobol" else CHUNK


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario())


@pytest.fixture(scope="module")
def cluster() -> Iterator[dask_engine.DaskEngine]:
    pytest.importorskip("distributed")
    with dask_engine.connect(workers=2) as engine:
        yield engine


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def same(a: object, b: object) -> bool:
    """Dataclasses (or their fields) equal, arrays bit for bit (NaN equal to NaN)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return same(dataclasses.asdict(a), dataclasses.asdict(b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)  # type: ignore[union-attr]
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=True)  # type: ignore[arg-type]
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b or (a != a and b != b)


# --------------------------------------------------------------------------------------------
# Order statistics


@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 4096, 10_007])
def test_percentiles_from_order_statistics_are_numpys_bit_for_bit(n: int, method: str) -> None:
    rng = np.random.default_rng(n)
    x = np.sort(rng.lognormal(0.0, 2.0, n) * rng.choice([-1.0, 1.0], n))
    q = np.array([0.0, 0.1, 2.5, 5.0, 12.5, 33.3, 50.0, 80.0, 95.0, 99.9, 100.0])
    r = order_ranks(n, q, method)
    got = combine(r, x[r.lower], x[r.upper])
    want = np.percentile(x, q, method=method)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))


def test_order_keys_sort_as_the_numbers_and_read_back() -> None:
    x = np.array([-np.inf, -1e300, -3.5, -1e-300, -0.0, 0.0, 5e-324, 1.0, 2.0, np.inf])
    keys = order_key(x)
    assert all(int(a) <= int(b) for a, b in itertools.pairwise(keys))
    assert int(keys[4]) == int(keys[5])  # -0.0 and 0.0 are one value
    assert [key_value(int(k)) for k in keys] == [v + 0.0 for v in x]


def test_errors_survive_the_trip_to_a_worker_and_back() -> None:
    p = pickle.loads(pickle.dumps(ParameterError("samples", "0", "a whole number", "x")))
    assert (type(p), str(p)) == (ParameterError, "samples x: got 0; expected a whole number")
    s = pickle.loads(pickle.dumps(ScenarioError(Where("f.yaml", 3, 1, "a.b"), "1", "2", "h")))
    assert str(s) == "f.yaml:3:1: at a.b: got 1; expected 2 (h)"


# --------------------------------------------------------------------------------------------
# In this process


@pytest.mark.parametrize("sampler", ["mc", "sobol"])
def test_the_local_engine_is_run_chunked(scenario, sampler: str) -> None:
    chunk = chunk_of(sampler)
    want = run_chunked(scenario, N, 7, sampler, chunk_samples=chunk)
    got = run_on(LocalEngine(), scenario, N, 7, sampler, chunk_samples=chunk)
    assert same(got.outcome, want.outcome)
    assert got.summary == want.summary and got.provenance == want.provenance


def test_a_run_of_one_chunk_is_run_with_its_latin_hypercube(scenario) -> None:
    want = run_sized(scenario, N, 7, overrides={"geometry.front_length_km": 1000.0})
    got = run_on(LocalEngine(), scenario, N, 7, overrides={"geometry.front_length_km": 1000.0})
    assert got.summary == want.summary and got.samples.sampler == "lhs"


def test_lhs_in_several_chunks_is_refused(scenario) -> None:
    with pytest.raises(ParameterError, match=r"^sampler lhs: got 8,192 samples in chunks"):
        run_on(LocalEngine(), scenario, N, 7, "lhs", chunk_samples=CHUNK)


def compare_streamed(streamed: streaming.StreamedRun, gathered) -> None:
    """Percentiles and probabilities exact, means within 1e-13 relative."""
    a, b = dataclasses.asdict(streamed.summary), dataclasses.asdict(gathered.summary)

    def walk(x: object, y: object, path: str) -> None:
        if isinstance(x, dict):
            assert x.keys() == y.keys(), path  # type: ignore[union-attr]
            for k in x:
                walk(x[k], y[k], f"{path}.{k}")  # type: ignore[index]
        elif path.endswith(".mean"):
            assert x == pytest.approx(y, rel=1e-13, abs=1e-300), path
        else:
            assert x == y, path

    walk(a, b, "summary")


@pytest.mark.parametrize("sampler", ["mc", "sobol"])
def test_a_streamed_run_has_the_gathered_runs_percentiles(scenario, sampler, monkeypatch) -> None:
    monkeypatch.setattr(streaming, "MAX_BIN_VALUES", 8)  # bins refined, as at 10⁸ samples
    chunk = chunk_of(sampler)
    gathered = run_chunked(scenario, N, 7, sampler, chunk_samples=chunk)
    got = streaming.stream_run(
        LocalEngine(), scenario, N, 7, sampler, chunk_samples=chunk, percentiles=(1, 50, 99.5)
    )
    assert got.passes >= 3
    compare_streamed(got, gathered)
    deployed = gathered.outcome.deployed
    assert got.at["metrics.deployed"] == tuple(np.percentile(deployed, [1, 50, 99.5]))


def test_a_streamed_mean_is_within_rounding_of_numpys(scenario) -> None:
    got = streaming.stream_run(LocalEngine(), scenario, N, 3, "mc", chunk_samples=1000)
    whole = run_chunked(scenario, N, 3, "mc", chunk_samples=1000).outcome.deployed
    assert abs(got.summary.metrics["deployed"].mean - np.mean(whole)) <= 1e-14 * np.mean(whole)


# --------------------------------------------------------------------------------------------
# On a local dask cluster


@pytest.mark.parametrize("sampler", ["mc", "sobol"])
def test_a_dask_run_is_the_local_run_bit_for_bit(cluster, scenario, sampler: str) -> None:
    chunk = chunk_of(sampler)
    want = run_chunked(scenario, N, 11, sampler, chunk_samples=chunk)
    got = run_on(cluster, scenario, N, 11, sampler, chunk_samples=chunk)
    assert same(got.outcome, want.outcome) and got.summary == want.summary


def test_a_streamed_run_on_dask_is_the_local_one(cluster, scenario) -> None:
    want = streaming.stream_run(LocalEngine(), scenario, N, 11, "mc", chunk_samples=CHUNK)
    assert streaming.stream_run(cluster, scenario, N, 11, "mc", chunk_samples=CHUNK) == want


@pytest.mark.parametrize("sampler", ["mc", "sobol"])
def test_a_dask_timeline_is_the_local_timeline(cluster, sampler: str) -> None:
    s = load_scenario(TIMELINE)
    want = run_timeline(s, 4096, 5, sampler, chunk_samples=1500)
    assert same(run_timeline_on(cluster, s, 4096, 5, sampler, chunk_samples=1500), want)


def test_a_dask_sweep_is_the_local_sweep(cluster, scenario) -> None:
    axes = [
        axis("geometry.buffer_width_km", 1, 40, 5),
        axis("geometry.front_length_km", 600, 3700, 3),
    ]
    assert sweep_on(cluster, scenario, axes, 2048, 5, "sobol") == sweep(
        scenario, axes, 2048, 5, "sobol"
    )


def scheduler(cluster: dask_engine.DaskEngine) -> str:
    return cluster.client.scheduler.address


def test_the_commands_print_the_same_on_dask(cluster) -> None:
    at = ("--engine", "dask", "--scheduler", scheduler(cluster))
    for command in (
        ("run", "--samples", "4096", "--sampler", "mc", "--format", "json"),
        ("sweep", "--vary", "geometry.buffer_width_km=1:40:4", "--samples", "1024"),
        ("timeline", str(TIMELINE), "--samples", "2048", "--sampler", "sobol"),
    ):
        local = cli(*command)
        assert local[0] == 0
        assert cli(*command, *at) == local


def test_a_run_beyond_memory_is_streamed_with_the_same_percentiles(cluster, monkeypatch) -> None:
    monkeypatch.setattr(engines, "MAX_KEPT_VALUES", 1000)  # as a run of 10⁸ samples
    command = ("run", "--samples", "4096", "--sampler", "sobol", "--format", "json")
    local = json.loads(cli(*command)[1])
    code, out, _ = cli(*command, "--engine", "dask", "--scheduler", scheduler(cluster))
    streamed = json.loads(out)
    assert code == 0 and streamed["passes"] >= 2
    for name in ("deployed", "committed"):
        want, got = local["metrics"][name], streamed["summary"]["metrics"][name]
        assert [got[k] for k in ("p5", "p50", "p95")] == [want[k] for k in ("p5", "p50", "p95")]
        assert got["mean"] == pytest.approx(want["mean"], rel=1e-13)
    assert streamed["summary"]["probabilities"] == local["probabilities"]


def test_the_engine_errors_are_one_line(cluster, monkeypatch) -> None:
    at = ("--engine", "dask", "--scheduler", scheduler(cluster))
    code, out, err = cli("run", "--samples", "2000000", "--sampler", "lhs", *at)
    assert (code, out) == (2, "") and err.startswith("forcecalc: error: --sampler lhs: got 2,000")
    assert err.count("\n") == 1
    code, _, err = cli("run", "--workers", "2")
    assert (code, err) == (
        2,
        "forcecalc: error: --workers: got it with --engine local; expected --engine dask\n",
    )
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT_S", 1)
    code, _, err = cli("run", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and err.startswith("forcecalc: error: --scheduler: got tcp://127.0.0.1:9 (")
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    code, _, err = cli("run", "--engine", "dask")
    assert (code, err) == (
        2,
        "forcecalc: error: --engine: got dask, which is not installed; expected the optional "
        "extra: pip install 'forcecalc[dask]'\n",
    )
