from pingji.core.events import record_event
from pingji.core.models import DomainEvent, Job, ObjectChange
from pingji.geo.tests.factories import PlaceFactory


def _object_change(grid) -> ObjectChange:
    PlaceFactory(jurisdiction=grid)  # the change log writes the row
    return ObjectChange.objects.filter(jurisdiction_code=grid.code).latest("id")


SCOPED_FACTORIES = {
    ObjectChange: _object_change,
    DomainEvent: lambda grid: record_event("test.event", "test", jurisdiction_code=grid.code),
    Job: lambda grid: Job.objects.create(kind="test", jurisdiction_code=grid.code),
}
