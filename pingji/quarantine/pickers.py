"""The room picker (``core.pickers``): a site's rooms in the order people count them.

Typing "2" finds rooms 2, 20, 201… and sites whose name holds a 2; room 2 comes before room 10
(``core.ordering.natural_key``). The room picker follows the site chosen beside it (``site``),
so a form that names the site offers that site's rooms only.
"""

from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core.ordering import natural_key
from pingji.core.pickers import Source, digits_param, join, register

from .models import Room


def room_labels(user, rooms: list[Room]) -> list[str]:
    return [
        join(
            [
                r.number,
                r.site.name,
                _("%(n)d beds") % {"n": r.beds} if r.beds > 1 else "",
                _("out of service") if r.out_of_service else "",
            ]
        )
        for r in rooms
    ]


def _search(rows, q: str):
    """Rooms whose number starts with ``q`` or whose site's name holds it; shorter numbers first,
    so the database's page already holds the naturally first rooms (2 before 10)."""
    return (
        rows.filter(Q(number__startswith=q) | Q(site__name__icontains=q))
        .select_related("site")
        .order_by("site__name", "site_id", Length("number"), "number")
    )


def _arrange(rooms: list[Room]) -> list[Room]:
    return sorted(rooms, key=lambda r: (r.site.name, r.site_id, natural_key(r.number)))


ROOMS = register(
    Source(
        name="rooms",
        rows=lambda user: Room.objects.restrict(user, "view"),
        search=_search,
        labels=room_labels,
        arrange=_arrange,
        params={"site": digits_param("site", "site_id")},
        placeholder=gettext_lazy("Type a room number…"),
    )
)
