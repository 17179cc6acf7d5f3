"""``pingji demo``: prepares the province once, names its accounts predictably, reuses a load."""

import datetime
import io
import re

import duckdb
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.areas.models import Transition
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.events import declare, record_event
from pingji.core.models import DomainEvent
from pingji.demo import province, replay
from pingji.demo.accounts import (
    DEMO_OTP_KEY,
    DEMO_PASSWORD,
    DEMO_ROLES,
    create_demo_users,
    login_help,
)
from pingji.demo.steps.cases import plan_lines
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols.models import Disease
from pingji.protocols.versions import protocol_for
from pingji.users.choices import Role
from pingji.users.models import User

TINY = "0.00002"  # about 830 residents: the whole tree, few people
#: A kind this module invents, to write an event after a reset: declared here, not by an app.
AFTER_RESET = declare("test_demo.after_reset", "an event written after the demo is reset")


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    return settings.ANALYTIC_DIR


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def prepared(db):
    return demo("--scale", TINY)


def test_demo_prepares_the_province_once_and_reuses_it(prepared, analytic_dir):
    """One test, as preparing the province is the slow part of this suite."""
    # then the real tree, a synthetic one below it and residents exist
    assert Jurisdiction.objects.filter(level=Level.TOWNSHIP).count() == 1170
    assert Jurisdiction.objects.filter(level=Level.GRID).count() >= 1170
    summary = province.ready_event().payload
    persons, users = Person.objects.count(), User.objects.count()
    assert 700 < summary["persons"] < 1000
    # (the replay registers a few more where a tiny population runs out of case persons)
    assert persons >= summary["persons"]
    # and every role has an account at the province, each city and each county
    units = Jurisdiction.objects.filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY])
    assert summary["users"] == units.count() * len(DEMO_ROLES) == 94 * 8
    assert users >= summary["users"]  # the replay adds the staff it names (site managers…)
    # and every domain replayed its part of the September 2021 outbreak on it
    assert set(summary["replay"]) == set(replay.STEPS)  # every step ran (jsonb keeps no order)
    # up to the demo's now, 20 September 08:00: the bulletins' cases to 19 September, no later
    covid = Case.objects.filter(disease="covid-19")
    record = replay.Replay(scale=0.001, seed=1, end=datetime.date(2021, 9, 19))
    assert covid.count() == len(plan_lines(record)) > 300  # a reclassified one is one case
    # the peacetime of other diseases: Huli's grids that breed mosquitoes report dengue
    assert Case.objects.filter(disease="dengue").exists()
    # and the risk areas designated by then are in force, none lifted yet
    assert Transition.objects.filter(kind="designate").exists()
    assert not Transition.objects.filter(kind="lift").exists()
    for username in (
        "350322-commander",
        "350200-epidemiologist",
        "350000-administrator",
        "350128-grid-worker",
    ):
        user = User.objects.get(username=username)
        assert user.jurisdiction.gb_code == username[:6] and user.role == username[7:]
    assert User.objects.get(username="350300-operator").check_password(DEMO_PASSWORD)
    # and below the county, where the outbreak was, the people of a township's, a community's
    # and a grid's day have accounts named from the unit's code; elsewhere none
    local = User.objects.filter(jurisdiction__level=Level.GRID, role=Role.GRID_WORKER)
    assert (
        summary["local_users"]
        == User.objects.filter(
            jurisdiction__level__in=[Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]
        ).count()
    )
    assert local.filter(jurisdiction__code__startswith="350322").exists()
    assert not local.filter(jurisdiction__code__startswith="3501").exists()
    worker = local.first()
    assert worker.username == f"{worker.jurisdiction.code}-grid-worker"
    # and the demo lives on its own clock, from 20 September 08:00: nothing lies ahead of it
    assert clock.now() >= province.DEMO_NOW
    assert clock.today() == province.DEMO_NOW.date()
    assert nothing_after(clock.now()) == []
    assert "?as_of=2021-09-14" in prepared
    # and the replay's events read in their reader's language, as the actions' own do
    for kind in ("tracing.opened", "tracing.contact_added", "quarantine.placed", "tracing.linked"):
        event = DomainEvent.objects.filter(kind=kind).first()
        with translation.override("en"):
            english = event.text
        with translation.override("zh-hans"):
            chinese = event.text
        assert english != chinese and not re.search(r"[a-z]{4,}", chinese), (kind, chinese)
    # and the command says where to go and how to log in
    assert "http://127.0.0.1:8000/" in prepared and "350000-administrator" in prepared
    assert DEMO_PASSWORD in prepared
    # and the analytic engine can read the residents, without identity data
    dataset = f"{analytic_dir}/persons/*.parquet"
    con = duckdb.connect()
    count, grids = con.execute(
        f"select count(*), count(distinct grid_code) from read_parquet('{dataset}')"
    ).fetchone()
    assert count == persons and grids > 100
    columns = [
        r[0] for r in con.execute(f"describe select * from read_parquet('{dataset}')").fetchall()
    ]
    assert columns == ["person_id", "grid_code", "sex", "birth_year"]

    # when the demo runs again (after the analytic dataset was lost)
    for part in (analytic_dir / "persons").glob("*.parquet"):
        part.unlink()
    again = demo()
    # then nothing is loaded twice, and the dataset is back
    assert "Reusing" in again
    assert (Person.objects.count(), User.objects.count()) == (persons, users)
    assert DomainEvent.objects.filter(kind=province.READY).count() == 1
    assert any((analytic_dir / "persons").glob("*.parquet"))
    # and a run asking for another scale is told to reset instead of getting the old one silently
    with pytest.raises(CommandError, match="--reset"):
        demo("--scale", "0.00003")
    # as is one asking for a now before what the demo holds; a later now is taken
    with pytest.raises(CommandError, match="--reset"):
        demo("--now", "2021-09-15T08:00")
    assert "Reusing" in demo("--now", "2021-10-01T09:00")
    assert clock.today() == datetime.date(2021, 10, 1)


@pytest.mark.parametrize("now", ["2021-09-10T08:00", "2021-09-11T07:59+08:00", "yesterday"])
def test_a_demo_now_before_the_outbreak_is_refused(db, now):
    with pytest.raises(CommandError, match="--now|ISO"):
        demo("--scale", TINY, "--now", now)
    assert not Jurisdiction.objects.exists()


#: What may lie after the demo's now: plans (deadlines, planned days, expiry), protocol editions
#: that take effect later, and what runs on the server's time (jobs, the clock's own setting).
PLANNED = {
    "deadline", "due", "due_at", "due_on", "report_due_at", "core_due_at", "planned_release_on",
    "planned_end_on", "next_test_on", "earliest_on", "by", "expires_on", "effective_from",
    "set_at", "created_at:Job", "started_at:Job", "lease_until:Job", "finished_at:Job",
    "sent_at:Job",
}  # fmt: skip


def nothing_after(now) -> list[str]:
    """Every date or time field of the platform's models holding a value after ``now`` (a date
    after its day), but for the plans of ``PLANNED``: what the replay wrote from its future."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("pingji."):
            continue
        for field in model._meta.concrete_fields:
            if field.name in PLANNED or f"{field.name}:{model.__name__}" in PLANNED:
                continue
            if isinstance(field, models.DateTimeField):
                bound = now
            elif isinstance(field, models.DateField):
                bound = timezone.localtime(now).date()
            else:
                continue
            if model._default_manager.filter(**{f"{field.name}__gt": bound}).exists():
                found.append(f"{model.__name__}.{field.name}")
    return found


@pytest.mark.parametrize("scale", ["0", "-1", "1.5"])
def test_a_scale_outside_zero_to_one_is_refused(db, scale):
    with pytest.raises(CommandError, match="--scale"):
        demo("--scale", scale)
    assert not Jurisdiction.objects.exists()


@pytest.mark.django_db(
    transaction=True
)  # as in real use: PostgreSQL cannot TRUNCATE mid-transaction
def test_reset_empties_the_database_and_the_dataset(tree, analytic_dir):
    # given a loaded tree and an analytic dataset
    province.export_persons()
    assert any((analytic_dir / "persons").glob("*.parquet"))
    # when the demo is reset
    province.reset()
    # then nothing is left but what the migrations load (a replay asks for the rules in force),
    # and events can still be written (content types were rebuilt)
    assert not Jurisdiction.objects.exists()
    assert protocol_for("35", datetime.date(2021, 9, 10)).code == "cn-8th-edition"
    assert Disease.objects.filter(code="dengue").exists()
    assert not (analytic_dir / "persons").exists()
    assert record_event(AFTER_RESET, "after reset", jurisdiction_code="35").pk


@pytest.mark.django_db
def test_demo_accounts_that_need_a_code_get_the_printed_secret(tree):
    create_demo_users()
    commander = User.objects.get(username="350322-commander")
    operator = User.objects.get(username="350322-operator")
    assert not User.objects.filter(role=Role.SERVICE).exists()
    device = TOTPDevice.objects.get(user=commander)
    assert device.key == DEMO_OTP_KEY and device.confirmed
    assert not TOTPDevice.objects.filter(user=operator).exists()
    create_demo_users()  # a second run adds no second device
    assert TOTPDevice.objects.filter(user=commander).count() == 1
    assert "pingji otp USERNAME" in " ".join(login_help())
