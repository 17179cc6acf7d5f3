"""Task forms. The choices offered are the ones the actions will accept; the actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.geo.choices import LEVEL_ORDER
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.roles import role_allows

from .actions import EVIDENCE_EXTENSIONS
from .kinds import kind_choices

#: How many levels below the focus the owner list reaches: a county sees its townships and their
#: communities, a province its cities and counties. Deeper owners: switch the focus down first,
#: which keeps the list short enough for a phone.
LEVELS_BELOW_FOCUS = 2


def owner_levels(focus: Jurisdiction | None) -> list[str]:
    start = LEVEL_ORDER.index(focus.level) if focus is not None else 0
    return LEVEL_ORDER[start : start + LEVELS_BELOW_FOCUS + 1]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} · {obj.jurisdiction.name}" if obj.jurisdiction_id else name


class TaskForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=kind_choices)
    jurisdiction = forms.ModelChoiceField(
        label=_("owner jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    assignee = UserChoiceField(label=_("assignee"), queryset=User.objects.none(), required=False)
    deadline = forms.DateTimeField(
        label=_("deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    source_type = forms.CharField(widget=forms.HiddenInput, required=False)
    source_id = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, focus: Jurisdiction | None, **kwargs):
        """Owners: the focus and the levels below it, inside the user's area."""
        super().__init__(*args, **kwargs)
        levels = owner_levels(focus)
        code = focus.code if focus is not None else ""
        owners = Jurisdiction.objects.restrict(user).within(code).filter(level__in=levels)
        self.fields["jurisdiction"].queryset = owners.defer("boundary").order_by("code")
        self.fields["jurisdiction"].initial = code or None
        workers = [r for r in Role.values if role_allows(r, "tasks.change_task")]
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True,
                role__in=workers,
                jurisdiction__code__within=code,
                jurisdiction__level__in=levels,
            )
            .select_related("jurisdiction")
            .defer("jurisdiction__boundary")
            .order_by("jurisdiction_id", "username")
        )


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("what was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("photo or document"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ",".join(["image/*", *(f".{ext}" for ext in EVIDENCE_EXTENSIONS)])}
        ),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, required: bool = False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if label:
            self.fields["note"].label = label
