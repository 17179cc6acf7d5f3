"""Investigation pages: the list (overdue first), the detail page and its step forms.

Every page reads through ``restrict`` (outside the area: 404) and every write goes through
``actions``; a role without the permission gets 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.cases.models import Case
from pingji.core.events import events_for
from pingji.core.models import Job
from pingji.core.views.base import FormStepView, ScopedActionView, ScopedDetailView, ScopedListView

from ..actions.contacts import do_add_contact
from ..actions.dispatch import may_dispatch
from ..actions.investigations import (
    do_complete_core,
    do_complete_report,
    do_open_investigation,
    do_record_exposure,
)
from ..actions.proposals import (
    JOB_KIND as SEARCH_JOB,
)
from ..actions.proposals import (
    do_accept_proposal,
    do_reject_proposal,
    do_search_checkins,
)
from ..actions.reported import do_report_contact
from ..actions.secondary import do_derive_secondary_contacts
from ..choices import ProposalStatus
from ..filtersets import InvestigationFilterSet
from ..forms import (
    CompleteForm,
    ContactForm,
    ExposureForm,
    RejectForm,
    ReportedContactForm,
    SearchForm,
)
from ..models import Contact, Dispatch, Investigation, ProposedContact
from ..tables import InvestigationTable


class InvestigationListView(ScopedListView):
    model = Investigation
    table = InvestigationTable
    filterset_class = InvestigationFilterSet
    select_related = ("case", "case__person", "jurisdiction")
    listed = (
        *select_related,
        "status",
        "core_due_at",
        "core_done_at",
        "report_due_at",
        "report_done_at",
        "case__person__name",
        "jurisdiction__name",
    )
    template_name = "tracing/investigation_list.html"

    def get_queryset(self):
        """The next deadline to meet first, so the overdue ones lead; finished ones last."""
        next_due = models.Case(
            When(core_done_at__isnull=True, then=F("core_due_at")),
            When(report_done_at__isnull=True, then=F("report_due_at")),
            default=None,
        )
        return (
            super()
            .get_queryset()
            .annotate(next_due=next_due)
            .order_by(F("next_due").asc(nulls_last=True), "-opened_at", "-id")
        )


def detail_context(request, investigation: Investigation, **forms) -> dict:
    user = request.user
    can_change = user.has_perm("tracing.change_investigation")
    jobs = Job.objects.restrict(user).filter(
        kind=SEARCH_JOB, params__investigation=investigation.pk
    )
    context = {
        "object": investigation,
        "case": investigation.case,
        "exposures": investigation.exposures.select_related("place"),
        "contacts": investigation.contacts.select_related("person"),
        "proposals": investigation.proposals.select_related("venue", "person", "exposure"),
        "jobs": jobs.order_by("-id")[:5],
        "events": events_for(investigation).restrict(user, "view").select_related("actor"),
        "can_change": can_change,
        "exposure_form": ExposureForm(user=user) if user.has_perm("tracing.add_exposure") else None,
        "contact_form": ContactForm(user=user) if user.has_perm("tracing.add_contact") else None,
        "reported_contacts": reported_contacts(investigation, user),
        "reported_form": (
            ReportedContactForm(user=user)
            if user.has_perm("tracing.add_contact") and may_dispatch(user)
            else None
        ),
        "complete_form": CompleteForm() if can_change else None,
        "search_form": SearchForm() if can_change and user.has_perm("core.add_job") else None,
        "reject_form": RejectForm(),
        "PROPOSED": ProposalStatus.PROPOSED,
    }
    context.update(forms)
    return context


def reported_contacts(investigation: Investigation, user) -> list[tuple]:
    """(contact reported by particulars, its dispatch as the user sees it) of an investigation:
    the name as the sender gave it and the dispatch's status, never whom it was resolved to."""
    sent = Dispatch.objects.restrict(user, "view").filter(reported__investigation=investigation)
    dispatch_of = {d.reported_id: d for d in sent}
    return [(r, dispatch_of.get(r.pk)) for r in investigation.reported_contacts.all()]


class InvestigationDetailView(ScopedDetailView):
    model = Investigation
    template_name = "tracing/investigation_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("case", "case__person", "protocol")

    def get_context_data(self, **kwargs):
        return detail_context(self.request, self.object)


class InvestigationOpenView(PermissionRequiredMixin, ScopedActionView):
    """POST from a case's page: open its investigation (or go to the one it has)."""

    model = Case
    permission_required = "tracing.add_investigation"

    def post(self, request, pk):
        case = self.get_object()
        existing = Investigation.objects.restrict(request.user).filter(case=case).first()
        if existing is not None:
            return redirect(existing)
        try:
            investigation = do_open_investigation(case, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(case)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, _("Opened %(inv)s.") % {"inv": investigation})
        return redirect(investigation)


class _StepView(PermissionRequiredMixin, FormStepView):
    """A POST from an investigation's page; errors show on the same page with status 400."""

    model: type[models.Model] = Investigation  # steps on its proposals and contacts name theirs

    def page_of(self, obj) -> Investigation:
        return getattr(obj, "investigation", obj)

    def render_invalid(self, obj, form):
        investigation = self.page_of(obj)
        investigation.refresh_from_db()
        context = detail_context(self.request, investigation, **{self.form_name: form})
        return render(self.request, "tracing/investigation_detail.html", context, status=400)


class ExposureCreateView(_StepView):
    permission_required = "tracing.add_exposure"
    form_name = "exposure_form"

    def make_form(self, data, files):
        return ExposureForm(data, user=self.request.user)

    def perform(self, obj, form):
        do_record_exposure(obj, actor=self.request.user, **form.cleaned_data)


class ContactCreateView(_StepView):
    permission_required = "tracing.add_contact"
    form_name = "contact_form"

    def make_form(self, data, files):
        return ContactForm(data, user=self.request.user)

    def perform(self, obj, form):
        do_add_contact(obj, actor=self.request.user, **form.cleaned_data)


class ReportedContactCreateView(_StepView):
    """A contact living in another county, by particulars, dispatched there (decision 0042).

    One success message for every such contact: nothing on the answer depends on whether or
    where the person is registered.
    """

    permission_required = ("tracing.add_contact", "tracing.add_dispatch")
    form_name = "reported_form"
    success_message = gettext_lazy(
        "Recorded. The contact is dispatched to the county you named, which will find them."
    )

    def make_form(self, data, files):
        return ReportedContactForm(data, user=self.request.user)

    def perform(self, obj, form):
        do_report_contact(obj, actor=self.request.user, **form.action_kwargs())


class CompleteCoreView(_StepView):
    permission_required = "tracing.change_investigation"
    form_name = "complete_form"

    def make_form(self, data, files):
        return CompleteForm(data)

    def perform(self, obj, form):
        do_complete_core(obj, actor=self.request.user, **form.cleaned_data)


class CompleteReportView(CompleteCoreView):
    def perform(self, obj, form):
        do_complete_report(obj, actor=self.request.user, **form.cleaned_data)


class SearchView(_StepView):
    permission_required = ("tracing.change_investigation", "core.add_job")
    form_name = "search_form"

    def make_form(self, data, files):
        return SearchForm(data)

    def perform(self, obj, form):
        do_search_checkins(obj, actor=self.request.user, **form.cleaned_data)
        messages.info(self.request, _("Check-in search queued; its progress shows below."))


class _ProposalView(_StepView):
    model = ProposedContact
    permission_required = "tracing.change_proposedcontact"
    form_name = "reject_form"


class ProposalAcceptView(_ProposalView):
    def make_form(self, data, files):
        return CompleteForm(data)  # nothing to fill in

    def perform(self, obj, form):
        do_accept_proposal(obj, actor=self.request.user)


class ProposalRejectView(_ProposalView):
    def make_form(self, data, files):
        return RejectForm(data)

    def perform(self, obj, form):
        do_reject_proposal(obj, actor=self.request.user, **form.cleaned_data)


class SecondaryView(_StepView):
    """From a close contact's row: its household as secondary contacts, and the venue search."""

    model = Contact
    permission_required = "tracing.add_contact"
    form_name = "complete_form"

    def make_form(self, data, files):
        return CompleteForm(data)  # nothing to fill in

    def perform(self, obj, form):
        added, queued = do_derive_secondary_contacts(obj, actor=self.request.user)
        messages.info(
            self.request,
            _("%(n)d secondary contact(s) added from the household.") % {"n": len(added)}
            + (" " + _("The search of the venues they visited is queued.") if queued else ""),
        )
