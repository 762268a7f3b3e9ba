"""``--format`` and ``--output`` together: the format follows the output file's extension
unless ``--format`` names one, and a contradiction is a usage error.

``-o results.csv`` writes CSV, ``.json`` JSON, ``.md`` Markdown, ``.xlsx`` an Excel workbook,
``.txt`` the text table (a ``.txt`` file takes any text format ``--format`` names); any other
extension keeps ``--format`` (default ``table``). ``--format json -o results.csv`` is refused.
``xlsx`` is rendered as the command's CSV table and converted when written
(:mod:`forcecalc.report.workbook`), so ``args.format`` is ``csv`` and ``args.workbook`` is set.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from forcecalc.core.errors import UsageError
from forcecalc.report import workbook

#: The format each ``--output`` extension says.
EXTENSIONS = {".csv": "csv", ".json": "json", ".md": "markdown", ".xlsx": "xlsx", ".txt": "table"}
_SUFFIX = {fmt: ext for ext, fmt in EXTENSIONS.items()}
#: Text formats a ``.txt`` file may hold when ``--format`` names one.
TEXT_FORMATS = frozenset({"table", "markdown", "csv", "json"})


def implied(output: str | None) -> str | None:
    """The format ``output``'s extension says, if it says one."""
    return EXTENSIONS.get(Path(output).suffix.lower()) if output else None


def chosen(given: str | None, output: str | None, formats: Sequence[str]) -> str:
    """The format of a command's output: ``given`` (``--format``), else the one ``output``'s
    extension says, else the command's first format (``table``).

    Raises
    ------
    UsageError
        When ``given`` contradicts the extension, or the extension names a format the
        command does not have.
    """
    said = implied(output)
    suffix = Path(output).suffix if output else ""
    if given and said and given != said and not (said == "table" and given in TEXT_FORMATS):
        raise UsageError(
            f"--format {given} --output {output}: got a {suffix} file for {given}; expected "
            f"--format {said} for a {suffix} file, or a file name ending {_SUFFIX[given]}"
        )
    fmt = given or said or formats[0]
    if fmt not in formats:
        raise UsageError(
            f"--output {output}: got a {suffix} file; expected a format of this command "
            f"({', '.join(formats)}) or --format"
        )
    return fmt


class FormatOrOutput(argparse.Action):
    """``--format`` or ``--output``: stores the value, then settles ``args.format`` (the
    format the command renders: ``csv`` for a workbook) and ``args.workbook``."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        if self.dest == "format":
            namespace.format_given = str(values)
        else:
            setattr(namespace, self.dest, values)
        try:
            fmt = chosen(namespace.format_given, namespace.output, namespace.format_choices)
            if fmt == "xlsx":
                workbook.check_available()
        except UsageError as exc:
            parser.error(str(exc))
        namespace.workbook = fmt == "xlsx"
        namespace.format = "csv" if fmt == "xlsx" else fmt


def add_format_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """``--format`` (``xlsx`` too where the command has ``csv``) and ``--output``."""
    choices = (*formats, "xlsx") if "csv" in formats and "xlsx" not in formats else tuple(formats)
    parser.set_defaults(format_given=None, format_choices=choices, workbook=False)
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        action=FormatOrOutput,
        help=f"output format (default: what --output's extension says, else {choices[0]})",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        action=FormatOrOutput,
        help="write to FILE (atomically); .csv .json .md .xlsx .txt choose the format",
    )


def rendered(text: str, args: argparse.Namespace) -> str | bytes:
    """What ``emit`` writes: ``text``, or for ``--format xlsx`` the workbook of its CSV.

    Raises
    ------
    UsageError
        For a workbook with no ``--output`` (it is binary: not for a terminal).
    """
    if not getattr(args, "workbook", False):
        return text
    if not getattr(args, "output", None):
        raise UsageError(
            "--format xlsx: got no --output; expected --output FILE.xlsx (a workbook is "
            "binary, not for a terminal)"
        )
    return workbook.workbook_bytes(text)
