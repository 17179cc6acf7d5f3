"""``resumption`` (optional: older documents stay valid without it): the prevention measures an
establishment of each kind must have in place before it may resume (reopening)."""

from django.utils.translation import gettext as _

from ..choices import EstablishmentKind
from .specs import Bool, Errors, ListOf, MapOf, Obj, RuleError, Str, rule


def _check_checklist(value: list, path: str, errors: Errors) -> None:
    """Item keys identify what an application ticked: they must be unique within a kind."""
    if not isinstance(value, list):
        return
    # a key that is not text is reported by its own spec ("must be text"); counting it here
    # would fail on an unhashable one
    keys = [
        item["key"] for item in value if isinstance(item, dict) and isinstance(item.get("key"), str)
    ]
    if len(keys) != len(set(keys)):
        errors.append(RuleError(path, _("item keys must be unique")))


class Checklist(ListOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_checklist(value, path, errors)


RESUMPTION = rule(
    {
        "applies": Bool(),
        "checklists": MapOf(
            EstablishmentKind,
            Checklist(
                Obj(
                    {"key": Str(), "label": Str(), "clause": Str(required=False)},
                    required=("key", "label"),
                ),
                1,
            ),
        ),
    },
    ("applies",),
    {"applies": ("checklists",)},
)
