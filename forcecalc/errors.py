"""One error hierarchy for everything forcecalc reports to a user.

Expected errors (bad input, bad usage) derive from :class:`ForcecalcError` and print as one
line; anything else that escapes is a bug and is reported as such by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass


class ForcecalcError(Exception):
    """Base class of every error forcecalc expects and reports in one line."""


@dataclass(frozen=True)
class Where:
    """Where in a user's file a problem sits.

    Parameters
    ----------
    file : str
        Path of the file as the user named it.
    line, column : int
        1-based position; 0 when unknown.
    key_path : str
        Dotted path of keys, e.g. ``tasks.monitors.rate``; empty for the whole document.
    """

    file: str
    line: int = 0
    column: int = 0
    key_path: str = ""

    def __str__(self) -> str:
        pos = self.file
        if self.line:
            pos += f":{self.line}:{self.column or 1}"
        return f"{pos}: at {self.key_path}" if self.key_path else pos


class ScenarioError(ValueError, ForcecalcError):
    """A scenario or register file that cannot be read or does not validate.

    The message is one line: ``file:line:col: at key.path: got <value>; expected <rule>``.
    """

    def __init__(self, where: Where, got: str, expected: str, hint: str = "") -> None:
        self.where = where
        self.got = got
        self.expected = expected
        self.hint = hint
        message = f"{where}: got {got}; expected {expected}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UsageError(ValueError, ForcecalcError):
    """A command-line argument or library call with a value that cannot be used."""
