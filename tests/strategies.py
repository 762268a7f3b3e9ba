"""Hypothesis strategies: valid scenarios and figure values, built with ``@st.composite``."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from hypothesis import strategies as st

from forcecalc.core import glossary
from forcecalc.core.distributions import (
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
)
from forcecalc.core.scenario import (
    BASIS_FIGURES,
    CATEGORIES,
    SHARE_BASES,
    Basis,
    Domain,
    Figure,
    ForceGeneration,
    Geometry,
    Pledge,
    Scenario,
    Task,
)
from forcecalc.core.sources import Assumption
from forcecalc.core.sustainment import category_prefix, delivery_draw_figure

ASSUMED = Assumption("generated for a property test")


def _bounds(domain: Domain, cap: float) -> tuple[float, float]:
    lower = domain.lower + (1e-3 if domain.lower_open else 0.0)
    upper = min(domain.upper, cap) - (1e-3 if domain.upper_open else 0.0)
    return lower, upper


def in_domain(domain: Domain, cap: float = 5_000.0) -> st.SearchStrategy[float]:
    """Finite floats inside ``domain`` (and below ``cap``), rounded to keep YAML exact."""
    lower, upper = _bounds(domain, cap)
    return st.floats(lower, upper, allow_nan=False, allow_infinity=False).map(
        lambda x: min(max(round(x, 6), lower), upper)
    )


@st.composite
def distributions(draw: st.DrawFn, domain: Domain, cap: float = 5_000.0):
    """A point or uncertain specification whose parameters lie in ``domain``."""
    kind = draw(
        st.sampled_from(
            ["point", "interval", "pert", "uniform", "triangular", "normal", "lognormal"]
        )
    )
    x = in_domain(domain, cap)
    if kind == "point":
        return Point(draw(x))
    if kind in ("normal", "lognormal"):
        centre = draw(x)
        if kind == "lognormal":
            centre = max(centre, 1e-3)
            return LogNormal(centre, draw(st.floats(0.01, 1.0).map(lambda s: round(s, 4))))
        return Normal(centre, draw(st.floats(0.01, 100.0).map(lambda s: round(s, 4))))
    a, b = draw(x), draw(x)
    low, high = min(a, b), max(a, b)
    if high - low < 1e-3:
        return Point(low)
    if kind == "interval":
        return Interval90(low, high)
    if kind == "uniform":
        return Uniform(low, high)
    mode = draw(st.floats(low, high).map(lambda m: min(max(round(m, 6), low), high)))
    return Pert(low, mode, high) if kind == "pert" else Triangular(low, mode, high)


def _figure(draw: st.DrawFn, path: str, term: glossary.Term, cap: float = 5_000.0) -> Figure:
    return Figure(
        path=path,
        unit=term.unit,
        dist=draw(distributions(term.domain, cap)),
        source=ASSUMED,
        domain=term.domain,
    )


@st.composite
def scenarios(draw: st.DrawFn, max_tasks: int = 6) -> Scenario:
    """A valid scenario: direct tasks of every basis, then share_of tasks over earlier ones."""
    figures: dict[str, Figure] = {}

    def add(path: str, term: glossary.Term, cap: float = 5_000.0) -> None:
        figures[path] = _figure(draw, path, term, cap)

    has_border = draw(st.booleans())
    add("geometry.front_length_km", glossary.FIGURES["front_length_km"])
    add("geometry.buffer_width_km", glossary.FIGURES["buffer_width_km"], 100.0)
    if has_border:
        add("geometry.border_length_km", glossary.FIGURES["border_length_km"])
    direct = [
        b for b in Basis if b not in SHARE_BASES and (has_border or b is not Basis.PER_KM_BORDER)
    ]
    n = draw(st.integers(1, max_tasks))
    tasks: list[Task] = []
    for i in range(n):
        share = i > 0 and draw(st.booleans())
        # at most one share of the whole force (or of a category), named by no share or ratio,
        # so that the combined share (at most 0.3) stays below 1
        wholes = [b for b in SHARE_BASES if b is not Basis.SHARE_OF_FORCE or i == n - 1]
        basis = draw(st.sampled_from(wholes)) if share else draw(st.sampled_from(direct))
        of, of_category = (), None
        if basis in (Basis.SHARE_OF, Basis.RATIO_OF):
            of = tuple(
                draw(
                    st.lists(
                        st.sampled_from([t.name for t in tasks]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            )
        elif basis is Basis.SHARE_OF_FORCE:
            of_category = draw(st.sampled_from([None, *sorted({t.category for t in tasks})]))
        task = Task(
            name=f"task_{i}",
            category=draw(st.sampled_from(CATEGORIES)),
            basis=basis,
            of=of,
            reducible=draw(st.booleans()),
            of_category=of_category,
        )
        cap = {Basis.RATIO_OF: 5.0, Basis.SHARE_OF_FORCE: 0.3}.get(basis, 200.0)
        for key in BASIS_FIGURES[basis]:
            term = glossary.RATE_UNITS[basis] if key == "rate" else glossary.FIGURES[key]
            add(task.figure_path(key), term, cap)
        tasks.append(task)
    if any(t.reducible for t in tasks):
        add("technology_offset", glossary.FIGURES["technology_offset"])
    if draw(st.booleans()):
        sustainment = "rotation_multiplier"
        add("sustainment.rotation_multiplier", glossary.FIGURES["rotation_multiplier"], 10.0)
    else:
        sustainment = "tour_and_dwell"
        add("sustainment.tour_months", glossary.FIGURES["tour_months"], 24.0)
        add("sustainment.dwell_months", glossary.FIGURES["dwell_months"], 48.0)
    force_generation = None
    if draw(st.booleans()):
        pledges = tuple(Pledge(contributor=f"Nation {i}") for i in range(draw(st.integers(1, 3))))
        for p in pledges:
            add(p.figure_path, glossary.FIGURES["personnel"], 50_000.0)
        has_pool = draw(st.booleans())
        if has_pool:
            for key in ("personnel", "deployable_share", "sustainable_share"):
                add(f"force_generation.pool.{key}", glossary.FIGURES[key], 2e6)
        basis = draw(st.sampled_from(["deployed", "committed"]))
        force_generation = ForceGeneration(pledges=pledges, has_pool=has_pool, pledge_basis=basis)
    return Scenario(
        name="generated",
        description="a generated scenario",
        tasks=tuple(tasks),
        figures=figures,
        geometry=Geometry(has_border=has_border),
        sustainment=sustainment,
        force_generation=force_generation,
    )


@st.composite
def point_values(draw: st.DrawFn, scenario: Scenario) -> dict[str, float]:
    """A value inside its domain for every figure of ``scenario``."""
    out = {}
    for path, figure in scenario.figures.items():
        cap = 100.0 if "share" in path or "offset" in path else 5_000.0
        if math.isinf(figure.domain.upper) and path.endswith("rotation_multiplier"):
            cap = 10.0
        out[path] = draw(in_domain(figure.domain, cap))
    return out


#: Most posts a property test asks for: a post every metre on the Earth's circumference.
MAX_POSTS = 40_075_000


@st.composite
def post_lines(draw: st.DrawFn) -> tuple[float, int]:
    """``(spacing_km, k)``: a spacing and a whole number of posts whose line fits the limits.

    The spacing is any float from a metre to 500 km (not only round ones: 0.7 and 2.3 km are
    where ``ceil(front / spacing)`` used to count one post too many), and ``spacing * k`` is at
    most the 40,075 km a length may be.
    """
    spacing = draw(st.floats(1e-3, 500.0, allow_nan=False, allow_infinity=False))
    k = draw(st.integers(1, max(1, min(MAX_POSTS, math.floor(40_075 / spacing)))))
    return spacing, k


@st.composite
def sustained_scenarios(draw: st.DrawFn, max_tasks: int = 6) -> Scenario:
    """A valid scenario of :func:`scenarios` with some categories' own rotation rules, and
    pledges and a pool that may name the categories they cover and carry a delivery
    probability (:mod:`forcecalc.core.sustainment`)."""
    scenario = draw(scenarios(max_tasks))
    figures = dict(scenario.figures)
    categories = sorted({t.category for t in scenario.tasks})
    own = draw(st.lists(st.sampled_from(categories), unique=True, max_size=len(categories)))
    rules = []
    for c in own:
        prefix = category_prefix(c)
        if draw(st.booleans()):
            rules.append((c, "rotation_multiplier"))
            term = glossary.FIGURES["rotation_multiplier"]
            path = prefix + "rotation_multiplier"
            figures[path] = _figure(draw, path, term, 10.0)
        else:
            rules.append((c, "tour_and_dwell"))
            for key, cap in (("tour_months", 24.0), ("dwell_months", 48.0)):
                figures[prefix + key] = _figure(draw, prefix + key, glossary.FIGURES[key], cap)
    fg = scenario.force_generation
    if fg is not None:
        covers = st.lists(st.sampled_from(categories), unique=True, max_size=len(categories))
        pledges = []
        for p in fg.pledges:
            p = replace(p, covers=tuple(draw(covers)), reliability=draw(st.booleans()))
            if p.reliability:
                term = glossary.FIGURES["delivery_probability"]
                figures[p.probability_path] = _figure(draw, p.probability_path, term, 1.0)
                figures[p.draw_path] = delivery_draw_figure(p)
            pledges.append(p)
        pool_covers = tuple(draw(covers)) if fg.has_pool else ()
        fg = replace(fg, pledges=tuple(pledges), pool_covers=pool_covers)
    return replace(
        scenario, figures=figures, category_sustainment=tuple(rules), force_generation=fg
    )


def _scale(dist: object) -> float:
    """A typical size of a distribution's values: its value, median or the middle of its range."""
    params = [float(v) for v in vars(dist).values()]
    return float(sorted(params)[len(params) // 2]) or 1.0


@st.composite
def figure_edits(draw: st.DrawFn, scenario: Scenario, paths: list[str], max_edits: int = 3):
    """Edits of some of ``paths``, figures of ``scenario``: each a new point or 90% range near
    the figure's values (0.5 to 1.5 times them), rounded and kept inside its domain."""
    chosen = draw(st.lists(st.sampled_from(paths), min_size=1, max_size=max_edits, unique=True))
    edits: dict[str, Point | Interval90] = {}
    for path in chosen:
        figure = scenario.figures[path]
        scale = _scale(figure.dist)
        lower, upper = _bounds(figure.domain, math.inf)
        factor = draw(st.floats(0.5, 1.5, allow_nan=False))
        low = min(max(round(scale * factor, 4), lower), upper)
        if draw(st.booleans()) or low >= upper:
            edits[path] = Point(low)
        else:
            high = min(round(low * draw(st.floats(1.05, 2.0)) + 1e-3, 4), upper)
            edits[path] = Interval90(low, high) if high > low else Point(low)
    return edits


#: Values whose order is hard to get right bit for bit: ties, both zeros, both infinities.
AWKWARD_VALUES = (0.0, -0.0, 1.0, -1.0, 2.5, 1e300, -1e300, math.inf, -math.inf)


@st.composite
def sample_rows(draw: st.DrawFn, max_n: int = 2000, max_rows: int = 3, nan: bool = True):
    """``(G, n)`` float rows for percentiles: random and awkward values mixed (ties, -0.0,
    infinities), some rows with NaN when ``nan``; n from 1 to ``max_n``."""
    g = draw(st.integers(1, max_rows))
    n = draw(st.integers(1, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    pool = np.array(AWKWARD_VALUES + (math.nan,) * nan)
    kind = draw(st.sampled_from(("normal", "few", "awkward", "mixed")))
    if kind == "normal":
        rows = rng.normal(size=(g, n))
    elif kind == "few":
        rows = rng.integers(-2, 3, size=(g, n)).astype(float)
    elif kind == "awkward":
        rows = rng.choice(pool[:-1] if nan else pool, size=(g, n))
    else:
        awkward = rng.choice(pool, size=(g, n))
        rows = np.where(rng.random((g, n)) < 0.1, awkward, rng.normal(size=(g, n)))
    return rows


percentile_lists = st.lists(
    st.one_of(st.sampled_from((0.0, 5.0, 50.0, 95.0, 100.0)), st.floats(0.0, 100.0)),
    min_size=1,
    max_size=6,
)
