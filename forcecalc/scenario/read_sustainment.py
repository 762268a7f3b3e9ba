"""Reading how the force is sustained and generated: the rotation (a multiplier, or tour and
dwell, by default and for each category with its own rule) and what contributors offer (pledges
and/or a personnel pool, each covering all categories or the ones it names).
"""

from __future__ import annotations

from collections.abc import Sequence

from yaml.nodes import Node

from forcecalc.core import glossary
from forcecalc.core.distributions import Point
from forcecalc.core.scenario import ForceGeneration, Pledge
from forcecalc.core.sustainment import category_prefix, delivery_draw_figure
from forcecalc.core.text import name_key
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import Reader

#: The categories of a scenario's tasks, in order; ``None`` for methods analog and ensemble.
Categories = Sequence[str] | None


def _no_categories(r: Reader, node: Node, path: str) -> None:
    """Refuse a key that names categories in a scenario that has none (analog, ensemble)."""
    r.fail(
        node,
        path,
        "categories in a scenario sized by a rule (method analog or ensemble has no categories)",
        "method tasks, or leave the key out",
    )


def _category(r: Reader, node: Node, path: str, name: str, categories: Sequence[str]) -> None:
    if name not in categories:
        r.fail(
            node,
            path,
            f"the category '{name}', which no task has",
            "a category of the scenario's tasks: " + ", ".join(categories),
        )


def _rotation_rule(figs: FigureReader, node: Node, path: str, spec: fmt.Spec) -> str:
    """A rotation rule's form (one of :data:`~forcecalc.scenario.format.SUSTAINMENT_FORMS`,
    with all its keys); its figures are read under ``path``."""
    r = figs.r
    keys = r.section(node, path, spec)
    forms = fmt.SUSTAINMENT_FORMS
    given = [name for name, form in forms.items() if any(k in keys for k in form)]
    if len(given) != 1:
        r.fail(
            node,
            path,
            "both forms" if given else "neither form",
            "either " + ", or ".join(" and ".join(form) for form in forms.values()),
        )
    form = forms[given[0]]
    if not all(k in keys for k in form):
        r.fail(node, path, "only one of " + " and ".join(form), "both")
    for key, (_, value) in keys.items():
        if key in fmt.ROTATION_KEYS:
            figs.figure(value, f"{path}.{key}", glossary.FIGURES[key])
    return given[0]


def read_sustainment(
    figs: FigureReader, node: Node, categories: Categories = None
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The default rotation rule's form and ``(category, form)`` of each category with its
    own (``by_category``); their figures are read.

    ``categories`` are the scenario's task categories (``None`` for methods analog and
    ensemble, which have none and so take no ``by_category``).
    """
    r = figs.r
    form = _rotation_rule(figs, node, "sustainment", fmt.SUSTAINMENT)
    keys = r.section(node, "sustainment", fmt.SUSTAINMENT)
    if "by_category" not in keys:
        return form, ()
    path = "sustainment.by_category"
    block = keys["by_category"][1]
    if categories is None:
        _no_categories(r, block, path)
    own = r.section(block, path, fmt.SUSTAINMENT_BY_CATEGORY)
    if not own:
        r.fail(block, path, "no category", "at least one category (or leave by_category out)")
    out = []
    for name, (key_node, value) in own.items():
        _category(r, key_node, f"{path}.{name}", name, categories)
        rule = _rotation_rule(figs, value, category_prefix(name)[:-1], fmt.CATEGORY_SUSTAINMENT)
        out.append((name, rule))
    return form, tuple(out)


def _covers(r: Reader, node: Node, path: str, categories: Categories) -> tuple[str, ...]:
    """The categories a pledge or the pool covers, each once and each one a task has."""
    if categories is None:
        _no_categories(r, node, path)
    items = r.nonempty(node, path, "a list of categories", "at least one category")
    out: list[str] = []
    for item in items:
        name = r.choice(item, path, fmt.CATEGORIES)
        if name in out:
            r.fail(item, path, f"the category '{name}' twice", "each category once")
        _category(r, item, path, name, categories)
        out.append(name)
    return tuple(out)


def read_force_generation(
    figs: FigureReader, node: Node, categories: Categories = None
) -> ForceGeneration:
    """What contributors offer: pledges (each contributor once) and/or a pool.

    ``categories`` are the scenario's task categories (``None`` for methods analog and
    ensemble, which take no ``covers``).
    """
    r = figs.r
    keys = r.section(node, "force_generation", fmt.FORCE_GENERATION)
    if "pledges" not in keys and "pool" not in keys:
        r.fail(node, "force_generation", "neither pledges nor pool", "pledges and/or pool")
    basis = "deployed"
    if "pledge_basis" in keys:
        basis = r.choice(keys["pledge_basis"][1], "force_generation.pledge_basis", fmt.PLEDGE_BASES)
    pledges: list[Pledge] = []
    if "pledges" in keys:
        items = r.nonempty(
            keys["pledges"][1],
            "force_generation.pledges",
            "a list",
            "at least one pledge (or leave pledges out)",
        )
        seen: dict[str, str] = {}  # name_key -> name: one for all, linear in the pledges
        for i, item in enumerate(items):
            pledges.append(_pledge(figs, item, i, seen, categories))
            seen.setdefault(name_key(pledges[-1].contributor), pledges[-1].contributor)
    pool_covers: tuple[str, ...] = ()
    if "pool" in keys:
        pool = r.section(keys["pool"][1], "force_generation.pool", fmt.POOL)
        for key, (_, value) in pool.items():
            if key == "covers":
                pool_covers = _covers(r, value, "force_generation.pool.covers", categories)
            else:
                figs.figure(value, f"force_generation.pool.{key}", glossary.FIGURES[key])
    return ForceGeneration(
        pledges=tuple(pledges), has_pool="pool" in keys, pledge_basis=basis, pool_covers=pool_covers
    )


def _pledge(
    figs: FigureReader, node: Node, i: int, seen: dict[str, str], categories: Categories
) -> Pledge:
    r = figs.r
    path = f"force_generation.pledges[{i}]"
    keys = r.section(node, path, fmt.PLEDGE)
    contributor = r.string(keys["contributor"][1], path + ".contributor")
    first = seen.get(name_key(contributor))
    if first is not None:
        got = f"the duplicate contributor '{contributor}'"
        if first != contributor:  # a look-alike: name both, escaped by repr
            got = (
                f"the contributor {contributor!r}, the same name as {first!r} (compared "
                "ignoring case, Unicode form, zero-width characters and surrounding spaces)"
            )
        r.fail(keys["contributor"][1], path + ".contributor", got, "each contributor once")
    path = f"force_generation.pledges.{contributor}"
    status = "pledged"
    if "status" in keys:
        status = r.choice(keys["status"][1], path + ".status", fmt.PLEDGE_STATUSES)
    figure = figs.figure(keys["personnel"][1], path + ".personnel", glossary.FIGURES["personnel"])
    if status == "refused" and figure.dist != Point(0.0):
        r.fail(
            keys["personnel"][1],
            path + ".personnel",
            figure.dist.describe(),
            "value: 0 for a contributor that refused",
        )
    covers = _covers(r, keys["covers"][1], path + ".covers", categories) if "covers" in keys else ()
    note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
    pledge = Pledge(contributor=contributor, status=status, note=note, covers=covers)
    if "delivery_probability" not in keys:
        return pledge
    value = keys["delivery_probability"][1]
    if status == "refused":
        r.fail(
            value,
            path + ".delivery_probability",
            "a delivery probability for a contributor that refused",
            "no delivery_probability (a refusal delivers nothing)",
        )
    term = glossary.FIGURES["delivery_probability"]
    figs.figure(value, pledge.probability_path, term)
    pledge = Pledge(contributor, status, note, covers, reliability=True)
    figs.figures[pledge.draw_path] = delivery_draw_figure(pledge)
    return pledge
