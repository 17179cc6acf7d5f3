"""The case picker (``core.pickers``): a chain links two cases among the hundreds an outbreak
reports, so a form names one by typing the person's name or the case's number.

Two cases of one 陈明 — a reinfection, or two people of one name — are told apart by the number,
the classification, the day of report and the grid. The label shows the person's name as this
role may see it (``core.personal_data``) and never an identity number or a phone: a case is
looked up by those only through the blind search.
"""

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core import personal_data as pd
from pingji.core.pickers import Source, join, register
from pingji.people.models import Person
from pingji.people.pickers import TOWNSHIP_DIGITS, jurisdictions_of, township_names

from .models import Case

#: A case number typed is at most this many digits; a longer run of digits is no case's number.
MAX_NUMBER_DIGITS = 12


def case_labels(user, cases: list[Case]) -> list[str]:
    """Number · name · classification · report day · grid · township (· voided), in three
    queries whatever the number of cases (the search joins the first two already)."""
    prefetch_related_objects(cases, Prefetch("person", queryset=Person.objects.only("name")))
    jurisdictions_of(cases)
    towns = township_names(c.jurisdiction_id for c in cases)
    return [
        join(
            [
                str(c),
                pd.present(user, pd.Kind.NAME, c.person.name),
                c.get_classification_display(),
                timezone.localdate(c.reported_at).isoformat(),
                c.jurisdiction.name,
                towns.get(c.jurisdiction_id[:TOWNSHIP_DIGITS], ""),
                _("voided") if c.voided_at is not None else "",
            ]
        )
        for c in cases
    ]


def _search(rows, q: str):
    """By the start of the person's name, or by the case's number ("12" or "#12"); the latest
    reports first, as a chain is usually traced back from the newest cases."""
    number = q.removeprefix("#").strip()
    found = Q(person__name__startswith=q)
    if number.isascii() and number.isdigit() and len(number) <= MAX_NUMBER_DIGITS:
        found |= Q(pk=int(number))
    return (
        rows.filter(found)
        .select_related("person", "jurisdiction")
        .only(
            "classification",
            "reported_at",
            "voided_at",
            "person__name",
            "jurisdiction__name",
            "jurisdiction__code",
        )
        .order_by("-reported_at", "-pk")
    )


CASES = register(
    Source(
        name="cases",
        rows=lambda user: Case.objects.restrict(user, "view"),
        search=_search,
        labels=case_labels,
        placeholder=gettext_lazy("Type a name or a case number…"),
    )
)
