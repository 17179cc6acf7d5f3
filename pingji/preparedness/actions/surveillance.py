"""Surveillance's writes: daily reports (form, API, upload), the early-warning alerts raised on
them and what follows (a switch into emergency mode, or a dismissal), and the registers of sites
and rules.

A report batch is all or nothing: every row is checked first (a date, not in the future, a whole
count, each day once, not already reported) and the days must run without a gap — from the day
after the site's last report, or within the batch for a site's first reports — because a missing
day would read as a zero and hide a rise: missing days get a clear error. What counts as a breach
is read by ``early_warning``; the alerts and their tasks are written here.
"""

import datetime
import io
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import Conflict
from pingji.core.events import record_event
from pingji.core.importing import csv_records, redact, text_of
from pingji.core.messages import Message, message
from pingji.geo.models import Jurisdiction
from pingji.protocols.diseases import signal_diseases
from pingji.protocols.models import Disease
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task

from ..choices import AlertStatus, ReportSource, Signal, WarningMethod
from ..contracts import (
    ALERT_DISMISSED,
    ALERT_RAISED,
    ALERT_SWITCHED,
    REPORTED,
    RULE_SAVED,
    SITE_SAVED,
)
from ..early_warning import active_rules, breaches
from ..models import Alert, SurveillanceReport, SurveillanceSite, WarningRule

ALERT_KIND = "preparedness.alert"
MAX_ROWS = 5000
#: A count above this is a typing slip (and would not fit the column).
MAX_COUNT = 10**9
#: 5,000 short rows are some 150 KB.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def parse_day(value) -> datetime.date | None:
    """A date, or ISO text of one; None for anything else (the caller names the row)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def check_rows(site: SurveillanceSite, rows: list) -> tuple[list[tuple[datetime.date, int]], list]:
    """Clean ``[(day, value), …]`` of one site; every problem is returned, each naming its row."""
    errors, clean, seen = [], [], set()
    today = clock.today()
    for n, (day, value) in enumerate(rows, start=1):
        d = parse_day(day)
        if d is None:
            errors.append(
                _("row %(n)s: %(value)r is not a date (YYYY-MM-DD)")
                % {"n": n, "value": redact(day)}
            )
            continue
        if d > today:
            errors.append(_("row %(n)s: %(day)s is in the future") % {"n": n, "day": d})
        if d in seen:
            errors.append(_("row %(n)s: %(day)s is given twice") % {"n": n, "day": d})
        seen.add(d)
        try:
            text = str(value).strip()
            if len(text) > len(str(MAX_COUNT)):  # also spares int() a megabyte of digits
                raise ValueError
            count = int(text)
            if count < 0 or count > MAX_COUNT or text != str(count):
                raise ValueError
        except ValueError:
            errors.append(
                _("row %(n)s: the count %(value)r is not a whole number of zero or more")
                % {"n": n, "value": redact(value)}
            )
            continue
        clean.append((d, count))
    if not clean or errors:
        return clean, errors or [_("No rows were given.")]
    days = sorted(d for d, _v in clean)
    taken = set(
        SurveillanceReport.objects.filter(site=site, day__in=days).values_list("day", flat=True)
    )
    for d in sorted(taken):
        errors.append(_("%(day)s is already reported for %(site)s") % {"day": d, "site": site})
    last = (
        SurveillanceReport.objects.filter(site=site, day__lt=days[0])
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    start = last + datetime.timedelta(days=1) if last else days[0]
    expected = {start + datetime.timedelta(days=i) for i in range((days[-1] - start).days + 1)}
    missing = sorted(expected - set(days))
    if missing:
        errors.append(
            _("%(site)s: days missing, report them too: %(days)s")
            % {"site": site, "days": ", ".join(str(d) for d in missing[:31])}
        )
    return clean, errors


def do_record_reports(
    site: SurveillanceSite, rows: list, *, source: str = ReportSource.FORM, actor
) -> list[SurveillanceReport]:
    """Record a site's daily counts; any bad row refuses the whole batch."""
    if not SurveillanceSite.objects.restrict(actor, "view").filter(pk=site.pk).exists():
        raise PermissionDenied(_("This site is outside your area."))
    if not actor.has_perm("preparedness.add_surveillancereport"):
        raise PermissionDenied(_("Your role does not record surveillance reports."))
    clean, errors = check_rows(site, rows)
    if errors:
        raise ValidationError({"rows": errors})
    with transaction.atomic():
        made = SurveillanceReport.objects.bulk_create(
            SurveillanceReport(
                jurisdiction_id=site.jurisdiction_id, site=site, day=d, value=v, source=source
            )
            for d, v in clean
        )
        record_event(
            REPORTED,
            message(gettext_noop("%(site)s reported %(n)s day(s)"), {"site": site, "n": len(made)}),
            jurisdiction_code=site.jurisdiction_id,
            subject=site,
            payload={"days": [str(d) for d, _v in clean], "source": source},
        )
    return made


def do_upload_reports(source, *, actor) -> int:
    """Record a CSV of ``site,day,count`` rows (many sites, an optional ``disease`` column that
    must match each site's signal); one error anywhere saves nothing.

    ``source``: the CSV text, or the uploaded file, read row by row (never whole into memory).
    """
    if isinstance(source, str):
        return _upload_rows(io.StringIO(source), actor)
    try:
        with text_of(source) as text:
            return _upload_rows(text, actor)
    except UnicodeDecodeError as exc:  # from the header line, before ``csv_rows`` reads a row
        raise ValidationError({"file": _("Upload a UTF-8 CSV file.")}) from exc


def _disease_problem(
    n: int, named: str, site: SurveillanceSite, diseases: dict, watched: dict
) -> str | None:
    """A row's optional ``disease`` must be known here and be the disease whose pack watches the
    site's signal (decision 0041): a dengue count filed under an influenza site is refused."""
    if named not in diseases:
        return _("line %(n)s: %(disease)r is not a disease known here") % {
            "n": n,
            "disease": redact(named),
        }
    if diseases[named] != watched.get(site.signal):
        return _("line %(n)s: %(site)s reports %(signal)s, not a signal of %(disease)s") % {
            "n": n,
            "site": site,
            "signal": site.get_signal_display(),
            "disease": named,
        }
    return None


def _upload_rows(text, actor) -> int:
    diseases = {
        key: code
        for code, name in Disease.objects.values_list("code", "name")
        for key in (code, name)
    }
    watched = signal_diseases()
    visible = SurveillanceSite.objects.restrict(actor, "view")
    by_site: dict[int, list] = defaultdict(list)
    errors = []
    for n, row in csv_records(text, ("site", "day", "count"), MAX_ROWS):
        key = (row.get("site") or "").strip()
        site = visible.filter(pk=int(key)).first() if key.isascii() and key.isdigit() else None
        if site is None:
            errors.append(
                _("line %(n)s: no site %(site)r in your area") % {"n": n, "site": redact(key)}
            )
            continue
        named = (row.get("disease") or "").strip()
        problem = _disease_problem(n, named, site, diseases, watched) if named else None
        if problem:
            errors.append(problem)
            continue
        by_site[int(key)].append((row.get("day") or "", row.get("count") or ""))
    sites = visible.in_bulk(list(by_site))
    for pk, site_rows in by_site.items():
        errors += [f"{sites[pk]}: {e}" for e in check_rows(sites[pk], site_rows)[1]]
    if errors:
        raise ValidationError({"file": errors})
    if not by_site:
        raise ValidationError({"file": _("The file has no rows.")})
    with transaction.atomic():
        total = sum(
            len(do_record_reports(sites[pk], site_rows, source=ReportSource.UPLOAD, actor=actor))
            for pk, site_rows in by_site.items()
        )
    return total


def do_evaluate_warnings(day: datetime.date, *, actor, code: str = "") -> list[Alert]:
    """Apply each county's early-warning rules to ``day``; raise an alert and a task per breach.

    Baseline = mean of the same weekday in the last ``baseline_weeks`` weeks (days with no report
    are not counted as zero: a county without baseline data gets no alert, it has no baseline).
    The breaches are read first (``early_warning.breaches``); each then raises its alert, unless
    one is already open for that county and rule.
    """
    code = code or (getattr(actor, "jurisdiction_id", "") or "")
    alerts = []
    for breach in breaches(day, code, active_rules(code)):
        alert = _raise(breach.county, breach.rule, day, breach.value, breach.baseline, actor)
        if alert is not None:
            alerts.append(alert)
    return alerts


def _raise(county: str, rule: WarningRule, day, value: int, baseline: float, actor) -> Alert | None:
    # one open warning per county and rule: a rise lasting days is one piece of work, not many
    if (
        Alert.objects.filter(jurisdiction_id=county, rule=rule)
        .filter(models.Q(day=day) | models.Q(status=AlertStatus.OPEN))
        .exists()
    ):
        return None
    owner = Jurisdiction.objects.get(code=county)
    with transaction.atomic():
        alert = Alert.objects.create(
            jurisdiction=owner, rule=rule, day=day, value=value, baseline=round(baseline, 2)
        )
        at = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(9))
        )
        warning = message(
            gettext_noop(
                "Early warning: %(signal)s in %(county)s, %(value)s against a baseline of "
                "%(baseline).1f"
            )
            if rule.method == WarningMethod.LIMITS
            else gettext_noop(
                "Early warning: %(signal)s in %(county)s, %(value)s over the upper bound of "
                "%(baseline).1f"
            ),
            {
                "signal": Signal(rule.signal).label,
                "county": owner.name,
                "value": value,
                "baseline": baseline,
            },
        )
        alert.task = do_issue_rule_task(
            alert,
            actor=actor,
            owner=owner,
            kind=ALERT_KIND,
            title=str(warning),
            deadline=at + datetime.timedelta(hours=24),
            description=_(
                "Verify the rise, and switch the county into emergency mode if it is an outbreak."
            ),
        )
        alert.save(update_fields=["task"])
        record_event(
            ALERT_RAISED,
            warning,
            jurisdiction_code=county,
            subject=alert,
            payload={
                "signal": rule.signal,
                "value": value,
                "baseline": round(baseline, 2),
                "day": str(day),
            },
        )
    return alert


def do_switch_on_alert(alert: Alert, *, actor, level: str, reason: str, effective_at=None) -> Alert:
    """The trigger's follow-through: switch the alert's county into emergency mode (平急转换).

    The alert's event is dated, like the switch's, when the mode takes effect (``effective_at``,
    default now).
    """
    from pingji.command.actions.modes import do_switch_mode

    ensure_allowed(actor, alert, "change")
    if alert.status != AlertStatus.OPEN:
        raise Conflict({"status": _("This warning is already closed.")})
    with transaction.atomic():
        alert.mode_switch = do_switch_mode(
            alert.jurisdiction,
            mode="emergency",
            level=level,
            reason=reason,
            actor=actor,
            effective_at=effective_at,
        )
        alert.status = AlertStatus.SWITCHED
        alert.save(update_fields=["mode_switch", "status"])
        do_close_rule_tasks(alert, actor=actor, note=_("Switched to emergency mode."))
        record_event(
            ALERT_SWITCHED,
            message(gettext_noop("%(alert)s: emergency mode"), {"alert": alert_name(alert)}),
            jurisdiction_code=alert.jurisdiction_id,
            subject=alert,
            payload={"mode_switch": alert.mode_switch.pk, "level": level},
            at=alert.mode_switch.effective_at,
        )
    return alert


def do_dismiss_alert(alert: Alert, *, actor, note: str) -> Alert:
    """Close a warning that was not an outbreak, saying why; its task closes with the same note."""
    ensure_allowed(actor, alert, "change")
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the warning is dismissed.")})
    if alert.status != AlertStatus.OPEN:
        raise Conflict({"status": _("This warning is already closed.")})
    with transaction.atomic():
        alert.status, alert.note = AlertStatus.DISMISSED, note.strip()[:300]
        alert.save(update_fields=["status", "note"])
        do_close_rule_tasks(alert, actor=actor, note=alert.note)
        record_event(
            ALERT_DISMISSED,
            message(gettext_noop("%(alert)s dismissed"), {"alert": alert_name(alert)}),
            jurisdiction_code=alert.jurisdiction_id,
            subject=alert,
            payload={"note": alert.note},
        )
    return alert


def do_save_site(data: dict, *, actor, instance: SurveillanceSite | None = None):
    """Create or edit a surveillance site (a plain register, saved as resources saves its own)."""
    from pingji.resources.actions.registers import save_row

    return save_row(SurveillanceSite, instance, data, actor, SITE_SAVED)


def do_save_rule(data: dict, *, actor, instance: WarningRule | None = None):
    """Create or edit an early-warning rule's thresholds (the county or city owning it)."""
    from pingji.resources.actions.registers import save_row

    return save_row(WarningRule, instance, data, actor, RULE_SAVED, named=_rule_name)


def alert_name(alert: Alert) -> Message:
    """``Alert.__str__``'s words, the signal translated for each reader of the alert's events."""
    return message(
        gettext_noop("%(jurisdiction)s %(signal)s %(day)s"),
        {
            "jurisdiction": alert.jurisdiction.name,
            "signal": Signal(alert.rule.signal).label,
            "day": alert.day,
        },
    )


def _rule_name(rule: WarningRule) -> Message:
    """``WarningRule.__str__``'s words, the signal translated when read."""
    return message(
        gettext_noop("%(jurisdiction)s %(signal)s × %(ratio)s"),
        {
            "jurisdiction": rule.jurisdiction_id,
            "signal": Signal(rule.signal).label,
            "ratio": rule.ratio,
        },
    )
