"""The planner's state as a link can hold it, and the history that "Undo last edit" walks back.

A state is the shipped scenario picked and the edits entered: each figure's form and parameters
(by path) and each pledge's status and note (by contributor). :func:`encode_edits` writes the
edits as compact JSON in base64url (the ``e`` query parameter beside the file's name in ``s``);
:func:`decode_edits` reads one back and refuses anything malformed with a one-line
:class:`StateError`, so a hostile link never reaches the page as anything but that message.
The loader still checks every value (a low above its high is told beside the figure, as typed).
No Streamlit here: the page's wiring is :mod:`forcecalc.app.share`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass

from forcecalc.app.state_structure import StateError, dist_json, read_dist, read_structure
from forcecalc.app.state_structure import structure_json as _structure_json
from forcecalc.core.distributions import Distribution
from forcecalc.scenario.edit_pledges import PledgeEdit
from forcecalc.scenario.edit_structure import NO_STRUCTURE, Structure
from forcecalc.scenario.format import PLEDGE_STATUSES

#: The longest encoded edits a link carries, in characters (browsers and proxies cut longer
#: URLs; a few dozen edited figures fit).
MAX_ENCODED = 6000
#: The most states "Undo last edit" goes back through.
MAX_HISTORY = 50
#: The longest pledge note, and variant name, a state holds. [characters]
MAX_NOTE, MAX_NAME = 2000, 80


@dataclass(frozen=True)
class Edits:
    """The edits entered: figures by path, pledges by contributor, and the contributors,
    tasks and sectors added and removed (applied to the file before the figures' edits)."""

    figures: Mapping[str, Distribution]
    pledges: Mapping[str, PledgeEdit]
    structure: Structure = NO_STRUCTURE

    def to_json(self) -> dict[str, object]:
        """The edits as plain JSON: ``{"f": {path: {"form": ..., "low": ...}}, "p": {...}}``,
        with ``"x"`` for the additions and removals when there are any."""
        figures = {path: dist_json(d) for path, d in sorted(self.figures.items())}
        pledges = {who: [e.status, e.note] for who, e in sorted(self.pledges.items())}
        extra = {"x": _structure_json(self.structure)} if self.structure else {}
        return {"f": figures, "p": pledges, **extra}


NO_EDITS = Edits({}, {})


def encode_edits(edits: Edits) -> str | None:
    """The edits as base64url text (no padding); ``""`` for none, ``None`` when longer than
    :data:`MAX_ENCODED` (too long for a link)."""
    if not edits.figures and not edits.pledges and not edits.structure:
        return ""
    raw = json.dumps(edits.to_json(), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    text = base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")
    return text if len(text) <= MAX_ENCODED else None


def _figure(path: object, spec: object) -> tuple[str, Distribution]:
    if not isinstance(path, str) or not isinstance(spec, dict):
        raise StateError("a figure's edit is not a path and its parameters")
    return path, read_dist(spec, path[:80])


def _pledge(who: object, spec: object) -> tuple[str, PledgeEdit]:
    ok = isinstance(who, str) and isinstance(spec, list) and len(spec) == 2
    if not ok or not all(isinstance(s, str) for s in spec):  # type: ignore[union-attr]
        raise StateError("a pledge's edit is not a contributor, a status and a note")
    status, note = spec  # type: ignore[misc]
    if status not in PLEDGE_STATUSES or len(note) > MAX_NOTE:
        raise StateError(
            f"{who[:80]}: got status {status[:40]!r}; expected one of "  # type: ignore[index]
            f"{list(PLEDGE_STATUSES)} and a note of at most {MAX_NOTE} characters"
        )
    return who, PledgeEdit(status, note)  # type: ignore[return-value]


def decode_edits(text: str) -> Edits:
    """The edits :func:`encode_edits` wrote.

    Raises
    ------
    StateError
        If the text is too long, not base64url JSON, or not the shape written (a form not
        offered, a parameter missing or extra, a number not finite, a status not known).
    """
    if not text:
        return NO_EDITS
    if len(text) > MAX_ENCODED:
        raise StateError(f"the link's edits are {len(text):,} characters; at most {MAX_ENCODED:,}")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise StateError("the link's edits are not readable (cut short or changed?)") from None
    if not isinstance(data, dict) or set(data) - {"x"} != {"f", "p"}:
        raise StateError("the link's edits are not figures and pledges")
    if not isinstance(data["f"], dict) or not isinstance(data["p"], dict):
        raise StateError("the link's edits are not figures and pledges")
    figures = dict(_figure(p, s) for p, s in data["f"].items())
    pledges = dict(_pledge(w, s) for w, s in data["p"].items())
    return Edits(figures, pledges, read_structure(data["x"]) if "x" in data else NO_STRUCTURE)


def variant_name(text: str) -> str:
    """A variant's name as typed, one line, trimmed; ``""`` when there is none.

    Raises
    ------
    StateError
        If the name is longer than :data:`MAX_NAME` characters.
    """
    name = " ".join(text.split())
    if len(name) > MAX_NAME:
        raise StateError(f"a variant's name has at most {MAX_NAME} characters; got {len(name)}")
    return name


@dataclass(frozen=True)
class History:
    """The states a scenario went through, oldest first; the last is the one shown."""

    states: tuple[Edits, ...] = ()

    def record(self, edits: Edits) -> History:
        """With ``edits`` as the latest state (unchanged if it already is), at most
        :data:`MAX_HISTORY` kept."""
        if self.states and self.states[-1] == edits:
            return self
        return History((*self.states, edits)[-MAX_HISTORY:])

    @property
    def can_undo(self) -> bool:
        return len(self.states) > 1

    def undo(self) -> tuple[History, Edits]:
        """The history without its latest state, and the state before it (the edits to show).

        Raises
        ------
        IndexError
            If there is no earlier state.
        """
        if not self.can_undo:
            raise IndexError("nothing to undo")
        states = self.states[:-1]
        return History(states), states[-1]
