"""Hints for numbers written as a person would write them: ``1.2k``, ``20%``, ``"1,200"``.

A hint is the parenthesis of a one-line :class:`~forcecalc.core.errors.ScenarioError`
(``got '1.2k'; expected a number (write 1200: ...)``). It suggests the number the text
means, in full, never a part of it that would change the figure (``1.2k`` km is not 1.2 km).
Nothing here accepts a number: the loader refuses the text and the hint says what to write.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from yaml.nodes import MappingNode, Node, ScalarNode

from forcecalc.core import glossary

#: Suffixes read as multipliers: thousand and million (``m`` alone could be metres, so only
#: ``M`` is a million).
SUFFIXES = {"k": 1_000, "K": 1_000, "M": 1_000_000, "bn": 1_000_000_000}
_SUFFIXED = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))\s*(k|K|M|bn)$")
_PERCENT = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))\s*%$")
_PLAIN = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def full(number: Decimal) -> str:
    """A decimal written out in full, without exponent or trailing zeros: ``1200``, ``0.2``."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_of(path: str) -> str:
    """The unit of the figure a key path is in (``tasks.logistics.share.value``: fraction), or
    ``""`` when the path names no figure of the glossary."""
    for part in reversed(path.split(".")):
        term = glossary.FIGURES.get(part.split("[")[0])
        if term is not None:
            return term.unit
    return ""


def number_hint(text: str, path: str = "") -> str:
    """What to write instead of ``text``, a plain YAML value that is not a number; ``""``
    when there is nothing better to say than "a number".

    ``1.2k``, ``10K``, ``1.5M``: the full number (1200, 10000, 1500000). ``20%``: 0.2 where the
    figure is a fraction; elsewhere, that the figure is in its unit, not in percent. Thousands
    separators: the digits alone. A unit after the number: the number alone.
    """
    text = text.strip()
    if text.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
        return "NaN and infinity are not allowed"
    if re.fullmatch(r"[+-]?0\d+", text):
        return f"drop the leading zero: write {int(text)}"
    suffixed = _SUFFIXED.match(text)
    if suffixed:
        number = Decimal(suffixed.group(1)) * SUFFIXES[suffixed.group(2)]
        return f"write {full(number)}: {text} is {full(number)}, and a number takes no suffix"
    percent = _PERCENT.match(text)
    if percent:
        return _percent_hint(Decimal(percent.group(1)), path)
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
        return "write the number without thousands separators, e.g. " + text.replace(".", "")
    if re.fullmatch(r"[+-]?[\d.,\s]+", text) and re.search(r"\d[,\s]\d", text):
        return "write the number without thousands separators, e.g. " + re.sub(r"[,\s]", "", text)
    match = re.match(r"^\s*([\d.]+)\s*([a-zA-Z%²]+.*)$", text)
    if match:
        return f"write {match.group(1)} alone: the unit is in the key name"
    return ""


def _percent_hint(number: Decimal, path: str) -> str:
    unit = unit_of(path)
    if unit == "fraction":
        return f"write {full(number / 100)}: a share is a fraction from 0 to 1, not a percentage"
    if unit:
        return f"this figure is in {unit}, not a percentage: write the number in {unit}"
    return "write the number without %"


def quoted_number_hint(text: str, path: str = "") -> str:
    """The hint for a number written in quotes (``"1200"``, ``"1,200"``, ``"5 km"``): the
    quotes make it text; with a separator, suffix or unit, the same hint as unquoted."""
    inner = number_hint(text, path)
    if _PLAIN.match(text.strip()):
        return f"remove the quotes: a quoted number is text; write {text.strip()}"
    return f"remove the quotes and {inner}" if inner else ""


def separator_key_hint(mapping: Node, key: Node) -> str:
    """The hint for a number read as a key: in ``{value: 10,000}`` the comma ends the entry,
    so YAML reads ``value: 10`` and a key ``000``; the hint says to write 10000."""
    if not isinstance(mapping, MappingNode) or not mapping.flow_style:
        return ""
    if not isinstance(key, ScalarNode) or not re.fullmatch(r"\d{3}(\.\d*)?", key.value):
        return ""
    pairs = mapping.value
    index = next((i for i, (k, _) in enumerate(pairs) if k is key), 0)
    before = pairs[index - 1][1] if index > 0 else None
    if isinstance(before, ScalarNode) and re.fullmatch(r"[+-]?\d{1,3}", before.value):
        try:
            joined = full(Decimal(before.value + key.value))
        except InvalidOperation:
            joined = before.value + key.value
        return (
            f"a comma separates the entries of a {{...}} mapping, so {before.value},{key.value} "
            f"reads as {before.value} and a key {key.value}: write {joined}, without the "
            "thousands separator"
        )
    return (
        "a comma separates the entries of a {...} mapping: write numbers without thousands "
        "separators"
    )
