"""The band columns of ``forcecalc run`` (``--percentiles``), its shortfall rows and the
labels saying what each coverage compares.

By default a band is P5, P50, P95 and the mean, as :class:`~forcecalc.core.summary.Band`
holds them; other percentiles are computed from the run's outcome by the same rule
(:func:`forcecalc.core.summary.percentiles_of`), so P5, P50 and P95 are the same numbers
whichever others are asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from numpy.typing import ArrayLike

from forcecalc.core import sustainment
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.runner import RunResult
from forcecalc.core.scenario import Scenario
from forcecalc.core.shortfall import COMPARISONS, key, shortfall
from forcecalc.core.summary import PERCENTILES, Band, Shortfall, percentiles_of
from forcecalc.scenario.strict_yaml import read_number

Cell = str | float | int | None

#: At most this many percentiles in one table.
MAX_PERCENTILES = 9


def parse_percentiles(text: str) -> tuple[float, ...]:
    """``"5,50,80,95"`` → ``(5.0, 50.0, 80.0, 95.0)``: distinct, increasing, each in [0, 100].

    Raises
    ------
    ParameterError
        ``percentiles``, for anything else.
    """
    expected = (
        f"up to {MAX_PERCENTILES} distinct numbers from 0 to 100, increasing, e.g. 5,50,80,95"
    )
    try:
        found = tuple(read_number(part, "percentiles") for part in text.split(","))
    except ScenarioError:
        raise ParameterError("percentiles", text, expected) from None
    ok = all(0 <= q <= 100 for q in found) and all(a < b for a, b in itertools.pairwise(found))
    if not found or len(found) > MAX_PERCENTILES or not ok:
        raise ParameterError("percentiles", text, expected)
    return found


def column(q: float) -> str:
    """A percentile's column name: ``p5``, ``p80``, ``p2.5``."""
    return f"p{q:g}"


@dataclass(frozen=True)
class Bands:
    """Makes the band rows of one run at the chosen percentiles."""

    result: RunResult
    percentiles: tuple[float, ...] = PERCENTILES

    @property
    def columns(self) -> tuple[str, ...]:
        return ("name", "unit", *(column(q) for q in self.percentiles), "mean")

    @property
    def reads_values(self) -> bool:
        """Whether :meth:`row` and :meth:`extra` read ``values`` (percentiles other than a
        :class:`Band`'s), so that an array made only for them can be left unmade."""
        return self.percentiles != PERCENTILES

    def row(self, name: str, unit: str, b: Band, values: ArrayLike) -> list[Cell]:
        """``[name, unit, percentiles..., mean]`` of ``values`` (whose band is ``b``)."""
        if self.percentiles == PERCENTILES:
            return [name, unit, b.p5, b.p50, b.p95, b.mean]
        found = percentiles_of(values, self.result.samples.n, self.percentiles)
        return [name, unit, *found, b.mean]

    def blank(self, name: str, unit: str, value: float) -> list[Cell]:
        """A probability row: its value in the P50 column (or the middle one)."""
        cells: list[Cell] = [None] * len(self.percentiles)
        middle = self.percentiles.index(50.0) if 50.0 in self.percentiles else 0
        cells[middle] = value
        return [name, unit, *cells, None]

    def extra(self, b: Band, values: ArrayLike) -> dict[str, float]:
        """A band as JSON: the mean and P5 / P50 / P95, plus any other percentile asked for."""
        out = asdict(b)
        if self.percentiles != PERCENTILES:
            found = percentiles_of(values, self.result.samples.n, self.percentiles)
            out.update({column(q): v for q, v in zip(self.percentiles, found, strict=True)})
        return out


def compares(scenario: Scenario, supply: str, requirement: str) -> str:
    """What a comparison compares with: ``deployed``, or ``deployed of military, enablers``
    where the pledges or the pool name the categories they ``cover``."""
    compared = sustainment.compared_with(scenario)
    text = compared.get("pledge_coverage" if supply == "pledged" else "pool_coverage", "")
    if not text:
        return requirement
    _, _, rest = text.partition(" of ")
    return f"{requirement} of {rest}"


def coverage_labels(scenario: Scenario) -> dict[str, str]:
    """Each coverage's and probability's label in ``run``, naming what it compares:
    ``pledged ÷ deployed``, ``P(pledges suffice: pledged ≥ deployed)`` ..."""
    fg = scenario.force_generation
    basis = fg.pledge_basis if fg is not None else "deployed"
    pledges, pool = compares(scenario, "pledged", basis), compares(scenario, "pool", "deployed")
    return {
        "pledge_coverage": f"pledged ÷ {pledges}",
        "pool_coverage": f"pool sustainable ÷ {pool}",
        "p_pledges_suffice": f"P(pledges suffice: pledged ≥ {pledges})",
        "p_pool_suffices": f"P(pool suffices: sustainable ≥ {pool})",
    }


def shortfall_label(scenario: Scenario, s: Shortfall) -> str:
    """``pledged short of deployed`` (of the categories covered, where ``covers`` is used)."""
    return f"{s.supply} short of {compares(scenario, s.supply, s.requirement)}"


#: The row labels of a comparison's signed gap and of its shortfall, after the comparison's.
GAP_LABEL = "gap (required − available; below 0: spare)"
SHORTFALL_LABEL = "shortfall (0 or more)"


def shortfall_rows(bands: Bands) -> list[list[Cell]]:
    """For each comparison: the signed gap (required − available; below 0, spare), the
    shortfall (the gap where above 0, else 0: its mean is the expected shortfall) and the
    probability of a shortfall."""
    result = bands.result
    rows: list[list[Cell]] = []
    for supply, requirement in COMPARISONS:
        s = result.summary.shortfalls.get(key(supply, requirement))
        if s is None:
            continue
        label = shortfall_label(result.scenario, s)
        values = result.outcome.gaps[key(supply, requirement)]
        rows.append(bands.row(f"{label}: {GAP_LABEL}", "personnel", s.gap, values))
        short = shortfall(values) if bands.reads_values else ()  # 8 bytes a sample: if read
        rows.append(bands.row(f"{label}: {SHORTFALL_LABEL}", "personnel", s.shortfall, short))
        rows.append(bands.blank(f"P({label})", "probability", s.p_short))
    return rows


def shortfall_dict(bands: Bands) -> dict[str, object]:
    """The shortfalls as JSON: each comparison's label, signed ``gap``, ``shortfall`` (the
    gap where above 0, else 0) and ``p_short``; empty without force generation."""
    result = bands.result
    out: dict[str, object] = {}
    for name, s in result.summary.shortfalls.items():
        gap = result.outcome.gaps[name]
        out[name] = {
            "label": shortfall_label(result.scenario, s),
            "supply": s.supply,
            "compared_with": compares(result.scenario, s.supply, s.requirement),
            "gap": bands.extra(s.gap, gap),
            "shortfall": bands.extra(s.shortfall, shortfall(gap) if bands.reads_values else ()),
            "p_short": s.p_short,
        }
    return {"shortfalls": out} if out else {}


def band_json(
    bands: Bands, named: Mapping[str, Band], values: Mapping[str, ArrayLike]
) -> dict[str, object]:
    """``{name: band}`` as JSON, with the chosen percentiles."""
    return {k: bands.extra(b, values[k]) for k, b in named.items()}
