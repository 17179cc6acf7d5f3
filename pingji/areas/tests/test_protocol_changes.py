"""What areas keep of a protocol follows its amendment at once, not at the next restart."""

import copy
import datetime

import pytest

from pingji.areas.levels import level_order
from pingji.protocols.actions.versions import do_amend_protocol, do_copy_protocol
from pingji.protocols.tests.factories import national
from pingji.users.choices import Role


@pytest.mark.django_db(transaction=True)
def test_an_amended_level_order_is_read_afresh_after_the_commit(tree, make_user):
    admin = make_user(Role.ADMINISTRATOR, "35", username="fj-admin")
    fujian = do_copy_protocol(
        national(),
        jurisdiction_code="35",
        effective_from=datetime.date(2021, 9, 20),
        name="福建省方案",
        actor=admin,
    )
    assert level_order(fujian.pk, "sealed") == (1, True)  # read, and kept

    rules = copy.deepcopy(fujian.rules)
    levels = rules["risk_areas"]["levels"]
    levels["sealed"]["order"], levels["controlled"]["order"] = (
        levels["controlled"]["order"],
        levels["sealed"]["order"],
    )
    do_amend_protocol(fujian, rules=rules, reason="本省调整顺序", actor=admin)

    assert level_order(fujian.pk, "sealed") == (2, True)
    assert level_order(fujian.pk, "controlled")[0] == 1
