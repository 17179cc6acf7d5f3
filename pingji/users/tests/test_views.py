"""The account pages: scoped list and detail, the three forms, refusals on the field at fault."""

import pytest
from django.urls import reverse

from pingji.core.models import DomainEvent
from pingji.users import forms
from pingji.users.choices import Role
from pingji.users.contracts import USER_CHANGED
from pingji.users.forms import jurisdiction_choices
from pingji.users.models import User

from .conftest import STRONG

LIST = reverse("users:user_list")
CREATE = reverse("users:user_create")


def logged_in(client, user):
    client.force_login(user)
    return client


def url(name: str, user) -> str:
    return reverse(f"users:{name}", args=[user.pk])


def new_account(**overrides) -> dict:
    return {
        "username": "xianyou-epi",
        "last_name": "陈",
        "first_name": "明",
        "role": Role.EPIDEMIOLOGIST,
        "jurisdiction": "350322",
        "phone": "0594-1234567",
        "password": STRONG,
        "password_confirmation": STRONG,
        **overrides,
    }


def field_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_the_list_shows_the_focus_and_the_nav_link_only_to_those_who_may(
    client, admin, operator, huli_admin, make_user
):
    page = logged_in(client, admin).get(LIST)
    rows = [u.username for u in page.context["object_list"]]
    assert rows == ["putian-admin", "xianyou-op"]
    text = page.content.decode()
    assert url("user_detail", operator) in text and "林" in text and "operator" in text
    assert f'href="{LIST}"' in text and CREATE in text
    assert [
        u.username for u in client.get(LIST, {"role": Role.ADMINISTRATOR}).context["object_list"]
    ] == ["putian-admin"]
    commander = make_user(Role.COMMANDER, "3503")
    text = logged_in(client, commander).get(reverse("home")).content.decode()
    assert f'href="{LIST}"' not in text


def test_the_detail_shows_the_account_and_what_it_did(client, admin, auditor, operator):
    DomainEvent.objects.create(
        kind=USER_CHANGED,
        summary="Door check done",
        jurisdiction_code="350322",
        actor=operator,
    )
    DomainEvent.objects.create(
        kind=USER_CHANGED, summary="Far away", jurisdiction_code="350206", actor=operator
    )
    response = logged_in(client, auditor).get(url("user_detail", operator))
    text = response.content.decode()
    assert response.status_code == 200 and "xianyou-op" in text and "仙游县" in text
    assert "Door check done" in text and "Far away" not in text
    assert url("user_update", operator) not in text  # auditors read only
    text = logged_in(client, admin).get(url("user_detail", operator)).content.decode()
    assert url("user_update", operator) in text and url("user_password", operator) in text


def test_an_account_outside_the_area_is_404_on_every_page(client, huli_admin, operator):
    c = logged_in(client, huli_admin)
    for name in ("user_detail", "user_update", "user_password"):
        assert c.get(url(name, operator)).status_code == 404, name
    response = c.post(
        url("user_update", operator), {"role": Role.AUDITOR, "jurisdiction": "350206"}
    )
    assert response.status_code == 404
    response = c.post(
        url("user_password", operator), {"password": STRONG, "password_confirmation": STRONG}
    )
    assert response.status_code == 404
    operator.refresh_from_db()
    assert operator.role == Role.OPERATOR and operator.check_password("pw")


def test_the_create_form_opens_an_account(client, admin):
    response = logged_in(client, admin).post(CREATE, new_account())
    user = User.objects.get(username="xianyou-epi")
    assert response.status_code == 302 and response.url == url("user_detail", user)
    assert user.check_password(STRONG) and user.jurisdiction_id == "350322"


def test_the_create_form_offers_only_the_focus_and_below(client, admin):
    form = logged_in(client, admin).get(CREATE).context["form"]
    codes = [code for code, _label in form.fields["jurisdiction"].widget.choices if code]
    assert codes[:2] == ["3503", "350322"] and "350206" not in codes and "35" not in codes
    response = client.post(CREATE, new_account(jurisdiction="350206"))
    assert response.status_code == 400
    assert field_errors(response) == {"jurisdiction": ["No such jurisdiction in your area."]}
    assert not User.objects.filter(username="xianyou-epi").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "12345678", "password_confirmation": "12345678"}, "password", "numeric"),
        ({"password_confirmation": STRONG + "x"}, "password_confirmation", "differ"),
        ({"username": "putian-admin"}, "username", "already exists"),
        ({"username": "has space"}, "username", "Enter a valid username"),
        ({"role": ""}, "role", "required"),
    ],
)
def test_bad_input_is_named_on_its_field_and_saves_nothing(
    client, admin, overrides, field, message
):
    before = User.objects.count()
    response = logged_in(client, admin).post(CREATE, new_account(**overrides))
    assert response.status_code == 400
    errors = field_errors(response)
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert User.objects.count() == before
    assert STRONG not in response.content.decode()  # a password is never sent back


def test_only_administrators_reach_the_forms(client, auditor, operator):
    c = logged_in(client, auditor)
    assert c.get(CREATE).status_code == 403
    assert c.post(CREATE, new_account()).status_code == 403
    assert c.get(url("user_update", operator)).status_code == 403
    assert not User.objects.filter(username="xianyou-epi").exists()


def test_the_edit_form_changes_and_deactivates(client, admin, operator):
    response = logged_in(client, admin).post(
        url("user_update", operator),
        {
            "last_name": "林",
            "first_name": "芳",
            "role": Role.SITE_MANAGER,
            "jurisdiction": "350322",
        },
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.role, operator.is_active) == (Role.SITE_MANAGER, False)
    event = DomainEvent.objects.get(kind="users.user_changed")
    assert event.payload == {"fields": ["role", "is_active"]}


def test_a_bad_edit_answers_400_on_the_accounts_page_and_changes_nothing(client, admin, operator):
    response = logged_in(client, admin).post(
        url("user_update", operator), {"last_name": "陈", "role": "", "jurisdiction": "350322"}
    )
    assert response.status_code == 400 and field_errors(response) == {
        "role": ["This field is required."]
    }
    assert response.context["title"] == "Edit xianyou-op"
    assert response.context["cancel_url"] == url("user_detail", operator)
    operator.refresh_from_db()
    assert (operator.last_name, operator.role) == ("林", Role.OPERATOR)


def test_on_ones_own_account_role_jurisdiction_and_status_stay(client, admin):
    c = logged_in(client, admin)
    form = c.get(url("user_update", admin)).context["form"]
    assert all(form.fields[f].disabled for f in ("role", "jurisdiction", "is_active"))
    response = c.post(
        url("user_update", admin),
        {"first_name": "静", "role": Role.OPERATOR, "jurisdiction": "350322"},
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert (admin.first_name, admin.role, admin.jurisdiction_id, admin.is_active) == (
        "静",
        Role.ADMINISTRATOR,
        "3503",
        True,
    )


def test_set_password_form(client, admin, operator):
    c = logged_in(client, admin)
    target = url("user_password", operator)
    weak = c.post(target, {"password": "xianyou-op", "password_confirmation": "xianyou-op"})
    assert weak.status_code == 400 and weak.context["title"] == "Set the password of xianyou-op"
    assert "too similar" in " ".join(field_errors(weak)["password"])
    response = c.post(target, {"password": STRONG, "password_confirmation": STRONG})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(STRONG)
    own = c.post(url("user_password", admin), {"password": STRONG, "password_confirmation": STRONG})
    assert own.status_code == 302 and c.get(LIST).status_code == 200  # still logged in


def test_hostile_input_is_shown_escaped(client, admin):
    script = "<script>alert(1)</script>"
    c = logged_in(client, admin)
    c.post(CREATE, new_account(first_name=script, last_name=script))
    user = User.objects.get(username="xianyou-epi")
    for page in (c.get(LIST), c.get(url("user_detail", user)), c.get(url("user_update", user))):
        text = page.content.decode()
        assert script not in text and "&lt;script&gt;" in text


def test_choices_keep_the_current_jurisdiction(admin, tree):
    choices = jurisdiction_choices(admin, "350322100", current=tree["3503"])
    codes = [code for code, _label in choices]
    assert codes[:3] == ["", "3503", "350322100"] and "350322" not in codes


def test_a_long_list_stops_at_the_limit_and_says_so(admin, monkeypatch):
    monkeypatch.setattr(forms, "MAX_OPTIONS", 2)
    form = forms.UserCreateForm(user=admin, focus="3503")
    field = form.fields["jurisdiction"]
    assert [code for code, _label in field.widget.choices] == ["", "3503", "350322"]
    assert "Only the first 2 are listed" in str(field.help_text)


@pytest.mark.chinese
def test_the_pages_speak_chinese_by_default(client, admin, operator):
    text = logged_in(client, admin).get(LIST).content.decode()
    assert "新建账号" in text and "用户名" in text and "上次登录" in text
    assert "确认密码" in client.get(url("user_password", operator)).content.decode()
    assert "不能修改自己的角色" in client.get(url("user_update", admin)).content.decode()
