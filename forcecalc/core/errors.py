"""One error hierarchy for everything forcecalc reports to a user.

Expected errors (bad input, bad usage) derive from :class:`ForcecalcError` and print as one
line; anything else that escapes is a bug and is reported as such by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from forcecalc.core.text import escape


class ForcecalcError(Exception):
    """Base class of every error forcecalc expects and reports in one line.

    The message is one line whatever the input: a line break, a control character or a lone
    surrogate in a path or a value given is shown as an escape
    (:func:`~forcecalc.core.text.escape`).
    """

    def __str__(self) -> str:
        return escape(super().__str__())


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

    def __reduce__(self) -> tuple[object, ...]:  # pickled intact: raised on a dask worker
        return (type(self), (self.where, self.got, self.expected, self.hint))


class UsageError(ValueError, ForcecalcError):
    """A command-line argument or library call with a value that cannot be used."""


class ParameterError(UsageError):
    """A library call's parameter with a value that cannot be used.

    The message names the parameter as the library spells it (``samples``, ``seed``,
    ``overrides``), the value given and the rule: ``samples: got 0; expected ...``. The faces
    above the library name it as their own option or control with :meth:`named`
    (``--samples`` on the command line, "Samples (sidebar)" in the app); nothing rewrites the
    message's text.

    Parameters
    ----------
    parameter : str
        The library's parameter name.
    got : str
        The value given, as the user wrote it where possible.
    expected : str
        The rule it breaks, as "expected ..." continues.
    detail : str
        What follows the parameter's name before the colon (``geometry.front_length_km=x`` of
        an override), if anything.
    """

    def __init__(self, parameter: str, got: str, expected: str, detail: str = "") -> None:
        self.parameter = parameter
        self.got = got
        self.expected = expected
        self.detail = detail
        super().__init__(self.named(parameter))

    def __reduce__(self) -> tuple[object, ...]:  # pickled intact: raised on a dask worker
        return (type(self), (self.parameter, self.got, self.expected, self.detail))

    def named(self, name: str) -> str:
        """The message with the parameter called ``name``."""
        head = f"{name} {self.detail}" if self.detail else name
        return escape(f"{head}: got {self.got}; expected {self.expected}")
