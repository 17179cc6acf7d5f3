import datetime

import factory
from django.utils import timezone

from pingji.command.choices import Mode, ResponseLevel
from pingji.command.models import Meeting, ModeSwitch


class ModeSwitchFactory(factory.django.DjangoModelFactory[ModeSwitch]):
    class Meta:
        model = ModeSwitch

    mode = Mode.EMERGENCY
    level = ResponseLevel.II
    reason = "本土疫情：新增本土确诊病例"
    effective_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    title = "疫情防控指挥部会议"
    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    attendees = "指挥长\n副指挥长\n各工作组组长"
    minutes = "研究部署国庆假期疫情防控工作。"


SCOPED_FACTORIES = {
    ModeSwitch: lambda grid: ModeSwitchFactory(jurisdiction=grid),
    Meeting: lambda grid: MeetingFactory(jurisdiction=grid),
}
