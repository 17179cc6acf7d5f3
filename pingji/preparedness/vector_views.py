"""Mosquito (Aedes) surveillance pages: the latest index of each grid with its level and response,
the survey form and the CSV upload.

Kept apart from ``views`` (and its forms and table here) so vector surveillance reads as one piece:
the pages only collect input and show readings, the action decides (``actions.vectors``) and the
reads say what a survey means under the rules in force (``vectors``).
"""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.cases.forms import bind_grids, grid_field
from pingji.core import clock, uploads
from pingji.core.forms import DateInput
from pingji.core.tables import Column, Table
from pingji.core.views.base import ActionFormView, ScopedListView, focus_code

from .actions.surveillance import MAX_UPLOAD_BYTES
from .actions.vectors import MAX_COUNT, Recorded, do_record_survey, do_upload_surveys
from .choices import ReportSource
from .models import VectorSurvey
from .vectors import latest_surveys, with_readings
from .views import UploadView


class VectorSurveyForm(forms.Form):
    """One grid's household larval survey; the action checks what needs the database."""

    grid = grid_field(gettext_lazy("grid"))
    day = forms.DateField(
        label=gettext_lazy("day"),
        initial=clock.today,
        widget=DateInput(),
    )
    houses_inspected = forms.IntegerField(
        label=gettext_lazy("houses inspected"), min_value=1, max_value=MAX_COUNT
    )
    houses_positive = forms.IntegerField(
        label=gettext_lazy("houses with larvae"), min_value=0, max_value=MAX_COUNT
    )
    containers_positive = forms.IntegerField(
        label=gettext_lazy("containers with larvae"),
        min_value=0,
        max_value=MAX_COUNT,
        help_text=gettext_lazy("Every container holding larvae, in all the houses inspected."),
    )

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        bind_grids(self.fields["grid"], user, focus)


class VectorUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy(
            "CSV file (grid, day, houses_inspected, houses_positive, containers_positive)"
        ),
        validators=[uploads.size_limit(MAX_UPLOAD_BYTES)],
    )


class VectorTable(Table):
    """Cells read what ``VectorListView`` put on each survey of the page (``shown_*``)."""

    columns = (
        Column("jurisdiction.name", gettext_lazy("grid")),
        Column("day", gettext_lazy("day")),
        Column("houses_inspected", gettext_lazy("houses inspected")),
        Column("shown_breteau", gettext_lazy("Breteau index")),
        Column("shown_house", gettext_lazy("house index")),
        Column("shown_level", gettext_lazy("level")),
        Column("shown_response", gettext_lazy("response")),
    )


def _on(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


class VectorListView(ScopedListView):
    """The latest survey of each grid on or before ``on`` (default today), read under the rules
    in force on its own day."""

    model = VectorSurvey
    table = VectorTable
    select_related = ("jurisdiction",)
    template_name = "preparedness/vector_list.html"

    def get_queryset(self):
        self.on = _on(self.request)
        latest = latest_surveys(focus_code(self.request), self.on)
        return super().get_queryset().filter(pk__in=latest.values("pk")).order_by("jurisdiction_id")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, more = super().paginate_queryset(queryset, page_size)
        surveys = []
        for survey, reading in with_readings(rows):
            survey.shown_breteau = f"{survey.breteau_index:.1f}"
            survey.shown_house = f"{survey.house_index:.1f}"
            survey.shown_level = _level_text(reading)
            survey.shown_response = "; ".join(reading.response) if reading else ""
            surveys.append(survey)
        return paginator, page, surveys, more

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "on": self.on}


def _level_text(reading) -> str:
    if reading is None:
        return _("no dengue vector rules in force")
    level = reading.level_name or _("below every level")
    return _("%(level)s (%(index)s; target below %(target)s)") % {
        "level": level,
        "index": reading.index_label,
        "target": reading.target_below,
    }


class VectorRecordView(ActionFormView):
    permission_required = "preparedness.add_vectorsurvey"
    form_class = VectorSurveyForm
    template_name = "preparedness/vector_form.html"
    title = gettext_lazy("Record a mosquito larval survey")
    button = gettext_lazy("Record")
    cancel_url_name = "preparedness:vector_list"

    def act(self, data) -> Recorded:
        return do_record_survey(
            data["grid"],
            data["day"],
            data["houses_inspected"],
            data["houses_positive"],
            data["containers_positive"],
            actor=self.request.user,
            source=ReportSource.FORM,
        )

    def success_text(self, obj: Recorded) -> str:
        return obj.answer


class VectorUploadView(UploadView):
    permission_required = "preparedness.add_vectorsurvey"
    form_class = VectorUploadForm
    template_name = "preparedness/vector_upload.html"
    upload = staticmethod(do_upload_surveys)
    done = gettext_lazy("%(n)s mosquito surveys recorded.")
    next_url = "preparedness:vector_list"
