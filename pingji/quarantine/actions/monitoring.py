"""Daily health checks and test results of people under placement.

A check-in is one row per placement and day (decision 0010); fever (37.3 °C and above, the 8th
edition's monitoring threshold) or a symptom raises an alert at once. A positive result reports
the case and opens its investigation in the recorder's name (decision 0011). Each step first
checks its input without touching a row, then decides under the placement's lock, then writes.
"""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import (
    FUTURE_SLACK,
    aware,
    conflict,
    error,
    in_future,
    local_date,
    record_on,
)
from pingji.core.duties import declare_duty, performing
from pingji.core.messages import message
from pingji.people.models import Person

from ..choices import RESULTS, CheckSource, EntryKind, PlacementStatus, Setting, Symptom, TestStatus
from ..contracts import CHECKED, POSITIVE, RESULT_RECORDED
from ..models import MonitoringCheck, Placement, ScheduledTest
from .followup import close_alerts, close_handover, raise_alert
from .placement import (
    _user,
    active_placement,
    entry,
    locked,
    refresh_next_test,
    require_active,
)

#: A body temperature outside this range is a typing error, not a measurement.
TEMPERATURE_RANGE = (decimal.Decimal("34.0"), decimal.Decimal("42.5"))


# --- daily checks ----------------------------------------------------------------------------


def do_record_check(
    placement: Placement,
    *,
    actor,
    temperature,
    symptoms=(),
    on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
    source: str = CheckSource.STAFF,
) -> MonitoringCheck:
    """Record one day's check-in (temperature and symptoms) — the grid worker's two taps.

    Fever (37.3 °C and above) or any symptom raises an alert to the community at once. The event
    is dated ``at``, when the check was taken, which a worker offline all morning types later.
    ``source`` says who recorded it: a person reporting through their own link
    (``actions.self_report``) acts with no account, so ``actor`` is None and the link is the
    authority.
    """
    at = aware(at) or clock.now()
    on = on or local_date(at)
    symptoms = list(dict.fromkeys(symptoms or ()))
    temperature = _checked_reading(temperature, symptoms, on, at)
    with transaction.atomic():
        placement = locked(placement, actor)
        require_active(placement)
        start = local_date(placement.placed_at)
        if not start <= on <= placement.planned_end_on:
            raise error(
                "on",
                _("%(day)s is outside the placement (%(start)s to %(end)s).")
                % {"day": on, "start": start, "end": placement.planned_end_on},
            )
        if MonitoringCheck.objects.filter(placement=placement, on=on).exists():
            raise error(
                "on", _("The check of %(day)s is already recorded.") % {"day": on}, "duplicate"
            )
        check = MonitoringCheck.objects.create(
            placement=placement,
            on=on,
            day=placement.day_of(on),
            temperature=temperature,
            symptoms=symptoms,
            note=(note or "").strip()[:300],
            recorded_at=at,
            recorded_by=_user(actor),
            source=source,
        )
        if actor is not None:
            ensure_allowed(actor, check, "add")
        _record_checked(placement, check, actor, at)
    return check


def _checked_reading(temperature, symptoms: list, on: datetime.date, at: datetime.datetime):
    """The temperature to one decimal, or every problem of the reading refused together.

    Checked before any row is locked, and all at once: a worker on a phone sees what is wrong
    with the temperature, the symptoms and the day in one answer. A check taken in the future is
    a wrong clock, and would date the event on a day that has not come.
    """
    errors: dict[str, str] = {}
    try:
        temperature = decimal.Decimal(str(temperature)).quantize(decimal.Decimal("0.1"))
        if not TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]:
            errors["temperature"] = _("A temperature between %(low)s and %(high)s °C.") % {
                "low": TEMPERATURE_RANGE[0],
                "high": TEMPERATURE_RANGE[1],
            }
    except (decimal.InvalidOperation, ValueError, TypeError):
        errors["temperature"] = _("Give the temperature in °C, e.g. 36.6.")
    unknown = [s for s in symptoms if s not in Symptom.values]
    if unknown:
        errors["symptoms"] = _("Unknown symptoms: %(s)s.") % {"s": ", ".join(map(str, unknown))}
    if on > local_date(clock.now() + FUTURE_SLACK):
        errors["on"] = _("The day is in the future.")
    if in_future(at):
        errors["at"] = _("The time is in the future.")
    if errors:
        raise ValidationError({f: ValidationError(m) for f, m in errors.items()})
    return temperature


def _record_checked(placement: Placement, check: MonitoringCheck, actor, at) -> None:
    """What a recorded check sets off: the day's last check, alerts closed or raised, the event.

    A check closes the alert its absence raised; fever or a symptom raises one of its own.
    """
    on = check.on
    if placement.last_check_on is None or on > placement.last_check_on:
        Placement.objects.filter(pk=placement.pk).update(last_check_on=on)
    close_alerts(placement, actor, _("Check-in of %(day)s recorded.") % {"day": on})
    if check.abnormal:
        raise_alert(check, actor, _("fever or symptoms reported on %(day)s") % {"day": on}, at)
    record_on(
        placement,
        CHECKED,
        message(
            gettext_noop("%(name)s: check of %(day)s, %(t)s °C"),
            {"name": placement.person.name, "day": on, "t": check.temperature},
        ),
        actor=actor,
        at=at,
        payload={
            "on": on.isoformat(),
            "temperature": str(check.temperature),
            "symptoms": check.symptoms,
            "abnormal": check.abnormal,
            "source": check.source,
        },
    )


# --- test results ----------------------------------------------------------------------------

#: Recording a positive result obliges reporting the case and opening its investigation, whoever
#: holds the result (decision 0011).
REPORT_POSITIVE = declare_duty(
    "quarantine.report_positive",
    {
        "cases.add_case",
        "cases.view_case",
        "tracing.add_investigation",
        "tracing.view_investigation",
    },
    "a positive found in quarantine is reported by whoever records it",
)


def find_test(placement: Placement, on: datetime.date) -> ScheduledTest:
    """The pending test due that day, else the oldest pending one due before it (a late sample),
    else an extra, unscheduled test."""
    pending = placement.tests.filter(status=TestStatus.PENDING)
    found = (
        pending.filter(due_on=on).first()
        or pending.filter(due_on__lt=on).order_by("due_on").first()
    )
    if found is not None:
        return found
    setting = placement.setting
    home_day = placement.home_day_of(on) if setting == Setting.HOME else None
    return ScheduledTest(
        placement=placement,
        day=placement.day_of(on),
        home_day=home_day,
        setting=setting,
        due_on=on,
        scheduled=False,
    )


def do_record_result(
    *,
    actor,
    result: str,
    sampled_at: datetime.datetime | None,
    person: Person | None = None,
    placement: Placement | None = None,
    test: ScheduledTest | None = None,
    classification: str = "asymptomatic",
    severity: str = "",
    onset_date: datetime.date | None = None,
    at: datetime.datetime | None = None,
    note: str = "",
) -> ScheduledTest:
    """Record a test result of a person under placement (by test, placement or person).

    A positive result reports the case (channel: centralised or home quarantine) through
    ``cases.actions.reports.do_report_case``, opens its investigation and ends the placement;
    pending tests are cancelled. A person not under placement, a sample before the placement or
    in the future, and a second result for the same test are refused with nothing written.
    """
    at = aware(at) or clock.now()
    sampled_at = _checked_sample(result, aware(sampled_at), at)
    placement = _placement_of(actor, person=person, placement=placement, test=test)
    with transaction.atomic():
        placement = locked(placement, actor, "change")
        require_active(placement)
        test = _test_for(placement, test, sampled_at)
        _write_result(
            test, placement, actor, result=result, sampled_at=sampled_at, at=at, note=note
        )
        if result == TestStatus.POSITIVE:
            _found_positive(
                placement,
                test,
                actor,
                at=at,
                sampled_at=sampled_at,
                classification=classification,
                severity=severity,
                onset_date=onset_date,
            )
    return test


def _checked_sample(
    result: str, sampled_at: datetime.datetime | None, at: datetime.datetime
) -> datetime.datetime:
    """The sampling time, refused when the result is not one, or the time is missing or ahead.

    A result recorded in the future is a wrong clock; a sample taken after its result was
    recorded is a typing error.
    """
    if result not in RESULTS:
        raise error("result", _("Choose negative or positive."))
    if sampled_at is None:
        raise error("sampled_at", _("Give the time the sample was taken."), "required")
    if in_future(at):
        raise error("at", _("The time is in the future."))
    if sampled_at > at + FUTURE_SLACK:
        raise error("sampled_at", _("The sampling time is in the future."))
    return sampled_at


def _placement_of(actor, *, person, placement, test) -> Placement:
    """The placement the result belongs to: the test's, the one given, or the person's active one.

    Named by person (a laboratory's list knows identity numbers, not placements), the person must
    be visible to the actor and under placement now.
    """
    if test is not None:
        placement = test.placement
    if placement is not None:
        return placement
    if person is None:
        raise error("person", _("Say whose result it is."), "required")
    ensure_allowed(actor, person, "view")
    found = active_placement(person)
    if found is None:
        raise error(
            "person",
            _("%(name)s is not under placement.") % {"name": person.name},
            "not_placed",
        )
    return found


def _test_for(
    placement: Placement, test: ScheduledTest | None, sampled_at: datetime.datetime
) -> ScheduledTest:
    """The test a sample answers, decided under the placement's lock.

    A sample from before the placement belongs to no test of it (12 hours' slack for a person
    sampled at the door); a test named by the caller must still await its result, so a result is
    never recorded twice.
    """
    if sampled_at < placement.placed_at - datetime.timedelta(hours=12) or local_date(
        sampled_at
    ) < local_date(placement.placed_at):
        raise error(
            "sampled_at",
            _("The sample (%(day)s) was taken before the placement (%(start)s).")
            % {"day": local_date(sampled_at), "start": local_date(placement.placed_at)},
            "before_placement",
        )
    if test is None:
        return find_test(placement, local_date(sampled_at))
    if test.status != TestStatus.PENDING:
        raise conflict(
            "result",
            _("The result of this test is already recorded (%(r)s).")
            % {"r": test.get_status_display()},
            "duplicate",
        )
    return test


def _write_result(
    test: ScheduledTest, placement: Placement, actor, *, result, sampled_at, at, note
) -> None:
    """Store the result on its test and record it, dated by its sample.

    The event's time is the sampling time: a test result is a fact about the sample, and the
    bulletins date a test by when it was taken, whenever the laboratory answered.
    """
    test.status, test.sampled_at, test.recorded_at = result, sampled_at, at
    test.recorded_by, test.note = _user(actor), (note or "").strip()[:300]
    test.save()
    ensure_allowed(actor, test, "view")
    refresh_next_test(placement)
    close_alerts(test, actor, _("Result recorded."))
    record_on(
        placement,
        RESULT_RECORDED,
        message(
            gettext_noop("%(name)s: test of day %(day)s %(result)s"),
            {
                "name": placement.person.name,
                "day": test.day,
                "result": TestStatus(test.status).label,
            },
        ),
        actor=actor,
        at=sampled_at,
        payload={
            "test": test.pk,
            "day": test.day,
            "result": result,
            "sampled_at": sampled_at.isoformat(),
        },
    )


def _found_positive(
    placement: Placement,
    test: ScheduledTest,
    actor,
    *,
    at: datetime.datetime,
    sampled_at: datetime.datetime,
    classification: str,
    severity: str,
    onset_date: datetime.date | None,
) -> None:
    """A positive in quarantine: the case reported and investigated, the placement ended.

    The report and the investigation are the recorder's duty whatever their role otherwise allows
    (decision 0011); the placement ends at ``at``, the time the case is reported, so the person is
    counted in quarantine up to the moment they are counted as a case and not after.
    """
    from pingji.cases.actions.reports import case_name, do_report_case
    from pingji.cases.choices import Channel
    from pingji.tracing.actions.investigations import do_open_investigation

    channel = (
        Channel.CENTRALISED_QUARANTINE
        if placement.setting == Setting.CENTRALISED
        else Channel.HOME_QUARANTINE
    )
    with performing(REPORT_POSITIVE):
        case = do_report_case(
            actor=actor,
            person=placement.person,
            classification=classification,
            severity=severity,
            onset_date=onset_date,
            sampled_at=sampled_at,
            reported_at=at,
            channel=channel,
            notes=_("Found in %(placement)s (day %(day)s).")
            % {"placement": placement, "day": test.day},
        )
        do_open_investigation(case, actor=actor)
    placement.tests.filter(status=TestStatus.PENDING).update(status=TestStatus.CANCELLED)
    placement.status, placement.ended_at, placement.case = (
        PlacementStatus.POSITIVE,
        at,
        case,
    )
    placement.next_test_on = None
    placement.save(update_fields=["status", "ended_at", "case", "next_test_on"])
    close_alerts(placement, actor, _("Tested positive."))
    close_handover(placement, actor, _("Tested positive: reported as %(case)s.") % {"case": case})
    entry(placement, EntryKind.POSITIVE, actor, at=at, payload={"case": case.pk})
    record_on(
        placement,
        POSITIVE,
        message(
            gettext_noop("%(name)s tested positive: %(case)s"),
            {"name": placement.person.name, "case": case_name(case)},
        ),
        actor=actor,
        at=at,
        payload={"case": case.pk, "channel": channel},
    )
