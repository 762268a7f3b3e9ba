"""The source register: the documents of ``seeds/*.yaml`` and the figures each one states.

A scenario's ``source: <document>#<figure>`` names a figure of this register; the reader checks
it against the register loaded here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from forcecalc.core.sources import Register, RegisterFigure, SourceDocument
from forcecalc.scenario import format as fmt
from forcecalc.scenario.files import read_text
from forcecalc.scenario.resources import register_dir
from forcecalc.scenario.strict_yaml import Reader, compose


def load_register(directory: Path | str | None = None) -> Register:
    """Load the source register: every ``*.yaml`` in ``directory`` (default: the bundled one)."""
    directory = Path(directory) if directory is not None else register_dir()
    docs = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = _parse_document(path)
        docs[doc.id] = doc
    return Register(documents=docs)


@cache
def default_register() -> Register:
    """The bundled source register, loaded once."""
    return load_register()


def _parse_document(path: Path) -> SourceDocument:
    text, name = read_text(path)
    r = Reader(name)
    root = compose(text, name)
    keys = r.section(root, "", fmt.REGISTER_DOCUMENT)
    doc_id = r.string(keys["id"][1], "id")
    if doc_id != path.stem:
        r.fail(keys["id"][1], "id", repr(doc_id), f"the file's name '{path.stem}'")
    figures: dict[str, RegisterFigure] = {}
    for i, item in enumerate(r.sequence(keys["figures"][1], "figures")):
        p = f"figures[{i}]"
        f = r.section(item, p, fmt.REGISTER_FIGURE)
        fig_id = r.string(f["id"][1], p + ".id")
        if fig_id in figures:
            r.fail(f["id"][1], p + ".id", f"the duplicate id '{fig_id}'", "a unique figure id")
        figures[fig_id] = RegisterFigure(
            id=fig_id,
            value=r.number(f["value"][1], p + ".value"),
            unit=r.string(f["unit"][1], p + ".unit"),
            quote=r.string(f["quote"][1], p + ".quote"),
            gloss=r.string(f["gloss"][1], p + ".gloss"),
        )
    return SourceDocument(
        id=doc_id,
        file=r.string(keys["file"][1], "file"),
        language=r.string(keys["language"][1], "language"),
        outlet=r.optional_string(keys["outlet"][1], "outlet"),
        date=r.optional_string(keys["date"][1], "date"),
        summary=r.string(keys["summary"][1], "summary"),
        figures=figures,
    )
