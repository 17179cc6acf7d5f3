import datetime

import factory
from django.utils import timezone

from pingji.command.choices import Mode, ResponseLevel
from pingji.command.models import ModeSwitch


class ModeSwitchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModeSwitch

    mode = Mode.EMERGENCY
    level = ResponseLevel.II
    reason = "本土疫情：新增本土确诊病例"
    effective_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


SCOPED_FACTORIES = {
    ModeSwitch: lambda grid: ModeSwitchFactory(jurisdiction=grid),
}
