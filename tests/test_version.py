"""The written-out version equals pyproject's and the installed distribution's."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from forcecalc.core.version import __version__

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_pyprojects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__


def test_the_version_is_the_installed_distributions() -> None:
    try:
        installed = version("forcecalc")
    except PackageNotFoundError:  # pragma: no cover - a checkout run without an install
        pytest.skip("forcecalc is not installed")
    assert installed == __version__
