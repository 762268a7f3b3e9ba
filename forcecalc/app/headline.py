"""The headline numbers of a run: P50 (or probability), band, and change from the unedited run.

Computed without Streamlit; :mod:`forcecalc.app.results_tabs` shows them as ``st.metric``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forcecalc.core import glossary, shortfall
from forcecalc.core.runner import RunResult
from forcecalc.core.summary import Band
from forcecalc.report import bands
from forcecalc.report.render import fmt_number, metric_label


@dataclass(frozen=True)
class Headline:
    """One headline number: its P50 (or probability), band and change from a reference run."""

    key: str
    label: str
    unit: str
    value: float
    p5: float | None = None
    p95: float | None = None
    delta: float | None = None
    reference: float | None = None
    #: What the number is, where the glossary does not say (the shortfall).
    note: str = ""

    @property
    def meaning(self) -> str:
        """What the number is, from the glossary."""
        return self.note or glossary.OUTPUTS[self.key].meaning

    @property
    def value_text(self) -> str:
        return fmt_number(self.value, self.unit) if math.isfinite(self.value) else "–"

    @property
    def band_text(self) -> str:
        if self.unit == "probability" and math.isnan(self.value):
            return "no pledges in this scenario"
        if not math.isfinite(self.value):
            return "not a finite number"
        if self.p5 is None or self.p95 is None:
            return ""
        ends = (fmt_number(x, self.unit) if math.isfinite(x) else "–" for x in (self.p5, self.p95))
        return "P5–P95: {} – {}".format(*ends)

    @property
    def delta_text(self) -> str | None:
        """The change from the reference, signed with a plain ``+`` or ``-`` (the sign
        ``st.metric`` reads for its arrow); ``None`` when there is no change at the precision
        the value is shown with (so rounding noise such as ``7e-15`` is no change)."""
        if self.delta is None or not math.isfinite(self.delta) or self.delta == 0:
            return None
        reference = self.value - self.delta if self.reference is None else self.reference
        if fmt_number(self.value, self.unit) == fmt_number(reference, self.unit):
            return None
        sign = "+" if self.delta > 0 else "-"
        if self.unit == "probability":
            points = f"{abs(self.delta) * 100:.1f}"
            return f"{sign}{'<0.1' if points == '0.0' else points} points vs scenario"
        size = fmt_number(abs(self.delta), self.unit)
        if not size.strip("0.,"):
            return None
        return f"{sign}{size} vs scenario"


_HEADLINES = (
    ("deployed", "Deployed (P50)", "personnel"),
    ("committed", "Committed (P50)", "personnel"),
)

#: The densities, in ``forcecalc run``'s order: per km of front, per km² of buffer, and per km
#: of the whole line covered (only where the line has borders or sectors).
DENSITIES = ("deployed_per_km", "deployed_per_km2", "deployed_per_km_line")


def density_label(metric: str) -> str:
    """A density's headline label: ``forcecalc run``'s, capitalised, with the statistic shown
    (``Deployed per km of front (P50)``)."""
    label = metric_label(metric)
    return f"{label[:1].upper()}{label[1:]} (P50)"


def density_keys(result: RunResult) -> list[str]:
    """The densities the result holds, in :data:`DENSITIES` order."""
    return [k for k in DENSITIES if k in result.summary.metrics]


_PROBABILITIES = (
    ("p_pledges_suffice", "P(pledges suffice)"),
    ("p_pool_suffices", "P(pool suffices)"),
)


def _band_headline(key: str, label: str, unit: str, b: Band, ref: Band | None) -> Headline:
    if ref is None:
        return Headline(key, label, unit, b.p50, b.p5, b.p95)
    return Headline(key, label, unit, b.p50, b.p5, b.p95, b.p50 - ref.p50, ref.p50)


def headlines(result: RunResult, reference: RunResult | None = None) -> list[Headline]:
    """The headline numbers of a run, with changes from ``reference`` (the unedited scenario).

    Deployed and committed, the densities named for what they divide by (as ``forcecalc run``
    names them), then the probabilities. The probability that pledges suffice is shown as "not
    stated" (NaN) for a scenario with no pledges, so the headline row keeps its shape.
    """
    s = result.summary
    r = reference.summary if reference is not None else None
    named = [
        *_HEADLINES,
        *((k, density_label(k), glossary.unit_of(k)) for k in density_keys(result)),
    ]
    out = [
        _band_headline(k, label, unit, s.metrics[k], r.metrics.get(k) if r else None)
        for k, label, unit in named
    ]
    for key, label in _PROBABILITIES:
        if key == "p_pool_suffices" and key not in s.probabilities:
            continue
        value = s.probabilities.get(key, math.nan)
        ref = r.probabilities.get(key) if r else None
        delta = value - ref if ref is not None and math.isfinite(value) else None
        out.append(Headline(key, label, "probability", value, delta=delta, reference=ref))
    return out + shortfall_headlines(result, reference)


def shortfall_headlines(result: RunResult, reference: RunResult | None = None) -> list[Headline]:
    """The pledges' shortfall against the requirement they are compared with (the scenario's
    ``pledge_basis``): required − pledged, P50 with its P5–P95 band, as ``forcecalc run``
    shows it (below 0: that many spare); none without pledges."""
    fg = result.scenario.force_generation
    name = shortfall.key("pledged", fg.pledge_basis) if fg is not None else ""
    s = result.summary.shortfalls.get(name)
    if s is None:
        return []
    ref = reference.summary.shortfalls.get(name) if reference is not None else None
    compared = bands.compares(result.scenario, s.supply, s.requirement)
    note = (
        f"{compared} minus the pledges delivered, by sample (below 0: that many spare); "
        f"short in {fmt_number(s.p_short, 'probability')} of samples"
    )
    label = f"Shortfall vs {compared} (P50)"  # below 0: spare, as its tooltip says
    b = s.gap
    delta = (b.p50 - ref.gap.p50, ref.gap.p50) if ref is not None else (None, None)
    return [Headline(name, label, "personnel", b.p50, b.p5, b.p95, *delta, note=note)]


#: The narrowest headline cell, and the room its label takes per character and beside it (the
#: tooltip's icon): Streamlit cuts a metric's label with an ellipsis where it does not fit, so
#: a longer label gets a wider cell (``tests/test_browser.py`` checks none is cut). [px]
HEADLINE_WIDTH, LABEL_CHAR_PX, LABEL_PAD_PX = 175, 7.5, 32
#: The widest cell: a phone's 420 px page less its margins. [px]
MAX_HEADLINE_WIDTH = 370


def headline_width(label: str) -> int:
    """The width of a headline's cell that shows ``label`` whole, from 175 to 370 px. [px]"""
    wanted = math.ceil(len(label) * LABEL_CHAR_PX + LABEL_PAD_PX)
    return min(MAX_HEADLINE_WIDTH, max(HEADLINE_WIDTH, wanted))
