"""The chokepoint: restrict() scopes by code prefix and role; writes outside roll back."""

import pytest
from django.core.exceptions import PermissionDenied

from pingji.core.access import ensure_allowed
from pingji.geo.actions.places import do_update_place
from pingji.geo.models import Place
from pingji.geo.tests.factories import PlaceFactory
from pingji.users.choices import Role


@pytest.fixture
def places(tree):
    return {
        "xianyou": PlaceFactory(jurisdiction=tree["350322100001001"]),
        "huli": PlaceFactory(jurisdiction=tree["350206001001001"]),
    }


def test_a_user_sees_their_subtree_only(places, make_user):
    county = make_user(Role.OPERATOR, "350322")
    city = make_user(Role.OPERATOR, "3503", username="putian-op")
    province = make_user(Role.OPERATOR, "35", username="fujian-op")
    assert set(Place.objects.restrict(county)) == {places["xianyou"]}
    assert set(Place.objects.restrict(city)) == {places["xianyou"]}
    assert set(Place.objects.restrict(province)) == set(places.values())


def test_the_scope_is_one_range_on_the_local_column(county_user):
    sql = str(Place.objects.restrict(county_user).query).upper()
    assert '"GEO_PLACE"."JURISDICTION_ID" >= 350322 AND' in sql
    assert "JOIN" not in sql and "LIKE" not in sql


@pytest.mark.parametrize("prefix", ["3", "35", "3503", "350322", "350322100001001", "9"])
def test_within_matches_exactly_the_codes_with_that_prefix(tree, prefix):
    from pingji.geo.models import Jurisdiction

    got = set(Jurisdiction.objects.filter(code__within=prefix).values_list("code", flat=True))
    assert got == {code for code in tree if code.startswith(prefix)}


def test_the_role_decides_the_action(places, make_user):
    worker = make_user(Role.GRID_WORKER, "350322")
    assert Place.objects.restrict(worker, "view").exists()
    assert not Place.objects.restrict(worker, "delete").exists()


def test_inactive_and_unassigned_users_see_nothing(places, make_user):
    user = make_user(Role.OPERATOR, "350322")
    user.is_active = False
    assert not Place.objects.restrict(user).exists()
    user.is_active, user.jurisdiction = True, None
    assert not Place.objects.restrict(user).exists()


def test_moving_a_row_out_of_ones_area_rolls_back(places, tree, county_user):
    place = places["xianyou"]
    with pytest.raises(PermissionDenied):
        do_update_place(place, {"jurisdiction": tree["350206001001001"]}, actor=county_user)
    place.refresh_from_db()
    assert place.jurisdiction_id == "350322100001001"


def test_ensure_allowed_refuses_outside(places, outsider):
    with pytest.raises(PermissionDenied):
        ensure_allowed(outsider, places["xianyou"])
