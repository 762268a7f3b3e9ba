"""The scenario format's ``timeline`` section, declared like the rest of the format
(:mod:`forcecalc.scenario.format` adds these specs to its ``SPECS``).

Force generation over time (:mod:`forcecalc.core.timeline`): the mandate, the build-up, the
requirement profile and each contributor's window. Every number is a figure, so it is sampled,
set with ``--set timeline.<key>=...`` and listed by ``forcecalc sources``.
"""

from __future__ import annotations

from forcecalc.scenario.format_kinds import Boolean, FigureOf, Key, ListOf, Section, Spec, Text

#: Ways to limit the build-up: at most one of them (neither: full strength from month 1).
BUILD_UP_KEYS = ("build_up_months", "deployment_per_month")
#: Keys of the drawdown, given together (after ``full_strength_months``).
DRAWDOWN_KEYS = ("drawdown_months", "drawdown_to")

TIMELINE = Spec(
    "timeline",
    "Force generation over time: the mandate, the build-up, the requirement profile, and each "
    "contributor's window and chance of withdrawing.",
    (
        Key("mandate_months", FigureOf("mandate_months"), True, "length of the mandate"),
        Key(
            "build_up_months",
            FigureOf("build_up_months"),
            doc="months to full strength: what is available ramps up linearly (not with "
            "deployment_per_month)",
        ),
        Key(
            "deployment_per_month",
            FigureOf("deployment_per_month"),
            doc="personnel strategic lift can deploy each month (not with build_up_months)",
        ),
        Key(
            "full_strength_months",
            FigureOf("full_strength_months"),
            doc="months the requirement stays at full strength (default: the whole mandate)",
        ),
        Key(
            "drawdown_months",
            FigureOf("drawdown_months"),
            doc="months of the linear drawdown after full strength (with drawdown_to)",
        ),
        Key(
            "drawdown_to",
            FigureOf("drawdown_to"),
            doc="share of full strength the requirement draws down to (with drawdown_months)",
        ),
        Key(
            "tour_months",
            FigureOf("tour_months"),
            doc="tour length for pass-through where the rotation rule states none (a multiplier)",
        ),
        Key(
            "top_up",
            Boolean(),
            doc="when a contributor leaves, the others present fill up to their ceilings "
            "(default false)",
        ),
        Key(
            "contributors",
            ListOf(Section("timeline_contributor"), 1),
            doc="windows of some pledges; a pledge not listed is present the whole mandate",
        ),
    ),
)

TIMELINE_CONTRIBUTOR = Spec(
    "timeline_contributor",
    "A pledge's window over the mandate and its chance of withdrawing.",
    (
        Key("contributor", Text(), True, "a contributor of force_generation.pledges, once each"),
        Key("from_month", FigureOf("from_month"), doc="first month present (default 1)"),
        Key("until_month", FigureOf("until_month"), doc="last month present (default: open-ended)"),
        Key(
            "withdrawal_per_year",
            FigureOf("withdrawal_per_year"),
            doc="chance of withdrawing within a year, a constant hazard (default 0)",
        ),
        Key(
            "ceiling",
            FigureOf("ceiling"),
            doc="most it gives when topping up for others who left (default: its pledge)",
        ),
        Key("note", Text(), doc="a free remark kept with the item"),
    ),
)

#: The timeline's mappings, by name.
TIMELINE_SPECS = (TIMELINE, TIMELINE_CONTRIBUTOR)
