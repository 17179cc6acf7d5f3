"""Revoking by hand: the reason is required, twice is a conflict, another county cannot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.actions import Conflict
from pingji.core.models import DomainEvent
from pingji.notices.actions.revoking import do_revoke_notice
from pingji.notices.choices import NoticeStatus
from pingji.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_a_notice_is_revoked_once_with_its_reason(sealed, commander):
    notice = Notice.objects.filter(kind="sealing").first()
    with pytest.raises(ValidationError) as exc:
        do_revoke_notice(notice, commander, "  ")
    assert "reason" in exc.value.message_dict
    done = do_revoke_notice(notice, commander, "送达地址有误，重新制发")
    assert (done.status, done.reason, done.revoked_by) == (
        NoticeStatus.REVOKED,
        "送达地址有误，重新制发",
        commander,
    )
    event = DomainEvent.objects.get(kind="notices.revoked")
    assert done.revoked_event == event and event.payload["number"] == notice.number
    with pytest.raises(Conflict):
        do_revoke_notice(notice, commander, "再次撤销试试")
    assert DomainEvent.objects.filter(kind="notices.revoked").count() == 1


def test_a_superseded_notice_cannot_be_revoked(sealed, commander, epi, tree, evidence):
    from .conftest import at, change_level

    change_level(sealed, epi, commander, tree, "", at(9, 29))
    old = Notice.objects.filter(kind="sealing").first()
    with pytest.raises(Conflict):
        do_revoke_notice(old, commander, "已被替代的也想撤销")


def test_another_county_and_a_grid_worker_cannot_revoke(sealed, make_user, grid_worker):
    from pingji.users.choices import Role

    notice = Notice.objects.filter(kind="sealing").first()
    for actor in (make_user(Role.COMMANDER, "350206"), grid_worker):
        with pytest.raises(PermissionDenied):
            do_revoke_notice(notice, actor, "不是我的辖区")
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.VALID
