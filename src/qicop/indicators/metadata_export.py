"""What a metadata export holds beyond what was asked for: everything its objects need to be imported
elsewhere, so that a bundle is self-contained (``GET /api/metadata`` writes it)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qicop.indicators.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
)

DEPENDENT = (DataElement, CategoryCombo, Category, CategoryOptionCombo, CategoryOption)


def complete_bundle(chosen: dict[type, QuerySet | None]) -> dict[type, QuerySet | None]:
    """Per metadata model, the rows of a self-contained bundle, given the rows asked for (None where a type
    was not asked for; the rows already scoped to what the reader sees, see ``metadata_selectors``).

    Added: the data elements of the data sets; the category combinations of the data elements, of the data
    sets (their attribute combination) and of the option combinations; the categories and option
    combinations of those combinations; the category options of those categories and option combinations.
    All are shared objects, which every reader who may read the rows asked for may read too."""

    def ids(rows: QuerySet | None):
        return rows.values("pk") if rows is not None else DataElement.objects.none().values("pk")

    def union(model, rows: QuerySet | None, *extra: Q | None) -> QuerySet | None:
        condition = Q()
        for part in extra:
            if part is not None:
                condition |= part
        if rows is None and not condition:
            return None
        if rows is not None:
            condition |= Q(pk__in=ids(rows))
        return model.objects.filter(condition).distinct().order_by("name", "pk")

    def given(rows, make):
        return make(rows) if rows is not None else None

    data_sets = chosen.get(DataSet)
    elements = union(
        DataElement, chosen.get(DataElement), given(data_sets, lambda r: Q(data_sets__in=ids(r)))
    )
    cocs_chosen = chosen.get(CategoryOptionCombo)
    combos = union(
        CategoryCombo,
        chosen.get(CategoryCombo),
        given(elements, lambda r: Q(data_elements__in=ids(r))),
        given(data_sets, lambda r: Q(pk__in=r.values("category_combo"))),
        given(cocs_chosen, lambda r: Q(option_combos__in=ids(r))),
    )
    categories = union(Category, chosen.get(Category), given(combos, lambda r: Q(category_combos__in=ids(r))))
    cocs = union(CategoryOptionCombo, cocs_chosen, given(combos, lambda r: Q(category_combo__in=ids(r))))
    options = union(
        CategoryOption,
        chosen.get(CategoryOption),
        given(categories, lambda r: Q(categories__in=ids(r))),
        given(cocs, lambda r: Q(option_combos__in=ids(r))),
    )
    return chosen | {
        DataElement: elements,
        CategoryCombo: combos,
        Category: categories,
        CategoryOptionCombo: cocs,
        CategoryOption: options,
    }
