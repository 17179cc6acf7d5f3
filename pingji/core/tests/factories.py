from django.contrib.contenttypes.models import ContentType

from pingji.core.choices import ChangeAction
from pingji.core.models import DomainEvent, Job, ObjectChange


def _object_change(grid) -> ObjectChange:
    """A change-log row as the audit writes one (``core.audit``). Core has no audited model of
    its own to change, and may not import one from another app, so the row is written directly."""
    return ObjectChange.objects.create(
        action=ChangeAction.UPDATE,
        content_type=ContentType.objects.get_for_model(Job),
        object_id="1",
        object_repr="a changed row",
        jurisdiction_code=grid.code,
        before={"name": "before"},
        after={"name": "after"},
    )


SCOPED_FACTORIES = {
    ObjectChange: _object_change,
    DomainEvent: lambda grid: DomainEvent.objects.create(
        kind="test.event", summary="test", jurisdiction_code=grid.code
    ),
    Job: lambda grid: Job.objects.create(kind="test", jurisdiction_code=grid.code),
}
