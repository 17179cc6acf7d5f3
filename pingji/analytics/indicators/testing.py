"""Testing indicators: rounds of mass testing, sample records processed, positive tubes, retests.

From the testing domain's events: ``testing.round_opened``/``round_closed`` (rounds in progress as
a level), ``testing.upload_applied`` (its ``rows``: sampling and result records processed),
``testing.tube_positive`` and ``testing.retest_recorded``.
"""

from django.utils.translation import gettext_lazy as _

from pingji.testing.contracts import (
    RETEST_RECORDED,
    ROUND_CLOSED,
    ROUND_OPENED,
    TUBE_POSITIVE,
    UPLOAD_APPLIED,
)

from .registry import register, term

register("testing_rounds_opened", _("testing rounds opened"), "testing", term(ROUND_OPENED))
register(
    "testing_rounds_open",
    _("testing rounds in progress"),
    "testing",
    term(ROUND_OPENED),
    term(ROUND_CLOSED, sign=-1),
    stock=True,
)
register(
    "testing_records",
    _("sample records processed"),
    "testing",
    term(UPLOAD_APPLIED, "rows"),
)
register("testing_positive_tubes", _("positive tubes"), "testing", term(TUBE_POSITIVE))
register("testing_retests", _("single-tube retests"), "testing", term(RETEST_RECORDED))
