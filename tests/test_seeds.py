"""Checks for the source register in ``seeds/``.

Every ``seeds/<stem>.yaml`` describes one source document ``<stem>.txt`` kept outside the repo in
``../shared/seeds/`` (CI clones the repo with ``shared/`` beside it). Each figure carries a short
verbatim quote, and the figure's value must be readable from that quote: either as digits
(``numbers_in``) or, when the quote spells it out, as a number word (``NUMBER_WORDS``).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

TOP_REQUIRED = {"id", "file", "language", "outlet", "date", "summary", "figures"}
TOP_OPTIONAL = {"outlet_note"}
FIGURE_REQUIRED = {"id", "value", "unit", "quote", "gloss"}
FIGURE_OPTIONAL = {"as_written"}
UNITS = {"km", "km2", "personnel", "countries", "percent"}
MAX_QUOTE_CHARS = 120
MAX_QUOTE_WORDS = 15

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTIAL_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")

# Number words, per ISO 639-1 language code, for figures whose quote spells the number out.
# Keep this small and explicit: add a word only when a seed needs it.
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "hr": {
        "jedan": 1,
        "dva": 2,
        "dvije": 2,
        "tri": 3,
        "četiri": 4,
        "pet": 5,
        "šest": 6,
        "sedam": 7,
        "osam": 8,
        "devet": 9,
        "deset": 10,
        "sto": 100,
        "tisuću": 1000,
        "milijun": 1_000_000,
    },
    "en": {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "hundred": 100,
        "thousand": 1000,
        "million": 1_000_000,
    },
    "bg": {
        "един": 1,
        "два": 2,
        "три": 3,
        "четири": 4,
        "пет": 5,
        "десет": 10,
        "сто": 100,
        "хиляда": 1000,
        "милион": 1_000_000,
    },
    "id": {
        "satu": 1,
        "dua": 2,
        "tiga": 3,
        "empat": 4,
        "lima": 5,
        "sepuluh": 10,
        "seratus": 100,
        "seribu": 1000,
        "sejuta": 1_000_000,
    },
}

# A number: an integer part, either digit groups of three joined by ".", ",", a space, a
# no-break space or a narrow no-break space ("10.000", "40,000", "100 000"), or a plain digit run;
# then optionally a decimal part: "." or "," (the comma may be followed by one space, as in
# "0, 3 %") and a digit run that is not itself a group of three.
_NUMBER = re.compile(
    r"""
    (?<![\d.,])
    (?P<int>\d{1,3}(?:[.,\u0020\u00a0\u202f]\d{3}(?!\d))+|\d+)
    (?:(?:\.|,\u0020?)(?P<frac>\d+))?
    (?!\d)
    """,
    re.VERBOSE,
)


def numbers_in(text: str) -> list[float]:
    """Numbers written with digits in ``text``, digit-group separators and decimal commas read.

    >>> numbers_in("5000 policajaca i 10.000 pomoćnog")
    [5000.0, 10000.0]
    """
    found = []
    for match in _NUMBER.finditer(text):
        integer = re.sub(r"\D", "", match.group("int"))
        frac = match.group("frac")
        found.append(float(f"{integer}.{frac}" if frac else integer))
    return found


def value_in_quote(
    value: float, quote: str, language: str | None = None, as_written: str | None = None
) -> bool:
    """True when ``value`` can be read from ``quote``.

    Without ``as_written`` the value must be one of the digit numbers in the quote. With it, the
    word(s) must occur in the quote as a whole word and map to ``value`` in ``NUMBER_WORDS``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if as_written is None:
        return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for n in numbers_in(quote))
    words = NUMBER_WORDS.get(language or "", {})
    if as_written.lower() not in words:
        return False
    if not re.search(rf"(?<!\w){re.escape(as_written)}(?!\w)", quote):
        return False
    return math.isclose(value, words[as_written.lower()])


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000 policajaca", [5000]),
        ("10.000 pomoćnog vojnog osoblja", [10000]),
        ("oko 650.000 pripadnika", [650000]),
        ("about 40,000 troops", [40000]),
        ("memindahkan 100 000 tentara", [100000]),
        ("menangkap 2 033 kilometer persegi", [2033]),
        ("0, 3 % dari total area", [0.3]),
        ("0,3 %", [0.3]),
        ("2.5 km", [2.5]),
        ("1\u202f000\u202f000 ljudi", [1000000]),
        ("1.000.000", [1000000]),
        ("26 negara", [26]),
        ("članak 5. NATO-a", [5]),
        ("from 5 to 10 km", [5, 10]),
        ("no digits here", []),
    ],
)
def test_numbers_in(text, expected):
    assert numbers_in(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "quote", "language", "as_written"),
    [
        (5000, "5000 policajaca", "hr", None),
        (10000, "10.000 pomoćnog vojnog osoblja", "hr", None),
        (100000, "Rusia telah memindahkan 100 000 tentara", "id", None),
        (0.3, "0, 3 % dari total area Ukraina", "id", None),
        (5, "tampon-zone široke pet kilometara", "hr", "pet"),
        (1_000_000, "koja broji oko milijun ljudi", "hr", "milijun"),
    ],
)
def test_value_in_quote_accepts(value, quote, language, as_written):
    assert value_in_quote(value, quote, language, as_written)


@pytest.mark.parametrize(
    ("value", "quote", "language", "as_written"),
    [
        (6, "5000 policajaca", "hr", None),  # wrong value
        (500, "5000 policajaca", "hr", None),  # a part of the number is not the number
        (10, "10.000 pomoćnog vojnog osoblja", "hr", None),  # "10.000" is ten thousand
        (3, "0, 3 % dari total area Ukraina", "id", None),  # "0, 3" is one number, 0.3
        ("5000", "5000 policajaca", "hr", None),  # values are numbers, never strings
        (True, "1 policajac", "hr", None),
        (6, "tampon-zone široke pet kilometara", "hr", "pet"),  # word maps to 5
        (5, "tampon-zone široke pet kilometara", "hr", "šest"),  # word not in the quote
        (5, "petak", "hr", "pet"),  # only whole words count
        (5, "five kilometres", "hr", "five"),  # word from the wrong language
    ],
)
def test_value_in_quote_rejects(value, quote, language, as_written):
    assert not value_in_quote(value, quote, language, as_written)


# --- the register ---------------------------------------------------------------------------


def require_shared_seeds() -> None:
    """Skip without ``../shared/seeds`` (a developer's checkout); fail in CI, which has it."""
    if SHARED_SEEDS.is_dir():
        return
    message = f"source documents not found at {SHARED_SEEDS}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI (CI={os.environ['CI']}) runs with shared/ beside the checkout")
    pytest.skip(message)


SEED_FILES = sorted(SEEDS_DIR.glob("*.yaml"))


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _source_text(data: dict) -> str:
    require_shared_seeds()
    return (SHARED_SEEDS / data["file"]).read_text(encoding="utf-8")


def test_register_is_not_empty():
    assert SEED_FILES, f"no *.yaml in {SEEDS_DIR}"


def test_every_source_document_is_registered():
    require_shared_seeds()
    sources = {p.stem for p in SHARED_SEEDS.glob("*.txt")}
    registered = {p.stem for p in SEED_FILES}
    assert sources <= registered, f"not registered: {sorted(sources - registered)}"


@pytest.fixture(params=SEED_FILES, ids=lambda p: p.stem)
def seed(request):
    return request.param, _load(request.param)


def test_structure(seed):
    path, data = seed
    assert isinstance(data, dict)
    keys = set(data)
    allowed = TOP_REQUIRED | TOP_OPTIONAL
    assert not TOP_REQUIRED - keys, f"missing keys: {sorted(TOP_REQUIRED - keys)}"
    assert not keys - allowed, f"unknown keys: {sorted(keys - allowed)}"
    assert data["id"] == path.stem
    assert data["file"] == f"{path.stem}.txt"
    assert isinstance(data["language"], str)
    assert re.fullmatch(r"[a-z]{2}", data["language"])
    for key in ("outlet", "outlet_note"):
        assert data.get(key) is None or (isinstance(data[key], str) and data[key].strip())
    date = data["date"]
    assert date is None or PARTIAL_ISO_DATE.match(str(date)), f"date not ISO: {date!r}"
    assert isinstance(data["summary"], str)
    assert data["summary"].strip()
    assert isinstance(data["figures"], list)


def test_figures(seed):
    _, data = seed
    ids = [fig.get("id") for fig in data["figures"]]
    assert len(ids) == len(set(ids)), f"duplicate figure ids: {ids}"
    for fig in data["figures"]:
        keys = set(fig)
        missing = FIGURE_REQUIRED - keys
        unknown = keys - FIGURE_REQUIRED - FIGURE_OPTIONAL
        assert not missing, f"{fig.get('id')}: missing keys {sorted(missing)}"
        assert not unknown, f"{fig['id']}: unknown keys {sorted(unknown)}"
        assert KEBAB.match(fig["id"]), f"figure id not kebab-case: {fig['id']!r}"
        assert fig["unit"] in UNITS, f"{fig['id']}: unit {fig['unit']!r}"
        value = fig["value"]
        assert isinstance(value, int | float)
        assert not isinstance(value, bool)
        quote = fig["quote"]
        assert isinstance(quote, str)
        assert quote.strip()
        assert len(quote) <= MAX_QUOTE_CHARS, f"{fig['id']}: quote too long"
        assert len(quote.split()) <= MAX_QUOTE_WORDS, f"{fig['id']}: quote too long"
        assert isinstance(fig["gloss"], str)
        assert fig["gloss"].strip()
        as_written = fig.get("as_written")
        if as_written is not None:
            assert isinstance(as_written, str)
            assert data["language"] in NUMBER_WORDS, f"no number words for {data['language']}"
        assert value_in_quote(value, quote, data["language"], as_written), (
            f"{data['id']}#{fig['id']}: value {value!r} not found in quote {quote!r}"
            + (f" as {as_written!r}" if as_written else "")
        )


def test_source_exists(seed):
    _, data = seed
    require_shared_seeds()
    assert (SHARED_SEEDS / data["file"]).is_file(), f"missing {data['file']}"


def test_quotes_are_verbatim(seed):
    _, data = seed
    text = _source_text(data)
    for fig in data["figures"]:
        assert fig["quote"] in text, f"{data['id']}#{fig['id']}: quote not in {data['file']}"
