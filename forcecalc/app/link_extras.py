"""The rest of a link's state: the Advanced settings and the named variants, without Streamlit.

A link carries the samples (``n``), random seed (``r``) and sampler (``m``) when they differ
from the defaults, and the variants saved in the session (``v``): each by its name, as the
shipped scenario it was made from and its edits (:class:`~forcecalc.app.state.Edits`), so a
reload rebuilds it. Reading refuses anything else with a one-line
:class:`~forcecalc.app.state_structure.StateError`; at most :data:`MAX_VARIANTS` variants and
:data:`~forcecalc.app.state.MAX_ENCODED` characters of them are read or written.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

from forcecalc.app.state import MAX_ENCODED, MAX_NAME, Edits, decode_edits, encode_edits
from forcecalc.app.state_structure import StateError
from forcecalc.core.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler

URL_SAMPLES, URL_SEED, URL_SAMPLER = "n", "r", "m"
#: Sample counts a link may ask for: the sidebar's choices (powers of two, 1,024 to 262,144).
SAMPLE_CHOICES = tuple(2**k for k in range(10, 19))
#: The largest seed a link may give (the seed input is a 64-bit integer).
MAX_SEED = 2**63 - 1
#: The most variants a link carries.
MAX_VARIANTS = 8
#: The widgets' session-state keys of the settings (:func:`forcecalc.app.sidebar.run_settings`).
SETTING_KEYS = {URL_SAMPLES: "samples", URL_SEED: "seed", URL_SAMPLER: "sampler"}


def settings_params(samples: int, seed: int, sampler: str) -> dict[str, str]:
    """The settings a link carries: those that differ from the defaults."""
    out = {URL_SAMPLES: str(samples), URL_SEED: str(seed), URL_SAMPLER: sampler}
    default = {
        URL_SAMPLES: str(DEFAULT_SAMPLES),
        URL_SEED: str(DEFAULT_SEED),
        URL_SAMPLER: Sampler.LHS.value,
    }
    return {k: v for k, v in out.items() if v != default[k]}


def _whole(text: str, where: str, top: int) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 20 or int(text) > top:
        raise StateError(f"{where}: got {text[:40]!r}; expected a whole number up to {top:,}")
    return int(text)


def read_settings(query: Mapping[str, str]) -> dict[str, object]:
    """The settings in a link's query as the sidebar's widgets hold them, by widget key.

    Raises
    ------
    StateError
        If a sample count is not one offered, a seed not a whole number from 0, or a sampler
        not known.
    """
    out: dict[str, object] = {}
    if URL_SAMPLES in query:
        samples = _whole(query[URL_SAMPLES], "samples", SAMPLE_CHOICES[-1])
        if samples not in SAMPLE_CHOICES:
            raise StateError(f"samples: got {samples:,}; expected a power of two, 1,024 to 262,144")
        out["samples"] = samples
    if URL_SEED in query:
        out["seed"] = _whole(query[URL_SEED], "seed", MAX_SEED)
    if URL_SAMPLER in query:
        sampler = query[URL_SAMPLER]
        if sampler not in {s.value for s in Sampler}:
            raise StateError(
                f"sampler: got {sampler[:40]!r}; expected one of {[s.value for s in Sampler]}"
            )
        out["sampler"] = sampler
    return out


def encode_variants(variants: Mapping[str, tuple[str, Edits]]) -> str | None:
    """The variants (name → shipped scenario and edits) as base64url text; ``""`` for none,
    ``None`` when more than :data:`MAX_VARIANTS` or longer than ``MAX_ENCODED``."""
    if not variants:
        return ""
    if len(variants) > MAX_VARIANTS:
        return None
    data = {}
    for name, (file, edits) in variants.items():
        encoded = encode_edits(edits)
        if encoded is None:
            return None
        data[name] = [file, encoded]
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return text if len(text) <= MAX_ENCODED else None


def decode_variants(text: str) -> dict[str, tuple[str, Edits]]:
    """The variants :func:`encode_variants` wrote (the scenario names still to be checked).

    Raises
    ------
    StateError
        If the text is too long, not base64url JSON of that shape, holds more than
        :data:`MAX_VARIANTS` variants, a name over ``MAX_NAME`` characters, or edits that
        :func:`~forcecalc.app.state.decode_edits` refuses.
    """
    if not text:
        return {}
    if len(text) > MAX_ENCODED:
        raise StateError(
            f"the link's variants are {len(text):,} characters; at most {MAX_ENCODED:,}"
        )
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise StateError("the link's variants are not readable (cut short or changed?)") from None
    if not isinstance(data, dict) or len(data) > MAX_VARIANTS:
        raise StateError(f"the link's variants are not at most {MAX_VARIANTS} named variants")
    out = {}
    for name, value in data.items():
        ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
        if not ok or not name or len(name) > MAX_NAME:
            raise StateError("a variant in the link is not a name, a scenario and its edits")
        out[name] = (value[0], decode_edits(value[1]))
    return out
