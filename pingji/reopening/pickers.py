"""The establishment picker (``core.pickers``): a city registers tens of thousands of shops,
schools and enterprises, so a form names one by typing part of its name.

Two 华联超市 of one county are told apart by their address, grid and township. The unified social
credit code is the register's own identifier, not a person's, so typing its start finds the
establishment too.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from pingji.core.pickers import Source, choices_param, join, register
from pingji.people.pickers import TOWNSHIP_DIGITS, jurisdictions_of, township_names

from .choices import Kind
from .models import Establishment


def establishment_labels(user, establishments: list[Establishment]) -> list[str]:
    jurisdictions_of(establishments)
    towns = township_names(e.jurisdiction_id for e in establishments)
    return [
        join(
            [
                e.name,
                e.get_kind_display(),
                e.address,
                e.jurisdiction.name,
                towns.get(e.jurisdiction_id[:TOWNSHIP_DIGITS], ""),
            ]
        )
        for e in establishments
    ]


def _search(rows, q: str):
    """By part of the name, or by the start of the credit code (upper case, as printed)."""
    return (
        rows.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
        .select_related("jurisdiction")
        .only("name", "kind", "address", "jurisdiction__name", "jurisdiction__code")
        .order_by("name", "jurisdiction_id", "pk")
    )


ESTABLISHMENTS = register(
    Source(
        name="establishments",
        rows=lambda user: Establishment.objects.restrict(user, "view"),
        search=_search,
        labels=establishment_labels,
        # ``kind=school,kindergarten``: only establishments of these kinds
        params={
            "kind": choices_param(
                "kind", Kind.values, gettext_lazy("Unknown kind of establishment.")
            )
        },
        placeholder=gettext_lazy("Type an establishment's name…"),
    )
)
