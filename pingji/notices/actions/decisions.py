"""What each decision issues, supersedes or revokes (decision 0043 points 2 and 5).

Called by ``handlers`` with the decision's event, inside the decision's transaction: a notice
exists exactly when its decision does. Each function reads the decision's rows as they stand in
that transaction, builds the drafts (``documents``) and hands them to ``issuing``; a reversal
marks the earlier notices revoked or superseded with the event that reversed them.
"""

from django.db.models import Q

from pingji.core import personal_data as pd
from pingji.core.actions import local_date
from pingji.core.models import DomainEvent
from pingji.people.models import Household

from .. import documents
from ..choices import HOUSEHOLD_LEVELS, NoticeKind
from .issuing import Draft, issue, of_source, of_subject, revoke, supersede

K = NoticeKind


def households_of(area):
    """The households living in an area's extent: in its places (a compound with its buildings)
    or below its jurisdictions, in a stable order (grid, address) so numbers follow the door
    rounds."""
    where = Q(pk__in=[])
    places = list(area.places.values_list("pk", flat=True))
    if places:
        where |= Q(place_id__in=places) | Q(place__parent_id__in=places)
    for code in area.jurisdictions.values_list("code", flat=True):
        where |= Q(jurisdiction__code__within=code)
    return Household.objects.filter(where).order_by("jurisdiction_id", "address", "id")


def area_published(transition, event: DomainEvent) -> None:
    """Designated or raised to 封控/管控 (high/medium): a notice to every household, superseding
    the household's notice of the earlier level; stepped down below them: the notices revoked;
    lifted: one announcement that supersedes every household notice of the area."""
    area = transition.area
    issuer = documents.issuer_for(transition.jurisdiction_id)
    level = documents.LEVEL_NAMES.get(transition.to_level, transition.to_level)
    if transition.to_level in HOUSEHOLD_LEVELS:
        drafts = [
            Draft(
                f"household:{h.pk}",
                h.address,
                h.jurisdiction_id,
                documents.public(documents.sealing(K.SEALING, issuer, area, transition, h), "住户"),
                {"household_id": h.pk},
            )
            for h in households_of(area).iterator(chunk_size=2000)
        ]
        issued = issue(K.SEALING, issuer=issuer, source=transition, subject=area, drafts=drafts)
        earlier = of_subject(area, K.SEALING).exclude(source_id=str(transition.pk))
        supersede(earlier, issued, reason=f"{area.name}调整为{level}", event=event)
    elif transition.to_level:
        reason = f"{area.name}降为{level}，不再实行封控（管控）措施"
        revoke(of_subject(area, K.SEALING), reason=reason, event=event)
    else:
        draft = Draft(
            f"area:{area.pk}",
            area.name,
            area.jurisdiction_id,
            documents.public(documents.lifting(K.LIFTING, issuer, area, transition), area.name),
        )
        issued = issue(K.LIFTING, issuer=issuer, source=transition, subject=area, drafts=[draft])
        announcement = issued[draft.recipient_key]
        supersede(of_subject(area, K.SEALING), announcement, reason=f"{area.name}解封", event=event)


def released(placement, release_row, event: DomainEvent) -> None:
    """The release certificate, and the home-monitoring notice when home days are left."""
    person = placement.person
    site = release_row.site.name if release_row.site_id else "集中隔离场所"
    key, label = f"person:{person.pk}", documents.person_facts(person, local_date(event.time))
    issuer = documents.issuer_for(release_row.jurisdiction_id)
    certificate = documents.release(K.RELEASE, issuer, placement, release_row, site)
    certificate = documents.public(certificate, pd.mask_name(person.name))
    draft = Draft(key, label["name"], release_row.jurisdiction_id, certificate, _person(person))
    issue(K.RELEASE, issuer=issuer, source=release_row, subject=placement, drafts=[draft])
    if not placement.home_days or placement.planned_end_on <= local_date(release_row.decided_at):
        return
    home_issuer = documents.issuer_for(placement.home_id)
    notice = documents.home_monitoring(
        K.HOME_MONITORING,
        home_issuer,
        placement,
        release_row,
        _home_address(placement, person),
        _home_test_days(placement),
    )
    notice = documents.public(notice, pd.mask_name(person.name))
    draft = Draft(key, label["name"], placement.home_id, notice, _person(person))
    issue(
        K.HOME_MONITORING, issuer=home_issuer, source=release_row, subject=placement, drafts=[draft]
    )


def _person(person) -> dict:
    return {"person_id": person.pk}


def _home_address(placement, person) -> str:
    address = placement.address or (person.household.address if person.household_id else "")
    return pd.present(None, pd.Kind.ADDRESS, address) or placement.home.name


def _home_test_days(placement) -> list:
    """The days of the tests the regime schedules at home (not those already cancelled)."""
    from pingji.quarantine.choices import Setting, TestStatus

    tests = placement.tests.filter(setting=Setting.HOME).exclude(status=TestStatus.CANCELLED)
    return list(tests.values_list("due_on", flat=True))


def dispatched(dispatch, event: DomainEvent) -> None:
    """The letter to the receiving county (协查函), signed by the sender's county."""
    issuer = documents.issuer_for(dispatch.sender_id)
    person, reported = dispatch.person, dispatch.reported
    masked = (reported or person).id_number_masked if (reported or person) else ""
    id_number = pd.present(None, pd.Kind.ID_NUMBER, masked) or ""
    name = pd.present(None, pd.Kind.NAME, dispatch.shown_name) or ""
    content = documents.dispatch_letter(K.DISPATCH, issuer, dispatch, name, id_number)
    to = dispatch.to_region_name or dispatch.to_region
    content = documents.public(content, f"{to}疫情防控指挥部")
    draft = Draft(
        f"region:{dispatch.to_region}",
        f"{to}疫情防控指挥部",
        dispatch.sender_id,
        content,
        {
            **(_person(person) if person is not None else {}),
            "addressee_id": dispatch.jurisdiction_id,
        },
    )
    issue(K.DISPATCH, issuer=issuer, source=dispatch, subject=dispatch, drafts=[draft])


def dispatch_reversed(dispatch, event: DomainEvent, why: str) -> None:
    """A dispatch returned by the receiving county, or its person taken back: the letter is
    revoked (the county is not asked to control the person any more)."""
    revoke(of_source(dispatch, K.DISPATCH), reason=why, event=event)


def resumed(establishment, application, event: DomainEvent) -> None:
    issuer = documents.issuer_for(establishment.jurisdiction_id)
    draft = Draft(
        f"establishment:{establishment.pk}",
        establishment.name,
        establishment.jurisdiction_id,
        documents.public(
            documents.approval(K.APPROVAL, issuer, establishment, application), establishment.name
        ),
        {"establishment_id": establishment.pk},
    )
    issue(K.APPROVAL, issuer=issuer, source=application, subject=establishment, drafts=[draft])


def paused(establishment, change, event: DomainEvent) -> None:
    """The pause notice, which supersedes the establishment's approval notice."""
    issuer = documents.issuer_for(establishment.jurisdiction_id)
    draft = Draft(
        f"establishment:{establishment.pk}",
        establishment.name,
        establishment.jurisdiction_id,
        documents.public(
            documents.pause(K.PAUSE, issuer, establishment, change), establishment.name
        ),
        {"establishment_id": establishment.pk},
    )
    issued = issue(K.PAUSE, issuer=issuer, source=change, subject=establishment, drafts=[draft])
    supersede(
        of_subject(establishment, K.APPROVAL),
        issued[draft.recipient_key],
        reason=f"{establishment.name}暂停生产经营",
        event=event,
    )
