"""Rows every request reads (its user, its device, the mode in force) come from the cache every
process shares, and a change is seen at once (core.shared_cache)."""

import os
from collections import Counter

import pytest
import redis
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.command.actions.modes import do_switch_mode
from pingji.command.choices import Mode
from pingji.command.modes import mode_for
from pingji.core import shared_cache
from pingji.geo.paths import path_to
from pingji.users.choices import Role
from pingji.users.otp import CachedOTPMiddleware
from pingji.users.roles import PasswordBackend, user_key

pytestmark = pytest.mark.django_db
REDIS = os.environ.get("PINGJI_TEST_REDIS")
READS = ("get", "mget", "exists")
needs_redis = pytest.mark.skipif(not REDIS, reason="needs PINGJI_TEST_REDIS=redis://…")


@pytest.fixture
def shared(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def in_a_request(page):
    """``page``'s answer, called as the session middleware calls a view."""
    with shared_cache.request_reads():
        return page(None)


def redis_reads() -> Counter:
    """Calls of each reading command the Redis server has answered so far."""
    stats = redis.Redis.from_url(str(REDIS)).info("commandstats")
    return Counter({name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in READS})


@needs_redis
def test_a_page_reads_its_session_with_the_version_in_one_round_trip(
    shared, settings, make_user, client
):
    settings.SESSION_ENGINE = "pingji.core.sessions"
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350322"))
    assert client.get("/tasks/").status_code == 200  # what the process keeps, kept

    before = redis_reads()
    assert client.get("/tasks/").status_code == 200
    assert redis_reads() - before == Counter(mget=1)


@needs_redis
def test_a_session_changed_in_a_request_is_read_by_the_next(shared, settings, make_user, client):
    settings.SESSION_ENGINE = "pingji.core.sessions"
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350322"))
    client.get("/tasks/?as_of=2021-09-20")  # kept in the session (core.as_of)
    assert "2021-09-20" in client.get("/tasks/").content.decode()
    client.get("/tasks/?as_of=")
    assert "2021-09-20" not in client.get("/tasks/").content.decode()


@needs_redis
def test_a_user_is_read_once_and_a_change_is_seen_at_once(
    shared, make_user, django_assert_num_queries
):
    user = make_user(Role.EPIDEMIOLOGIST, "350322")
    backend = PasswordBackend()
    with django_assert_num_queries(1):
        assert backend.get_user(user.pk).username == user.username
    with django_assert_num_queries(0):  # every later request of the session
        assert backend.get_user(user.pk).username == user.username
    user.set_password("another-long-passphrase")
    user.save()
    assert backend.get_user(user.pk).password == user.password  # the session hash will differ
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None


@needs_redis
def test_the_device_of_a_session_is_read_once_and_gone_when_deleted(
    shared, make_user, django_assert_num_queries
):
    device = TOTPDevice.objects.create(user=make_user(), name="phone", confirmed=True)
    middleware = CachedOTPMiddleware(lambda request: None)
    with django_assert_num_queries(1):
        assert middleware._device_from_persistent_id(device.persistent_id) == device
    with django_assert_num_queries(0):
        assert middleware._device_from_persistent_id(device.persistent_id) == device
    device.delete()
    assert middleware._device_from_persistent_id(device.persistent_id) is None


@needs_redis
def test_the_mode_in_force_is_read_once_and_a_new_switch_is_seen_at_once(
    shared, tree, make_user, django_assert_num_queries
):
    county = tree["350322"]
    assert mode_for(county).mode == Mode.PEACETIME
    with django_assert_num_queries(0):
        assert mode_for(county).mode == Mode.PEACETIME
    do_switch_mode(
        tree["35"],
        mode=Mode.EMERGENCY,
        level="II",
        reason="Delta",
        actor=make_user(Role.ADMINISTRATOR, "35"),
    )
    now = mode_for(county)
    assert (now.mode, now.level, now.inherited_from.code) == (Mode.EMERGENCY, "II", "35")


def test_without_a_shared_cache_nothing_is_kept(make_user, django_assert_num_queries):
    """Each process's own memory would keep a row another process changed: every read queries."""
    user = make_user()
    backend = PasswordBackend()
    for _ in range(2):
        with django_assert_num_queries(1):
            assert backend.get_user(user.pk) is not None


@needs_redis
def test_a_process_answers_from_what_it_read_until_the_version_changes(shared, make_user):
    """Inside a request a process reads only the version from the shared cache; a change made in
    another process renews the version, and the next request reads the row again."""
    user = make_user(Role.EPIDEMIOLOGIST, "350322")
    backend = PasswordBackend()
    seen = []

    def page(request):
        seen.append(backend.get_user(user.pk))
        return None

    in_a_request(page)  # the first request reads the row and keeps it
    shared.set(user_key(user.pk), "not what the shared cache holds")
    in_a_request(page)  # the same version: the row this process kept
    assert seen[-1].username == user.username
    type(user).objects.filter(pk=user.pk).update(first_name="Renamed")
    shared_cache.forget(user_key(user.pk))  # as another process does on a change
    in_a_request(page)
    assert seen[-1].first_name == "Renamed"
    assert seen[0] is not seen[1]  # each request its own copy of the row


@needs_redis
def test_a_change_made_in_a_request_is_read_by_the_rest_of_it(shared, make_user):
    user = make_user(Role.EPIDEMIOLOGIST, "350322")
    backend = PasswordBackend()

    def page(request):
        backend.get_user(user.pk)
        user.is_active = False
        user.save()
        return backend.get_user(user.pk)

    assert in_a_request(page) is None


@needs_redis
def test_a_path_is_read_again_in_every_process_after_a_jurisdiction_changes(shared, tree):
    def page(request):
        return path_to("350322")

    assert in_a_request(page).jurisdiction.name == tree["350322"].name
    tree["350322"].name = "Renamed county"
    tree["350322"].save()
    assert in_a_request(page).jurisdiction.name == "Renamed county"
