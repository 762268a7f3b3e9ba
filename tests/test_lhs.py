"""forcecalc.core.lhs: the numpy Latin hypercube is scipy's, bit for bit, stream included."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from forcecalc.core.lhs import latin_hypercube
from forcecalc.core.sampling import DEFAULT_SEED


@pytest.mark.parametrize("seed", [0, 1, 12345, DEFAULT_SEED, 2**64 - 1])
@pytest.mark.parametrize(("d", "n"), [(1, 1), (0, 4), (3, 5), (7, 1000), (12, 16384)])
def test_the_design_is_scipys_bit_for_bit(seed: int, d: int, n: int) -> None:
    theirs_rng, ours_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    theirs = qmc.LatinHypercube(d, rng=theirs_rng).random(n)
    ours = latin_hypercube(d, n, ours_rng)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape == (n, d)
    assert ours.tobytes() == theirs.tobytes()
    # the caller's generator is left as scipy leaves it: same state, same next spawn
    assert ours_rng.bit_generator.state == theirs_rng.bit_generator.state
    assert ours_rng.spawn(1)[0].random(4).tobytes() == theirs_rng.spawn(1)[0].random(4).tobytes()


def test_each_column_has_one_point_in_each_stratum() -> None:
    n, d = 257, 5
    x = latin_hypercube(d, n, np.random.default_rng(7))
    assert ((x >= 0) & (x < 1)).all()
    strata = np.sort(np.floor(x * n).astype(int), axis=0)
    assert (strata == np.arange(n)[:, None]).all()


def test_another_seed_another_design() -> None:
    a = latin_hypercube(3, 64, np.random.default_rng(1))
    b = latin_hypercube(3, 64, np.random.default_rng(2))
    assert not np.array_equal(a, b)
