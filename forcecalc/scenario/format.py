"""The scenario format, declared once: every mapping, its keys, and the kind of each key.

Two readers use these declarations, so they cannot drift apart:

- the reader (:mod:`forcecalc.scenario.loader` and its section readers, ``read_*``) takes each
  mapping's required and allowed keys, the options of every enumeration, the forms of a figure
  and the rules on their parameters, and the forms of sustainment from here (the families of
  distribution from :data:`forcecalc.core.distributions.FAMILIES`);
- :mod:`forcecalc.scenario.schema` generates the JSON Schema that editors use to complete and check
  scenario files (``forcecalc schema``).

A key's kind is one of :class:`Text`, :class:`Number`, :class:`Const`, :class:`Boolean`,
:class:`Choice`, :class:`FigureOf` (a figure whose unit and domain come from a glossary term),
:class:`SourceRef` (a register id or a citation), :class:`DocumentRef` (a register document),
:class:`ListOf` and :class:`Section` (a nested mapping declared by another :class:`Spec`).
To add a key to the format, add it here; the loader then accepts it (and still has to read it)
and the schema lists it.
"""

from __future__ import annotations

from forcecalc.calibration.missions import POSTURES
from forcecalc.core.distributions import FAMILIES, Family, Interval90, Pert, Point, family_of
from forcecalc.core.scenario import BASIS_FIGURES, CATEGORIES, Basis, Domain
from forcecalc.scenario.format_correlations import CORRELATION
from forcecalc.scenario.format_kinds import (
    Boolean,
    Choice,
    Const,
    DocumentRef,
    FigureOf,
    Key,
    Kind,
    ListOf,
    Number,
    Section,
    SourceRef,
    Spec,
    Text,
    options,
)
from forcecalc.scenario.format_timeline import TIMELINE_SPECS

__all__ = [
    "Boolean",
    "Choice",
    "Const",
    "DocumentRef",
    "FigureOf",
    "Key",
    "Kind",
    "ListOf",
    "Number",
    "Section",
    "SourceRef",
    "Spec",
    "Text",
    "options",
]

#: Version of the scenario format written in every scenario's ``schema_version``.
SCHEMA_VERSION = 1

#: A task name: lower-case letters, digits and ``_``, starting with a letter.
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
#: How a scenario sizes its force: the troop-to-task table, one sizing rule, or their ensemble.
METHODS = ("tasks", "analog", "ensemble")
#: A sizing rule (:mod:`forcecalc.calibration.rules`): ``<mission>.<basis>`` or
#: ``doctrine.<basis>``; for
#: ``analog``, a mission id alone names its first rule.
RULE_PATTERN = r"^[a-z][a-z0-9_]*(\.(per_km|per_km2|per_1000|posts))?$"
#: A register id: ``<document>#<figure>``.
REF_PATTERN = r"^(?P<doc>[^#\s]+)#(?P<fig>[^#\s]+)$"

STATISTICS = ("mean", "p5", "p50", "p95")
PLEDGE_STATUSES = ("pledged", "conditional", "undecided", "refused")
PLEDGE_BASES = ("deployed", "committed")
BASES = tuple(b.value for b in Basis)

#: The keys whose text may run over several lines or hold tabs (block text, e.g. ``|`` or
#: ``>``); every other text is one line (:meth:`forcecalc.scenario.strict_yaml.Reader.string`).
BLOCK_TEXT = ("description", "note", "quote", "assumption", "summary", "gloss", "outlet_note")

#: Metrics every scenario has, then those that need pledges, or a pool.
METRICS = ("deployed", "committed", "rotation_multiplier", "deployed_per_km", "deployed_per_km2")
#: The metric of a scenario with borders or sectors (per km of the whole line).
LINE_METRICS = ("deployed_per_km_line",)
PLEDGE_METRICS = ("pledged", "pledge_coverage", "p_pledges_suffice")
POOL_METRICS = ("pool_sustainable", "pool_coverage", "p_pool_suffices")

#: The family of each ``dist:`` a figure may name (:data:`forcecalc.core.distributions.FAMILIES`).
DIST_FAMILIES: dict[str, Family] = {f.name: f for f in FAMILIES if f.name is not None}
#: Parameters of each ``dist:`` a figure may name.
DIST_PARAMS: dict[str, tuple[str, ...]] = {name: f.params for name, f in DIST_FAMILIES.items()}
#: Forms of a figure without ``dist:``, by the name messages give them, in this order of
#: precedence: a form is recognised by the keys that no later form takes (``value``; ``mode``;
#: ``low`` or ``high``).
IMPLICIT_FORMS: tuple[tuple[str, Family], ...] = (
    ("point", family_of(Point)),
    ("pert", family_of(Pert)),
    ("interval90", family_of(Interval90)),
)
#: Every numeric key of a figure.
FIGURE_NUMBERS = ("value", "low", "mode", "high", "mean", "sd", "median", "sigma")
#: Numeric keys that must lie in the figure's domain (``mode`` does, lying in [low, high]).
IN_DOMAIN = ("value", "low", "mode", "high", "mean", "median")
#: Numeric keys that must be above 0 whatever the domain.
POSITIVE_PARAMS = ("sd", "sigma", "median")

#: The ways to state sustainment, by the name a scenario keeps: exactly one of these sets of keys.
SUSTAINMENT_FORMS: dict[str, tuple[str, ...]] = {
    "rotation_multiplier": ("rotation_multiplier",),
    "tour_and_dwell": ("tour_months", "dwell_months"),
}


def _text(rule: str = "", pattern: str | None = None) -> Text:
    return Text(pattern=pattern, rule=rule)


_NOTE = Key("note", Text(), doc="a free remark kept with the item")


# --------------------------------------------------------------------------------------------
# The scenario format

SCENARIO = Spec(
    "scenario",
    "A force-sizing scenario: a troop-to-task table over a geometry, every figure cited.",
    (
        Key("schema_version", Const(SCHEMA_VERSION), True, "version of the scenario format"),
        Key("name", Text(), True, "the scenario's title"),
        Key("description", Text(), True, "what the scenario represents and where it comes from"),
        Key("geometry", Section("geometry"), True, "the line to be covered"),
        Key("tasks", ListOf(Section("task"), 1), doc="the troop-to-task table (method tasks)"),
        Key("sustainment", Section("sustainment"), True, "rotation: multiplier or tour/dwell"),
        Key(
            "technology_offset",
            FigureOf("technology_offset"),
            doc="fraction of reducible tasks that technology replaces",
        ),
        Key("force_generation", Section("force_generation"), doc="pledges and/or a pool"),
        Key("expect", ListOf(Section("claim")), doc="the sources' claims about the results"),
        Key(
            "method",
            Choice(METHODS),
            doc="what sizes the force: tasks (default), analog (one past mission's density) or "
            "ensemble (a mixture of sizing rules)",
        ),
        Key(
            "analog",
            _text("a rule <mission>.<basis> such as ifor.per_km, or a mission id", RULE_PATTERN),
            doc="method analog: the past mission's density applied to this geometry",
        ),
        Key("ensemble", Section("ensemble"), doc="method ensemble: its rules and weights"),
        Key(
            "correlations",
            ListOf(Section("correlation"), 1),
            doc="rank correlations between uncertain figures, imposed on the sampling",
        ),
        Key("timeline", Section("timeline"), doc="force generation over time (forcecalc timeline)"),
    ),
)

ENSEMBLE = Spec(
    "ensemble",
    "The sizing rules an ensemble mixes (default: every rule the geometry allows, equal weights "
    "per mission): the rules listed, or those of the missions of one posture.",
    (
        Key("rules", ListOf(Section("ensemble_rule"), 1), doc="the rules, each once"),
        Key(
            "posture",
            Choice(POSTURES),
            doc="draw on the missions of this posture (observe, interpose, deter, enforce) and "
            "the rules of no posture, equal weights per mission; every rule when no mission of "
            "it has a rule the geometry allows. Not with rules",
        ),
    ),
)

ENSEMBLE_RULE = Spec(
    "ensemble_rule",
    "One rule of an ensemble and its weight.",
    (
        Key(
            "rule",
            _text(
                "a rule <mission>.<basis> such as ifor.per_km, or doctrine.per_1000", RULE_PATTERN
            ),
            True,
            "the rule; forcecalc missions lists the missions",
        ),
        Key("weight", FigureOf("weight"), doc="relative weight, a point (default 1)"),
    ),
)

GEOMETRY = Spec(
    "geometry",
    "The line to be covered: front_length_km and buffer_width_km (and border_length_km), "
    "or sectors.",
    (
        Key("front_length_km", FigureOf("front_length_km"), doc="the active front (shorthand)"),
        Key("buffer_width_km", FigureOf("buffer_width_km"), doc="the front's buffer (shorthand)"),
        Key("border_length_km", FigureOf("border_length_km"), doc="quiet borders (shorthand)"),
        Key("sectors", ListOf(Section("sector"), 1), doc="the line as sectors, instead"),
        Key(
            "population", FigureOf("population"), doc="people living in the area (per-capita rules)"
        ),
    ),
)
#: The shorthand geometry's keys, which ``sectors`` replaces; the first two are required
#: without ``sectors``.
GEOMETRY_SHORTHAND = ("front_length_km", "buffer_width_km", "border_length_km")

SECTOR = Spec(
    "sector",
    "A stretch of the line with its length, its buffer if it has one, and its posture.",
    (
        Key(
            "name",
            _text("lower-case letters, digits and _ starting with a letter", NAME_PATTERN),
            True,
            "unique name of the sector",
        ),
        Key("length_km", FigureOf("length_km"), True, "length of the sector"),
        Key("posture", Choice(POSTURES), True, "the posture, in the missions dataset's words"),
        Key(
            "buffer_width_km",
            FigureOf("buffer_width_km"),
            doc="width of its buffer; a sector without one is quiet (a border)",
        ),
        _NOTE,
    ),
)

TASK_SECTOR = Spec(
    "task_sector",
    "A task's own figures in one sector; the task's figures apply where none is given.",
    (
        Key("sector", _text("a sector name", NAME_PATTERN), True, "the sector"),
        Key("rate", FigureOf("rate"), doc="personnel per km (or km²) in this sector"),
        Key("spacing_km", FigureOf("spacing_km")),
        Key("crew", FigureOf("crew")),
    ),
)

TASK = Spec(
    "task",
    "One row of the troop-to-task table; its basis says which figures it needs.",
    (
        Key(
            "name",
            _text("lower-case letters, digits and _ starting with a letter", NAME_PATTERN),
            True,
            "unique name of the task",
        ),
        Key("category", Choice(CATEGORIES), True, "results are also totalled by category"),
        Key("basis", Choice(BASES), True, "how the task's personnel scale"),
        Key("description", Text()),
        Key("reducible", Boolean(), doc="technology_offset can replace part of this task"),
        Key("rate", FigureOf("rate"), doc="personnel per km (or km²) of the line"),
        Key("spacing_km", FigureOf("spacing_km")),
        Key("crew", FigureOf("crew")),
        Key("count", FigureOf("count")),
        Key("share", FigureOf("share"), doc="share_of and share_of_force: a fraction below 1"),
        Key("ratio", FigureOf("ratio"), doc="ratio_of: personnel per person of the tasks named"),
        Key(
            "of",
            ListOf(_text("a task name", NAME_PATTERN), 1),
            doc="the tasks a share_of or ratio_of task is a fraction or multiple of",
        ),
        Key(
            "share_of_category",
            Choice(CATEGORIES),
            doc="share_of_force: the category whose total the share is of (default: the force)",
        ),
        Key(
            "sectors",
            ListOf(_text("a sector name", NAME_PATTERN), 1),
            doc="the sectors a task along the line applies to (default: by its basis)",
        ),
        Key(
            "per_sector",
            ListOf(Section("task_sector"), 1),
            doc="the task's own figures in some sectors",
        ),
    ),
)

#: Keys of a task that only some bases take: the figures of :data:`BASIS_FIGURES`, ``of`` and
#: ``share_of_category``.
TASK_BASIS_KEYS = (
    "rate",
    "spacing_km",
    "crew",
    "count",
    "share",
    "ratio",
    "of",
    "share_of_category",
)
#: Keys of :data:`TASK_BASIS_KEYS` a task of a basis may give but need not.
BASIS_OPTIONAL_KEYS: dict[Basis, tuple[str, ...]] = {
    Basis.SHARE_OF_FORCE: ("share_of_category",),
}


def basis_keys(basis: Basis) -> tuple[str, ...]:
    """The keys of :data:`TASK_BASIS_KEYS` a task of ``basis`` needs."""
    return BASIS_FIGURES[basis] + (("of",) if basis in (Basis.SHARE_OF, Basis.RATIO_OF) else ())


def basis_allowed(basis: Basis) -> tuple[str, ...]:
    """The keys of :data:`TASK_BASIS_KEYS` a task of ``basis`` may give; it may give no others."""
    return basis_keys(basis) + BASIS_OPTIONAL_KEYS.get(basis, ())


SUSTAINMENT = Spec(
    "sustainment",
    "Either rotation_multiplier, or tour_months and dwell_months; by_category for categories "
    "with their own rule.",
    (
        Key("rotation_multiplier", FigureOf("rotation_multiplier")),
        Key("tour_months", FigureOf("tour_months")),
        Key("dwell_months", FigureOf("dwell_months")),
        Key(
            "by_category",
            Section("sustainment_by_category"),
            doc="categories with their own rotation rule (method tasks); the rule above is the "
            "default",
        ),
    ),
)

#: Keys of a rotation rule, default or a category's own (the forms of SUSTAINMENT_FORMS).
ROTATION_KEYS = ("rotation_multiplier", "tour_months", "dwell_months")
SUSTAINMENT_BY_CATEGORY = Spec(
    "sustainment_by_category",
    "Each named category's own rotation rule.",
    tuple(Key(c, Section("category_sustainment"), doc=f"rotation of {c}") for c in CATEGORIES),
)
CATEGORY_SUSTAINMENT = Spec(
    "category_sustainment",
    "A category's rotation rule: either rotation_multiplier, or tour_months and dwell_months.",
    tuple(k for k in SUSTAINMENT.keys if k.name in ROTATION_KEYS),
)

_COVERS = Key("covers", ListOf(Choice(CATEGORIES), 1), doc="categories it may fill (default all)")

FORCE_GENERATION = Spec(
    "force_generation",
    "What contributors offer: pledges and/or a personnel pool.",
    (
        Key("pledge_basis", Choice(PLEDGE_BASES), doc="what pledges are compared with"),
        Key("pledges", ListOf(Section("pledge"), 1)),
        Key("pool", Section("pool")),
    ),
)

PLEDGE = Spec(
    "pledge",
    "A contributor's offer of personnel (0 for a refusal).",
    (
        Key("contributor", Text(), True, "the contributing nation, once each"),
        Key("personnel", FigureOf("personnel"), True),
        Key("status", Choice(PLEDGE_STATUSES)),
        _COVERS,
        Key(
            "delivery_probability",
            FigureOf("delivery_probability"),
            doc="probability that the pledge is delivered in full, drawn per sample (default 1)",
        ),
        _NOTE,
    ),
)

POOL = Spec(
    "pool",
    "A personnel pool: personnel × deployable_share × sustainable_share stay deployed.",
    (
        Key("personnel", FigureOf("personnel"), True),
        Key("deployable_share", FigureOf("deployable_share"), True),
        Key("sustainable_share", FigureOf("sustainable_share"), True),
        _COVERS,
    ),
)

CLAIM = Spec(
    "claim",
    "A source's claim about a result, checked by forcecalc check.",
    (
        Key("metric", Text(), True, "a result: deployed, committed, tasks.<name> ..."),
        Key("statistic", Choice(STATISTICS), doc="default p50"),
        Key("approx", Number()),
        Key(
            "tolerance",
            Number(Domain(0.0, 1.0, lower_open=True, upper_open=True)),
            doc="relative tolerance of approx, e.g. 0.15",
        ),
        Key("at_most", Number()),
        Key("at_least", Number()),
        Key("source", SourceRef()),
        Key("assumption", Text(), doc="why the claim is assumed"),
        _NOTE,
    ),
)
#: Numeric keys of a claim and those that bound it.
CLAIM_NUMBERS = ("approx", "tolerance", "at_most", "at_least")
CLAIM_BOUNDS = ("approx", "at_most", "at_least")

FIGURE = Spec(
    "figure",
    "A number with its uncertainty and its source or assumption.",
    (
        Key("value", Number(), doc="a point, taken as exact"),
        Key("low", Number(), doc="low end: of a 90% interval, or of a distribution"),
        Key("mode", Number(), doc="most likely value (PERT, triangular)"),
        Key("high", Number(), doc="high end: of a 90% interval, or of a distribution"),
        Key("dist", Choice(tuple(DIST_PARAMS)), doc="a named distribution"),
        Key("mean", Number(), doc="mean of a normal"),
        Key("sd", Number(), doc="standard deviation of a normal"),
        Key("median", Number(), doc="median of a lognormal"),
        Key("sigma", Number(), doc="sd of log X of a lognormal"),
        Key("source", SourceRef(), doc="register id <document>#<figure>, or a citation"),
        Key("assumption", Text(), doc="the reason for a figure nobody published"),
        Key("unit", Text(), doc="must equal the unit the key implies"),
        _NOTE,
    ),
)

CITATION = Spec(
    "citation",
    "A citation of a published source.",
    (
        Key("title", Text(), True),
        Key("publisher", Text()),
        Key("author", Text()),
        Key("date", Text()),
        Key("url", Text()),
        Key("quote", Text(), doc="the words that state the figure"),
        Key("document", DocumentRef(), doc="a register document whose text holds the quote"),
    ),
)

# --------------------------------------------------------------------------------------------
# The source register (``seeds/*.yaml``)

REGISTER_DOCUMENT = Spec(
    "register_document",
    "A document of the source register.",
    (
        Key("id", Text(), True),
        Key("file", Text(), True),
        Key("language", Text(), True),
        Key("outlet", Text(nullable=True), True),
        Key("date", Text(nullable=True), True),
        Key("summary", Text(), True),
        Key("figures", ListOf(Section("register_figure")), True),
        Key("outlet_note", Text()),
    ),
)

REGISTER_FIGURE = Spec(
    "register_figure",
    "A figure a register document states, with the words that state it.",
    (
        Key("id", Text(), True),
        Key("value", Number(), True),
        Key("unit", Text(), True),
        Key("quote", Text(), True),
        Key("gloss", Text(), True),
        Key("as_written", Text()),
    ),
)

#: Every mapping of the format, by name.
SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        SCENARIO,
        ENSEMBLE,
        ENSEMBLE_RULE,
        GEOMETRY,
        SECTOR,
        TASK_SECTOR,
        TASK,
        SUSTAINMENT,
        SUSTAINMENT_BY_CATEGORY,
        CATEGORY_SUSTAINMENT,
        FORCE_GENERATION,
        PLEDGE,
        POOL,
        CLAIM,
        FIGURE,
        CITATION,
        REGISTER_DOCUMENT,
        REGISTER_FIGURE,
        CORRELATION,
        *TIMELINE_SPECS,
    )
}
