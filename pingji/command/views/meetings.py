"""Headquarters meetings: the record of each meeting and the directives it issued."""

from django.http import Http404
from django.utils.translation import gettext_lazy

from pingji.core.tables import Column, Table
from pingji.core.views.base import ActionFormView, ScopedDetailView, ScopedListView, focus_code
from pingji.geo.models import Jurisdiction

from ..actions.meetings import do_record_meeting
from ..forms import MeetingForm
from ..models import Meeting


class MeetingTable(Table):
    columns = (
        Column("title", gettext_lazy("title"), link=True),
        Column("body", gettext_lazy("body")),
        Column("jurisdiction.name", gettext_lazy("jurisdiction")),
        Column("held_at", gettext_lazy("held at")),
    )


class MeetingListView(ScopedListView):
    model = Meeting
    table = MeetingTable
    template_name = "command/meeting_list.html"
    select_related = ("jurisdiction",)


class MeetingDetailView(ScopedDetailView):
    """The meeting and the directives it issued (read through the reverse relation)."""

    model = Meeting
    template_name = "command/meeting_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        directives = getattr(self.object, "directives", None)
        ctx["directives"] = directives.order_by("issued_at") if directives is not None else []
        ctx["can_issue"] = self.request.user.has_perm("tasks.add_directive")
        return ctx


class MeetingCreateView(ActionFormView):
    """Record a meeting of the headquarters of the jurisdiction in focus."""

    permission_required = "command.add_meeting"
    form_class = MeetingForm
    template_name = "command/meeting_form.html"
    scoped_form = False
    success_message = gettext_lazy("Meeting recorded.")

    def act(self, data):
        place = Jurisdiction.objects.filter(code=focus_code(self.request)).first()
        if place is None:
            raise Http404
        return do_record_meeting(place, actor=self.request.user, **data)
