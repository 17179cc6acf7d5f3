"""Users test fixtures: administrators of 莆田市 and 湖里区, an auditor, a county operator."""

import pytest

from pingji.users.choices import Role

#: Passes Django's validators: long enough, not common, not numeric, unlike any username here.
STRONG = "Mulan-Creek-1207"


@pytest.fixture
def admin(make_user):
    """Manages the accounts of 莆田市 and everything below it."""
    return make_user(Role.ADMINISTRATOR, "3503", username="putian-admin")


@pytest.fixture
def huli_admin(make_user):
    """The same role in 湖里区 (Xiamen): must never see or touch 莆田市's accounts."""
    return make_user(Role.ADMINISTRATOR, "350206", username="huli-admin")


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, "3503", username="putian-auditor")


@pytest.fixture
def operator(make_user):
    """An account of 仙游县 for the administrators to manage."""
    return make_user(
        Role.OPERATOR, "350322", username="xianyou-op", first_name="芳", last_name="林"
    )
