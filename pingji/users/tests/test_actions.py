"""Account actions: scope before and after the write, clear refusals, events without secrets."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.models import DomainEvent, ObjectChange
from pingji.users.actions.accounts import do_create_user, do_set_password, do_update_user
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.tokens import issue_token

from .conftest import STRONG


def create(actor, tree, **overrides):
    fields = {
        "username": "xianyou-epi",
        "role": Role.EPIDEMIOLOGIST,
        "jurisdiction": tree["350322"],
        "password": STRONG,
        "first_name": "明",
        "last_name": "陈",
        "phone": "0594-1234567",
    }
    return do_create_user(actor=actor, **{**fields, **overrides})


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_create_saves_the_account_with_a_hashed_password_and_an_event(admin, tree):
    user = create(admin, tree)
    stored = User.objects.get(username="xianyou-epi")
    assert (stored.role, stored.jurisdiction_id, stored.get_full_name()) == (
        Role.EPIDEMIOLOGIST,
        "350322",
        "明 陈",
    )
    assert stored.check_password(STRONG) and STRONG not in stored.password
    event = DomainEvent.objects.get(kind="users.user_created")
    assert (event.actor, event.object_id, event.jurisdiction_code) == (
        admin,
        str(user.pk),
        "350322",
    )
    assert STRONG not in str(event.payload) and "password" not in event.payload


def test_create_outside_the_actors_area_is_refused_and_saves_nothing(admin, tree):
    with pytest.raises(PermissionDenied):
        create(admin, tree, jurisdiction=tree["350206"])
    assert not User.objects.filter(username="xianyou-epi").exists()
    assert not DomainEvent.objects.exists()


def test_a_role_without_users_add_cannot_create(make_user, tree):
    commander = make_user(Role.COMMANDER, "3503")
    with pytest.raises(PermissionDenied):
        create(commander, tree)
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_a_duplicate_username_is_refused_whatever_its_case(admin, operator, tree):
    with pytest.raises(ValidationError) as excinfo:
        create(admin, tree, username="XIANYOU-OP")
    assert errors_of(excinfo) == {"username": ["A user with that username already exists."]}
    assert User.objects.filter(username__iexact="xianyou-op").count() == 1


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1-x", "too short"),
        ("password123", "too common"),
        ("2021091020210910", "entirely numeric"),
        ("xianyou-epi-1", "too similar to the username"),
        ("", "Enter a password."),
    ],
)
def test_a_weak_password_is_refused_on_the_password_field(admin, tree, password, reason):
    with pytest.raises(ValidationError) as excinfo:
        create(admin, tree, password=password)
    errors = errors_of(excinfo)
    assert list(errors) == ["password"] and reason in " ".join(errors["password"])
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_every_missing_or_wrong_field_is_named_at_once(admin, tree):
    with pytest.raises(ValidationError) as excinfo:
        create(admin, tree, username="bad name!", role="emperor", jurisdiction=None)
    errors = errors_of(excinfo)
    assert set(errors) == {"username", "role", "jurisdiction"}
    assert errors["role"] == ["Choose one of the roles."]
    assert not User.objects.filter(username="bad name!").exists()


def test_update_changes_role_jurisdiction_and_names_and_records_the_field_names(
    admin, operator, tree
):
    do_update_user(
        operator,
        {"role": Role.SITE_MANAGER, "jurisdiction": tree["350322100"], "phone": "0594-7654321"},
        actor=admin,
    )
    operator.refresh_from_db()
    assert (operator.role, operator.jurisdiction_id, operator.phone) == (
        Role.SITE_MANAGER,
        "350322100",
        "0594-7654321",
    )
    event = DomainEvent.objects.get(kind="users.user_changed")
    assert event.payload == {"fields": ["role", "jurisdiction", "phone"]}
    assert event.actor == admin and event.jurisdiction_code == "350322100"


def test_an_update_that_changes_nothing_records_nothing(admin, operator):
    do_update_user(operator, {"last_name": "林"}, actor=admin)
    assert not DomainEvent.objects.filter(kind="users.user_changed").exists()


def test_moving_an_account_out_of_the_actors_area_rolls_back(admin, operator, tree):
    with pytest.raises(PermissionDenied):
        do_update_user(
            operator, {"jurisdiction": tree["350206"], "role": Role.AUDITOR}, actor=admin
        )
    assert (operator.jurisdiction_id, operator.role) == ("350322", Role.OPERATOR)
    operator.refresh_from_db()
    assert (operator.jurisdiction_id, operator.role) == ("350322", Role.OPERATOR)
    assert not DomainEvent.objects.filter(kind="users.user_changed").exists()


def test_an_account_outside_the_area_cannot_be_changed_or_given_a_password(huli_admin, operator):
    with pytest.raises(PermissionDenied):
        do_update_user(operator, {"is_active": False}, actor=huli_admin)
    with pytest.raises(PermissionDenied):
        do_set_password(operator, STRONG, actor=huli_admin)
    operator.refresh_from_db()
    assert operator.is_active and operator.check_password("pw")


@pytest.mark.parametrize(
    "change", [{"role": Role.OPERATOR}, {"jurisdiction": "35"}, {"is_active": False}]
)
def test_an_actor_cannot_change_their_own_role_jurisdiction_or_status(admin, tree, change):
    field, value = next(iter(change.items()))
    if field == "jurisdiction":
        value = tree[value]
    with pytest.raises(ValidationError) as excinfo:
        do_update_user(admin, {field: value}, actor=admin)
    assert list(errors_of(excinfo)) == [field]
    assert "You cannot change your own role" in errors_of(excinfo)[field][0]
    admin.refresh_from_db()
    assert (admin.role, admin.jurisdiction_id, admin.is_active) == (
        Role.ADMINISTRATOR,
        "3503",
        True,
    )


def test_an_actor_may_change_their_own_name_and_phone(admin):
    do_update_user(admin, {"first_name": "静", "phone": "0594-1111111"}, actor=admin)
    admin.refresh_from_db()
    assert (admin.first_name, admin.phone) == ("静", "0594-1111111")


def test_fields_outside_the_editable_set_are_refused(admin, operator):
    with pytest.raises(ValidationError) as excinfo:
        do_update_user(operator, {"is_superuser": True, "username": "root"}, actor=admin)
    assert set(errors_of(excinfo)) == {"is_superuser", "username"}
    operator.refresh_from_db()
    assert not operator.is_superuser and operator.username == "xianyou-op"


def test_deactivation_keeps_the_account_and_stops_its_login(admin, operator, client):
    do_update_user(operator, {"is_active": False}, actor=admin)
    assert User.objects.filter(pk=operator.pk, is_active=False).exists()
    assert not client.login(username="xianyou-op", password="pw")
    event = DomainEvent.objects.get(kind="users.user_changed")
    assert event.summary == "Account deactivated: xianyou-op" and event.payload == {
        "fields": ["is_active"]
    }


def test_set_password_replaces_it_revokes_the_token_and_records_no_secret(admin, operator):
    token, _clear = issue_token(operator)
    do_set_password(operator, STRONG, actor=admin)
    operator.refresh_from_db()
    token.refresh_from_db()
    assert operator.check_password(STRONG) and token.revoked_at is not None
    event = DomainEvent.objects.get(kind="users.password_set")
    assert event.payload == {"token_revoked": True} and event.actor == admin
    changes = ObjectChange.objects.filter(object_id=str(operator.pk))
    assert changes.exists()
    assert all("password" not in (c.after or {}) for c in changes)
    assert all(STRONG not in str(c.after) for c in changes)


def test_a_weak_new_password_leaves_the_old_one_and_the_token(admin, operator):
    token, _clear = issue_token(operator)
    with pytest.raises(ValidationError) as excinfo:
        do_set_password(operator, "12345678", actor=admin)
    assert list(errors_of(excinfo)) == ["password"]
    operator.refresh_from_db()
    token.refresh_from_db()
    assert operator.check_password("pw") and token.revoked_at is None


def test_only_a_superuser_may_change_a_superuser(admin, tree):
    root = User.objects.create_superuser("root", password="pw", jurisdiction=tree["350322"])
    with pytest.raises(PermissionDenied):
        do_set_password(root, STRONG, actor=admin)
    with pytest.raises(PermissionDenied):
        do_update_user(root, {"is_active": False}, actor=admin)
    root.refresh_from_db()
    assert root.is_active and root.check_password("pw")
