"""Who sees and who writes which protocol versions (ProtocolQuerySet.restrict)."""

import pytest

from pingji.protocols.models import Protocol, applicable_codes
from pingji.users.choices import Role

from .factories import ProtocolFactory


@pytest.fixture
def versions(tree):
    return {
        code: ProtocolFactory(jurisdiction_code=code) for code in ("35", "3503", "350322", "3502")
    }


def codes(queryset) -> set[str]:
    return set(queryset.values_list("jurisdiction_code", flat=True))


def test_applicable_codes_are_the_nation_every_ancestor_and_the_area_itself():
    assert applicable_codes("350322100") == ["", "35", "3503", "350322", "350322100"]
    assert applicable_codes("") == [""]


def test_a_county_sees_national_and_higher_versions_and_its_own(versions, county_user):
    assert codes(Protocol.objects.restrict(county_user)) == {"", "35", "3503", "350322"}


def test_a_province_sees_everything_below_it_but_writes_only_there(versions, make_user):
    admin = make_user(Role.ADMINISTRATOR, "35")
    assert codes(Protocol.objects.restrict(admin)) == {"", "35", "3503", "350322", "3502"}
    assert codes(Protocol.objects.restrict(admin, "change")) == {"35", "3503", "350322", "3502"}


def test_a_county_administrator_changes_only_its_own(versions, make_user):
    admin = make_user(Role.ADMINISTRATOR, "350322")
    assert codes(Protocol.objects.restrict(admin, "change")) == {"350322"}
    assert codes(Protocol.objects.restrict(admin, "add")) == {"350322"}


def test_without_the_permission_nothing_is_writable(versions, county_user):
    assert not Protocol.objects.restrict(county_user, "change").exists()


def test_an_unscoped_superuser_sees_and_changes_the_national_versions(db, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    national = Protocol.objects.restrict(root, "change").filter(jurisdiction_code="")
    assert national.count() == Protocol.objects.filter(jurisdiction_code="").count() >= 4


def test_nobody_anonymous_sees_anything(versions):
    assert not Protocol.objects.restrict(None).exists()


def test_the_focus_shows_what_concerns_it(versions):
    assert codes(Protocol.objects.within("3503")) == {"", "35", "3503", "350322"}
