"""Hostile text, look-alike names and odd numbers (issue 11, items 4, 5, 7, 9 and 10).

Examples pin each defect; a hypothesis fuzzer builds hostile YAML from the grammar (control
characters, surrogates, separators, look-alike names and odd numbers inserted into the valid
base of the corpus) and asserts that the loader and the CLI give a one-line validation error
(exit 2) or success, never a traceback or exit 70.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from forcecalc.cli.command import main
from forcecalc.core.errors import ScenarioError, UsageError
from forcecalc.core.order import dependency_order
from forcecalc.core.runner import run
from forcecalc.core.text import capped, escape, escape_lines, name_key
from forcecalc.report.render import FORMATS, render_run
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.strict_yaml import read_number
from tests.corpus import CORPUS, share_chain

BASE = (CORPUS / "valid-base.yaml").read_text("utf-8")
NAME = "name: Corpus base scenario"


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "h.yaml")
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    return message


def safe(text: str) -> bool:
    """Text a terminal shows as it is: UTF-8 encodable, no control character or separator
    (an unassigned code point such as U+D7FC is harmless and allowed)."""
    text.encode("utf-8")
    return not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text)


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------------------------
# Characters


@pytest.mark.parametrize(
    "written, shown",
    [
        (r"\ud800", "lone surrogate U+D800"),
        (r"\e[2J", "U+001B"),
        (r"\r", "U+000D"),
        (r"\0", "U+0000"),
        (r"\x7f", "U+007F"),
        (r"\x9b", "U+009B"),
        (r"\N", "U+0085"),
        (r"\L", "U+2028"),
        (r"\P", "U+2029"),
        (r"\u202e", "U+202E"),
    ],
)
def test_an_escaped_control_character_in_a_name_is_refused(written: str, shown: str) -> None:
    message = error_of(BASE.replace(NAME, f'name: "a{written}b"'))
    assert message.startswith("h.yaml:3:7: got ") and shown in message


@pytest.mark.parametrize(
    "raw, code", [("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\x85", "U+0085"), ("\r", "U+000D")]
)
def test_a_hidden_line_break_in_a_comment_is_refused(raw: str, code: str) -> None:
    """The key after it would be read by the loader and hidden from grep and editors."""
    text = BASE.replace("  pool:\n", f"  pool:  # x{raw}  pledge_basis: committed\n")
    message = error_of(text)
    assert message.startswith("h.yaml:43:") and code in message


def test_a_crlf_file_still_loads() -> None:
    assert parse_scenario(BASE.replace("\n", "\r\n"), "h.yaml").name == "Corpus base scenario"


def test_line_breaks_and_tabs_only_in_block_text() -> None:
    assert "only in block text" in error_of(BASE.replace(NAME, 'name: "a\\nb"'))
    assert "a tab in" in error_of(BASE.replace(NAME, 'name: "a\\tb"'))
    block = "description: |\n  Two lines\n  \tand a tab.\n"
    text = re.sub(r"^description: .*\n", block, BASE, flags=re.M)
    assert parse_scenario(text, "h.yaml").description == "Two lines\n\tand a tab.\n"


def test_a_surrogate_no_longer_exits_70(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace(NAME, 'name: "\\ud800"'), encoding="utf-8")
    for command in ("validate", "run", "sources"):
        code, _, err = cli(command, str(path))
        assert code == 2 and err.count("\n") == 1 and "U+D800" in err, err


# --------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    "other",
    ["Atlan\u200btis", "ATLANTIS", " Atlantis ", "Atlantis\u2060", "Ａｔｌａｎｔｉｓ"],
)
def test_look_alike_contributors_are_one(other: str) -> None:
    text = BASE.replace("contributor: Lemuria", f"contributor: {other!r}".replace("'", '"'))
    text = text.replace(f'"{other}"', '"' + other.encode("unicode_escape").decode() + '"')
    message = error_of(text)
    assert "the same name as 'Atlantis'" in message and "each contributor once" in message


def test_name_key_ignores_form_case_width_and_space() -> None:
    nfc, nfd = "C\u00f4te d'Ivoire", unicodedata.normalize("NFD", "C\u00f4te d'Ivoire")
    assert nfc != nfd and name_key(nfc) == name_key(nfd)
    assert name_key(" Fran\u200bce\ufeff ") == name_key("FRANCE") == "france"
    assert name_key("Atlantis") != name_key("Atlantic")


@given(st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True))
def test_a_valid_task_name_is_its_own_key(name: str) -> None:
    assert name_key(name) == name


# --------------------------------------------------------------------------------------------
# Printing


def test_escape_leaves_no_control_character() -> None:
    text = "a\x1b[2J\r\n\t\x00\x85\u2028\u202e\ud800\u200bz"
    shown = escape(text)
    assert safe(shown) and shown.isprintable() and shown.startswith("a\\x1b[2J\\x0d\\x0a")
    assert escape_lines("a\tb\nc\x1b") == "a\tb\nc\\x1b"
    assert escape("Côte d'Ivoire — 東京") == "Côte d'Ivoire — 東京"


def test_errors_are_one_line_whatever_the_path_or_value(tmp_path: Path) -> None:
    code, _, err = cli("validate", str(tmp_path / "a\nb\x1b.yaml"))
    assert code == 2 and err.count("\n") == 1 and "a\\x0ab\\x1b.yaml" in err
    base = str(CORPUS / "valid-base.yaml")
    code, _, err = cli("run", base, "--set", "geometry.front_length_km=1\n2")
    assert code == 2 and err.count("\n") == 1
    code, _, err = cli("run", base, "--set", "geometry.front\r\n=1")
    assert code == 2 and err.count("\n") == 1


def test_an_unknown_claim_metric_lists_a_few_names_and_the_count() -> None:
    text = share_chain(2_000).replace("metric: deployed", "metric: deploid")
    message = error_of(text)
    assert "did you mean 'deployed'?" in message and "more" in message
    assert len(message) < 600, len(message)
    assert capped(["a", "b", "c"], 2) == "a, b and 1 more" and capped(["a"], 2) == "a"


# --------------------------------------------------------------------------------------------
# Numbers


def test_numbers_follow_one_set_of_rules() -> None:
    with pytest.raises(ScenarioError, match="ambiguous"):
        read_number("+1.500", "tasks.headquarters.count")
    with pytest.raises(ScenarioError, match="reads 1e-400 as 0"):
        read_number("1e-400", "technology_offset")
    assert read_number("0e-400", "technology_offset") == 0.0
    assert "ambiguous" in error_of(BASE.replace("at_least: 100", "at_least: 3.000"))
    text = BASE.replace("metric: deployed", "metric: deployed_per_km")
    assert parse_scenario(text.replace("at_least: 100", "at_least: 3.000"), "h.yaml").expect


@pytest.mark.parametrize("option", ["--seed", "--samples"])
@pytest.mark.parametrize("value", ["1_000", "0x10", "010", "nan", "1.5", " 1e999"])
def test_number_options_follow_the_files_rules(option: str, value: str) -> None:
    code, _, err = cli("run", str(CORPUS / "valid-base.yaml"), option, value)
    assert code == 2 and err.count("\n") == 1 and option in err, err


def test_a_seed_written_plainly_is_accepted() -> None:
    assert cli("run", str(CORPUS / "valid-base.yaml"), "--seed", "1000", "--samples", "200")[0] == 0


# --------------------------------------------------------------------------------------------
# Recursion


def test_a_1000_task_share_chain_listed_dependents_first_loads_and_runs() -> None:
    scenario = parse_scenario(share_chain(1_000), "chain.yaml")
    names = [t.name for t in scenario.tasks]
    assert names.index("chain_999") < names.index("chain_0")
    assert run(scenario, samples=64).scenario.tasks == scenario.tasks


def test_dependency_order_matches_a_depth_first_walk() -> None:
    deps = {"a": ["b", "c"], "b": ["c"], "c": [], "d": ["a"]}
    assert dependency_order(deps, deps.__getitem__) == (["c", "b", "a", "d"], ())
    cyc = {"a": ["b"], "b": ["c"], "c": ["a"]}
    assert dependency_order(cyc, cyc.__getitem__)[1] == ("a", "b", "c", "a")


# --------------------------------------------------------------------------------------------
# The fuzzer: hostile YAML from the grammar, inserted into the valid base

#: Places a hostile piece may go: (what it replaces, a template holding {x}).
SLOTS = [
    (NAME, 'name: "{x}"'),
    (NAME, "name: {x}"),
    ("contributor: Lemuria", 'contributor: "{x}"'),
    ("  pool:\n", "  pool:  # {x}\n"),
    ("count: {value: 150", "count: {value: {x}"),
    ("at_least: 100", "at_least: {x}"),
    ("share: {value: 0.2", "share: {value: {x}"),
    ("front_length_km: {value: 100", "front_length_km: {value: {x}"),
]
ESCAPES = [r"\e", r"\0", r"\r", r"\n", r"\t", r"\x85", r"\ud800", r"\udfff", r"\L", r"\P"]
RAW = ["\u2028", "\u2029", "\x85", "\r", "\t", "\u200b", "\ufeff", "\u202e", "\u0301", "\xa0"]
NUMBERS = [
    "+1.500",
    "-1.500",
    "1e-400",
    "-1e-400",
    "5e-324",
    "1_000",
    "0x10",
    "0o7",
    "010",
    "1:30",
    ".5",
    "+.5e+3",
    "1e308",
    "9" * 400,
    "3.000",
    "1.000.000",
    "-0",
    "+0.0",
    "1e3",
]


@st.composite
def hostile(draw: st.DrawFn) -> str:
    """The valid base with one to three hostile pieces, each in a slot of the grammar."""
    text = BASE
    for _ in range(draw(st.integers(1, 3))):
        old, template = draw(st.sampled_from(SLOTS))
        if "{value" in template or template.startswith("at_least"):
            piece = draw(st.sampled_from(NUMBERS))
        else:
            parts = st.one_of(
                st.sampled_from(ESCAPES if '"' in template else RAW),
                st.sampled_from(RAW),
                st.text("Atlantis ", min_size=0, max_size=4),
                st.characters(codec="utf-8", exclude_characters='"\\\n'),
            )
            piece = "".join(draw(st.lists(parts, min_size=1, max_size=5)))
        text = text.replace(old, template.replace("{x}", piece), 1)
    return text


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(hostile())
@example(BASE.replace(NAME, 'name: "\\ud800"'))
@example(BASE.replace("  pool:\n", "  pool:  # \u2028  pledge_basis: committed\n"))
@example(BASE.replace("contributor: Lemuria", 'contributor: "Atlantis\\u200b"'))
def test_hostile_yaml_is_a_one_line_error_or_a_clean_run(text: str) -> None:
    try:
        scenario = parse_scenario(text, "fuzz.yaml")
    except ScenarioError as exc:
        message = str(exc)
        assert message.startswith("fuzz.yaml") and safe(message), message
        return
    except UsageError as exc:  # a limit of the model, refused cleanly
        assert safe(str(exc))
        return
    assert safe(escape(scenario.name))
    for fmt in FORMATS:  # every report renders and prints as text a terminal shows as it is
        rendered = escape_lines(render_run(run(scenario, samples=32), fmt))
        assert safe(rendered.replace("\n", "").replace("\t", ""))


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([*NUMBERS, "1\n2", "\x1b[2J", "\ud800"]), st.sampled_from(["--seed", "--set"])
)
def test_hostile_command_line_numbers_exit_0_or_2_in_one_line(value: str, option: str) -> None:
    arg = value if option == "--seed" else f"tasks.headquarters.count={value}"
    code, _, err = cli("run", str(CORPUS / "valid-base.yaml"), option, arg, "--samples", "64")
    assert code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and safe(err.rstrip("\n")), err
