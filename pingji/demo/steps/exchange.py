"""The replay's direct reporting (网络直报): every case's report card filed within its time limit.

In September 2021 the hospitals filed each case's card in the national system within the two
hours class B managed as class A allows. The replay files each card as its county's
epidemiologist, through the card's own action, about an hour after diagnosis, at that moment, so
the filing work item closes on time and a view "as of" a day sees what was filed by then. The
population group comes from the person's age and the reporting unit is the county's hospital:
synthetic, like the residents.
"""

import datetime

from pingji.core import clock
from pingji.demo.accounts import demo_username
from pingji.demo.replay import Replay
from pingji.exchange.actions.cards import do_file_card
from pingji.exchange.choices import Occupation
from pingji.exchange.models import ReportCard
from pingji.people.models import Person
from pingji.users.choices import Role
from pingji.users.models import User

#: How long after diagnosis the replay files a card: within the two hours of the time limit.
FILED_AFTER = datetime.timedelta(minutes=55)


def load(replay: Replay) -> dict:
    cards = (
        ReportCard.objects.filter(filed_at__isnull=True, voided_at__isnull=True)
        .select_related("case__person", "case__jurisdiction")
        .order_by("diagnosed_at", "pk")
    )
    filers: dict[str, User | None] = {}
    filed = 0
    for card in cards:
        at = card.diagnosed_at + FILED_AFTER
        county = card.case.jurisdiction_id[:6]
        if county not in filers:
            name = demo_username(county, Role.EPIDEMIOLOGIST)
            filers[county] = (
                User.objects.filter(username=name).select_related("jurisdiction").first()
            )
        filer = filers[county]
        if filer is None or not replay.happened(at):
            continue  # a drill's sandbox has no demo account; a card after the now is not filed
        hospital = f"{getattr(filer.jurisdiction, 'name', county)}医院"
        with clock.pinned(at):
            do_file_card(
                card,
                actor=filer,
                card_number=f"{county}{card.pk:08d}",
                filed_at=at,
                occupation=card.occupation or _group(card.case.person, at.date()),
                reporting_unit=card.reporting_unit or hospital,
            )
        filed += 1
    return {"cards_filed": filed}


def _group(person: Person, on: datetime.date) -> str:
    """The card's population group a person of this age most likely belongs to."""
    age = None if person.birth_date is None else (on - person.birth_date).days // 365
    if age is None:
        return Occupation.UNKNOWN
    if age < 3:
        return Occupation.CHILD_AT_HOME
    if age < 7:
        return Occupation.KINDERGARTEN_CHILD
    if age < 19:
        return Occupation.STUDENT
    if age >= 60:
        return Occupation.RETIRED
    return Occupation.WORKER
