"""The instance clock (docs/decisions/0030): one stored setting moves every "now" of the
platform, advances with real time, and is followed by a process that did not set it."""

import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from pingji.core import clock
from pingji.core.events import declare, record_event
from pingji.core.models import InstanceClock

TZ = timezone.get_fixed_timezone(8 * 60)
DEMO_NOW = datetime.datetime(2021, 9, 20, 8, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db
TICK = declare("test_clock.tick", "a test kind: something recorded under the instance clock")


def test_without_a_setting_the_platform_runs_on_the_server_time():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    assert not clock.is_set()


def test_a_set_clock_moves_now_and_today_and_advances_with_real_time():
    clock.set_now(DEMO_NOW)
    first = clock.now()
    assert DEMO_NOW <= first < DEMO_NOW + datetime.timedelta(seconds=5)
    assert clock.today() == datetime.date(2021, 9, 20)
    time.sleep(0.05)
    assert clock.now() > first
    assert clock.is_set()


def test_what_is_written_under_a_set_clock_is_recorded_on_its_day():
    clock.set_now(DEMO_NOW)
    event = record_event(TICK, "a test", jurisdiction_code="35")
    assert event.recorded_at.astimezone(TZ).date() == datetime.date(2021, 9, 20)
    assert event.time == event.recorded_at


def test_another_process_follows_the_stored_setting():
    """A process that did not set the clock (a worker, the web server) reads the row."""
    InstanceClock.objects.create(pk=1, now_at=DEMO_NOW, set_at=clock.real_now())
    assert clock.today() != datetime.date(2021, 9, 20)  # still holding what it read before
    clock.forget()
    assert clock.today() == datetime.date(2021, 9, 20)


def test_clearing_gives_the_server_time_back():
    clock.set_now(DEMO_NOW)
    clock.set_now(None)
    assert not InstanceClock.objects.exists()
    assert abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        clock.set_now(datetime.datetime(2021, 9, 20, 8))


def test_pinned_wins_over_the_instance_clock():
    clock.set_now(DEMO_NOW)
    moment = datetime.datetime(2021, 9, 12, 9, tzinfo=TZ)
    with clock.pinned(moment):
        assert clock.now() == moment
    assert clock.today() == datetime.date(2021, 9, 20)


def test_the_command_sets_shows_and_clears():
    out = io.StringIO()
    call_command("clock", "--set", "2021-09-20T08:00", stdout=out)
    assert out.getvalue().startswith("2021-09-20T08:00") and "instance clock" in out.getvalue()
    out = io.StringIO()
    call_command("clock", "--clear", stdout=out)
    assert "server time" in out.getvalue()
    assert not InstanceClock.objects.exists()


def test_the_command_refuses_what_is_not_a_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO"):
        call_command("clock", "--set", "20 September")


def test_setting_the_clock_is_in_the_change_log_at_the_time_it_sets():
    from django.contrib.contenttypes.models import ContentType

    from pingji.core.models import ObjectChange

    clock.set_now(DEMO_NOW)
    logged = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(InstanceClock))
    assert DEMO_NOW <= logged.time < DEMO_NOW + datetime.timedelta(seconds=5)
