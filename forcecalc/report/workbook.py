"""``--format xlsx``: a command's CSV table as an Excel workbook, with a Provenance sheet.

Every command renders its one CSV table (:func:`forcecalc.report.render.csv_table`: a
``section`` column, the table's columns, the provenance as the last columns); the workbook
holds that table on a sheet of its own, numbers as numbers, and the provenance columns,
which repeat the same values on every row, once each on a ``Provenance`` sheet.
"""

from __future__ import annotations

import csv
import io
import math
from types import ModuleType

from forcecalc.core.errors import UsageError

#: The CSV columns that hold the provenance (:func:`forcecalc.report.render.provenance_columns`
#: and a footer's ``provenance`` column); they go to the Provenance sheet.
PROVENANCE_COLUMNS = (
    "ensemble",
    "forcecalc_version",
    "scenario_file",
    "scenario_sha256",
    "seed",
    "sampler",
    "samples",
    "overrides",
    "provenance",
)
#: Columns kept as text even when every cell reads as a number.
TEXT_COLUMNS = frozenset({"section", "name", "seed", "scenario_sha256"})
INSTALL = 'pip install "forcecalc[xlsx]"'


def available() -> bool:
    """Whether openpyxl is installed (importing it: a workbook is about to be written)."""
    try:
        check_available()
    except UsageError:
        return False
    return True


def check_available() -> ModuleType:
    """openpyxl, imported on first use (it takes ~0.1 s, which no other command should pay).

    Raises
    ------
    UsageError
        Naming ``--format xlsx`` and the extra to install, when openpyxl is not installed.
    """
    try:
        import openpyxl  # lazy: the optional extra forcecalc[xlsx], ~0.1 s to import
    except ImportError:
        raise UsageError(
            f"--format xlsx: got no openpyxl; expected it installed: {INSTALL}"
        ) from None
    return openpyxl


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and text.strip() == text else None


def _numeric_columns(header: list[str], rows: list[list[str]]) -> set[int]:
    """The columns whose every non-empty cell is a finite number."""
    found = set()
    for j, name in enumerate(header):
        cells = [r[j] for r in rows if j < len(r) and r[j] != ""]
        if name not in TEXT_COLUMNS and cells and all(_number(c) is not None for c in cells):
            found.add(j)
    return found


def _cell(text: str, numeric: bool) -> object:
    if text == "":
        return None
    return _number(text) if numeric else text


def workbook_bytes(csv_text: str, sheet: str = "Results") -> bytes:
    """The CSV table ``csv_text`` as an ``.xlsx`` workbook: the table on ``sheet``, its
    provenance columns on a ``Provenance`` sheet (one row per distinct stamp)."""
    openpyxl = check_available()
    header, *rows = list(csv.reader(io.StringIO(csv_text))) or [[]]
    kept = [j for j, c in enumerate(header) if c not in PROVENANCE_COLUMNS]
    stamp = [j for j, c in enumerate(header) if c in PROVENANCE_COLUMNS]
    numeric = _numeric_columns(header, rows)
    book = openpyxl.Workbook()
    table = book.active
    table.title = sheet
    table.append([header[j] for j in kept])
    for row in rows:
        table.append([_cell(row[j], j in numeric) for j in kept])
    table.freeze_panes = "A2"
    provenance = book.create_sheet("Provenance")
    provenance.append(["field", "value"])
    for values in dict.fromkeys(tuple(row[j] for j in stamp) for row in rows):
        for j, value in zip(stamp, values, strict=True):
            provenance.append([header[j], value])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
