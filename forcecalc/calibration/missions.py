"""Past peacekeeping and observer missions: a cited dataset and the densities it implies.

The dataset ships in the package as two CSV files read with the standard library:
``missions.csv`` (one row per mission: what it was, its posture, what its strength counts) and
``mission_figures.csv`` (one row per figure: value or range, and its source). Every figure has
a source, or is marked ``unconfirmed`` and left without a value: a figure reported somewhere but
not found in a primary source stays missing rather than invented. A figure computed from
another figure of the same mission names it in ``derived_from`` (IFOR's population, from its
strength and Jones's 17.5 per 1,000): it may size other places, but is never the geometry on
which its own mission is back-tested.

Densities are the mission's strength divided by its geometry: per km of line, per km² of
buffer or security zone (the stated area, or line × width when both are known), per 1,000
inhabitants. A mission present throughout a territory rather than in a zone (KFOR, in all of
Kosovo; IFOR, in all of Bosnia and Herzegovina) states its area as ``territory_area_km2``: it is
shown, but gives no density per km², since a strength spread over a whole territory is not
comparable with one held in a buffer. Its line × width (IFOR's 1,080 km × the 4 km zone of
separation) is then no buffer area either.

References
----------
.. [1] Quinlivan, J. T. (1995). "Force Requirements in Stability Operations", Parameters
   25(4), 59-69: force ratios per 1,000 inhabitants.
.. [2] Jensen, B. (2025). "Guarding the Frontier: Options for a Post-Conflict Security Force in
   Ukraine", CSIS: force-to-space ratios of past missions.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import glossary
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.scenario import Location
from forcecalc.core.sources import Citation

FloatArray = NDArray[np.float64]

_PACKAGE = Path(__file__).resolve().parents[1]  # the data files sit in the package root
#: The dataset shipped with the package.
MISSIONS_FILE = _PACKAGE / "missions.csv"
FIGURES_FILE = _PACKAGE / "mission_figures.csv"

POSTURES = ("observe", "interpose", "deter", "enforce")
#: What a mission's strength counts: ``military`` all its military personnel, ``troops`` its
#: ground troops only (UNIFIL in 2006: 8,800, its Maritime Task Force's 1,700 sailors left
#: out, since they hold neither the line nor the area), ``observers`` military observers,
#: ``monitors`` civilian monitors, ``police`` police.
COUNTS = ("military", "troops", "observers", "monitors", "police")
STRENGTH_KINDS = ("authorised", "deployed")

MISSION_COLUMNS = (
    "id",
    "group",
    "name",
    "place",
    "year",
    "posture",
    "counts",
    "strength_kind",
    "note",
)
FIGURE_COLUMNS = (
    "mission",
    "figure",
    "value",
    "low",
    "high",
    "unconfirmed",
    "title",
    "author",
    "publisher",
    "date",
    "url",
    "quote",
    "note",
    "derived_from",
)
_CITATION_COLUMNS = ("title", "author", "publisher", "date", "url", "quote")


# --------------------------------------------------------------------------------------------
# Densities: pure and vectorized


def troops_per_km(strength: ArrayLike, line_length_km: ArrayLike) -> FloatArray:
    """Personnel per km of line. [troops_per_km]

    Parameters
    ----------
    strength : array_like
        Personnel. [personnel]
    line_length_km : array_like
        Length of the line. [km]
    """
    return np.divide(strength, line_length_km, dtype=float)


def troops_per_km2(strength: ArrayLike, area_km2: ArrayLike) -> FloatArray:
    """Personnel per km² of buffer or security zone. [troops_per_km2]

    Parameters
    ----------
    strength : array_like
        Personnel. [personnel]
    area_km2 : array_like
        Area. [km2]
    """
    return np.divide(strength, area_km2, dtype=float)


def troops_per_1000(strength: ArrayLike, population: ArrayLike) -> FloatArray:
    """Personnel per 1,000 inhabitants [1]_. [troops_per_1000]

    Parameters
    ----------
    strength : array_like
        Personnel. [personnel]
    population : array_like
        People living in the area. [inhabitants]

    Notes
    -----
    ``troops_per_1000 = 1000 * strength / population``.
    """
    return 1000.0 * np.divide(strength, population, dtype=float)


# --------------------------------------------------------------------------------------------
# The dataset


@dataclass(frozen=True)
class MissionFigure:
    """One figure of a mission: a value (or a range) with its source, or marked unconfirmed.

    Parameters
    ----------
    name : str
        One of :data:`forcecalc.core.glossary.MISSION_FIGURES` (``line_length_km``, ``strength``
        ...).
    unit : str
        Its unit, from the glossary.
    value : float or None
        The figure, or ``None`` when only a range is known or it is unconfirmed. [unit]
    low, high : float or None
        A stated range (a buffer's width from 0.2 to 10 km). [unit]
    source : Citation or None
        Where the figure is stated; ``None`` only for an unconfirmed figure.
    unconfirmed : bool
        Reported somewhere but not found in a primary source; the value is then missing.
    note : str
        How the figure was read or derived.
    derived_from : tuple of str
        Other figures of the same mission this one was computed from (IFOR's population from
        its strength and a ratio per 1,000). Such a figure is not independent of them: it may
        give a rule for other missions, but never the geometry its own mission is tested on.
    """

    name: str
    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    source: Citation | None = None
    unconfirmed: bool = False
    note: str = ""
    derived_from: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Mission:
    """A past mission: what it was and its cited figures.

    ``group`` ties together entries of one mission in different years (UNFICYP 1964 to today,
    IFOR to EUFOR), which a leave-one-out back-test leaves out together.
    """

    id: str
    group: str
    name: str
    place: str
    year: int
    posture: str
    counts: str
    strength_kind: str
    note: str = ""
    figures: Mapping[str, MissionFigure] = field(default_factory=dict)

    def value(self, name: str) -> float | None:
        """The point value of a figure, or ``None`` if missing, a range, or unconfirmed."""
        figure = self.figures.get(name)
        return None if figure is None else figure.value

    def independent_value(self, name: str, of: str = "strength") -> float | None:
        """The point value of a figure unless it was derived from ``of`` (default strength)."""
        figure = self.figures.get(name)
        if figure is None or of in figure.derived_from:
            return None
        return figure.value

    @property
    def strength(self) -> float | None:
        """Personnel. [personnel]"""
        return self.value("strength")

    @property
    def line_length_km(self) -> float | None:
        """Length of the line. [km]"""
        return self.value("line_length_km")

    @property
    def population(self) -> float | None:
        """People living in its area. [inhabitants]"""
        return self.value("population")

    @property
    def positions(self) -> float | None:
        """Manned positions and observation posts. [posts]"""
        return self.value("positions")

    @property
    def area_is_derived(self) -> bool:
        """True when the area is line × width rather than a stated area."""
        return self.value("area_km2") is None and self.area_km2 is not None

    @property
    def territory_area_km2(self) -> float | None:
        """Area of the whole territory it operated in, not a buffer (KFOR: Kosovo). [km2]"""
        return self.value("territory_area_km2")

    @property
    def area_km2(self) -> float | None:
        """The buffer or zone's stated area, else line × width when both are point values. [km2]

        Never a territory's area (:attr:`territory_area_km2`): per km² densities and rules are
        densities of a buffer or security zone. A mission with a territory has no derived area
        either: its strength was spread over the territory, not held in the zone (IFOR's
        countrywide force over the 4,320 km² zone of separation is not a buffer density).
        """
        stated = self.value("area_km2")
        if stated is not None:
            return stated
        if self.territory_area_km2 is not None:
            return None
        line, width = self.line_length_km, self.value("buffer_width_km")
        return None if line is None or width is None else line * width

    @property
    def troops_per_km(self) -> float | None:
        """Strength ÷ line length. [troops_per_km]"""
        return _ratio(troops_per_km, self.strength, self.line_length_km)

    @property
    def troops_per_km2(self) -> float | None:
        """Strength ÷ area of the buffer or zone; ``None`` for a territory. [troops_per_km2]"""
        return _ratio(troops_per_km2, self.strength, self.area_km2)

    @property
    def troops_per_1000(self) -> float | None:
        """Strength per 1,000 inhabitants. [troops_per_1000]"""
        return _ratio(troops_per_1000, self.strength, self.population)

    def density(self, name: str) -> float | None:
        """A density by its glossary name (``troops_per_km`` ...)."""
        if name not in glossary.DENSITIES:
            raise KeyError(name)
        return getattr(self, name)

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Names of the figures marked unconfirmed."""
        return tuple(f.name for f in self.figures.values() if f.unconfirmed)


def _ratio(fn, numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    return float(fn(numerator, denominator))


@dataclass(frozen=True)
class MissionSet:
    """The dataset: missions by id, in file order."""

    missions: Mapping[str, Mission]
    source_files: tuple[str, ...] = field(default=(), compare=False)

    def __getitem__(self, mission_id: str) -> Mission:
        return self.missions[mission_id]

    def __iter__(self) -> Iterator[Mission]:
        return iter(self.missions.values())

    def __len__(self) -> int:
        return len(self.missions)

    def __contains__(self, mission_id: object) -> bool:
        return mission_id in self.missions

    def without_group(self, group: str) -> MissionSet:
        """The dataset with every entry of ``group`` left out."""
        kept = {k: m for k, m in self.missions.items() if m.group != group}
        return MissionSet(kept, self.source_files)


# --------------------------------------------------------------------------------------------
# Reading the CSV files


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(Where(name), "no such file", "the missions dataset") from None
    except UnicodeDecodeError:
        raise ScenarioError(Where(name), "bytes that are not UTF-8", "a UTF-8 CSV file") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if tuple(header or ()) != columns:
        got = ",".join(header) if header else "an empty file"
        raise ScenarioError(Where(name, 1, 1), repr(got), "the header " + ",".join(columns))
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise ScenarioError(
                Where(name, reader.line_num, 1),
                f"{len(row)} columns",
                f"{len(columns)} ({','.join(columns)}); quote text holding a comma",
            )
        yield reader.line_num, {c: cell.strip() for c, cell in zip(columns, row, strict=True)}


def _number(text: str, where: Where, positive: bool = False) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(where, repr(text), "a number, without separators or units") from None
    bad = not math.isfinite(value) or value < 0 or (positive and value == 0)
    if bad:
        rule = "a finite number above 0" if positive else "a finite number, 0 or more"
        raise ScenarioError(where, text, rule)
    return value


def _choice(text: str, options: tuple[str, ...], where: Where) -> str:
    if text not in options:
        raise ScenarioError(where, repr(text), "one of " + ", ".join(options))
    return text


def _read_missions(path: Path) -> dict[str, Mission]:
    name = str(path)
    out: dict[str, Mission] = {}
    for line, row in _rows(path, MISSION_COLUMNS):
        mid = row["id"]

        def at(key: str, line: int = line, mid: str = mid) -> Where:
            return Where(name, line, 1, f"missions[{mid}].{key}")

        if not mid or not mid.replace("_", "").isalnum() or mid != mid.lower():
            raise ScenarioError(at("id"), repr(mid), "a lower-case id of letters, digits and _")
        if mid in out:
            raise ScenarioError(at("id"), f"the duplicate id '{mid}'", "each mission once")
        for key in ("group", "name", "place"):
            if not row[key]:
                raise ScenarioError(at(key), "empty text", f"the mission's {key}")
        year = _number(row["year"], at("year"), positive=True)
        if year is None or not year.is_integer():
            raise ScenarioError(at("year"), repr(row["year"]), "a year such as 1974")
        out[mid] = Mission(
            id=mid,
            group=row["group"],
            name=row["name"],
            place=row["place"],
            year=int(year),
            posture=_choice(row["posture"], POSTURES, at("posture")),
            counts=_choice(row["counts"], COUNTS, at("counts")),
            strength_kind=_choice(row["strength_kind"], STRENGTH_KINDS, at("strength_kind")),
            note=row["note"],
        )
    return out


def _read_figure(name: str, line: int, row: dict[str, str]) -> MissionFigure:
    path = f"missions[{row['mission']}].{row['figure']}"

    def at(key: str) -> Where:
        return Where(name, line, 1, f"{path}.{key}")

    term = glossary.MISSION_FIGURES.get(row["figure"])
    if term is None:
        got = repr(row["figure"])
        raise ScenarioError(at("figure"), got, "one of " + ", ".join(glossary.MISSION_FIGURES))
    positive = term.domain.lower_open
    value = _number(row["value"], at("value"), positive)
    low = _number(row["low"], at("low"), positive)
    high = _number(row["high"], at("high"), positive)
    unconfirmed = row["unconfirmed"] == "true"
    if row["unconfirmed"] not in ("", "true"):
        raise ScenarioError(at("unconfirmed"), repr(row["unconfirmed"]), "true, or empty")
    if (low is None) != (high is None):
        raise ScenarioError(at("low"), "only one end of a range", "both low and high, or neither")
    if low is not None and high is not None and not low < high:
        raise ScenarioError(at("high"), f"{high:g} with low {low:g}", "high above low")
    given = value is not None or low is not None
    if value is not None and low is not None:
        raise ScenarioError(at("value"), "a value and a range", "one of them")
    if unconfirmed and given:
        raise ScenarioError(
            at("unconfirmed"),
            "an unconfirmed figure with a value",
            "no value: an unconfirmed figure stays missing rather than invented",
        )
    if not unconfirmed and not given:
        raise ScenarioError(at("value"), "no value", "a value or a range, or unconfirmed: true")
    derived = tuple(x.strip() for x in row["derived_from"].split(";") if x.strip())
    for other in derived:
        if other not in glossary.MISSION_FIGURES or other == row["figure"]:
            names = ", ".join(n for n in glossary.MISSION_FIGURES if n != row["figure"])
            raise ScenarioError(at("derived_from"), repr(other), "other figures: " + names)
    source = None
    if row["title"]:
        source = Citation(**{k: row[k] or None for k in _CITATION_COLUMNS})
    elif not unconfirmed:
        raise ScenarioError(
            at("title"), "a figure with no source", "a source title, or unconfirmed: true"
        )
    return MissionFigure(
        name=row["figure"],
        unit=term.unit,
        value=value,
        low=low,
        high=high,
        source=source,
        unconfirmed=unconfirmed,
        note=row["note"],
        derived_from=derived,
        location=Location(name, line, 1),
    )


def load_missions(missions_file: Path | str | None = None, figures_file: Path | str | None = None):
    """Load and validate the missions dataset (default: the one shipped in the package).

    Returns
    -------
    MissionSet

    Raises
    ------
    ScenarioError
        With one line naming the file, line, key path, the value given and what was expected.
    """
    mpath = Path(missions_file) if missions_file is not None else MISSIONS_FILE
    fpath = Path(figures_file) if figures_file is not None else FIGURES_FILE
    missions = _read_missions(mpath)
    figures: dict[str, dict[str, MissionFigure]] = {m: {} for m in missions}
    name = str(fpath)
    for line, row in _rows(fpath, FIGURE_COLUMNS):
        if row["mission"] not in missions:
            raise ScenarioError(
                Where(name, line, 1, f"missions[{row['mission']}]"),
                repr(row["mission"]),
                f"the id of a mission in {mpath.name}",
            )
        figure = _read_figure(name, line, row)
        if figure.name in figures[row["mission"]]:
            raise ScenarioError(
                Where(name, line, 1, f"missions[{row['mission']}].{figure.name}"),
                f"a second '{figure.name}'",
                "each figure of a mission once",
            )
        figures[row["mission"]][figure.name] = figure
    out = {mid: Mission(**{**vars(m), "figures": figures[mid]}) for mid, m in missions.items()}
    return MissionSet(out, (str(mpath), str(fpath)))


@cache
def default_missions() -> MissionSet:
    """The dataset shipped with the package, loaded once."""
    return load_missions()
