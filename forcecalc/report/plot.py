"""Render a chart of :mod:`forcecalc.report.charts` offline, as SVG or PNG, with vl-convert.

vl-convert (``pip install "forcecalc[report]"``) bundles Vega and Vega-Lite and loads nothing
from the network (``allowed_base_urls=[]``: the charts' data are inline).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from forcecalc.core.errors import ParameterError
from forcecalc.report.charts import Spec

#: File formats by extension.
FORMATS = {".svg": "svg", ".png": "png"}
INSTALL = 'pip install "forcecalc[report]" (vl-convert-python)'
#: PNG resolution (2 × the chart's pixel size).
PNG_SCALE = 2.0
_XMLNS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def plot_format(path: Path | str) -> str:
    """``"svg"`` or ``"png"``, by ``path``'s extension, once vl-convert is known to be there.

    Raises
    ------
    ParameterError
        Naming ``plot`` and ``path``: for another extension, or without vl-convert.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        got = f"the extension {suffix!r}" if suffix else "no extension"
        raise ParameterError("plot", got, "a file ending in .svg or .png", str(path))
    _require(path)
    return FORMATS[suffix]


def _vl_convert() -> ModuleType | None:
    """vl-convert, imported on first use (commands without a plot need not load it)."""
    try:
        import vl_convert  # lazy: the optional extra forcecalc[report]
    except ImportError:  # the optional extra is not installed: _require says so
        return None
    return vl_convert


def available() -> bool:
    """Whether vl-convert is installed."""
    return _vl_convert() is not None


def _require(path: Path | str = "") -> ModuleType:
    vl_convert = _vl_convert()
    if vl_convert is None:
        raise ParameterError(
            "plot", "vl-convert is not installed", f"it installed: {INSTALL}", str(path)
        )
    return vl_convert


def svg(spec: Spec) -> str:
    """The chart as an SVG document."""
    return _require().vegalite_to_svg(spec, allowed_base_urls=[])


def png(spec: Spec) -> bytes:
    """The chart as a PNG image."""
    return bytes(_require().vegalite_to_png(spec, scale=PNG_SCALE, allowed_base_urls=[]))


def plot_bytes(spec: Spec, fmt: str) -> bytes:
    """The chart as the bytes of an ``fmt`` (``svg`` or ``png``) file."""
    return svg(spec).encode("utf-8") if fmt == "svg" else png(spec)


def inline_svg(spec: Spec) -> str:
    """The chart as an ``<svg>`` element for an HTML page: the namespace declarations, which
    HTML's parser supplies by itself, left out (so the page names no address at all)."""
    return _XMLNS.sub("", svg(spec))
