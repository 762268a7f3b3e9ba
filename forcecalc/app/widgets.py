"""Pieces every tab of the page draws with: literal Markdown text and band tables (the charts are
:mod:`forcecalc.report.charts`' Vega-Lite specs, drawn by
:func:`forcecalc.app.results_tabs.show_chart`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from forcecalc.core.runner import RunResult

#: Every ASCII punctuation character: CommonMark lets a backslash escape each of them.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
#: Where a zero-width space keeps Streamlit from linking a URL or e-mail address by itself.
_AUTOLINKED = re.compile(r"(?=://)|(?i:(?<=w)(?=ww\.))|(?=@)")


def plain(text: str) -> str:
    """Text shown literally where Streamlit reads Markdown (titles, captions, labels, errors).

    Every ASCII punctuation character is escaped, so nothing in ``text`` starts emphasis, a
    code span, a link or image (``[x](url)``, ``<url>``, a bare ``https://`` or ``www.`` that
    GitHub-flavoured Markdown links by itself), HTML, maths (``$``), a heading or list, an
    emoji or colour directive (``:red[x]``) or an entity (``&lt;``). Line breaks and other
    runs of white space become one space: every place this is used shows one line. All the
    text a scenario or a user brings goes through here, or into ``st.text``, ``st.code`` or a
    table, none of which read Markdown.

    Streamlit links bare URLs and e-mail addresses in the text Markdown shows, escaped or not,
    so a zero-width space (U+200B) goes before every ``://``, inside every ``www.`` and before
    every ``@``: the text reads the same and nothing in it is a link.
    """
    text = _AUTOLINKED.sub("\u200b", " ".join(text.split()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


PERSONNEL_COLUMNS = ("p5", "p50", "p95", "mean")


def whole_numbers(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str] = PERSONNEL_COLUMNS
) -> pd.DataFrame:
    """A table whose personnel columns are rounded to whole numbers.

    They stay floating point, so a value no integer type holds (NaN, ±inf, 1e300 from an
    extreme figure) is kept as it is rather than breaking the table.
    """
    frame = pd.DataFrame(rows)
    frame[list(columns)] = frame[list(columns)].astype(float).round(0)
    return frame


def show_table(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] = PERSONNEL_COLUMNS,
    wide: Sequence[str] = (),
) -> None:
    """A table of bands, personnel columns as whole numbers with thousands separators; the
    text columns named in ``wide`` given room (a rotation rule, a coverage's label)."""
    number = st.column_config.NumberColumn(format="localized")
    config = {**dict.fromkeys(columns, number), **wide_columns(wide)}
    st.dataframe(whole_numbers(rows, columns), hide_index=True, column_config=config)


def wide_columns(names: Sequence[str], px: int = 360) -> dict[str, object]:
    """Column settings that give the text columns ``names`` ``px`` pixels, room to be read
    whole (a rotation rule, a coverage's label; the table scrolls sideways where the page is
    narrower)."""
    return dict.fromkeys(names, st.column_config.TextColumn(width=px))


#: Height of a table row and of the header, and the most a table takes before it scrolls. [px]
ROW_PX, MAX_TABLE_PX = 35, 560


def table_height(n_rows: int) -> int:
    """A table's height in pixels: its rows and header, at most :data:`MAX_TABLE_PX`."""
    return min((n_rows + 1) * ROW_PX + 3, MAX_TABLE_PX)


def if_run(result: RunResult | None, show: Callable[[RunResult], None]) -> None:
    """``show(result)``; with no result (its error is shown above the tabs), a note saying so."""
    if result is None:
        st.info("No results at these settings: see the error above.")
    else:
        show(result)
