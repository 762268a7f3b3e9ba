"""Render a chart of :mod:`forcecalc.report.charts` offline, as SVG or PNG, with vl-convert.

vl-convert (``pip install "forcecalc[report]"``) bundles Vega and Vega-Lite and loads nothing
from the network (``allowed_base_urls=[]``: the charts' data are inline).
"""

from __future__ import annotations

import re
from pathlib import Path

from forcecalc.core.errors import ParameterError
from forcecalc.report.charts import Spec

try:
    import vl_convert
except ImportError:  # the optional extra is not installed: plot_bytes says so
    vl_convert = None

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


def available() -> bool:
    """Whether vl-convert is installed."""
    return vl_convert is not None


def _require(path: Path | str = "") -> None:
    if vl_convert is None:
        raise ParameterError(
            "plot", "vl-convert is not installed", f"it installed: {INSTALL}", str(path)
        )


def svg(spec: Spec) -> str:
    """The chart as an SVG document."""
    _require()
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def png(spec: Spec) -> bytes:
    """The chart as a PNG image."""
    _require()
    return bytes(vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, allowed_base_urls=[]))


def plot_bytes(spec: Spec, fmt: str) -> bytes:
    """The chart as the bytes of an ``fmt`` (``svg`` or ``png``) file."""
    return svg(spec).encode("utf-8") if fmt == "svg" else png(spec)


def inline_svg(spec: Spec) -> str:
    """The chart as an ``<svg>`` element for an HTML page: the namespace declarations, which
    HTML's parser supplies by itself, left out (so the page names no address at all)."""
    return _XMLNS.sub("", svg(spec))
