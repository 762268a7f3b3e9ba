"""A small version of the app's load test (``benchmarks/app_load.py``): a few sessions and one
hostile visitor against a real ``streamlit run app.py`` on 127.0.0.1, stopped by itself.

The server must stay under a memory bound and the other sessions' median rerun latency under a
multiple of what it is without the hostile visitor (a paste of 600 uncertain tasks, whose
tornado the app no longer runs unasked, hostile Markdown and an 8 MiB upload).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("websockets.sync.client", reason="websockets is not installed")

REPO = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("app_load", REPO / "benchmarks" / "app_load.py")
assert _SPEC is not None and _SPEC.loader is not None
app_load = importlib.util.module_from_spec(_SPEC)
sys.modules["app_load"] = app_load  # its dataclasses look their module up there
_SPEC.loader.exec_module(app_load)

#: Bounds of the small version: the server's peak resident memory [MiB] and the ratio of the
#: median rerun latency with the hostile visitor to the median without.
MAX_MIB, MAX_RATIO = 1_024.0, 4.0


def test_a_few_sessions_and_a_hostile_visitor_stay_within_bounds() -> None:
    result = app_load.measure(sessions=4, tasks=600, reruns=2, timeout_s=400.0)
    assert not result.failures, result.report()
    assert result.peak_mib <= MAX_MIB, result.report()
    assert result.ratio <= MAX_RATIO, result.report()
