"""Where the bundled scenarios and source register are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]

#: The scenario ``forcecalc run`` uses when none is named.
DEFAULT_SCENARIO = "seed-001-basic-ceasefire.yaml"


def data_dir(name: str) -> Path:
    """``forcecalc/_data/<name>`` in an installed wheel, ``<checkout>/<name>`` otherwise."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def register_dir() -> Path:
    """The source register, ``seeds/``."""
    return data_dir("seeds")


def scenarios_dir() -> Path:
    """The shipped scenarios, ``scenarios/``."""
    return data_dir("scenarios")


def default_scenario() -> Path:
    """Path of the bundled default scenario."""
    return scenarios_dir() / DEFAULT_SCENARIO
