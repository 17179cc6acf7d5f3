"""The person, household, place and jurisdiction pickers (``core.pickers``): type a name, tell
namesakes apart.

A person's label is what tells two 陈明 of one county apart without an identifier: sex, the birth
year for those who may see birth dates and the age for everyone else (decision 0031), and where
they live — the grid and its township. Names are matched from their first character, as a
type-ahead is typed, on the indexed prefix of the caller's area (``restrict``).

Places and jurisdictions are geo's rows but are declared here, beside the people who live in
them: geo sits below every app that would use a picker and declares none itself. A county has
thousands of grids, and many a 中心社区 or 东门一网格, so a jurisdiction's label names the levels
above it.
"""

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core import personal_data as pd
from pingji.core.pickers import Source, choices_param, join, register
from pingji.geo.choices import CODE_LENGTH, Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place

from .models import Household, Person

TOWNSHIP_DIGITS = CODE_LENGTH[Level.TOWNSHIP]


def township_names(codes) -> dict[str, str]:
    """Township code → name for the jurisdictions ``codes`` lie in, in one query."""
    wanted = {code[:TOWNSHIP_DIGITS] for code in codes if len(code) >= TOWNSHIP_DIGITS}
    return dict(Jurisdiction.objects.filter(code__in=wanted).values_list("code", "name"))


def jurisdictions_of(rows: list) -> None:
    """Load the jurisdiction each row's label names, in one query, without its boundary — unless
    the search joined it already (a label of a row chosen before, or of a suggestion)."""
    names = Jurisdiction.objects.only("code", "name")
    prefetch_related_objects(rows, Prefetch("jurisdiction", queryset=names))


def _born(user, person: Person) -> str:
    """The birth year to those who may see birth dates, else the age (decision 0031)."""
    shown = pd.present(user, pd.Kind.BIRTH_DATE, person.birth_date)
    if shown in (None, ""):
        return ""
    if isinstance(shown, int):
        return _("%(age)d y") % {"age": shown}
    return _("born %(year)d") % {"year": shown.year}


def person_labels(user, persons: list[Person]) -> list[str]:
    jurisdictions_of(persons)
    towns = township_names(p.jurisdiction_id for p in persons)
    return [
        join(
            [
                pd.present(user, pd.Kind.NAME, p.name),
                p.get_sex_display(),
                _born(user, p),
                p.jurisdiction.name,
                towns.get(p.jurisdiction_id[:TOWNSHIP_DIGITS], ""),
            ]
        )
        for p in persons
    ]


PERSONS = register(
    Source(
        name="persons",
        rows=lambda user: Person.objects.restrict(user, "view"),
        search=lambda rows, q: (
            rows.filter(name__startswith=q)
            .select_related("jurisdiction")
            .only("name", "sex", "birth_date", "jurisdiction__name", "jurisdiction__code")
            .order_by("name", "jurisdiction_id", "pk")
        ),
        labels=person_labels,
        placeholder=gettext_lazy("Type a name…"),
    )
)


def place_labels(user, places: list[Place]) -> list[str]:
    jurisdictions_of(places)
    towns = township_names(p.jurisdiction_id for p in places)
    return [
        join(
            [
                p.name,
                p.get_kind_display(),
                p.jurisdiction.name,
                towns.get(p.jurisdiction_id[:TOWNSHIP_DIGITS], ""),
            ]
        )
        for p in places
    ]


PLACES = register(
    Source(
        name="places",
        rows=lambda user: Place.objects.restrict(user, "view"),
        search=lambda rows, q: (
            rows.filter(name__icontains=q)
            .select_related("jurisdiction")
            .defer("jurisdiction__boundary")
            .order_by("name", "jurisdiction_id", "pk")
        ),
        labels=place_labels,
        # ``kind=venue,school``: only places of these kinds
        params={
            "kind": choices_param("kind", PlaceKind.values, gettext_lazy("Unknown kind of place."))
        },
        placeholder=gettext_lazy("Type a place name…"),
    )
)


def household_labels(user, households: list[Household]) -> list[str]:
    jurisdictions_of(households)
    prefetch_related_objects(households, "place")
    towns = township_names(h.jurisdiction_id for h in households)
    return [
        join(
            [
                h.address,
                h.place.name,
                h.jurisdiction.name,
                towns.get(h.jurisdiction_id[:TOWNSHIP_DIGITS], ""),
            ]
        )
        for h in households
    ]


HOUSEHOLDS = register(
    Source(
        name="households",
        rows=lambda user: Household.objects.restrict(user, "view"),
        # an address is typed as written on the door ("3栋" or "502"), or the compound's name
        search=lambda rows, q: (
            rows.filter(Q(address__icontains=q) | Q(place__name__icontains=q))
            .select_related("place", "jurisdiction")
            .only("address", "place__name", "jurisdiction__name", "jurisdiction__code")
            .order_by("place__name", "address", "pk")
        ),
        labels=household_labels,
        placeholder=gettext_lazy("Type an address or a compound…"),
    )
)


def ancestor_names(codes) -> dict[str, str]:
    """Code → name of every jurisdiction above those ``codes`` name, in one query."""
    above = {code[:n] for code in codes for n in CODE_LENGTH.values() if n < len(code)}
    return dict(Jurisdiction.objects.filter(code__in=above).values_list("code", "name"))


def jurisdiction_labels(user, nodes: list[Jurisdiction]) -> list[str]:
    """Name, level and the three levels above, nearest first: 东门一网格 · grid · 东门社区 ·
    鲤城街道 · 仙游县."""
    names = ancestor_names(j.code for j in nodes)
    lengths = [n for n in reversed(CODE_LENGTH.values())]
    return [
        join(
            [
                j.name,
                j.get_level_display(),
                *[names.get(j.code[:n], "") for n in lengths if n < len(j.code)][:3],
            ]
        )
        for j in nodes
    ]


def _search_jurisdictions(rows, q: str):
    """By part of the name, or by the start of the code when digits are typed; the higher
    levels first, so typing 仙游 offers the county before its grids."""
    found = Q(name__icontains=q) | Q(code__startswith=q) if q.isdigit() else Q(name__icontains=q)
    return rows.filter(found).only("code", "name", "level").order_by(Length("code"), "name", "code")


JURISDICTIONS = register(
    Source(
        name="jurisdictions",
        rows=lambda user: Jurisdiction.objects.restrict(user, "view"),
        search=_search_jurisdictions,
        labels=jurisdiction_labels,
        # ``level=township,community``: only jurisdictions of these levels
        params={"level": choices_param("level", Level.values, gettext_lazy("Unknown level."))},
        placeholder=gettext_lazy("Type a jurisdiction's name…"),
    )
)
