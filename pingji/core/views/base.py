"""Base views: every page lists and shows objects through ``restrict`` and the user's focus."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django_filters import FilterSet

from ..access import scope_code
from ..actions import Conflict
from ..filtersets import bound_numbers
from ..forms import add_action_errors
from ..tables import Table

FOCUS_SESSION_KEY = "pingji_focus"


def focus_code(request) -> str:
    """The jurisdiction the user is looking at: theirs, or one below it chosen in the switcher."""
    own = scope_code(request.user) or ""
    chosen = request.session.get(FOCUS_SESSION_KEY, "")
    return chosen if chosen.startswith(own) else own


class ScopedMixin(LoginRequiredMixin):
    """Querysets come from ``Model.objects.restrict(user, action)``; outside them is a 404.

    Every scoped view names its ``model``, whose manager has ``restrict`` (a ``ScopedModel``, or
    the user model with its scoped manager); a view without one has nothing it could restrict.
    The annotation carries no default so that it fits both Django mixins it meets: the list
    view's, where ``model`` may be None, and the detail view's, where it may not.
    """

    model: type[Model]
    action = "view"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)


#: Columns too heavy to read for a row of a list: a jurisdiction's boundary is a GeoJSON
#: geometry of up to tens of kilobytes, and a disease's pack its whole natural history and rule
#: packs, each decoded for every row that only shows its name.
HEAVY_FIELDS = frozenset({"boundary", "pack"})


def heavy_related_fields(model: type[Model], paths) -> list[str]:
    """The ``HEAVY_FIELDS`` of the rows ``select_related(*paths)`` joins to ``model``'s."""
    heavy = []
    for path in paths:
        related: type[Model] = model
        for step in path.split("__"):
            related = related._meta.get_field(step).related_model  # type: ignore[assignment]
        heavy += [f"{path}__{f.name}" for f in related._meta.fields if f.name in HEAVY_FIELDS]
    return heavy


class ScopedListView(ScopedMixin, generic.ListView):
    model: type[Model]  # restated: ListView's own may be None, which a scoped list never has
    template_name = "core/object_list.html"
    paginate_by = 50
    table: type[Table] | None = None
    filterset_class: type[FilterSet] | None = None
    filterset: FilterSet | None
    select_related: tuple[str, ...] = ()
    #: The fields a page reads, when the table shows fewer than the whole rows (the related rows'
    #: as ``person__name``): a page of fifty rows reads only them. Every field a column, a
    #: property it shows or the row's name reads must be here, or each row would read its own
    #: again (the pages' query counts are tested).
    listed: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset().within(focus_code(self.request))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
            qs = qs.defer(*heavy_related_fields(self.model, self.select_related))
        if self.listed:
            qs = qs.only(*self.listed)
        self.filterset = (
            bound_numbers(self.filterset_class(self.request.GET, queryset=qs, request=self.request))
            if self.filterset_class
            else None
        )
        if self.filterset is None:
            return qs
        # A filter that cannot be read lists nobody (its error shows on the form), not everybody
        return qs.none() if self.filterset.form.errors else self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["columns"], ctx["table_rows"] = (
            self.table().presented(self.request.user, self.model, ctx["object_list"])
            if self.table
            else ((), [])
        )
        ctx["model_meta"] = self.model._meta
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        return ctx


class ScopedDetailView(ScopedMixin, generic.DetailView):
    pass


class ScopedActionView(ScopedMixin, generic.View):
    """A POST on one object: fetch it through ``restrict`` (404 outside), then act."""

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError) as exc:
            raise Http404 from exc


def answer_refusal(request, refusal: ValidationError | None, render):
    """The page ``render`` makes of a refused form, answered 409 when the refusal is a
    ``Conflict``.

    A conflict's message is also said above the page, which is made again with it: the record's
    new state may hide the form it was put on (a decided transition offers no decision form). A
    view that answers a refusal with a redirect says it itself, and keeps its redirect.
    """
    response = render()
    if not isinstance(refusal, Conflict) or response.status_code != 400:
        return response
    for message in refusal.messages:
        messages.error(request, message)
    response = render()
    response.status_code = 409
    return response


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok else fallback


class FormStepView(ScopedActionView):
    """A form POSTed from an object's detail page that runs one action on the object.

    Valid and accepted: back to the page with ``success_message``. An action's ValidationError
    lands on the form's fields and the page is shown again with status 400 (``render_invalid``),
    409 for a ``Conflict``; PermissionDenied is a 404, except the ``refusals`` an app wants said as
    a message instead.
    """

    form_name = ""
    success_message: str | Promise = gettext_lazy("Saved.")
    refusals: tuple[type[Exception], ...] = ()

    def make_form(self, data, files):
        """The step's form, bound to ``data`` (each step view defines it)."""
        raise TypeError(f"{type(self).__name__} must define make_form")

    def perform(self, obj, form) -> None:
        """Run the step's action (each step view defines it)."""
        raise TypeError(f"{type(self).__name__} must define perform")

    def render_invalid(self, obj, form):
        """The detail page again, with ``form`` under ``form_name`` and status 400."""
        raise TypeError(f"{type(self).__name__} must define render_invalid")

    def page_of(self, obj):
        """The object whose detail page the step came from (the object itself by default)."""
        return obj

    def post(self, request, pk):
        obj = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        refusal: ValidationError | None = None
        if form.is_valid():
            try:
                self.perform(obj, form)
            except self.refusals as exc:
                messages.error(request, exc.args[0] if exc.args else _("Not allowed."))
                return redirect(self.page_of(obj))
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_action_errors(form, exc)
                refusal = exc
            else:
                messages.success(request, self.success_message)
                return redirect(self.page_of(obj))
        return answer_refusal(request, refusal, lambda: self.render_invalid(obj, form))


class ActionFormView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """A page with one form whose valid data go to one action (``act``).

    The form is given the user and the focus jurisdiction's code (``scoped_form``), so it offers
    only choices inside the user's area. ``act`` receives ``action_data(form)``: the cleaned data,
    unless the form knows better what its action takes (an edit passes only the changed fields).
    The action's ValidationError lands on the form's fields and the page answers 400 (409 for a
    ``Conflict``) — with the edited ``instance``, if any, read back, since an action may set the
    refused values on it before checking them; PermissionDenied — the action met something
    outside the user's area — is a 404; success says ``success_message`` and goes to the object
    ``act`` returns.
    """

    title: str | Promise = ""  # pages name themselves with gettext_lazy at class level
    button: str | Promise = ""
    cancel_url_name = ""
    success_message: str | Promise = gettext_lazy("Saved.")
    scoped_form = True
    instance: Model | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.scoped_form:
            kwargs.update(user=self.request.user, focus=focus_code(self.request))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, button=self.button)
        if self.cancel_url_name:
            context["cancel_url"] = reverse(self.cancel_url_name)
        return context

    def action_data(self, form) -> dict:
        """What ``act`` receives from a valid form."""
        return form.cleaned_data

    def act(self, data: dict):
        """Run the action with ``action_data``; return the object to show next."""
        raise TypeError(f"{type(self).__name__} must define act")

    def success_text(self, obj) -> str:
        return str(self.success_message)

    def form_valid(self, form):
        try:
            obj = self.act(self.action_data(form))
        except ValidationError as exc:
            if self.instance is not None:
                self.instance.refresh_from_db()  # the page shows what is stored, not the attempt
            add_action_errors(form, exc)
            return answer_refusal(self.request, exc, lambda: self.form_invalid(form))
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(self.request, self.success_text(obj))
        return redirect(obj)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
