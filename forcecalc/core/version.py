"""The package's version, recorded in every result's provenance.

Written out rather than read from the installed metadata (``importlib.metadata`` costs ~15 ms of
every command's start-up); ``tests/test_version.py`` holds it to ``pyproject.toml`` and to the
installed distribution's metadata.
"""

from __future__ import annotations

__version__ = "0.1.0"
