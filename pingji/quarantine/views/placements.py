"""Quarantine pages: placements, sites, capacity, protocol changes and the grid worker's phone list.

Every page reads through ``restrict`` (outside the area, or another site for a site manager: 404)
and every write goes through the actions; a role without the permission gets 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core import clock
from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.ordering import natural_key
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView, focus_code

from .. import capacity, schedule
from ..actions import monitoring, moving, protocol_change, release
from ..actions.imports import ImportErrors, import_results
from ..actions.placement import do_place_person
from ..actions.sites import do_assign_staff, do_create_site
from ..actions.transfer import do_transfer_placement
from ..choices import CheckSource, PlacementStatus, Setting, TestStatus
from ..filtersets import PlacementFilterSet, SiteFilterSet
from ..forms import (
    ApplyProtocolForm,
    CheckForm,
    ImportForm,
    MoveHomeForm,
    PlaceForm,
    ReleaseForm,
    ResultForm,
    SiteForm,
    StaffForm,
    TransferForm,
)
from ..models import MonitoringCheck, Placement, Site
from ..tables import PlacementTable, SiteTable
from .self_report import link_context


class PlacementListView(ScopedListView):
    model = Placement
    table = PlacementTable
    filterset_class = PlacementFilterSet
    select_related = ("person", "site", "room", "jurisdiction")
    listed = (
        *select_related,
        "category",
        "setting",
        "exposure_on",
        "planned_release_on",
        "planned_end_on",
        "status",
        "person__name",
        "site__name",
        "room__number",
        "jurisdiction__name",
    )
    template_name = "quarantine/placement_list.html"


def detail_context(request, placement: Placement, **forms) -> dict:
    user = request.user
    today = clock.today()
    can_change = user.has_perm("quarantine.change_placement")
    centralised = placement.is_active and placement.setting == Setting.CENTRALISED
    context = {
        "object": placement,
        "person": placement.person,
        "today": today,
        "day": placement.day_of(today),
        "eligibility": schedule.eligibility(placement, today) if centralised else None,
        "tests": placement.tests.all(),
        "checks": placement.checks.select_related("recorded_by")[:30],
        "history": placement.history.select_related("from_site", "to_site", "actor"),
        "releases": placement.releases.select_related("approved_by"),
        "events": events_for(placement).restrict(user, "view").select_related("actor"),
        "check_form": CheckForm()
        if placement.is_active and user.has_perm("quarantine.add_monitoringcheck")
        else None,
        "result_form": ResultForm(placement=placement)
        if placement.is_active and user.has_perm("quarantine.change_scheduledtest")
        else None,
        "release_form": ReleaseForm()
        if centralised and user.has_perm("quarantine.release_placement")
        else None,
        "transfer_form": TransferForm(user=user) if centralised and can_change else None,
        "move_form": MoveHomeForm()
        if placement.is_active and placement.setting == Setting.HOME and can_change
        else None,
        "PENDING": TestStatus.PENDING,
        "self_report": link_context(request, placement),
    }
    context.update(forms)
    return context


class PlacementDetailView(ScopedDetailView):
    model = Placement
    template_name = "quarantine/placement_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "site", "room", "protocol", "case")

    def get_context_data(self, **kwargs):
        return detail_context(self.request, self.object)


class _CreateView(PermissionRequiredMixin, LoginRequiredMixin, generic.View):
    """A page with one form whose valid input runs one action; its errors land on the fields."""

    title: str | Promise = ""

    def make_form(self, data=None, initial=None):
        raise TypeError(f"{type(self).__name__} must define make_form")

    def perform(self, form):
        raise TypeError(f"{type(self).__name__} must define perform")

    def page(self, form, status=200):
        return render(
            self.request, "quarantine/form.html", {"form": form, "title": self.title}, status=status
        )

    def get(self, request):
        return self.page(self.make_form(initial=request.GET.dict()))

    def post(self, request):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                made = self.perform(form)
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Saved: %(obj)s.") % {"obj": made})
                return redirect(made)
        return self.page(form, status=400)


class PlacementCreateView(_CreateView):
    permission_required = "quarantine.add_placement"
    title = gettext_lazy("Place a person")

    def make_form(self, data=None, initial=None):
        return PlaceForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        return do_place_person(actor=self.request.user, **form.cleaned_data)


class _StepView(PermissionRequiredMixin, FormStepView):
    model = Placement

    def render_invalid(self, obj, form):
        obj.refresh_from_db()
        context = detail_context(self.request, obj, **{self.form_name: form})
        return render(self.request, "quarantine/placement_detail.html", context, status=400)


class CheckCreateView(_StepView):
    permission_required = "quarantine.add_monitoringcheck"
    form_name = "check_form"
    success_message = gettext_lazy("Check-in recorded.")

    def make_form(self, data, files):
        return CheckForm(data)

    def perform(self, obj, form):
        monitoring.do_record_check(obj, actor=self.request.user, **form.cleaned_data)

    def page_of(self, obj):
        return self.request.POST.get("next_page") == "today" and reverse("quarantine:today") or obj


class ResultCreateView(_StepView):
    permission_required = "quarantine.change_scheduledtest"
    form_name = "result_form"
    success_message = gettext_lazy("Result recorded.")

    def make_form(self, data, files):
        return ResultForm(data, placement=self.get_object())

    def perform(self, obj, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        monitoring.do_record_result(actor=self.request.user, placement=obj, **data)


class ReleaseView(_StepView):
    permission_required = "quarantine.release_placement"
    form_name = "release_form"
    success_message = gettext_lazy("Released; the home grid takes over the monitoring.")

    def make_form(self, data, files):
        return ReleaseForm(data)

    def perform(self, obj, form):
        self.released = release.do_release_placement(
            obj, actor=self.request.user, **form.cleaned_data
        )

    def page_of(self, obj):
        visible = Placement.objects.restrict(self.request.user).filter(pk=obj.pk).exists()
        return obj if visible else reverse("quarantine:placement_list")


class TransferView(_StepView):
    permission_required = "quarantine.change_placement"
    form_name = "transfer_form"
    success_message = gettext_lazy("Transferred.")

    def make_form(self, data, files):
        return TransferForm(data, user=self.request.user)

    def perform(self, obj, form):
        do_transfer_placement(obj, actor=self.request.user, **form.cleaned_data)


class MoveHomeView(_StepView):
    permission_required = "quarantine.change_placement"
    form_name = "move_form"
    success_message = gettext_lazy("Moved; the new grid takes over the monitoring.")

    def make_form(self, data, files):
        return MoveHomeForm(data)

    def perform(self, obj, form):
        moving.do_move_home(obj, actor=self.request.user, **form.cleaned_data)

    def page_of(self, obj):
        visible = Placement.objects.restrict(self.request.user).filter(pk=obj.pk).exists()
        return obj if visible else reverse("quarantine:placement_list")


class ImportView(PermissionRequiredMixin, LoginRequiredMixin, generic.View):
    permission_required = "quarantine.change_scheduledtest"
    template = "quarantine/import.html"

    def get(self, request):
        return render(request, self.template, {"form": ImportForm()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        try:
            n = import_results(
                upload.name,
                upload,
                actor=request.user,
                confirm_positives=form.cleaned_data["confirm"],
            )
        except ImportErrors as exc:
            context = {"form": form, "errors": exc.errors}
            return render(request, self.template, context, status=400)
        messages.success(request, _("%(n)d results recorded.") % {"n": n})
        return redirect("quarantine:placement_list")


#: A grid holds a few hundred households; more than this means the focus is above a grid.
MAX_CARDS = 300


class TodayView(LoginRequiredMixin, generic.TemplateView):
    """The grid worker's phone list: people at home under the focus, overdue first."""

    template_name = "quarantine/today.html"

    def get_context_data(self, **kwargs):
        user, on = self.request.user, clock.today()
        rows = schedule.active_on(
            Placement.objects.restrict(user).within(focus_code(self.request)), on
        ).filter(setting=Setting.HOME)
        rank = Case(
            When(schedule.overdue_q(on), then=Value(0)),
            When(next_test_on=on, then=Value(1)),
            When(last_check_on=on, then=Value(3)),
            default=Value(2),
            output_field=IntegerField(),
        )
        self_reported = MonitoringCheck.objects.filter(
            placement=OuterRef("pk"), on=on, source=CheckSource.SELF
        )
        rows = rows.annotate(rank=rank, self_reported=Exists(self_reported))
        rows = rows.order_by("rank", "person__household__address", "id")
        fields = ("id", "rank", "person__name", "person__household__address", "planned_end_on")
        fields += ("next_test_on", "last_check_on", "self_reported")
        base = reverse("quarantine:placement_detail", args=[0])[:-2]  # one reverse, not 300
        cards = [
            {
                "id": r["id"],
                "url": f"{base}{r['id']}/",
                "name": r["person__name"],
                "address": r["person__household__address"] or "",
                "end": r["planned_end_on"].strftime("%m-%d"),
                "overdue": r["rank"] == 0,
                "test_due": r["next_test_on"].strftime("%m-%d")
                if r["next_test_on"] and r["next_test_on"] <= on
                else "",
                "checked": r["last_check_on"] == on,
                "self_reported": r["self_reported"],
            }
            for r in rows.values(*fields)[:MAX_CARDS]
        ]
        return {
            "rows": cards,
            "on": on,
            "can_check": user.has_perm("quarantine.add_monitoringcheck"),
        }


class SiteListView(ScopedListView):
    model = Site
    table = SiteTable
    filterset_class = SiteFilterSet
    select_related = ("jurisdiction",)
    template_name = "quarantine/site_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        capacity.site_load(ctx["object_list"])  # sets occupied and beds on each site
        ctx["table_rows"] = self.table().rows(ctx["object_list"])
        return ctx


class SiteDetailView(ScopedDetailView):
    model = Site
    template_name = "quarantine/site_detail.html"

    def get_context_data(self, **kwargs):
        site = self.object
        user = self.request.user
        [(_site, used, beds, near)] = capacity.site_load([site])
        occupants = Placement.objects.restrict(user).filter(
            site=site, status=PlacementStatus.ACTIVE, setting=Setting.CENTRALISED
        )
        can_change = Site.objects.restrict(user, "change").filter(pk=site.pk).exists()
        return {
            "object": site,
            "used": used,
            "beds": beds,
            "near": near,
            "rooms": sorted(site.rooms.all(), key=lambda r: natural_key(r.number)),
            "occupants": sorted(
                occupants.select_related("person", "room"),
                key=lambda p: natural_key(p.room.number if p.room else ""),
            ),
            "staff": site.staff.select_related("user"),
            "staff_form": kwargs.get("staff_form")
            or (StaffForm(site=site) if can_change else None),
        }


class SiteCreateView(_CreateView):
    permission_required = "quarantine.add_site"
    title = gettext_lazy("Register a site")

    def make_form(self, data=None, initial=None):
        return SiteForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        return do_create_site(actor=self.request.user, **form.cleaned_data)


class StaffAssignView(PermissionRequiredMixin, FormStepView):
    model = Site
    permission_required = "quarantine.add_sitestaff"
    form_name = "staff_form"
    success_message = gettext_lazy("Staff member assigned.")

    def make_form(self, data, files):
        return StaffForm(data, site=self.get_object())

    def perform(self, obj, form):
        do_assign_staff(obj, actor=self.request.user, **form.cleaned_data)

    def render_invalid(self, obj, form):
        view = SiteDetailView(request=self.request, kwargs={"pk": obj.pk}, object=obj)
        context = view.get_context_data(staff_form=form)
        return render(self.request, "quarantine/site_detail.html", context, status=400)


class CapacityView(LoginRequiredMixin, generic.TemplateView):
    template_name = "quarantine/capacity.html"

    def get_context_data(self, **kwargs):
        from pingji.tracing.models import Contact

        user, on = self.request.user, clock.today()
        code = focus_code(self.request)
        placements = Placement.objects.restrict(user).within(code)
        sites = Site.objects.restrict(user).within(code)
        contacts = Contact.objects.restrict(user).within(code)
        return {
            "on": on,
            "horizons": capacity.HORIZONS,
            "cities": capacity.rooms_needed(placements, sites, contacts, on, level=4),
            "counties": capacity.rooms_needed(placements, sites, contacts, on, level=6),
            "sites": capacity.site_load(sites.select_related("jurisdiction")),
            "near_full": int(capacity.NEAR_FULL * 100),
        }


class ProtocolChangesView(PermissionRequiredMixin, LoginRequiredMixin, generic.View):
    """Placements under an older protocol, what the one in force would change, and applying it."""

    permission_required = "quarantine.apply_placement"
    template = "quarantine/protocol_changes.html"

    def rows(self):
        qs = Placement.objects.restrict(self.request.user, "apply").within(focus_code(self.request))
        return protocol_change.outdated(qs)

    def get(self, request):
        form = ApplyProtocolForm(user=request.user)
        return render(request, self.template, {"rows": self.rows(), "form": form})

    def post(self, request):
        form = ApplyProtocolForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                done = protocol_change.do_apply_protocol(
                    form.cleaned_data["placements"],
                    actor=request.user,
                    protocol=form.cleaned_data["protocol"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("%(n)d placements changed.") % {"n": len(done)})
                return redirect("quarantine:protocol_changes")
        return render(request, self.template, {"rows": self.rows(), "form": form}, status=400)
