"""Text hygiene: the characters a scenario may not hold, names compared as a reader sees them,
and user text made safe to print on a terminal in one line.

A scenario's text is shown on terminals, in tables and in the app. A control character
(``\\x1b[2J`` clears a terminal, ``\\r`` overwrites a table row), a line separator that an
editor or grep does not show (U+2028, U+2029, U+0085) and a lone surrogate (which no UTF-8
output can encode) are refused by the loader (:data:`FORBIDDEN`); two names a reader cannot
tell apart (a zero-width space, NFC against NFD, a trailing space, a case difference) are
the same name (:func:`name_key`); and every user text an error or a report prints goes
through :func:`escape`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Characters refused anywhere in a scenario file, comments included: C0 controls but tab and
#: line feed (a carriage return only as part of a CRLF line end), DEL, C1 controls (U+0085
#: too), the line and paragraph separators U+2028 and U+2029, the bidirectional embedding,
#: override and isolate controls (which reorder what a terminal shows) and lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    "|\r(?!\n)"
)
#: The same characters inside a value (after YAML has read its escapes): a carriage return is
#: refused there too.
FORBIDDEN_IN_VALUE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: Characters that take no width: removed before names are compared.
ZERO_WIDTH = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
#: Characters :func:`escape` shows as escapes: every control (tab and newline too), the
#: separators, the bidirectional controls, zero-width characters and surrogates.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)

#: :data:`_UNPRINTABLE` but for tab and line feed.
_UNPRINTABLE_IN_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def describe(char: str) -> str:
    """A character as a message names it: ``the control character U+001B``,
    ``the character U+2028 (LINE SEPARATOR)``, ``a lone surrogate U+D800``."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    if unicodedata.category(char) == "Cc":
        return f"the control character U+{code:04X}"
    return f"the character U+{code:04X} ({unicodedata.name(char, 'unnamed')})"


def name_key(name: str) -> str:
    """The key two names are compared by: they are the same name when their keys are equal.

    NFKC normalisation (NFC against NFD, full-width letters, ligatures), case folding,
    removal of zero-width characters (:data:`ZERO_WIDTH`) and of surrounding white space:
    ``"France"``, ``"FRANCE "``, ``"Fran\\u200bce"`` and ``"ﬀ"`` against ``"ff"`` are one name.
    A name of lower-case ASCII letters, digits and ``_`` is its own key.
    """
    folded = unicodedata.normalize("NFKC", ZERO_WIDTH.sub("", name)).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` safe to print in one line: every control character, tab and newline included,
    every separator, bidirectional control, zero-width character and lone surrogate shown as
    an escape (``\\x1b``, ``\\n``-as-``\\x0a``, ``\\u2028``); everything else unchanged."""
    return _UNPRINTABLE.sub(_escape_one, text)


def escape_lines(text: str) -> str:
    """``text`` of several lines (a report) safe to print: :func:`escape` but for the line
    feeds and tabs, kept."""
    return _UNPRINTABLE_IN_LINES.sub(_escape_one, text)


def capped(items: Sequence[str], limit: int = 5) -> str:
    """At most ``limit`` items joined by commas, then how many more: ``a, b, c and 97 more``."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest:,} more" if rest > 0 else shown
