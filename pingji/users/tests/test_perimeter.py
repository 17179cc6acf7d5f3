"""The perimeter (docs/decisions/0034-perimeter.md): login throttling, the second factor, tokens,
service accounts, refused access, request ids, no-store, CSP, deployment settings, key rotation."""

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.core.models import ObjectChange
from pingji.users.choices import Role
from pingji.users.models import AccessRefusal, ApiToken
from pingji.users.otp import current_code, ensure_device
from pingji.users.tokens import digest, issue_token

from .conftest import STRONG


@pytest.fixture
def browser_client():
    """A plain client: logs in through the forms, no shortcut past the second factor."""
    return Client()


def post_login(client, username, password, next_url=""):
    return client.post("/login/", {"username": username, "password": password, "next": next_url})


# --- login throttling -------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_from_that_address(browser_client, operator):
    for _ in range(4):
        assert post_login(browser_client, "xianyou-op", "wrong").status_code == 200
    locked = post_login(browser_client, "xianyou-op", "wrong")
    assert locked.status_code == 429 and "15 minutes" in locked.content.decode()
    # the right password no longer opens it, from this address, until the cool-off ends
    assert post_login(browser_client, "xianyou-op", "pw").status_code == 429
    assert "_auth_user_id" not in browser_client.session
    # every failure is recorded, with the address and the username
    assert AccessFailureLog.objects.filter(username="xianyou-op").count() >= 5
    assert AccessAttempt.objects.get(username="xianyou-op").failures_since_start >= 5


def test_the_lock_is_per_address(browser_client, operator):
    for _ in range(5):
        post_login(browser_client, "xianyou-op", "wrong")
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = post_login(other, "xianyou-op", "pw")
    assert response.status_code == 302 and other.session["_auth_user_id"] == str(operator.pk)


def test_the_lockout_page_speaks_chinese_by_default(browser_client, operator, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    for _ in range(5):
        response = post_login(browser_client, "xianyou-op", "wrong")
    assert response.status_code == 429 and "15 分钟" in response.content.decode()


# --- the second factor ------------------------------------------------------------------------


def test_a_commander_passes_the_code_step_after_the_password(browser_client, make_user):
    commander = make_user(Role.COMMANDER, "350322")
    response = post_login(browser_client, commander.username, "pw", "/people/")
    # the password alone opens only the code step
    assert browser_client.get("/people/").url == "/login/otp/?next=/people/"
    assert browser_client.get("/api/people/persons/").status_code in (401, 403)
    enrol = browser_client.get("/login/otp/?next=/people/")
    assert enrol.status_code == 200 and "otpauth://totp/Pingji" in enrol.content.decode()
    assert '<figure class="otp-qr" id="otp-qr"><svg' in enrol.content.decode()  # a scannable QR
    assert 'class="main-nav"' not in enrol.content.decode()  # no menu leads off the code step
    device = TOTPDevice.objects.get(user=commander, confirmed=False)

    wrong = browser_client.post("/login/otp/", {"otp_token": "000000", "next": "/people/"})
    assert wrong.status_code == 400 and "Wrong or expired code" in wrong.content.decode()
    assert browser_client.get("/people/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = browser_client.post(
        "/login/otp/", {"otp_token": current_code(device), "next": "/people/"}
    )
    assert right.status_code == 302 and right.url == "/people/"
    assert response.status_code == 302
    assert browser_client.get("/people/").status_code == 200
    assert browser_client.get("/api/people/persons/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_confirmed_device_is_asked_and_an_offsite_next_is_ignored(browser_client, make_user):
    epidemiologist = make_user(Role.EPIDEMIOLOGIST, "350322")
    device = ensure_device(epidemiologist)
    post_login(browser_client, epidemiologist.username, "pw")
    page = browser_client.get("/login/otp/")
    assert "otpauth://" not in page.content.decode()  # no secret shown once enrolled
    answer = browser_client.post(
        "/login/otp/", {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert answer.url == "/"


def test_an_operator_needs_no_code(browser_client, operator):
    post_login(browser_client, "xianyou-op", "pw")
    assert browser_client.get("/people/").status_code == 200
    assert not TOTPDevice.objects.filter(user=operator).exists()


def test_the_otp_command_prints_the_current_code(make_user, capsys):
    commander = make_user(Role.COMMANDER, "350322")
    device = ensure_device(commander)
    call_command("otp", commander.username)
    assert capsys.readouterr().out.strip() == current_code(device)


# --- passwords --------------------------------------------------------------------------------


def test_changing_ones_own_password_revokes_the_tokens(client, operator):
    token, _clear = issue_token(operator)
    client.force_login(operator)
    bad = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert bad.status_code == 200 and "old password was entered incorrectly" in bad.content.decode()
    good = client.post(
        "/password/", {"old_password": "pw", "new_password1": STRONG, "new_password2": STRONG}
    )
    assert good.status_code == 302 and good.url == "/password/done/"
    operator.refresh_from_db()
    token.refresh_from_db()
    assert operator.check_password(STRONG) and token.revoked_at is not None


def test_a_password_reset_mail_leads_to_a_new_password(browser_client, operator):
    operator.email = "fang@example.org"
    operator.save()
    sent = browser_client.post("/login/reset/", {"email": "fang@example.org"})
    assert sent.status_code == 302 and len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/login/reset/" in line)
    path = link.split("testserver", 1)[1]
    form = browser_client.get(path, follow=True)
    assert form.status_code == 200
    done = browser_client.post(
        form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert done.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(STRONG)
    # an unknown address sends nothing and says the same
    assert browser_client.post("/login/reset/", {"email": "x@example.org"}).status_code == 302
    assert len(mail.outbox) == 1


# --- API tokens -------------------------------------------------------------------------------


def get_places(client, token):
    return client.get("/api/geo/places/", HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_is_stored_only_as_its_keyed_hash(browser_client, operator):
    row, token = issue_token(operator)
    assert token not in str(ApiToken.objects.values().get(pk=row.pk))
    assert row.digest == digest(token) and len(row.digest) == 64
    assert get_places(browser_client, token).status_code == 200
    row.refresh_from_db()
    assert row.last_used is not None
    # the change log keeps no digest either
    logged = ObjectChange.objects.filter(content_type__model="apitoken")
    assert logged.exists() and all("digest" not in (c.after or {}) for c in logged)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda row, token: (
            "expired",
            ApiToken.objects.filter(pk=row.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            ),
        ),
        lambda row, token: (
            "revoked",
            ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now()),
        ),
        lambda row, token: ("invalid", None),
    ],
    ids=["expired", "revoked", "wrong-secret"],
)
def test_an_expired_revoked_or_wrong_token_is_401(browser_client, operator, spoil):
    row, token = issue_token(operator)
    why, _done = spoil(row, token)
    presented = token if why != "invalid" else f"{row.prefix}.not-the-secret"
    response = get_places(browser_client, presented)
    assert response.status_code == 401 and why in response.json()["detail"].lower()


def test_tokens_expire_after_the_configured_days(operator, settings):
    settings.API_TOKEN_DAYS = 3
    row, _token = issue_token(operator)
    assert timedelta(days=2.9) < row.expires_at - timezone.now() <= timedelta(days=3)


def test_the_token_command_prints_a_new_token_once(operator, capsys, browser_client):
    call_command("token", "xianyou-op", "--days", "7")
    first = capsys.readouterr().out.strip()
    call_command("token", "xianyou-op", "--rotate")
    second = capsys.readouterr().out.strip()
    assert get_places(browser_client, first).status_code == 401
    assert get_places(browser_client, second).status_code == 200


# --- service accounts -------------------------------------------------------------------------


def test_a_service_account_reads_what_it_is_granted_only_by_token(
    admin, tree, browser_client, capsys
):
    call_command(
        "service_account",
        "feed-bot",
        "--jurisdiction",
        "350322",
        "--grant",
        "geo.view_place",
        "--by",
        admin.username,
    )
    bot = admin.__class__.objects.get(username="feed-bot")
    assert bot.role == Role.SERVICE and not bot.has_usable_password()
    assert bot.has_perm("geo.view_place") and not bot.has_perm("people.view_person")
    _row, token = issue_token(bot)
    assert get_places(browser_client, token).status_code == 200
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert browser_client.get("/api/people/persons/", **auth).json()["count"] == 0
    write = browser_client.post("/api/geo/places/", {"name": "x"}, **auth)
    assert write.status_code == 403
    # no password login, whatever password is tried
    bot.set_password(STRONG)
    bot.save()
    assert post_login(browser_client, "feed-bot", STRONG).status_code == 200
    assert "_auth_user_id" not in browser_client.session


def test_a_service_account_cannot_be_granted_writes(admin, tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a view permission"):
        call_command(
            "service_account",
            "feed-bot",
            "--jurisdiction",
            "350322",
            "--grant",
            "people.change_person",
            "--by",
            admin.username,
        )
    assert not admin.__class__.objects.filter(username="feed-bot").exists()


# --- refused access, request ids, caching, CSP --------------------------------------------------


def test_a_scope_404_and_a_403_are_recorded_without_the_query(client, operator, outsider, auditor):
    client.force_login(outsider)
    assert client.get(f"/users/{operator.pk}/?id_number=350322199001011234").status_code == 404
    assert client.get("/users/new/").status_code == 403
    rows = AccessRefusal.objects.filter(user=outsider).order_by("id")
    assert [(r.status, r.path) for r in rows] == [
        (404, f"/users/{operator.pk}/"),
        (403, "/users/new/"),
    ]
    assert all("3503221990" not in r.path for r in rows)
    # the auditor of 莆田市 sees refusals of users in their area, not 湖里区's
    client.force_login(operator)
    client.get("/users/new/")
    client.force_login(auditor)
    page = client.get("/users/refusals/")
    assert page.status_code == 200
    assert "xianyou-op" in page.content.decode() and "350206-operator" not in page.content.decode()


def test_a_hostile_request_id_is_not_the_audits(client, operator, caplog):
    caplog.set_level(logging.INFO, logger="pingji.request")
    client.force_login(operator)
    hostile = "x'); DROP TABLE users;--" + "A" * 200
    response = client.post(
        "/api/geo/places/",
        {"kind": "venue", "name": "菜市场", "jurisdiction": "350322100001001"},
        content_type="application/json",
        HTTP_X_REQUEST_ID=hostile,
    )
    assert response.status_code == 201
    logged = ObjectChange.objects.get(content_type__model="place", action="create")
    assert logged.request_id == response["X-Request-ID"]
    assert len(logged.request_id) == 32 and "DROP" not in logged.request_id
    # the client's id is only logged, beside the server's, quoted (no forged log lines)
    line = next(r.getMessage() for r in caplog.records if r.name == "pingji.request")
    assert line == f"request_id={logged.request_id} client_request_id={hostile[:200]!r}"


def test_personal_data_responses_are_no_store(client, operator):
    assert "no-store" not in client.get("/areas/public/").get("Cache-Control", "")
    client.force_login(operator)
    assert "no-store" in client.get("/people/")["Cache-Control"]
    assert "no-store" in client.get("/api/people/persons/")["Cache-Control"]
    _row, token = issue_token(operator)
    api = Client().get("/api/people/persons/", HTTP_AUTHORIZATION=f"Token {token}")
    assert "no-store" in api["Cache-Control"]
    assert "no-store" not in client.get("/vendor/plotly.min.js").get("Cache-Control", "")


def test_pages_carry_a_csp_without_inline_scripts(client, operator):
    client.force_login(operator)
    response = client.get("/people/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src and "frame-ancestors 'none'" in policy


def test_sessions_last_a_working_day(settings, browser_client, operator):
    post_login(browser_client, "xianyou-op", "pw")
    assert browser_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600


# --- deployment settings and the field key ----------------------------------------------------


def run_pingji(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    # a clean deployment's environment: none of the test run's settings (DJANGO_ALLOW_ASYNC_UNSAFE
    # is set by the browser tests' process and is itself a deployment error)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGJI_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(PINGJI_DATA_DIR=os.environ.get("PINGJI_DATA_DIR", "/tmp"), **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "pingji.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "PINGJI_SECURE": "1",
    "PINGJI_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    "PINGJI_SECRET_KEY": "k" * 10 + "v9#Lq2!xR7$mN4@pZ8^tW1&bC6*eH3(jK5)sF0-gY",
    "PINGJI_FIELD_KEY": "a-field-key-kept-in-the-secret-store",
    "PINGJI_ALLOWED_HOSTS": "pingji.example.org",
}


def test_check_deploy_is_clean_in_production():
    """No deployment warning of Django's (security.*) and no error; the schema generator's
    warnings about some serializers, which ``--deploy`` also runs, are the API's to fix."""
    result = run_pingji(PRODUCTION, "check", "--deploy", "--fail-level", "ERROR")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "(security." not in output and "ERRORS:" not in output, output


def test_check_deploy_warns_without_the_secure_flag():
    result = run_pingji({**PRODUCTION, "PINGJI_SECURE": "0"}, "check", "--deploy")
    assert "security.W004" in result.stderr + result.stdout


def test_production_without_a_field_key_refuses_to_start(tmp_path):
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    del env["PINGJI_FIELD_KEY"]
    result = run_pingji(env, "check")
    assert result.returncode != 0 and "PINGJI_FIELD_KEY" in result.stderr
    assert not (tmp_path / "field_key").exists()
    key_file = tmp_path / "field.key"
    key_file.write_text("a-key-from-a-file\n")
    assert run_pingji({**env, "PINGJI_FIELD_KEY_FILE": str(key_file)}, "check").returncode == 0


def test_the_account_form_cannot_open_a_service_account(admin, tree):
    from django.core.exceptions import ValidationError

    from pingji.users.actions.accounts import do_create_user

    with pytest.raises(ValidationError) as excinfo:
        do_create_user(
            actor=admin,
            username="bot",
            role=Role.SERVICE,
            jurisdiction=tree["350322"],
            password=STRONG,
        )
    assert "role" in excinfo.value.message_dict
    assert not admin.__class__.objects.filter(username="bot").exists()


def test_the_throttle_trusts_only_the_balancers_entries(rf, settings):
    from pingji.users.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no balancer: the header is the client's own words
    settings.TRUSTED_PROXY_COUNT = 1
    assert (
        client_ip(request) == "203.0.113.7"
    )  # the entry the balancer appended, not the forged one


def test_a_malformed_pinned_hash_key_refuses_to_start():
    result = run_pingji({**PRODUCTION, "PINGJI_HASH_KEY": "not-hex"}, "check")
    assert result.returncode != 0 and "PINGJI_HASH_KEY must be" in result.stderr


def test_a_role_users_permissions_cost_no_query(make_user, django_assert_num_queries):
    """Roles grant permissions in code: only a service account's own grants are read from the
    database (two queries per request saved on every other user)."""
    user = make_user(Role.OPERATOR, "350322")
    with django_assert_num_queries(0):
        assert user.has_perm("people.view_person") and not user.has_perm("people.reveal_person")
