"""A liaison (挂钩干部) sees only the establishments they are named for, and their rows."""

from pingji.reopening.actions.liaison import do_raise_problem, do_save_plan
from pingji.reopening.actions.resumption import do_pause
from pingji.reopening.models import Establishment, Plan, Problem, StatusChange

from .factories import EstablishmentFactory


def test_a_liaison_sees_only_their_establishments(operator, liaison, grid, client, api):
    mine, other = EstablishmentFactory(jurisdiction=grid), EstablishmentFactory(jurisdiction=grid)
    do_save_plan(mine, actor=operator, measures="一企一策", liaison=liaison)
    do_save_plan(other, actor=operator, measures="一企一策")
    do_pause(other, actor=operator, reason="x")

    assert list(Establishment.objects.restrict(liaison)) == [mine]
    assert list(Plan.objects.restrict(liaison).values_list("establishment", flat=True)) == [mine.pk]
    assert not StatusChange.objects.restrict(liaison).exists()
    # the county's operator sees both
    assert Establishment.objects.restrict(operator).count() == 2

    client.force_login(liaison)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert api(liaison).get(f"/api/reopening/establishments/{other.pk}/").status_code == 404
    ids = [r["id"] for r in api(liaison).get("/api/reopening/establishments/").json()["results"]]
    assert ids == [mine.pk]


def test_a_liaison_raises_problems_for_their_establishment_only(operator, liaison, grid):
    mine, other = EstablishmentFactory(jurisdiction=grid), EstablishmentFactory(jurisdiction=grid)
    do_save_plan(mine, actor=operator, measures="一企一策", liaison=liaison)
    import datetime

    import pytest
    from django.core.exceptions import PermissionDenied

    deadline = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(PermissionDenied):
        do_raise_problem(
            other,
            actor=liaison,
            category="goods",
            department="transport",
            description="原料滞留",
            deadline=deadline,
        )
    do_raise_problem(
        mine,
        actor=liaison,
        category="goods",
        department="transport",
        description="原料滞留",
        deadline=deadline,
    )
    assert Problem.objects.restrict(liaison).count() == 1
