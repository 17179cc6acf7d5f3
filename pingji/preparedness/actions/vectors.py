"""Vector surveillance's writes: a grid's larval survey (form, API, upload) and the
mosquito-control task it issues or closes.

Every input is checked before anything is written, and every problem names its field (and its
line, in an upload): a grid of the actor's area, a day not in the future and not surveyed yet,
whole counts, some houses inspected, no more positive houses than inspected. An upload is all or
nothing. What a survey reads — index, level, response — comes from the dengue rule pack in force
(``preparedness.vectors``); at or above the pack's target the grid's county gets one control task
(one open a grid: a grid that stays high is one piece of work), and a later survey below the
target closes it. Without a pack in force the survey is still recorded, read without a level.
"""

import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.events import record_event
from pingji.core.importing import MAX_REPORTED, csv_records, redact, text_of
from pingji.core.messages import message
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.drills import county_code
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task
from pingji.tasks.choices import OPEN_STATUSES
from pingji.tasks.models import Task

from ..choices import ReportSource
from ..contracts import VECTOR_SURVEYED
from ..models import VectorSurvey
from ..vectors import Reading, read, rule_in_force
from .surveillance import MAX_ROWS, parse_day

VECTOR_KIND = "preparedness.vector-control"
PERMISSION = "preparedness.add_vectorsurvey"
COUNTS = ("houses_inspected", "houses_positive", "containers_positive")
COLUMNS = ("grid", "day", *COUNTS)
#: A grid holds a few hundred households: a count above this is a typing slip.
MAX_COUNT = 100_000
#: Days the county has for the control a level asks for, from 09:00 the day after the survey: the
#: 2014 vector guideline repeats control and survey every 2 to 3 days until the index is under
#: target. The platform's default, not a pack figure: the vector section states none.
CONTROL_DAYS = 3


@dataclass(frozen=True)
class Recorded:
    """What a survey came to: its reading (None without a rule), the grid's open control task
    (issued now when ``issued``) and how many earlier tasks it closed."""

    survey: VectorSurvey
    reading: Reading | None
    task: Task | None
    issued: bool
    closed: int

    def get_absolute_url(self) -> str:
        return f"{reverse('preparedness:vector_list')}?on={self.survey.day:%Y-%m-%d}"

    @property
    def answer(self) -> str:
        r, day = self.reading, self.survey.day
        if r is None:
            return _(
                "Survey recorded. No dengue vector rules are in force for this grid on %(day)s, "
                "so no level is read and no task is issued."
            ) % {"day": day}
        said = [
            _("%(index)s %(value).1f: %(level)s (target: below %(target)s).")
            % {
                "index": r.index_label,
                "value": r.value,
                "level": r.level_name or _("below every level"),
                "target": r.target_below,
            }
        ]
        if self.issued and self.task is not None:
            owner = self.task.jurisdiction.name
            said.append(_("Mosquito-control task issued to %(owner)s.") % {"owner": owner})
        elif self.task is not None:
            said.append(_("The grid's mosquito-control task stays open."))
        if self.closed:
            said.append(_("%(n)s mosquito-control task(s) closed.") % {"n": self.closed})
        return " ".join(said)


def _whole(value) -> int | None:
    """A whole number from 0 to ``MAX_COUNT`` (an int, or its digits as text), else None."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_COUNT)):
        return None
    count = int(text)
    return count if count <= MAX_COUNT else None


def _grid(value, actor, grids: dict) -> Jurisdiction | str:
    """The grid named by ``value`` (a Jurisdiction or a code) in the actor's area, or why not.

    Another area's grid and one that does not exist get the same answer. ``grids`` caches the
    look-ups of one upload.
    """
    code = value.code if isinstance(value, Jurisdiction) else str(value or "").strip()
    if not code:
        return _("Give the grid.")
    if code not in grids:
        visible = Jurisdiction.objects.restrict(actor, "view")
        fits = len(code) <= CODE_LENGTH[Level.GRID]
        grids[code] = visible.filter(code=code).first() if fits else None
    found = grids[code]
    if found is None:
        return _("No grid %(code)r in your area.") % {"code": redact(code)}
    if found.level != Level.GRID:
        return _("%(name)s is a %(level)s: give a grid.") % {
            "name": found.name,
            "level": found.get_level_display(),
        }
    return found


def check_survey(grid, day, counts: dict, actor, grids: dict | None = None):
    """(clean values, {field: problem}) of one survey; nothing is written."""
    errors: dict[str, str] = {}
    found = _grid(grid, actor, {} if grids is None else grids)
    if isinstance(found, str):
        errors["grid"] = found
    d = parse_day(day)
    if d is None:
        errors["day"] = _("%(value)r is not a date (YYYY-MM-DD).") % {"value": redact(day or "")}
    elif d > clock.today():
        errors["day"] = _("%(day)s is in the future.") % {"day": d}
    clean: dict = {"grid": found, "day": d}
    for field in COUNTS:
        count = _whole(counts.get(field))
        if count is None:
            errors[field] = _("%(value)r is not a whole number from 0 to %(max)s.") % {
                "value": redact(counts.get(field) if counts.get(field) is not None else ""),
                "max": MAX_COUNT,
            }
        clean[field] = count
    inspected, houses, containers = (clean[f] for f in COUNTS)
    if inspected == 0:
        errors["houses_inspected"] = _("Inspect at least one house: the indices are per house.")
    if None not in (inspected, houses) and houses > inspected:
        errors["houses_positive"] = _(
            "%(houses)s houses with larvae, but only %(inspected)s inspected."
        ) % {"houses": houses, "inspected": inspected}
    if None not in (houses, containers) and containers < houses:
        errors["containers_positive"] = _(
            "Fewer containers with larvae (%(containers)s) than houses with larvae (%(houses)s): "
            "each such house has at least one."
        ) % {"containers": containers, "houses": houses}
    if not isinstance(found, str) and d is not None and "day" not in errors:
        if VectorSurvey.objects.filter(jurisdiction=found, day=d).exists():
            errors["day"] = _taken(found, d)
    return clean, errors


def _taken(grid: Jurisdiction, day) -> str:
    return _("%(grid)s was already surveyed on %(day)s.") % {"grid": grid.name, "day": day}


def do_record_survey(
    grid,
    day,
    houses_inspected,
    houses_positive,
    containers_positive,
    *,
    actor,
    source: str = ReportSource.FORM,
) -> Recorded:
    """Record one grid's larval survey; read it against the rules and issue or close the task."""
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("Your role does not record mosquito surveys."))
    counts = dict(
        zip(COUNTS, (houses_inspected, houses_positive, containers_positive), strict=True)
    )
    clean, errors = check_survey(grid, day, counts, actor)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    return _save(clean, actor, source)


def _save(clean: dict, actor, source: str) -> Recorded:
    grid, day = clean["grid"], clean["day"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                survey = VectorSurvey.objects.create(
                    jurisdiction=grid,
                    day=day,
                    recorded_by=actor if getattr(actor, "pk", None) else None,
                    source=source,
                    **{f: clean[f] for f in COUNTS},
                )
        except IntegrityError:  # recorded by someone else since it was checked
            raise ValidationError({"day": [_taken(grid, day)]}) from None
        reading = read(survey, rule_in_force(grid.code, day))
        task, issued, closed = _open_task(grid), False, 0
        if reading is not None and reading.needs_control and task is None:
            if not VectorSurvey.objects.filter(jurisdiction=grid, day__gt=day).exists():
                task, issued = _issue(survey, reading, actor), True
        elif reading is not None and not reading.needs_control:
            closed = _close_earlier(survey, reading, actor)
            task = _open_task(grid)  # one a later survey raised stays open
        record_event(
            VECTOR_SURVEYED,
            message(
                gettext_noop("Mosquito survey of %(grid)s on %(day)s"),
                {"grid": grid.name, "day": day},
            ),
            jurisdiction_code=grid.code,
            subject=survey,
            actor=actor,
            payload={
                "day": str(day),
                "source": source,
                "breteau_index": round(survey.breteau_index, 2),
                "house_index": round(survey.house_index, 2),
                "protocol": reading.protocol.pk if reading else None,
                "level": reading.level_name if reading else "",
                "task": task.pk if issued and task else None,
                "closed": closed,
            },
        )
    return Recorded(survey, reading, task, issued, closed)


def _open_task(grid: Jurisdiction) -> Task | None:
    """The grid's open control task, raised by one of its surveys."""
    raised = VectorSurvey.objects.filter(jurisdiction=grid, task__status__in=OPEN_STATUSES)
    return Task.objects.filter(pk__in=raised.values("task_id")).first()


def _issue(survey: VectorSurvey, reading: Reading, actor) -> Task:
    grid = survey.jurisdiction
    at = timezone.make_aware(
        datetime.datetime.combine(survey.day + datetime.timedelta(days=1), datetime.time(9))
    )
    steps = "\n".join(f"- {line}" for line in reading.response)
    task = do_issue_rule_task(
        survey,
        actor=actor,
        owner=Jurisdiction.objects.get(code=county_code(grid)),
        kind=VECTOR_KIND,
        title=_("Mosquito control in %(grid)s: %(index)s %(value).1f, %(level)s")
        % {
            "grid": grid.name,
            "index": reading.index_label,
            "value": reading.value,
            "level": reading.level_name or _("above the target"),
        },
        deadline=at + datetime.timedelta(days=CONTROL_DAYS),
        description=_(
            "%(steps)s\nBring the %(index)s below %(target)s: a survey of the grid below it "
            "closes this task. (%(protocol)s, %(clause)s)"
        )
        % {
            "steps": steps,
            "index": reading.index_label,
            "target": reading.target_below,
            "protocol": reading.protocol.name,
            "clause": reading.clause,
        },
    )
    survey.task = task
    survey.save(update_fields=["task"])
    return task


def _close_earlier(survey: VectorSurvey, reading: Reading, actor) -> int:
    note = _("%(index)s %(value).1f on %(day)s, below the target of %(target)s.") % {
        "index": reading.index_label,
        "value": reading.value,
        "day": survey.day,
        "target": reading.target_below,
    }
    earlier = VectorSurvey.objects.filter(
        jurisdiction_id=survey.jurisdiction_id,
        day__lt=survey.day,
        task__status__in=OPEN_STATUSES,
    )
    return sum(do_close_rule_tasks(e, actor=actor, note=note) for e in earlier)


def do_upload_surveys(source, *, actor) -> int:
    """Record a CSV of ``grid,day,houses_inspected,houses_positive,containers_positive`` rows;
    one error anywhere saves nothing. ``source``: the CSV text, or the uploaded file (read row
    by row, never whole into memory). Returns the number of surveys recorded."""
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("Your role does not record mosquito surveys."))
    if isinstance(source, str):
        return _upload_rows(io.StringIO(source), actor)
    try:
        with text_of(source) as text:
            return _upload_rows(text, actor)
    except UnicodeDecodeError as exc:  # from the header line, before ``csv_records`` reads a row
        raise ValidationError({"file": _("Upload a UTF-8 CSV file.")}) from exc


def _upload_rows(text, actor) -> int:
    clean: list[dict] = []
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    grids: dict = {}
    for n, row in csv_records(text, COLUMNS, MAX_ROWS):
        values, problems = check_survey(row.get("grid"), row.get("day"), row, actor, grids)
        key = (getattr(values["grid"], "code", None), values["day"])
        if None not in key and "grid" not in problems and key in seen:
            problems["day"] = _("the grid and day are given on line %(m)s too") % {"m": seen[key]}
        seen.setdefault(key, n)
        errors += [
            _("line %(n)s: %(field)s: %(reason)s") % {"n": n, "field": f, "reason": why}
            for f, why in problems.items()
        ]
        clean.append(values)
    if errors:
        more = len(errors) - MAX_REPORTED
        tail = [_("… and %(n)s more problems.") % {"n": more}] if more > 0 else []
        raise ValidationError({"file": errors[:MAX_REPORTED] + tail})
    if not clean:
        raise ValidationError({"file": _("The file has no rows.")})
    with transaction.atomic():
        # day by day, so a later survey of a grid closes the task an earlier one issued
        for values in sorted(clean, key=lambda v: v["day"]):
            _save(values, actor, ReportSource.UPLOAD)
    return len(clean)
