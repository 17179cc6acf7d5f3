import datetime

import pytest
from django.utils import timezone

from pingji.users.choices import Role

from .factories import StoreFactory, SupplyItemFactory


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, month, day, hour))


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def store(tree):
    return StoreFactory(jurisdiction=tree["350322"], name="仙游县应急物资库")


@pytest.fixture
def other_store(tree):
    return StoreFactory(jurisdiction=tree["350322100"], name="鲤城街道物资点")


@pytest.fixture
def mask(db):
    return SupplyItemFactory()
