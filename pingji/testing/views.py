"""Testing pages: campaigns, a round's progress and coverage, uploads, positive tubes, follow-ups,
and the grid worker's list of residents not yet tested (a phone page).

Every page reads through ``restrict`` (outside the area: 404); every write is an action.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.cases.choices import Channel
from pingji.cases.views import CaseReportView
from pingji.core import clock
from pingji.core.views.base import (
    ActionFormView,
    FormStepView,
    ScopedDetailView,
    ScopedListView,
    focus_code,
)
from pingji.people.actions.reveal import do_reveal_identity
from pingji.people.models import Person

from . import store, summary
from .actions.follow_ups import do_record_retest
from .actions.rounds import do_add_sampling_point, do_close_round, do_create_campaign, do_open_round
from .actions.uploads import applied_ids, do_upload
from .choices import CONTROLLED_SETTINGS, FollowUpStatus
from .forms import CampaignForm, RetestForm, RoundForm, SamplingPointForm, UploadForm
from .models import Campaign, Coverage, FollowUp, PositiveTube, Round, Upload
from .tables import CampaignTable


class CampaignListView(ScopedListView):
    model = Campaign
    table = CampaignTable
    select_related = ("jurisdiction",)
    template_name = "testing/campaign_list.html"

    def get_context_data(self, **kwargs):
        covering = rounds_covering(self.request.user, focus_code(self.request))
        return {**super().get_context_data(**kwargs), "covering": covering}


class CampaignCreateView(ActionFormView):
    permission_required = "testing.add_campaign"
    form_class = CampaignForm
    template_name = "testing/form.html"
    title = gettext_lazy("New testing campaign")
    cancel_url_name = "testing:campaign_list"
    success_message = gettext_lazy("Campaign created.")

    def act(self, data):
        return do_create_campaign(actor=self.request.user, **data)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def campaign_context(request, campaign, round_form=None) -> dict:
    can = request.user.has_perm("testing.add_round")
    return {
        "object": campaign,
        "rounds": campaign.rounds.all(),
        "round_form": round_form or (RoundForm() if can else None),
    }


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    template_name = "testing/campaign_detail.html"

    def get_context_data(self, **kwargs):
        return campaign_context(self.request, self.object)


class RoundOpenView(PermissionRequiredMixin, FormStepView):
    model = Campaign
    permission_required = "testing.add_round"

    def make_form(self, data, files):
        return RoundForm(data)

    def perform(self, obj, form):
        self.opened = do_open_round(obj, actor=self.request.user, **form.cleaned_data)

    def post(self, request, pk):
        response = super().post(request, pk)
        opened = getattr(self, "opened", None)
        return redirect(opened) if opened is not None else response

    def render_invalid(self, obj, form):
        return render(
            self.request,
            "testing/campaign_detail.html",
            campaign_context(self.request, obj, form),
            status=400,
        )


def round_context(request, round, **forms) -> dict:
    user = request.user
    level = request.GET.get("level", "grid")
    if level not in [*summary.LEVELS, summary.COMPOUND]:
        level = "grid"
    coverage = Coverage.objects.restrict(user).within(focus_code(request)).filter(round=round)
    can_upload = user.has_perm("testing.add_upload") and round.status == "open"
    can_point = user.has_perm("testing.add_samplingpoint") and round.status == "open"
    focus = focus_code(request)
    return {
        "object": round,
        "progress": summary.progress(round),
        "level": level,
        "levels": [*summary.LEVELS, summary.COMPOUND],
        "coverage": summary.rollup(coverage, level),
        "uploads": Upload.objects.restrict(user).filter(round=round)[:50],
        "points": round.points.all(),
        "tubes": PositiveTube.objects.restrict(user).filter(round=round),
        "upload_form": forms.get("upload_form") or (UploadForm() if can_upload else None),
        "point_form": forms.get("point_form")
        or (SamplingPointForm(user=user, focus=focus) if can_point else None),
        "can_close": user.has_perm("testing.change_round") and round.status == "open",
    }


class RoundDetailView(ScopedDetailView):
    model = Round
    template_name = "testing/round_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("campaign", "protocol")

    def get_context_data(self, **kwargs):
        return round_context(self.request, self.object)


class _RoundStep(PermissionRequiredMixin, FormStepView):
    model = Round
    form_key = ""

    def render_invalid(self, obj, form):
        return render(
            self.request,
            "testing/round_detail.html",
            round_context(self.request, obj, **{self.form_key: form}),
            status=400,
        )


class UploadCreateView(_RoundStep):
    permission_required = "testing.add_upload"
    form_key = "upload_form"

    def make_form(self, data, files):
        return UploadForm(data, files)

    def perform(self, obj, form):
        file = form.cleaned_data["file"]
        upload, created = do_upload(
            obj,
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            name=file.name,
            content=file,
        )
        self.success_message = (
            _("File queued: it is checked whole and applied, or refused with a report.")
            if created
            else _("This file was already uploaded for this round: nothing changed.")
        )


class PointCreateView(_RoundStep):
    permission_required = "testing.add_samplingpoint"
    form_key = "point_form"
    success_message = gettext_lazy("Sampling point added.")

    def make_form(self, data, files):
        return SamplingPointForm(data, user=self.request.user, focus=focus_code(self.request))

    def perform(self, obj, form):
        do_add_sampling_point(obj, actor=self.request.user, **form.cleaned_data)


class RoundCloseView(_RoundStep):
    permission_required = "testing.change_round"
    success_message = gettext_lazy("Round closed.")

    def make_form(self, data, files):
        return RoundForm({"starts_at": clock.now()})

    def perform(self, obj, form):
        do_close_round(obj, actor=self.request.user)


class UploadDetailView(ScopedDetailView):
    model = Upload
    template_name = "testing/upload_detail.html"


class TubeDetailView(ScopedDetailView):
    model = PositiveTube
    template_name = "testing/tube_detail.html"

    def get_context_data(self, **kwargs):
        members = FollowUp.objects.restrict(self.request.user).filter(tube=self.object)
        return {
            **super().get_context_data(**kwargs),
            "members": members.select_related("person", "jurisdiction"),
        }


def follow_context(request, follow, form=None) -> dict:
    can = request.user.has_perm("testing.change_followup")
    waiting = follow.status == FollowUpStatus.AWAITING_RETEST
    return {
        "object": follow,
        "tube": follow.tube,
        "retest_form": form or (RetestForm() if can and waiting else None),
        "can_report": follow.status == FollowUpStatus.POSITIVE
        and request.user.has_perm("cases.add_case"),
    }


class FollowUpDetailView(ScopedDetailView):
    model = FollowUp
    template_name = "testing/followup_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("tube", "person", "jurisdiction")

    def get_context_data(self, **kwargs):
        return follow_context(self.request, self.object)


class RetestView(PermissionRequiredMixin, FormStepView):
    model = FollowUp
    permission_required = "testing.change_followup"
    success_message = gettext_lazy("Retest recorded.")

    def make_form(self, data, files):
        return RetestForm(data)

    def perform(self, obj, form):
        do_record_retest(obj, actor=self.request.user, **form.cleaned_data)

    def render_invalid(self, obj, form):
        return render(
            self.request,
            "testing/followup_detail.html",
            follow_context(self.request, obj, form),
            status=400,
        )


class FollowUpReportView(CaseReportView):
    """The case report form, pre-filled from a positive follow-up (discovery channel: screening
    inside a control area when the campaign's setting is one, else community screening)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        rows = FollowUp.objects.restrict(request.user).select_related(
            "person", "tube__round__campaign"
        )
        self.follow = rows.filter(pk=kwargs["pk"], status=FollowUpStatus.POSITIVE).first()
        if self.follow is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        follow = self.follow
        round = follow.tube.round
        inside = round.campaign.setting in CONTROLLED_SETTINGS
        initial = {}
        if self.request.method == "GET" and self.request.user.has_perm("people.reveal_person"):
            # The identity number is revealed through the audited action, never read directly.
            shown = do_reveal_identity(
                follow.person,
                actor=self.request.user,
                reason=_("case report after a positive tube %(b)s") % {"b": follow.tube.barcode},
            )
            initial = {"id_number": shown["id_number"], "phone": shown["phone"]}
        return {
            **super().get_initial(),
            **initial,
            "name": follow.person.name,
            "jurisdiction": follow.person.jurisdiction_id,
            "sampled_at": timezone.localtime(follow.sampled_at),
            "channel": Channel.CONTROLLED_AREA_SCREENING if inside else Channel.COMMUNITY_SCREENING,
            "notes": _("Found by %(round)s, tube %(tube)s%(retest)s.")
            % {
                "round": round,
                "tube": follow.tube.barcode,
                "retest": _(", single-tube retest %(b)s") % {"b": follow.retest_barcode}
                if follow.retest_barcode
                else "",
            },
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Report the case of %(p)s") % {"p": self.follow.person.name},
            "cancel_url": self.follow.get_absolute_url(),
        }


def rounds_covering(user, focus: str):
    """Open rounds with residents in the user's area, though run by a level above (a grid
    worker sees the coverage of their grid, not the county's round itself)."""
    covered = Coverage.objects.restrict(user).within(focus).values("round_id")
    return Round.objects.filter(pk__in=covered, status="open").select_related("campaign")


class UntestedView(LoginRequiredMixin, generic.TemplateView):
    """Residents of a grid not yet sampled in the round, by household, for door-to-door
    follow-up (应检尽检) on the grid worker's phone.

    The round is usually run above the grid worker's level, so the page is reached through the
    coverage of their own area (``rounds_covering``), and lists only persons they may see.
    """

    template_name = "testing/untested.html"

    def get_context_data(self, **kwargs):
        own = focus_code(self.request)
        code = self.request.GET.get("code") or own
        if not code.startswith(own):
            raise Http404
        round = rounds_covering(self.request.user, code).filter(pk=kwargs["pk"]).first()
        if round is None:
            raise Http404
        con = store.open_round(round.pk, applied_ids())
        try:
            rows = store.untested(con, code, limit=2000)
        finally:
            con.close()
        people = Person.objects.restrict(self.request.user).filter(pk__in=[p for p, _h in rows])
        people = people.select_related("household").order_by("household__address", "name")
        return {
            **super().get_context_data(**kwargs),
            "object": round,
            "code": code,
            "people": people,
            "count": len(rows),
        }
