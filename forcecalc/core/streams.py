"""One random stream per figure, keyed by its key path: the uniform columns of a design.

A figure's stream is ``numpy.random.SeedSequence([seed, *words])``, ``words`` the four 32-bit
words of a BLAKE2b hash of its key path (:func:`path_words`): stable across processes and
Python versions (never :func:`hash`, which is salted per process). Two figures never share a
stream, and a figure's stream does not depend on what else the scenario holds, so a figure's
draws survive ``--set`` on another figure and edits that add or remove other figures (common
random numbers by path).

- ``mc``: the column is ``Generator(PCG64(stream)).random(n)`` (:func:`mc_rows`); rows
  ``start:stop`` are drawn by advancing the bit generator ``start`` steps: ``random()`` takes
  exactly one 64-bit output per double (``(next_uint64 >> 11) * 2**-53``), so any partition of
  the rows gives the same numbers bit for bit.
- ``lhs``: a one-dimensional Latin hypercube [1]_ drawn from the figure's own stream
  (:func:`lhs_column`), numpy only, equal bit for bit to
  ``scipy.stats.qmc.LatinHypercube(1, rng=Generator(PCG64(stream))).random(n)`` (a test holds
  it there). Its strata depend on ``n``, so it is drawn whole.
- ``sobol``: a scrambled Sobol' design [2]_ is joint over its dimensions, so it cannot be drawn
  one figure at a time: :func:`sobol_rows` draws the ``k`` uncertain figures together, in
  document order, scrambled from the seed. Common random numbers then hold only while the set
  of uncertain figures is unchanged (``--set`` of one figure to a point, or adding a figure,
  moves every other figure's column).

References
----------
.. [1] McKay, Beckman & Conover (1979), "A comparison of three methods for selecting values of
   input variables in the analysis of output from a computer code", Technometrics 21(2).
.. [2] Owen (1998), "Scrambling Sobol' and Niederreiter-Xing points", J. Complexity 14(4).
"""

from __future__ import annotations

import functools
import hashlib
import threading
import warnings

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def path_words(path: str) -> tuple[int, int, int, int]:
    """The four 32-bit words of ``blake2b(path.encode("utf-8"), digest_size=16)``,
    little-endian: the key of a figure's stream."""
    digest = hashlib.blake2b(path.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))  # type: ignore[return-value]


def figure_stream(seed: int, path: str) -> np.random.SeedSequence:
    """The seed sequence of the figure at ``path`` in a run with ``seed``:
    ``SeedSequence([seed, *path_words(path)])``."""
    return np.random.SeedSequence([seed, *path_words(path)])


def mc_rows(seed: int, path: str, start: int, stop: int) -> FloatArray:
    """Rows ``start:stop`` of the figure's Monte Carlo column
    ``Generator(PCG64(figure_stream(seed, path))).random(n)``, in [0, 1)."""
    bits = np.random.PCG64(figure_stream(seed, path))
    if start:
        bits.advance(start)  # one 64-bit output per double drawn
    return np.random.Generator(bits).random(stop - start)


def lhs_column(seed: int, path: str, n: int) -> FloatArray:
    """The figure's one-dimensional Latin hypercube of ``n`` points, in (0, 1].

    Notes
    -----
    What ``scipy.stats.qmc.LatinHypercube(1, rng=g).random(n)[:, 0]`` gives for
    ``g = Generator(PCG64(figure_stream(seed, path)))`` (scipy 1.15+): scipy draws from the
    first child of ``g``'s seed sequence (``spawn(1)[0]``), ``n`` uniforms, then a shuffle of
    the strata ``1..n``; each point is ``(stratum - uniform) / n``.
    """
    parent = figure_stream(seed, path)
    child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, 0))
    rng = np.random.Generator(np.random.PCG64(child))
    jitter = rng.random(n)
    strata = np.arange(1, n + 1)
    rng.shuffle(strata)
    return (strata - jitter) / n


def sobol_rows(k: int, seed: int, start: int, stop: int) -> FloatArray:
    """Rows ``start:stop`` of a ``k``-dimensional scrambled Sobol' design seeded by ``seed``
    (``qmc.Sobol(k, scramble=True, rng=default_rng(seed))``), shape ``(stop - start, k)``.

    The engine is fast-forwarded to ``start``, so any partition of the rows gives the same
    points bit for bit.
    """
    with _SOBOL_LOCK:  # one engine per (k, seed), reset to its scrambled start
        engine = _sobol_engine(k, seed).reset()
        if start:
            engine.fast_forward(start)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The balance properties")
            return engine.random(stop - start)


#: Guards the cached engines: a reset engine is drawn from by one caller at a time.
_SOBOL_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8)
def _sobol_engine(k: int, seed: int):
    """``qmc.Sobol(k, scramble=True, rng=default_rng(seed))``, built once: scrambling costs
    ~10× drawing 1,024 points, and ``reset()`` returns the engine to the state it was built
    in (its scrambled direction numbers and shift), so its points are the same bit for bit."""
    from scipy.stats import qmc  # lazy: scipy.stats costs ~300 ms of start-up, sobol only

    return qmc.Sobol(k, scramble=True, rng=np.random.default_rng(seed))
