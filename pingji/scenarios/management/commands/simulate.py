"""``pingji simulate``: scenarios from the command line.

- ``pingji simulate create PLAN.json --user U``: a scenario from a JSON file holding the form's
  fields (``jurisdiction``, ``name``, ``state_day``, ``plan``, ``days``, ``runs``, ``threshold``,
  and optionally ``seed``, ``importation``, ``stay_days``, ``vaccinated_share``,
  ``vaccinated_from_age``); prints its id;
- ``pingji simulate run ID --user U [--queue]``: run it here (default) or queue it for the
  workers; prints the run's id and status;
- ``pingji simulate show RUN_ID [--json]``: the run's status, rebound probabilities and peaks.

Everything goes through the same actions as the pages, as the user named: a refusal is printed
with its reasons and the command exits with status 1.
"""

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pingji.core import jobs as core_jobs
from pingji.users.models import User

from ... import actions
from ...models import Run, Scenario
from ...results import summary

FIELDS = set(Scenario.GIVEN)


class Command(BaseCommand):
    help = "Create, run and show scenarios from the live state (docs/scenarios.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("file")
        create.add_argument("--user", required=True)
        run = sub.add_parser("run")
        run.add_argument("scenario", type=int)
        run.add_argument("--user", required=True)
        run.add_argument("--queue", action="store_true", help="leave it to the workers")
        show = sub.add_parser("show")
        show.add_argument("run", type=int)
        show.add_argument("--json", action="store_true")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except ValidationError as exc:
            raise CommandError(_reasons(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "not allowed") from exc

    def _create(self, file, user, **_):
        actor = _user(user)
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if not isinstance(data, dict) or set(data) - FIELDS:
            raise CommandError(f"the file holds an object with the keys {sorted(FIELDS)}")
        try:
            data["state_day"] = datetime.date.fromisoformat(str(data.get("state_day")))
        except ValueError as exc:
            raise CommandError("state_day: give it as YYYY-MM-DD") from exc
        scenario = actions.do_create_scenario(actor=actor, **data)
        self.stdout.write(f"scenario {scenario.pk}")

    def _run(self, scenario, user, queue, **_):
        actor = _user(user)
        found = Scenario.objects.restrict(actor).filter(pk=scenario).first()
        if found is None:
            raise CommandError(f"no scenario {scenario} in {actor}'s jurisdiction")
        run = actions.do_queue_run(found, actor=actor)
        if not queue and run.job_id is not None:
            core_jobs.run_job(run.job_id, retry=False)
        run.refresh_from_db()
        self.stdout.write(f"run {run.pk} {run.status}")
        if run.error:
            self.stdout.write(run.error)

    def _show(self, run, json, **_):
        row = Run.objects.select_related("scenario").filter(pk=run).first()
        if row is None:
            raise CommandError(f"no run {run}")
        if row.status != "finished":
            self.stdout.write(f"run {row.pk} {row.status} {row.error}".strip())
            return
        out = summary(row)
        if json:
            import json as _json

            self.stdout.write(_json.dumps(out, ensure_ascii=False, indent=2))
            return
        for key in (
            "name",
            "state_day",
            "runs",
            "rebound_14",
            "rebound_28",
            "peak_rooms",
            "peak_tests",
            "peak_beds",
        ):
            self.stdout.write(f"{key}: {out[key]}")


def _user(username: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        raise CommandError(f"no user {username}")
    return found


def _reasons(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
