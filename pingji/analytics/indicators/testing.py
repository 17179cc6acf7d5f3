"""Testing indicators: rounds of mass testing, sample records processed, positive tubes, retests.

From the testing domain's events: ``testing.round_opened``/``round_closed`` (rounds in progress as
a level), ``testing.upload_applied`` (its ``rows``: sampling and result records processed),
``testing.tube_positive`` and ``testing.retest_recorded``.
"""

from django.utils.translation import gettext_lazy as _

from .registry import register, term

register(
    "testing_rounds_opened", _("testing rounds opened"), "testing", term("testing.round_opened")
)
register(
    "testing_rounds_open",
    _("testing rounds in progress"),
    "testing",
    term("testing.round_opened"),
    term("testing.round_closed", sign=-1),
    stock=True,
)
register(
    "testing_records",
    _("sample records processed"),
    "testing",
    term("testing.upload_applied", "rows"),
)
register("testing_positive_tubes", _("positive tubes"), "testing", term("testing.tube_positive"))
register("testing_retests", _("single-tube retests"), "testing", term("testing.retest_recorded"))
