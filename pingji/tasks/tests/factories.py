from datetime import timedelta

import factory
from django.utils import timezone

from pingji.tasks.choices import TaskKind
from pingji.tasks.models import Task


class TaskFactory(factory.django.DjangoModelFactory):
    """A row as the actions would leave it, without going through them (set-up only)."""

    class Meta:
        model = Task

    kind = TaskKind.DOOR_CHECK
    title = factory.Sequence(lambda n: f"入户排查{n}")
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


SCOPED_FACTORIES = {
    Task: lambda grid: TaskFactory(jurisdiction=grid),
}
