"""Meetings of a headquarters: who and what, never in the future, only in one's area."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pingji.command.actions.meetings import do_record_meeting
from pingji.command.models import Meeting
from pingji.core.models import DomainEvent
from pingji.users.choices import Role


def record(actor, place, **fields):
    fields.setdefault("title", "指挥部会议")
    fields.setdefault("held_at", timezone.now() - timedelta(hours=2))
    fields.setdefault("attendees", "指挥长\n卫健委")
    fields.setdefault("minutes", "研究部署国庆假期疫情防控。")
    return do_record_meeting(place, actor=actor, **fields)


def test_a_meeting_is_recorded_with_its_event_at_the_meeting_time(tree, make_user):
    held = timezone.now() - timedelta(days=1)
    meeting = record(make_user(Role.COMMANDER, "3503"), tree["3503"], held_at=held)
    assert meeting.attendee_list == ["指挥长", "卫健委"]
    event = DomainEvent.objects.get(kind="command.meeting_held")
    assert event.time == held and event.jurisdiction_code == "3503"


def test_bad_input_is_refused_by_field(tree, make_user):
    with pytest.raises(ValidationError) as exc:
        record(
            make_user(Role.COMMANDER, "3503"),
            tree["3503"],
            title="",
            held_at=timezone.now() + timedelta(days=1),
            attendees=" ",
            minutes="",
        )
    assert set(exc.value.message_dict) == {"title", "held_at", "attendees", "minutes"}
    assert not Meeting.objects.exists()


def test_outside_the_area_or_without_the_role_is_refused(tree, make_user):
    with pytest.raises(PermissionDenied):
        record(make_user(Role.COMMANDER, "3503"), tree["3502"])
    with pytest.raises(PermissionDenied):
        record(make_user(Role.OPERATOR, "3503"), tree["3503"])
    assert not Meeting.objects.exists()


def test_the_pages(client, tree, make_user):
    cmd = make_user(Role.COMMANDER, "3503")
    client.force_login(cmd)
    response = client.post(
        reverse("command:meeting_create"),
        {
            "title": "市指挥部会议",
            "body": "hq",
            "held_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "attendees": "指挥长",
            "minutes": "部署",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.jurisdiction_id == "3503"
    refused = client.post(reverse("command:meeting_create"), {"title": "", "body": "hq"})
    assert refused.status_code == 400 and "title" in refused.context["form"].errors
    assert Meeting.objects.count() == 1
    assert "市指挥部会议" in client.get(reverse("command:meeting_list")).content.decode()
    client.force_login(make_user(Role.COMMANDER, "3502"))
    assert client.get(meeting.get_absolute_url()).status_code == 404
