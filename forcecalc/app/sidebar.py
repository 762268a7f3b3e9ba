"""The page's sidebar: the scenario (shipped, uploaded or pasted) and the run settings."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from forcecalc.app import texts
from forcecalc.app.cached import RunSettings, cached_parse, cached_shipped
from forcecalc.app.link_extras import SAMPLE_CHOICES as LINK_SAMPLE_CHOICES
from forcecalc.app.widgets import plain
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler
from forcecalc.report.labels import plain_title
from forcecalc.scenario.files import MAX_BYTES
from forcecalc.scenario.register import default_register
from forcecalc.scenario.resources import DEFAULT_SCENARIO

#: Sample counts offered: powers of two, so every sampler (Sobol too) accepts them (a link
#: may ask for these only).
SAMPLE_CHOICES = LINK_SAMPLE_CHOICES


SHIPPED, UPLOAD, PASTE = "Shipped scenario", "Upload a file", "Paste YAML"


#: Session-state key of the contributors, tasks and sectors added and removed in the page
#: (:mod:`forcecalc.app.share`), which "Reset to scenario" takes back too.
STRUCTURE = "structure"


def _reset() -> None:
    st.session_state["generation"] = st.session_state.get("generation", 0) + 1
    st.session_state.pop(STRUCTURE, None)


#: Session-state key of the last scenario shown, kept on screen while a bad file is fixed.
LAST_GOOD = "last_good_scenario"


#: Session-state key of this run's upload or paste error, shown in the main page too.
UPLOAD_ERROR = "upload_error"


def _user_scenario(data: bytes, name: str, fallback: texts.ScenarioText) -> texts.ScenarioText:
    """A user's scenario if the loader accepts it; else its error and the last good scenario.

    The last good scenario is the one shown before this file (an earlier upload or paste, with
    the edits made to it), or ``fallback`` (the shipped scenario picked) when there is none.
    Its error is kept for the main page too (:func:`upload_error`).
    """
    last: texts.ScenarioText = st.session_state.get(LAST_GOOD, fallback)
    try:
        return texts.read_upload(data, name)
    except ForcecalcError as exc:
        message = str(exc)
    except Exception as exc:  # a bug in the loader, not in the file: say so, keep working
        message = (
            f"{name}: internal error (a bug in forcecalc, not in your file): "
            f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        )
    st.warning(plain(message))  # beside the file picker; the page shows it as the error
    st.caption(f"Showing {plain(last.name)} until the file is fixed.")
    st.session_state[UPLOAD_ERROR] = (message, last.name)
    return last


def upload_error() -> tuple[str, str] | None:
    """This run's upload or paste error and the name of the scenario shown meanwhile, or
    ``None``."""
    return st.session_state.get(UPLOAD_ERROR)


#: Largest upload the file picker takes, in MiB (also ``server.maxUploadSize`` in
#: ``.streamlit/config.toml``, which refuses a larger one while it streams in); the loader's
#: limit, :data:`~forcecalc.scenario.files.MAX_BYTES`, is checked again on the bytes.
UPLOAD_MB = 1


def _upload_bytes(upload: UploadedFile) -> bytes:
    """An upload's bytes, or just its first ``MAX_BYTES + 1`` when its size says it is too
    large (so the loader refuses it with its one-line message, never reading it all)."""
    if upload.size > MAX_BYTES:
        upload.seek(0)
        return upload.read(MAX_BYTES + 1)
    return upload.getvalue()


def shipped_title(file_name: str) -> str:
    """A shipped scenario as the picker shows it: its title, a register document named by
    outlet, date and language (:func:`forcecalc.report.labels.plain_title`), then its file."""
    text = cached_shipped(file_name)
    scenario = cached_parse(text.text, text.name)
    return f"{plain_title(scenario.name, default_register())} · {file_name}"


def scenario_input() -> texts.ScenarioText:
    """The sidebar's scenario picker, upload and paste box; returns the scenario chosen."""
    st.header("Scenario")
    st.session_state[UPLOAD_ERROR] = None
    origin = st.radio("Scenario from", (SHIPPED, UPLOAD, PASTE), key="origin")
    files = list(texts.shipped_scenarios())
    default = files.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in files else 0
    pick = st.selectbox(
        "Shipped scenario",
        files,
        index=default,
        key="shipped",
        format_func=shipped_title,
        help="The scenarios shipped with forcecalc (scenarios/ in the checkout)",
    )
    chosen = cached_shipped(pick)
    if origin == UPLOAD:
        upload = st.file_uploader(
            "Scenario file (YAML)",
            type=["yaml", "yml"],
            key="upload",
            max_upload_size=UPLOAD_MB,
        )
        if upload is not None:
            chosen = _user_scenario(_upload_bytes(upload), upload.name, chosen)
    elif origin == PASTE:
        text = st.text_area("Scenario YAML", key="paste", height=240, max_chars=MAX_BYTES)
        if text.strip():
            chosen = _user_scenario(text.encode("utf-8"), "pasted.yaml", chosen)
    st.session_state[LAST_GOOD] = chosen
    return chosen


def run_settings() -> RunSettings:
    """The reset button, and the samples, random seed and sampler in an "Advanced" expander."""
    st.button("Reset to scenario", on_click=_reset, key="reset", help="Undo every edit")
    with st.expander("Advanced"):
        samples = st.select_slider(
            "Samples",
            SAMPLE_CHOICES,
            value=DEFAULT_SAMPLES,
            format_func=lambda n: f"{n:,}",
            key="samples",
            help="Monte Carlo draws of every uncertain figure (`--samples`)",
        )
        seed = st.number_input(
            "Random seed",
            min_value=0,
            value=DEFAULT_SEED,
            step=1,
            key="seed",
            help="Seed of the random draws (`--seed`): the same seed gives the same numbers",
        )
        sampler = st.selectbox(
            "Sampler",
            [s.value for s in Sampler],
            key="sampler",
            help="How the draws are spread (`--sampler`)",
        )
    return RunSettings(int(samples), int(seed), str(sampler))
