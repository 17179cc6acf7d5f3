"""``regimes``: quarantine and monitoring per category, and the days tests are due."""

from django.utils.translation import gettext as _

from ..choices import CountedFrom, RegimeCategory, ReleaseTest
from .specs import MAX_DAYS, Days, Enum, Errors, Int, MapOf, Obj, RuleError, rule


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_regime(value: dict, path: str, errors: Errors) -> None:
    """Test days must fall within the phase they belong to (skipped where a length is invalid)."""
    given = value.get("test_days")
    days: dict = given if isinstance(given, dict) else {}
    phases = {
        "centralized": [value.get("centralized_days", 0)],
        "home": [value.get("home_quarantine_days", 0), value.get("home_monitoring_days", 0)],
    }
    for phase, parts in phases.items():
        listed = days.get(phase)
        if not isinstance(listed, list) or not all(_whole(p) and p >= 0 for p in parts):
            continue
        length = sum(parts)
        if any(_whole(d) and d > length for d in listed):
            reason = _("a test day lies after the end of this phase (%(n)s days)") % {"n": length}
            errors.append(RuleError(f"{path}.test_days.{phase}", reason))


REGIME = rule(
    {
        "centralized_days": Int(0, MAX_DAYS),
        "home_quarantine_days": Int(0, MAX_DAYS),
        "home_monitoring_days": Int(0, MAX_DAYS),
        "test_days": Obj({"centralized": Days(), "home": Days()}, ("centralized", "home")),
        "release_test": Enum(ReleaseTest),
        "counted_from": Enum(CountedFrom),
    },
    (
        "centralized_days",
        "home_quarantine_days",
        "home_monitoring_days",
        "test_days",
        "counted_from",
    ),
    extra_check=_check_regime,
)

REGIMES = MapOf(RegimeCategory, REGIME)
