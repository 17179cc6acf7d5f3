"""Factories for notices rows, stored as ``actions.issuing`` stores them (without the events).

SCOPED_FACTORIES joins them to the shared permission suite (``tests/test_permissions.py``).
"""

import itertools

from django.contrib.contenttypes.models import ContentType

from pingji.notices.actions.issuing import new_token
from pingji.notices.models import Notice

_sequence = itertools.count(1)


def notice_in(grid, kind: str = "sealing", **extra) -> Notice:
    """A valid notice worked in ``grid``, issued by its county, from the grid row itself."""
    n = next(_sequence)
    county = grid.code[:6]
    jurisdiction_type = ContentType.objects.get_for_model(type(grid))
    return Notice.objects.create(
        kind=kind,
        number=f"测试〔2021〕封第{n:04d}号",
        year=2021,
        sequence=n,
        issuer_id=county,
        jurisdiction=grid,
        recipient_key=f"test:{n}",
        recipient_label=f"住户{n}",
        source_type=jurisdiction_type,
        source_id=grid.code,
        subject_type=jurisdiction_type,
        subject_id=grid.code,
        content={"title": "封控告知书", "number": f"测试〔2021〕封第{n:04d}号"},
        token=new_token(),
        **extra,
    )


SCOPED_FACTORIES = {
    Notice: notice_in,
}
