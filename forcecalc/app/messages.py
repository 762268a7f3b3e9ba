"""An expected error as the app words it: a library parameter named by the app's control.

The library names its own parameter in a :class:`~forcecalc.core.errors.ParameterError`
(``samples: got 262,144 ...``); the app names the control a user sets it with instead
(``Samples (sidebar): got 262,144 ...``), as the command line names its option.
"""

from __future__ import annotations

from forcecalc.core.errors import ForcecalcError, ParameterError

#: The app's control of each library parameter a :class:`ParameterError` can name.
CONTROL_OF: dict[str, str] = {
    "samples": "Samples (sidebar)",
    "seed": "Random seed (sidebar)",
    "sampler": "Sampler (sidebar)",
    "axes": "Sweep",
    "steps": "Sweep",
    "search_range": "Sweep range",
    "outputs": "Requirement",
    "overrides": "Figure",
}


def app_message(exc: ForcecalcError) -> str:
    """The one-line message of ``exc`` as the app shows it.

    A :class:`ParameterError` is named by the app's control (:data:`CONTROL_OF`; a parameter
    the app has no control for keeps the library's name); any other error keeps its message.
    """
    if isinstance(exc, ParameterError):
        return exc.named(CONTROL_OF.get(exc.parameter, exc.parameter))
    return str(exc)
