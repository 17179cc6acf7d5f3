"""The login page shows the deployment's note, and nothing of the demo unless the demo sets it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_says_nothing_of_demo_accounts_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert "350300-commander" not in page and "Demo" not in page


def test_the_login_page_shows_the_note_a_deployment_sets(client, settings):
    settings.PINGJI_LOGIN_NOTE = "账号请向市疾控中心信息科申请"
    assert "账号请向市疾控中心信息科申请" in client.get(reverse("login")).content.decode()
