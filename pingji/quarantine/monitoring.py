"""Daily health checks and test results of people under placement.

A check-in is one row per placement and day (decision 0010); fever (37.3 °C and above, the 8th
edition's monitoring threshold) or a symptom raises an alert at once. A positive result reports
the case and opens its investigation in the recorder's name (decision 0011).
"""

import copy
import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.people.models import Person

from .actions import (
    FUTURE_SLACK,
    _user,
    active_placement,
    aware,
    entry,
    error,
    event,
    local_date,
    locked,
    refresh_next_test,
    require_active,
)
from .choices import RESULTS, EntryKind, PlacementStatus, Setting, Symptom, TestStatus
from .followup import close_alerts, close_handover, raise_alert
from .models import MonitoringCheck, Placement, ScheduledTest

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
) -> MonitoringCheck:
    """Record one day's check-in (temperature and symptoms) — the grid worker's two taps.

    Fever (37.3 °C and above) or any symptom raises an alert to the community at once.
    """
    at = aware(at) or timezone.now()
    on = on or local_date(at)
    symptoms = list(dict.fromkeys(symptoms or ()))
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
    if on > local_date(timezone.now() + FUTURE_SLACK):
        errors["on"] = _("The day is in the future.")
    if errors:
        raise ValidationError({f: ValidationError(m) for f, m in errors.items()})
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
        )
        ensure_allowed(actor, check, "add")
        if placement.last_check_on is None or on > placement.last_check_on:
            Placement.objects.filter(pk=placement.pk).update(last_check_on=on)
        close_alerts(placement, actor, _("Check-in of %(day)s recorded.") % {"day": on})
        if check.abnormal:
            raise_alert(check, actor, _("fever or symptoms reported on %(day)s") % {"day": on}, at)
        event(
            "checked",
            _("%(name)s: check of %(day)s, %(t)s °C")
            % {"name": placement.person.name, "day": on, "t": temperature},
            placement,
            actor,
            on=on.isoformat(),
            temperature=str(temperature),
            symptoms=symptoms,
            abnormal=check.abnormal,
        )
    return check


# --- test results ----------------------------------------------------------------------------

#: What recording a positive result needs to report the case and open its investigation.
REPORT_PERMS = frozenset(
    {"cases.add_case", "cases.view_case", "tracing.add_investigation", "tracing.view_investigation"}
)


#: What releasing into another county needs to push the person there (contract C1).
DISPATCH_PERMS = frozenset({"tracing.add_dispatch", "tracing.view_dispatch"})


def with_duty(actor, perms: frozenset[str] = REPORT_PERMS):
    """The actor, allowed the other domain's step a quarantine step obliges (decision 0011).

    Reporting a positive found in quarantine is the duty of whoever holds the result (the site's
    medical staff, the grid's team), and pushing a released person to their home county the duty
    of whoever releases them; their roles otherwise cannot report cases or dispatch. The copy of
    the user grants exactly ``perms`` for this one call; everything is still scoped to the user's
    jurisdiction and written under their name.
    """
    if all(actor.has_perm(p) for p in perms):
        return actor
    proxy = copy.copy(actor)
    own = actor.has_perm
    proxy.has_perm = lambda perm, obj=None: perm in perms or own(perm, obj)
    return proxy


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
    ``cases.actions.do_report_case``, opens its investigation and ends the placement; pending
    tests are cancelled. A person not under placement, a sample before the placement or in the
    future, and a second result for the same test are refused with nothing written.
    """
    from pingji.cases.actions import do_report_case
    from pingji.cases.choices import Channel
    from pingji.tracing.actions import do_open_investigation

    at = aware(at) or timezone.now()
    sampled_at = aware(sampled_at)
    if result not in RESULTS:
        raise error("result", _("Choose negative or positive."))
    if sampled_at is None:
        raise error("sampled_at", _("Give the time the sample was taken."), "required")
    if sampled_at > at + FUTURE_SLACK:
        raise error("sampled_at", _("The sampling time is in the future."))
    if test is not None:
        placement = test.placement
    if placement is None:
        if person is None:
            raise error("person", _("Say whose result it is."), "required")
        ensure_allowed(actor, person, "view")
        placement = active_placement(person)
        if placement is None:
            raise error(
                "person",
                _("%(name)s is not under placement.") % {"name": person.name},
                "not_placed",
            )
    with transaction.atomic():
        placement = locked(placement, actor, "change")
        require_active(placement)
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
            test = find_test(placement, local_date(sampled_at))
        elif test.status != TestStatus.PENDING:
            raise error(
                "result",
                _("The result of this test is already recorded (%(r)s).")
                % {"r": test.get_status_display()},
                "duplicate",
            )
        test.status, test.sampled_at, test.recorded_at = result, sampled_at, at
        test.recorded_by, test.note = _user(actor), (note or "").strip()[:300]
        test.save()
        ensure_allowed(actor, test, "view")
        refresh_next_test(placement)
        close_alerts(test, actor, _("Result recorded."))
        event(
            "result_recorded",
            _("%(name)s: test of day %(day)s %(result)s")
            % {"name": placement.person.name, "day": test.day, "result": test.get_status_display()},
            placement,
            actor,
            test=test.pk,
            day=test.day,
            result=result,
            sampled_at=sampled_at.isoformat(),
        )
        if result == TestStatus.POSITIVE:
            channel = (
                Channel.CENTRALISED_QUARANTINE
                if placement.setting == Setting.CENTRALISED
                else Channel.HOME_QUARANTINE
            )
            reporter = with_duty(actor, REPORT_PERMS)
            case = do_report_case(
                actor=reporter,
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
            do_open_investigation(case, actor=reporter)
            placement.tests.filter(status=TestStatus.PENDING).update(status=TestStatus.CANCELLED)
            placement.status, placement.ended_at, placement.case = (
                PlacementStatus.POSITIVE,
                at,
                case,
            )
            placement.next_test_on = None
            placement.save(update_fields=["status", "ended_at", "case", "next_test_on"])
            close_alerts(placement, actor, _("Tested positive."))
            close_handover(
                placement, actor, _("Tested positive: reported as %(case)s.") % {"case": case}
            )
            entry(placement, EntryKind.POSITIVE, actor, at=at, payload={"case": case.pk})
            event(
                "positive",
                _("%(name)s tested positive: %(case)s")
                % {"name": placement.person.name, "case": case},
                placement,
                actor,
                case=case.pk,
                channel=channel,
            )
    return test
