"""What a user waits for, as fresh processes: start-up against bare imports, a 10-million-sample
``forcecalc run`` (wall time and peak RSS), optionally against an older checkout
(``--baseline PATH``, run with ``PYTHONPATH=PATH`` interleaved with this one), and the app's
rerun after an edit against an idle rerun."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench_harness import (
    REPO,
    Preset,
    Ratio,
    Recorder,
    Row,
    Stats,
    at_least,
    at_most,
    forcecalc_argv,
    interleaved_processes,
    python_env,
)

#: Bound on the 10M run's peak resident memory: "under 1 GB". [bytes]
LARGE_PEAK_BYTES = 1_000_000_000
#: Where the subprocesses start: neither checkout, so ``sys.path[0]`` picks neither.
NEUTRAL = Path(tempfile.gettempdir())


def compile_trees(*trees: Path) -> None:
    """Byte-compile each tree's ``forcecalc`` package first, as ``pip install`` does, so that a
    fresh process imports bytecode on both sides (with PYTHONDONTWRITEBYTECODE set, a module
    whose .pyc is stale is compiled from source at every start, which is not a user's case)."""
    for tree in trees:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(tree / "forcecalc")],
            check=True,
            capture_output=True,
        )


def bench_startup(p: Preset, rec: Recorder, baseline: Path | None) -> None:
    print("start-up: forcecalc against bare imports (fresh processes, interleaved)", flush=True)
    compile_trees(REPO, *([baseline] if baseline else []))
    here, bare = python_env(None), python_env(NEUTRAL)
    commands = {
        "help": (forcecalc_argv("--help"), here),
        "import numpy": ([sys.executable, "-c", "import numpy"], bare),
        "run": (forcecalc_argv("run"), here),
        "import numpy, scipy.special": (
            [sys.executable, "-c", "import numpy, scipy.special"],
            bare,
        ),
    }
    if baseline:
        old = python_env(baseline)
        commands |= {
            "baseline help": (forcecalc_argv("--help"), old),
            "baseline run": (forcecalc_argv("run"), old),
        }
    stats, _ = interleaved_processes(commands, p.process_repeats, NEUTRAL)
    for key, base, bound, what in (
        ("help", "import numpy", 2.0, '`forcecalc --help` ÷ `python -c "import numpy"`'),
        (
            "run",
            "import numpy, scipy.special",
            1.6,
            'default `forcecalc run` ÷ `python -c "import numpy, scipy.special"`',
        ),
    ):
        ratio = Ratio.of(stats[key], stats[base])
        detail: dict[str, object] = {
            "seconds": stats[key].median,
            "base_s": stats[base].median,
            "low_s": stats[key].low,
            "high_s": stats[key].high,
        }
        text = f"{ratio.text()}; {stats[key].text()} vs {stats[base].text()}"
        if baseline:
            before = Ratio.of(stats[f"baseline {key}"], stats[base])
            detail |= {
                "baseline_ratio": before.value,
                "baseline_s": stats[f"baseline {key}"].median,
            }
            text += f"; baseline {before.value:.2f}×"
        rec.add(
            Row(
                f"startup_{key}",
                "startup",
                f"start-up: {what}",
                text,
                ratio.value,
                f"≤ {bound:g}×",
                at_most(ratio.value, bound),
                detail,
            )
        )
        if baseline:
            speedup = Ratio.of(stats[f"baseline {key}"], stats[key])
            rec.add(
                Row(
                    f"startup_{key}_speedup",
                    "startup",
                    f"start-up: `{key}`, baseline ÷ now",
                    speedup.text(),
                    speedup.value,
                    "(extra)",
                    None,
                )
            )


def gib(x: float) -> str:
    return f"{x / 2**30:.2f} GiB"


def bench_large(p: Preset, rec: Recorder, baseline: Path | None) -> None:
    n = p.large_samples
    print(f"{n:,} samples: forcecalc run --samples {n} (fresh processes)", flush=True)
    compile_trees(REPO, *([baseline] if baseline else []))
    argv = forcecalc_argv("run", "--samples", str(n))
    commands = {"now": (argv, python_env(None))}
    if baseline:
        commands["baseline"] = (argv, python_env(baseline))
    stats, peaks = interleaved_processes(commands, p.large_repeats, NEUTRAL, warmup=0)
    now: Stats = stats["now"]
    rec.add(
        Row(
            "large_peak_rss",
            "large",
            f"`forcecalc run --samples {n:,}`: peak RSS and wall time",
            f"{gib(peaks['now'])}, {now.text(1, 's')}"
            + (f"; baseline {gib(peaks['baseline'])}" if baseline else ""),
            float(peaks["now"]),
            "under 1 GB",
            at_most(peaks["now"], LARGE_PEAK_BYTES),
            {
                "samples": n,
                "seconds": now.median,
                "peak_bytes": peaks["now"],
                "baseline_peak_bytes": peaks.get("baseline"),
            },
        )
    )
    if baseline:
        speedup = Ratio.of(stats["baseline"], now)
        rec.add(
            Row(
                "large_speedup",
                "large",
                f"`run --samples {n:,}`: baseline ÷ now",
                f"{speedup.text()} ({stats['baseline'].text(1, 's')} before)",
                speedup.value,
                "≥ 2.5×",
                at_least(speedup.value, 2.5),
                {"baseline": str(baseline), "baseline_s": stats["baseline"].median},
            )
        )
    else:
        rec.add(
            Row(
                "large_speedup",
                "large",
                f"`run --samples {n:,}`: baseline ÷ now",
                "not measured (needs --baseline PATH)",
                None,
                "≥ 2.5×",
                None,
            )
        )


def bench_dask(p: Preset, rec: Recorder) -> None:
    """10⁸ samples with ``--engine dask`` (a local cluster) against one process, if offered."""
    n = 100_000_000 if p.name == "full" else 10 * p.large_samples
    print(f"{n:,} samples: --engine dask against one process", flush=True)
    here = python_env(None)
    help_text = subprocess.run(
        forcecalc_argv("run", "--help"), env=here, cwd=NEUTRAL, capture_output=True, text=True
    ).stdout
    if "--engine" not in help_text:
        rec.add(
            Row(
                "dask_speedup",
                "dask",
                "10⁸ samples, one process ÷ --engine dask",
                "not measured (no --engine option yet)",
                None,
                "(report)",
                None,
            )
        )
        return
    argv = forcecalc_argv("run", "--samples", str(n), "--sampler", "mc")
    stats, peaks = interleaved_processes(
        {"one": (argv, here), "dask": ([*argv, "--engine", "dask"], here)}, 1, NEUTRAL, warmup=0
    )
    speedup = Ratio.of(stats["one"], stats["dask"])
    rec.add(
        Row(
            "dask_speedup",
            "dask",
            f"{n:,} samples (mc), one process ÷ --engine dask",
            f"{speedup.value:.2f}× ({stats['one'].text(1, 's')} vs {stats['dask'].text(1, 's')})",
            speedup.value,
            "(report)",
            None,
            {"samples": n, "peak_bytes": peaks},
        )
    )


def bench_app(p: Preset, rec: Recorder) -> None:
    print("app: rerun after an edit against an idle rerun (AppTest, interleaved)", flush=True)
    import app_bench

    cases = app_bench.CASES if p.name == "full" else app_bench.CASES[:1]
    for case in cases:
        m = app_bench.measure_case(*case, repeats=p.app_repeats, samples=app_bench.DEFAULT_SAMPLES)
        main = case == app_bench.CASES[0]
        rec.add(
            Row(
                f"app_edit_vs_idle_{case[0].removesuffix('.yaml')}_{case[1]}",
                "app",
                f"app rerun after an edit of {case[1]} ÷ idle rerun ({case[0]})",
                f"{m.ratio.text()}; {m.edit.text()} vs {m.idle.text()}",
                m.ratio.value,
                "≤ 1.3×" if main else "(extra)",
                at_most(m.ratio.value, 1.3) if main else None,
                {"edit_s": m.edit.median, "idle_s": m.idle.median, "repeats": p.app_repeats},
            )
        )
