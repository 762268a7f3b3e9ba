"""The budget of every computation the CLI or the app can be asked for, declared once.

Each limit is checked before anything is allocated and refused with one line, a
:class:`~forcecalc.core.errors.ParameterError` naming the parameter (``samples``, ``steps``,
``probes``, ``repeats``, ``n``, ``sampler``), so that no input, however large, ends in a
``MemoryError``, a library's exception or minutes of computing with no end in sight.

Memory is counted in *values*: float64 numbers held at once, 8 bytes each. The model keeps a
few arrays per figure for every point it evaluates at once, so the values held are about
points × figures; every method evaluates in blocks of points small enough to keep that product
within :data:`MAX_VALUES`, so its memory is linear in the number of figures. Time is counted in
*work*: points evaluated × figures, a model evaluation's cost growing with both.

======================== ================ =========================================================
budget                   value            why
======================== ================ =========================================================
:data:`MAX_VALUES`       2**24 values     samples × figures drawn and evaluated at once: 128 MiB
                                          per copy, about 500 MB at the model's peak
:data:`MAX_WORK`         2**32            points × figures one command evaluates: a few minutes
                                          at most on one core
:data:`MAX_GRID_POINTS`  65,536           a sweep's grid points (256 × 256): a table or a heat
                                          map no one reads beyond that
:data:`MAX_SWEEP_CELLS`  2**28            grid points × samples of a sweep: about two minutes
                                          for the default scenario
:data:`MAX_PROBES`       1,001            a tornado's quantiles per input: a 0.1% step
:data:`MAX_REPEATS`      1,000            Sobol repeats: the interval narrows as 1/√R, so 1,000
                                          repeats is 10× narrower than 10
:data:`SOBOL_DIMENSIONS` 21,201           dimensions of scipy's Sobol' engine (its direction
                                          numbers); Sobol indices need 2 per input
======================== ================ =========================================================
"""

from __future__ import annotations

from forcecalc.core.errors import ParameterError

#: Most values (points × figures) held at once: about 500 MB at the model's peak.
MAX_VALUES = 2**24
#: Most work (points evaluated × figures) one command does: a few minutes on one core.
MAX_WORK = 2**32
#: Most grid points of a sweep (256 × 256).
MAX_GRID_POINTS = 65_536
#: Most grid points × samples of a sweep: about two minutes for the default scenario.
MAX_SWEEP_CELLS = 2**28
#: Most quantiles a tornado probes per input (a step of 0.1% between 5% and 95%).
MAX_PROBES = 1_001
#: Most repeats of Sobol indices (their intervals narrow as 1/√repeats).
MAX_REPEATS = 1_000
#: Dimensions scipy's Sobol' engine supports (``scipy.stats.qmc.Sobol``'s direction numbers).
SOBOL_DIMENSIONS = 21_201


def check_values(parameter: str, points: int, figures: int, what: str, holder: str = "") -> None:
    """Refuse ``points`` × ``figures`` values held at once above :data:`MAX_VALUES`.

    ``what`` says what the points are (``"samples"``, ``"Sobol points per repeat"``);
    ``holder`` what holds the figures, when not a scenario (``"the back-test, whose largest
    ensemble (undof's) has 19 figures"``).
    """
    if points * max(figures, 1) > MAX_VALUES:
        most = MAX_VALUES // max(figures, 1)
        raise ParameterError(
            parameter,
            f"{points:,} {what} for {holder or f'a scenario of {figures:,} figures'}",
            f"at most {most:,} (at most {MAX_VALUES:,} values held at once, to bound memory)",
        )


def check_work(parameter: str, points: int, figures: int, what: str) -> None:
    """Refuse evaluating ``points`` model points of ``figures`` figures above :data:`MAX_WORK`."""
    if points * max(figures, 1) > MAX_WORK:
        raise ParameterError(
            parameter,
            f"{points:,} model evaluations ({what}) of a scenario of {figures:,} figures",
            f"at most {MAX_WORK // max(figures, 1):,} (evaluations × figures ≤ {MAX_WORK:,}, "
            "to bound the time)",
        )


def check_at_most(parameter: str, given: int, most: int, what: str) -> None:
    """Refuse ``given`` above ``most``, a budget of this module, or below 1."""
    if given > most:
        raise ParameterError(parameter, f"{given:,} {what}", f"at most {most:,} {what}")


def check_sweep(points: int, samples: int) -> None:
    """Refuse a sweep's grid above :data:`MAX_GRID_POINTS` or grid × samples above
    :data:`MAX_SWEEP_CELLS` (parameter ``steps``: the grid's size)."""
    if points > MAX_GRID_POINTS:
        raise ParameterError(
            "steps",
            f"a grid of {points:,} points",
            f"at most {MAX_GRID_POINTS:,} grid points (e.g. 256 × 256)",
        )
    if points * samples > MAX_SWEEP_CELLS:
        raise ParameterError(
            "steps",
            f"a grid of {points:,} points × {samples:,} samples",
            f"at most {MAX_SWEEP_CELLS:,} grid points × samples (fewer steps or samples, "
            "to bound the time)",
        )


def check_sobol_dimensions(dimensions: int, parameter: str = "sampler") -> None:
    """Refuse a Sobol' design of more dimensions than scipy supports (:data:`SOBOL_DIMENSIONS`)."""
    if dimensions > SOBOL_DIMENSIONS:
        raise ParameterError(
            parameter,
            f"a Sobol' design of {dimensions:,} dimensions",
            f"at most {SOBOL_DIMENSIONS:,} (scipy's Sobol' engine); use lhs or mc",
        )


def block_rows(row_points: int, figures: int) -> int:
    """Rows of ``row_points`` points each that fit in :data:`MAX_VALUES` with ``figures``
    figures (at least 1)."""
    return max(1, MAX_VALUES // max(row_points * max(figures, 1), 1))
