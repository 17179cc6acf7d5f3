"""Task forms. The choices offered are the ones the actions will accept; the actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.core import uploads
from pingji.core.access import colleagues
from pingji.core.forms import DateInput, set_choices
from pingji.core.widgets import PickerField, bind_picker
from pingji.geo.choices import LEVEL_ORDER
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User
from pingji.users.roles import role_allows

from .choices import Department
from .evidence import EVIDENCE_EXTENSIONS
from .kinds import kind_choices
from .ledger import MAX_UPLOAD_BYTES

#: How many levels below the focus an owner may be: a county reaches its townships and their
#: communities, a province its cities and counties. Deeper owners: switch the focus down first,
#: which keeps the assignees (a list of the owners' staff) short enough for a phone.
LEVELS_BELOW_FOCUS = 2


def owner_levels(focus: Jurisdiction | None) -> list[str]:
    start = LEVEL_ORDER.index(focus.level) if focus is not None else 0
    return LEVEL_ORDER[start : start + LEVELS_BELOW_FOCUS + 1]


def owner_field(label) -> PickerField:
    """An owner jurisdiction, typed: two levels below a township are its hundreds of grids."""
    return PickerField(
        "jurisdictions",
        label=label,
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )


def bind_owners(field, user, focus: Jurisdiction | None, levels: list[str]) -> None:
    """Offer (and accept) the jurisdictions of ``levels`` in the user's area inside ``focus``."""
    code = focus.code if focus is not None else ""
    bind_picker(field, user, params={"within": code, "level": ",".join(levels)})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} · {obj.jurisdiction.name}" if obj.jurisdiction_id else name


class TaskForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=kind_choices)
    jurisdiction = owner_field(_("owner jurisdiction"))
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
        bind_owners(self.fields["jurisdiction"], user, focus, levels)
        self.fields["jurisdiction"].initial = code or None
        workers = [r for r in Role.values if role_allows(r, "tasks.change_task")]
        assignees = colleagues(user).filter(
            role__in=workers, jurisdiction__code__within=code, jurisdiction__level__in=levels
        )
        set_choices(
            self.fields["assignee"],
            assignees.select_related("jurisdiction")
            .defer("jurisdiction__boundary")
            .order_by("jurisdiction_id", "username"),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's own FileField takes one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


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
    # A declared field, which Django's form metaclass moves into ``base_fields``: it never
    # replaces the form's ``files`` (the uploads), as the stubs, seeing a class attribute, think.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("more photos or documents"),
        required=False,
        widget=MultipleFileInput(
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


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class JurisdictionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


def lower_levels(user, focus: Jurisdiction | None, depth: int = 2):
    """The focus and the one or two levels below it, inside the user's area (receivers)."""
    code = focus.code if focus is not None else ""
    levels = owner_levels(focus)[: depth + 1]
    return (
        Jurisdiction.objects.restrict(user)
        .within(code)
        .filter(level__in=levels)
        .defer("boundary")
        .order_by("code")
    )


class DirectiveForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    number = forms.CharField(label=_("document number"), max_length=60, required=False)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 5}))
    receivers = JurisdictionsField(
        label=_("receivers"),
        queryset=Jurisdiction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.MultipleChoiceField(
        label=_("departments"),
        choices=Department.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Send to these departments of each receiver; none: to its whole government. "
            "The issuing jurisdiction itself receives only through its departments."
        ),
    )
    deadline = forms.DateTimeField(label=_("deadline"), widget=DateTimeInput())

    def __init__(self, *args, user, focus, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus = focus
        set_choices(self.fields["receivers"], lower_levels(user, focus, depth=1))

    def clean(self):
        """The issuing level orders its own departments, never its whole self (that is no order)."""
        data = super().clean()
        own = self.focus is not None and any(
            r.code == self.focus.code for r in data.get("receivers") or ()
        )
        if own and not data.get("departments"):
            self.add_error(
                "departments",
                _("Name the departments of %(name)s that receive it.") % {"name": self.focus.name},
            )
        return data


class ProblemImportForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    inspection = forms.CharField(label=_("inspection"), max_length=200)
    inspected_on = forms.DateField(label=_("inspected on"), widget=DateInput())
    file = forms.FileField(
        label=_("problem list (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        validators=[uploads.size_limit(MAX_UPLOAD_BYTES)],
        help_text=_("Columns: 责任单位 (unit name or code), 问题, 整改措施, 整改时限."),
    )


class PlanTemplateForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    level = forms.ChoiceField(label=_("submitted by every"), choices=())
    due = forms.DateTimeField(label=_("due"), widget=DateTimeInput())
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    sections = forms.CharField(
        label=_("sections"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One section a line; start a line with * if the section is required."),
    )

    def __init__(self, *args, focus, **kwargs):
        super().__init__(*args, **kwargs)
        from pingji.geo.choices import LEVEL_ORDER, Level

        start = LEVEL_ORDER.index(focus.level) + 1 if focus is not None else 1
        self.fields["level"].choices = [(v, Level(v).label) for v in LEVEL_ORDER[start:]]

    def clean_sections(self) -> list[dict]:
        out = []
        for n, line in enumerate(self.cleaned_data["sections"].splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            required = text.startswith("*")
            title = text.lstrip("*").strip()
            out.append({"key": f"s{n}", "title": title, "required": required, "guidance": ""})
        return out


class WorkPlanForm(forms.Form):
    measures = forms.CharField(
        label=_("measures"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_(
            "One measure a line: what | owner jurisdiction code (blank: this one) | deadline "
            "YYYY-MM-DD."
        ),
    )

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        for section in template.sections:
            self.fields[f"section_{section['key']}"] = forms.CharField(
                label=section["title"] + (" *" if section.get("required") else ""),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                help_text=section.get("guidance", ""),
            )

    def sections(self) -> dict:
        return {
            name.removeprefix("section_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section_")
        }

    def measure_list(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["measures"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            out.append({"title": parts[0], "owner": parts[1], "deadline": parts[2]})
        return out


def measures_text(measures: list[dict]) -> str:
    return "\n".join(f"{m['title']} | {m['owner']} | {m['deadline'][:10]}" for m in measures)


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    period_start = forms.DateField(label=_("from"), widget=DateInput())
    period_end = forms.DateField(label=_("to"), widget=DateInput())
    worked = forms.CharField(
        label=_("what worked"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    gaps = forms.CharField(
        label=_("gaps found"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ImprovementForm(forms.Form):
    title = forms.CharField(label=_("improvement"), max_length=200)
    owner = owner_field(_("owner jurisdiction"))
    deadline = forms.DateTimeField(label=_("deadline"), widget=DateTimeInput())
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, review, **kwargs):
        super().__init__(*args, **kwargs)
        focus = review.jurisdiction
        bind_owners(self.fields["owner"], user, focus, owner_levels(focus))
