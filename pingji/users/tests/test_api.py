"""The users API: scoped list and filters, writes through the actions, no password ever echoed."""

from pingji.core.models import DomainEvent
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.tokens import issue_token

from .conftest import STRONG

USERS = "/api/users/users/"


def detail(user) -> str:
    return f"{USERS}{user.pk}/"


def usernames(response) -> list[str]:
    return sorted(row["username"] for row in response.json()["results"])


def new_account(**overrides) -> dict:
    return {
        "username": "xianyou-epi",
        "role": Role.EPIDEMIOLOGIST,
        "jurisdiction": "350322",
        "password": STRONG,
        "last_name": "陈",
        **overrides,
    }


def test_the_list_holds_the_callers_area_and_filters_it(
    api, admin, auditor, operator, huli_admin, make_user
):
    make_user(Role.GRID_WORKER, "350322100001001", username="grid-1", is_active=False)
    client = api(auditor)
    assert usernames(client.get(USERS)) == [
        "grid-1",
        "putian-admin",
        "putian-auditor",
        "xianyou-op",
    ]
    assert usernames(client.get(USERS, {"role": Role.OPERATOR})) == ["xianyou-op"]
    assert usernames(client.get(USERS, {"active": "false"})) == ["grid-1"]
    assert usernames(client.get(USERS, {"within": "350322"})) == ["grid-1", "xianyou-op"]
    assert usernames(client.get(USERS, {"username": "PUTIAN"})) == [
        "putian-admin",
        "putian-auditor",
    ]
    assert usernames(client.get(USERS, {"within": "350206"})) == []


def test_no_answer_carries_the_password_hash(api, admin, operator):
    for response in (api(admin).get(USERS), api(admin).get(detail(operator))):
        assert response.status_code == 200
        text = response.content.decode()
        assert "password" not in text and operator.password not in text
    assert api(admin).get(detail(operator)).json()["jurisdiction"] == "350322"


def test_create_goes_through_the_action_and_never_echoes_the_password(api, admin):
    response = api(admin).post(USERS, new_account(), format="json")
    assert response.status_code == 201, response.content
    assert "password" not in response.json() and STRONG not in response.content.decode()
    user = User.objects.get(username="xianyou-epi")
    assert user.check_password(STRONG) and user.is_active
    assert DomainEvent.objects.filter(kind="users.user_created", actor=admin).exists()


def test_create_outside_the_area_finds_no_such_jurisdiction_and_saves_nothing(api, admin):
    response = api(admin).post(USERS, new_account(jurisdiction="350206"), format="json")
    assert response.status_code == 400 and response.json().keys() == {"jurisdiction"}
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_bad_creations_answer_400_naming_the_field(api, admin, operator):
    client = api(admin)
    cases = {
        "password": new_account(password="12345678"),
        "username": new_account(username="xianyou-op"),
        "role": new_account(role="emperor"),
        "jurisdiction": new_account(jurisdiction=None),
        "is_active": new_account(is_active=False),
    }
    for field, body in cases.items():
        response = client.post(USERS, body, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), (field, response.json())
    missing = {k: v for k, v in new_account().items() if k != "password"}
    assert client.post(USERS, missing, format="json").json() == {
        "password": ["This field is required."]
    }
    assert "entirely numeric" in str(client.post(USERS, cases["password"], format="json").json())
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_a_role_that_may_only_view_cannot_create(api, auditor):
    assert api(auditor).post(USERS, new_account(), format="json").status_code == 403
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_partial_update_changes_role_and_deactivates(api, admin, operator):
    client = api(admin)
    response = client.patch(
        detail(operator), {"role": Role.SITE_MANAGER, "is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    operator.refresh_from_db()
    assert (operator.role, operator.is_active) == (Role.SITE_MANAGER, False)
    event = DomainEvent.objects.get(kind="users.user_changed")
    assert event.payload == {"fields": ["role", "is_active"]}


def test_username_and_password_cannot_be_patched(api, admin, operator):
    response = api(admin).patch(
        detail(operator), {"username": "boss", "password": STRONG}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
    operator.refresh_from_db()
    assert operator.username == "xianyou-op" and operator.check_password("pw")


def test_self_demotion_through_the_api_is_400(api, admin):
    response = api(admin).patch(detail(admin), {"role": Role.OPERATOR}, format="json")
    assert response.status_code == 400 and "role" in response.json()
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR


def test_accounts_are_never_deleted(api, admin, operator):
    assert api(admin).delete(detail(operator)).status_code == 405
    assert User.objects.filter(pk=operator.pk).exists()


def test_set_password_revokes_the_token(api, admin, operator):
    token, _clear = issue_token(operator)
    url = f"{detail(operator)}set-password/"
    response = api(admin).post(url, {"password": STRONG}, format="json")
    assert response.status_code == 204
    operator.refresh_from_db()
    token.refresh_from_db()
    assert operator.check_password(STRONG) and token.revoked_at is not None
    weak = api(admin).post(url, {"password": "xianyou-op"}, format="json")
    assert weak.status_code == 400 and "password" in weak.json()


def test_set_password_outside_is_404_and_without_the_right_403(api, huli_admin, auditor, operator):
    url = f"{detail(operator)}set-password/"
    assert api(huli_admin).post(url, {"password": STRONG}, format="json").status_code == 404
    assert api(auditor).post(url, {"password": STRONG}, format="json").status_code == 403
    operator.refresh_from_db()
    assert operator.check_password("pw")
    assert not DomainEvent.objects.filter(kind="users.password_set").exists()


def test_an_outsider_cannot_patch_an_account(api, huli_admin, operator):
    response = api(huli_admin).patch(detail(operator), {"is_active": False}, format="json")
    assert response.status_code == 404
    operator.refresh_from_db()
    assert operator.is_active
