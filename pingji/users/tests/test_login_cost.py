"""A login costs one password hash: the one slow step, paid once.

The password hasher is slow on purpose (PBKDF2, a million rounds: about a quarter of a second of
CPU), so a second hash anywhere in a login — a rehash, a check by a second backend, a dummy hash
for a known user — would double what every login costs the web workers. These tests count the
key derivations of whole logins through the pages, second factor included.
"""

import pytest
from django.contrib.auth import hashers
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils.crypto import pbkdf2

from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.otp import current_code, ensure_device

PASSWORD = "Mulan-Creek-1207"


@pytest.fixture
def derivations(settings, monkeypatch) -> list[int]:
    """The production hasher with few rounds (the count, not the cost, is tested), counted."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    monkeypatch.setattr(hashers.PBKDF2PasswordHasher, "iterations", 1000)
    calls: list[int] = []

    def counted(*args, **kwargs):
        calls.append(1)
        return pbkdf2(*args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.hashers.pbkdf2", counted)
    return calls


@pytest.fixture
def account(tree, derivations):
    def make(role: str) -> User:
        user = User.objects.create(
            username=f"xianyou-{role}",
            password=make_password(PASSWORD),
            role=role,
            jurisdiction=tree["350322"],
        )
        derivations.clear()
        return user

    return make


def log_in(client: Client, username: str, password: str = PASSWORD):
    client.get("/login/")
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_a_login_with_its_second_factor_hashes_the_password_once(account, derivations):
    user = account(Role.COMMANDER)
    device, client = ensure_device(user), Client()

    assert log_in(client, user.username).status_code == 302
    assert client.get("/tasks/")["Location"].startswith("/login/otp/")  # the code is due first
    code = client.post("/login/otp/", {"otp_token": current_code(device)})
    assert code.status_code == 302 and client.get("/tasks/").status_code == 200

    assert len(derivations) == 1


@pytest.mark.django_db
def test_a_login_without_a_second_factor_hashes_the_password_once(account, derivations):
    user = account(Role.OPERATOR)
    client = Client()

    assert log_in(client, user.username).status_code == 302
    assert client.get("/tasks/").status_code == 200
    assert len(derivations) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["xianyou-operator", "nobody"])
def test_a_refused_login_costs_one_hash_too(account, derivations, username):
    """A wrong password and an unknown user cost the same: neither tells which it was."""
    account(Role.OPERATOR)
    assert log_in(Client(), username, "wrong-password").status_code == 200
    assert len(derivations) == 1


@pytest.mark.django_db
def test_the_pages_after_a_login_hash_nothing(account, derivations):
    user = account(Role.OPERATOR)
    client = Client()
    log_in(client, user.username)
    derivations.clear()

    for page in ("/", "/tasks/", "/cases/", "/api/tasks/tasks/"):
        assert client.get(page).status_code == 200
    assert derivations == []
